"""Import: drop transcript files, check the detected turns and speakers, then save them.

Uploads stay in this session's memory and are parsed from bytes; nothing is
written to disk. The uploader gets a fresh key after an import, so a rerun
cannot store the same files twice.
"""

import streamlit as st

from workbench.domain.models import SUPPORTED_LANGUAGES
from workbench.domain.permissions import Action, allowed
from workbench.importers import SUPPORTED_SUFFIXES
from workbench.services.imports import (
    Imported,
    ImportReport,
    ImportSource,
    Preview,
    Skipped,
    import_files,
    preview_files,
)
from workbench.services.participants import participant_codes
from workbench.ui import session
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace

_ROUND, _REPORT = "import_round", "import_report"
_PREVIEW_TURNS = 30

ws = require_workspace()
st.title("Import")
st.caption(
    "Drop transcripts (" + " ".join(SUPPORTED_SUFFIXES) + "). Each file is read and its speaker turns "
    "shown before anything is saved; a file that cannot be read is skipped with the reason, and nothing of it "
    "is stored."
)


def _show_report(report: ImportReport) -> None:
    if report.imported:
        st.success(f"Imported {len(report.imported)} file(s).")
        st.dataframe(
            [{"File": i.name, "Interview": i.interview_id[:8], "Format": i.source_format, "Words": i.words}
             for i in report.imported],
            hide_index=True,
        )  # fmt: skip
    for skipped in report.skipped:
        st.error(skipped.reason)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _show_preview(preview: Preview) -> None:
    label = f"{md(preview.name)} · {preview.source_format}"
    if preview.encoding:
        label += f" ({preview.encoding})"
    with st.expander(f"{label} · {preview.words:,} words · {len(preview.turns)} turns"):
        st.dataframe(
            [{"Speaker": speaker or "(no label)", "Role": role.value, "Turns": count}
             for speaker, (role, count) in preview.speakers.items()],
            hide_index=True,
        )  # fmt: skip
        st.dataframe(
            [{"Time": _clock(t.time_s), "Speaker": t.speaker, "Role": t.role.value,
              "Text": preview.text[t.start : t.end][:300]}
             for t in preview.turns[:_PREVIEW_TURNS]],
            hide_index=True,
        )  # fmt: skip
        if len(preview.turns) > _PREVIEW_TURNS:
            st.caption(f"First {_PREVIEW_TURNS} of {len(preview.turns)} turns.")


with session.shown_errors():
    if _REPORT in st.session_state:
        _show_report(st.session_state.pop(_REPORT))
    if not allowed(ws.user, Action.IMPORT):
        st.info(f"Your role ({ws.user.role.value}) may not import transcripts.")
        st.stop()
    uploads = st.file_uploader(
        "Transcript files",
        type=[suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key=f"import_files_{st.session_state.get(_ROUND, 0)}",
    )
    language_col, participant_col, wave_col = st.columns(3)
    language = language_col.selectbox(
        "Language", SUPPORTED_LANGUAGES, index=SUPPORTED_LANGUAGES.index(ws.project.language)
    )
    participant = participant_col.selectbox(
        "Participant", [None, *participant_codes(ws)], format_func=lambda code: code or "(none)"
    )
    wave = wave_col.number_input("Wave", min_value=1, value=None, step=1, placeholder="(none)")
    if not uploads:
        st.info("No files chosen yet.")
        st.stop()
    sources = [ImportSource.from_bytes(upload.name, upload.getvalue()) for upload in uploads]
    readable: list[ImportSource] = []
    for source, result in zip(sources, preview_files(ws, sources, language=language), strict=True):
        if isinstance(result, Preview):
            _show_preview(result)
            readable.append(source)
        else:
            st.error(result.reason)
    if st.button(f"Import {len(readable)} file(s)", type="primary", disabled=not readable):
        bar = st.progress(0.0, text="Importing...")

        def _advance(done: int, total: int, outcome: Imported | Skipped) -> None:
            bar.progress(done / total, text=f"{done} of {total}: {outcome.name}")

        report = import_files(ws, readable, language=language, participant_code=participant,
                              wave=None if wave is None else int(wave), on_progress=_advance)  # fmt: skip
        st.session_state[_REPORT] = report
        st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
        st.rerun()
