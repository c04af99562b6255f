"""Import: drop transcript files, check the detected turns and speakers, then save them.

Uploads stay in this session's memory and are parsed from bytes; nothing is
written to disk. The uploader gets a fresh key after an import, so a rerun
cannot store the same files twice.
"""

from dataclasses import replace
from pathlib import PurePath

import streamlit as st

from workbench.domain.models import SUPPORTED_LANGUAGES
from workbench.domain.permissions import Action, allowed
from workbench.i18n import N_, ngettext
from workbench.i18n import gettext as _
from workbench.importers import SUPPORTED_SUFFIXES
from workbench.nlp import language
from workbench.services.imports import (
    Imported,
    ImportReport,
    ImportSource,
    Preview,
    Skipped,
    import_files,
    preview_files,
)
from workbench.services.participants import participant_codes, save_participants
from workbench.ui import interview_url, session
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import counted, role_name, speaker_role_name

_ROUND, _REPORT = "import_round", "import_report"
_NEW = N_("(new participant…)")  # the choice itself; shown through _()
_PREVIEW_TURNS = 30

ws = require_workspace()
st.title(_("Import"))
st.caption(
    _(
        "Drop transcripts ({formats}). Each file is read and its speaker turns shown before anything is saved; "
        "a file that cannot be read is skipped with the reason, and nothing of it is stored."
    ).format(formats=" ".join(SUPPORTED_SUFFIXES))
)


def _show_report(report: ImportReport) -> None:
    if report.imported:
        n = len(report.imported)
        st.success(counted(n, ngettext("Imported {n} file.", "Imported {n} files.", n)))
        st.dataframe(
            [{_("File"): i.name, _("Interview"): i.interview_id[:8], _("Format"): i.source_format, _("Words"): i.words}
             for i in report.imported],
            hide_index=True,
        )  # fmt: skip
        if allowed(ws.user, Action.CODE):
            for i in report.imported:
                label = _("Open {file} on the Code page").format(file=md(i.name))
                st.page_link("pages/code.py", label=label, icon=":material/sell:",
                              query_params={interview_url.PARAM: i.interview_id[:8]})  # fmt: skip
    for skipped in report.skipped:
        st.error(skipped.reason)


def _detected(previews: list[Preview]) -> str | None:
    """The language the files are written in, if the detector knows it and the workbench supports it.

    A Hungarian transcript imported as English gets English sentence splitting and stop words,
    so the language is read from the text itself rather than left at the project's default.
    """
    found = language.shares([p.text[:20_000] for p in previews])
    code = language.dominant(found)
    return code if code in SUPPORTED_LANGUAGES else None


def _participant() -> str | None:
    """The participant chosen, or a new code typed in (created when the files are imported)."""
    known = participant_codes(ws)
    choice = st.selectbox(_("Participant"), [None, *known, _NEW], key="import_participant",
                          format_func=lambda c: _(c) if c == _NEW else c or _("(none)"))  # fmt: skip
    if choice != _NEW:
        return choice
    code = st.text_input(_("New participant code"), key="import_new_participant", placeholder=_("e.g. P07")).strip()
    return code or None


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return ""
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def _show_preview(preview: Preview) -> None:
    label = f"{md(preview.name)} · {preview.source_format}"
    if preview.encoding:
        label += f" ({preview.encoding})"
    words = counted(preview.words, ngettext("{n} word", "{n} words", preview.words))
    turns = counted(len(preview.turns), ngettext("{n} turn", "{n} turns", len(preview.turns)))
    with st.expander(f"{label} · {words} · {turns}"):
        st.dataframe(
            [{_("Speaker"): speaker or _("(no label)"), _("Role"): speaker_role_name(role), _("Turns"): count}
             for speaker, (role, count) in preview.speakers.items()],
            hide_index=True,
        )  # fmt: skip
        st.dataframe(
            [{_("Time"): _clock(t.time_s), _("Speaker"): t.speaker, _("Role"): speaker_role_name(t.role),
              _("Text"): preview.text[t.start : t.end][:300]}
             for t in preview.turns[:_PREVIEW_TURNS]],
            hide_index=True,
        )  # fmt: skip
        if len(preview.turns) > _PREVIEW_TURNS:
            st.caption(_("First {shown} of {total} turns.").format(shown=_PREVIEW_TURNS, total=len(preview.turns)))


with session.shown_errors():
    if _REPORT in st.session_state:
        _show_report(st.session_state.pop(_REPORT))
    if not allowed(ws.user, Action.IMPORT):
        st.info(_("Your role ({role}) may not import transcripts.").format(role=role_name(ws.user.role)))
        st.stop()
    uploads = st.file_uploader(
        _("Transcript files"),
        type=[suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES],
        accept_multiple_files=True,
        key=f"import_files_{st.session_state.get(_ROUND, 0)}",
    )
    if not uploads:
        st.info(_("No files chosen yet."))
        st.stop()
    round_ = st.session_state.get(_ROUND, 0)
    sources = [ImportSource.from_bytes(upload.name, upload.getvalue()) for upload in uploads]
    first = preview_files(ws, sources, language=ws.project.language)
    detected = _detected([r for r in first if isinstance(r, Preview)])
    chosen = detected or ws.project.language
    language_col, participant_col, wave_col = st.columns(3)
    # Keyed by the detected language: new files with another language get a fresh default.
    lang = language_col.selectbox(_("Language"), SUPPORTED_LANGUAGES, index=SUPPORTED_LANGUAGES.index(chosen),
                                  key=f"import_language_{round_}_{chosen}",
                                  help=_("Detected from the text") if detected else _("The project's language"),
                                  )  # fmt: skip
    with participant_col:
        participant = _participant()
    wave = wave_col.number_input(_("Wave"), min_value=1, value=None, step=1, placeholder=_("(none)"))
    results = first if lang == ws.project.language else preview_files(ws, sources, language=lang)
    readable: list[ImportSource] = []
    for n, (source, result) in enumerate(zip(sources, results, strict=True)):
        if isinstance(result, Preview):
            title = st.text_input(_("Title of {file}").format(file=md(source.name)), value=PurePath(source.name).stem,
                                  key=f"import_title_{round_}_{n}", max_chars=200)  # fmt: skip
            _show_preview(result)
            readable.append(replace(source, title=title))
        else:
            st.error(result.reason)
    n = len(readable)
    if st.button(counted(n, ngettext("Import {n} file", "Import {n} files", n)), type="primary", disabled=not readable):
        bar = st.progress(0.0, text=_("Importing..."))

        def _advance(done: int, total: int, outcome: Imported | Skipped) -> None:
            bar.progress(
                done / total, text=_("{done} of {total}: {file}").format(done=done, total=total, file=outcome.name)
            )

        if participant and participant not in participant_codes(ws):
            save_participants(ws, [{"code": participant}])
        report = import_files(ws, readable, language=lang, participant_code=participant,
                              wave=None if wave is None else int(wave), on_progress=_advance)  # fmt: skip
        st.session_state[_REPORT] = report
        st.session_state[_ROUND] = round_ + 1
        st.rerun()
