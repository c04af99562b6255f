"""Codebook: browse the code tree, edit codes (leads and admins), see the history, exchange files.

Every edit is one service call that records a codebook version; the History tab
restores any earlier version. Downloads are prepared on request (each export is
audited), never on every rerun.
"""

import uuid
from dataclasses import replace

import streamlit as st

from workbench.domain.models import Code, Role
from workbench.domain.permissions import Action, allowed
from workbench.errors import ConfirmationRequiredError
from workbench.i18n import format_datetime, ngettext
from workbench.i18n import gettext as _
from workbench.paths import CODEBOOKS_DIR
from workbench.services.codebook.edits import create_code, delete_code, merge_codes, move_code, split_code, update_code
from workbench.services.codebook.names import shown_name
from workbench.services.codebook.queries import CodebookEntry, codebook_overview, codings_of_code
from workbench.services.codebook.sync import compare_with_shared, export_codebook, import_codebook_file
from workbench.services.codebook.versions import codebook_history, restore_version, version_changes
from workbench.services.refi_export import export_qdpx_bytes
from workbench.services.refi_import import import_qdpx
from workbench.services.retrieval import code_frequencies
from workbench.services.visibility import coders_visible_to
from workbench.ui import session
from workbench.ui.proposals_panel import proposals_panel
from workbench.ui.render import safe_color
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import counted

_TOP = "(top level)"
_DOWNLOAD = "codebook_download"

ws = require_workspace()
st.title(_("Codebook"))
st.caption(
    _(
        "Codes with their definitions and inclusion / exclusion criteria and how often each is used; grouping nodes "
        "are not codable. Every change is kept in the history and can be undone there."
    )
)
editor = allowed(ws.user, Action.EDIT_CODEBOOK)


def _label(entry: CodebookEntry) -> str:
    # Em spaces: leading plain spaces would turn the label into a code block.
    indent = "\u2003" * entry.depth + ("↳ " if entry.depth else "")
    codings = counted(entry.count, ngettext("{n} coding", "{n} codings", entry.count))
    return f"{indent}{md(shown_name(entry.code))} · {codings}" + ("" if entry.code.codable else " " + _("(group)"))


def _visible_counts(entries: list[CodebookEntry]) -> list[CodebookEntry]:
    """For a researcher coding blind: counts of her own codings only.

    ``codebook_overview`` counts every coder's work; under blind coding another coder's count
    of a code is exactly what the researcher must not learn before the comparison opens.
    Writers do not code, so the project totals tell them nothing about anyone's judgement.
    """
    if ws.user.role is not Role.RESEARCHER or coders_visible_to(ws) is None:
        return entries
    own = {f.code_id: f.codings for f in code_frequencies(ws)}  # filtered by coders_visible_to
    return [replace(e, count=own.get(e.code.id, 0)) for e in entries]


def _browse(entries: list[CodebookEntry]) -> None:
    if not entries:
        st.info(_("The project has no codes yet. Import a shared codebook in the Exchange tab."))
    for entry in entries:
        code = entry.code
        with st.expander(_label(entry)):
            shown = safe_color(code.color) if code.color else _("no colour")
            st.markdown(f"<span style='background:{safe_color(code.color)};padding:0 1em'>&nbsp;</span> `{shown}`",
                        unsafe_allow_html=True)  # fmt: skip
            st.markdown("**" + _("Definition.") + "** " + md(code.definition or "-"))
            st.markdown("**" + _("Use when.") + "** " + md(code.inclusion or "-"))
            st.markdown("**" + _("Do not use when.") + "** " + md(code.exclusion or "-"))
            for example in code.examples:
                st.caption(f"“{md(example)}”")


def _edit(entries: list[CodebookEntry]) -> None:
    codes = {e.code.id: e for e in entries}
    st.subheader(_("Edit a code"))
    chosen = st.selectbox(_("Code"), list(codes), format_func=lambda i: _label(codes[i]).strip(), key="edit_code")
    if chosen is None:
        return
    entry = codes[chosen]
    code = entry.code
    with st.form(f"edit_{chosen}"):
        name = st.text_input(_("Name"), code.name)
        color = st.color_picker(_("Colour"), safe_color(code.color))
        codable = st.checkbox(_("Codable (untick for a grouping node)"), code.codable)
        definition = st.text_area(_("Definition"), code.definition)
        inclusion = st.text_area(_("Use when (inclusion criteria)"), code.inclusion)
        exclusion = st.text_area(_("Do not use when (exclusion criteria)"), code.exclusion)
        examples = st.text_area(_("Example quotes, one per line"), "\n".join(code.examples))
        if st.form_submit_button(_("Save code"), type="primary"):
            untouched = code.color is None and color.upper() == safe_color(None)  # still no colour
            update_code(ws, replace(code, name=name, color=None if untouched else color, codable=codable,
                                    definition=definition,
                                    inclusion=inclusion, exclusion=exclusion,
                                    examples=tuple(examples.splitlines())))  # fmt: skip
            st.success(_("Saved “{name}”.").format(name=md(name)))
            st.rerun()
    _structure(entry, codes)


def _structure(entry: CodebookEntry, codes: dict[str, CodebookEntry]) -> None:
    code = entry.code
    others = [i for i in codes if i != code.id]
    move_col, merge_col = st.columns(2)
    with move_col:
        parent = st.selectbox(_("Move under"), [_TOP, *others], key="move_parent",
                              format_func=lambda i: _("(top level)") if i == _TOP else codes[i].code.name)  # fmt: skip
        if st.button(_("Move"), key="move_button"):
            move_code(ws, code.id, None if parent == _TOP else parent)
            st.rerun()
    with merge_col:
        # No code is chosen until the lead picks one: a pre-filled target is one click from a wrong merge.
        target = st.selectbox(_("Merge into"), others, index=None, key="merge_target", placeholder=_("Choose a code"),
                              format_func=lambda i: codes[i].code.name)  # fmt: skip
        if st.button(_("Merge"), key="merge_button", help=_("Codings move to the chosen code; this code is deleted.")) \
                and target:  # fmt: skip
            result = merge_codes(ws, code.id, target)
            message = _("Merged: {moved} codings moved, {collapsed} duplicates collapsed.").format(
                moved=result.moved, collapsed=result.collapsed
            )
            if result.events:
                message += " " + ngettext("{count} life event moved to the surviving type.",
                                          "{count} life events moved to the surviving type.",
                                          result.events).format(count=result.events)  # fmt: skip
            st.session_state["codebook_message"] = message
            st.rerun()
    confirm = (
        st.checkbox(_("Also archive its {n} coding(s)").format(n=entry.count), key="delete_confirm")
        if entry.count
        else False
    )
    if st.button(_("Delete code"), key="delete_button"):
        try:
            result = delete_code(ws, code.id, confirm=confirm)
        except ConfirmationRequiredError as exc:
            st.warning(str(exc))
        else:
            st.session_state["codebook_message"] = _(
                "Deleted “{name}” ({archived} codings archived); restore version {version} to undo."
            ).format(name=md(code.name), archived=result.archived, version=result.version - 1)
            st.rerun()
    _new_and_split(code, entry)


def _new_and_split(code: Code, entry: CodebookEntry) -> None:
    with st.expander(_("Add a code, or split codings off this one")):
        name = st.text_input(_("New code name"), key="new_code_name")
        under = st.checkbox(_("Put it under “{name}”").format(name=code.name), key="new_code_under")
        if st.button(_("Add code"), key="add_button") and name.strip():
            create_code(ws, Code(str(uuid.uuid4()), name, parent_id=code.id if under else code.parent_id))
            st.rerun()
        if entry.count and st.toggle(_("Split: choose codings to move to the new code"), key="split_toggle"):
            lines = {line.id: line for line in codings_of_code(ws, code.id)}
            chosen = st.multiselect(_("Codings"), list(lines), key="split_codings",
                                    format_func=lambda i: f"{lines[i].interview} · {lines[i].coder}: "
                                                          f"“{lines[i].quote[:80]}”")  # fmt: skip
            if st.button(_("Split"), key="split_button") and name.strip() and chosen:
                split_code(ws, code.id, Code(str(uuid.uuid4()), name, color=code.color), chosen)
                st.rerun()


def _history() -> None:
    versions = codebook_history(ws)
    st.dataframe([{_("Version"): v.version, _("When (UTC)"): format_datetime(v.created_at), _("Who"): v.author,
                   _("What changed"): v.summary, _("Codes"): v.codes} for v in versions], hide_index=True)  # fmt: skip
    if not versions:
        return
    number = st.selectbox(_("Show version"), [v.version for v in versions], key="history_version")
    for line in version_changes(ws, number) or [_("(no change to the codes)")]:
        st.text(line)
    if (
        editor
        and number != versions[0].version
        and st.button(_("Restore version {n}").format(n=number), key="restore_button")
    ):
        result = restore_version(ws, number)
        st.session_state["codebook_message"] = _("Restored version {old} as version {new}: {codings} codings "
                                                 "back.").format(old=number, new=result.version,
                                                                 codings=result.restored_codings)  # fmt: skip
        st.rerun()


def _exchange() -> None:
    shared = sorted(CODEBOOKS_DIR.glob("*.yaml"))
    if shared:
        path = st.selectbox(_("Shared codebook"), shared, format_func=lambda p: p.name, key="shared_file")
        comparison = compare_with_shared(ws, path)
        if comparison.lines:
            st.write(
                _("Compared with **{file}** (version {version}), the project has:").format(
                    file=path.name, version=comparison.file_version
                )
            )
            st.code("\n".join(comparison.lines), language=None)
            st.caption(
                _("Push these changes back as a new version with `{command}`.").format(
                    command=f"workbench codebook push DIR {path.name}"
                )
            )
        else:
            st.success(_("The project's codebook matches {file}.").format(file=path.name))
        if editor and st.button(_("Pull {file} into the project").format(file=path.name), key="pull_button"):
            result = import_codebook_file(ws, path.name, path.read_bytes())
            st.session_state["codebook_message"] = _("{added} added, {updated} updated.").format(
                added=len(result.added), updated=len(result.updated)
            )
            st.rerun()
    _downloads()
    if editor:
        upload = st.file_uploader(_("Import a codebook (.yaml, .qdc) or a project (.qdpx)"),
                                  type=["yaml", "qdc", "qdpx"],
                                  key=f"exchange_upload_{st.session_state.get('exchange_round', 0)}")  # fmt: skip
        if upload is not None and st.button(_("Import {file}").format(file=upload.name), key="import_button"):
            if upload.name.lower().endswith(".qdpx"):
                report = import_qdpx(ws, upload.name, upload.getvalue())
                warnings, text = report.warnings, _("Imported {interviews} transcripts, {codings} codings, {codes} "
                                                    "codes. In the file: {summary}.").format(
                    interviews=report.interviews, codings=report.codings, codes=report.codes_added,
                    summary=report.summary())  # fmt: skip
            else:
                result = import_codebook_file(ws, upload.name, upload.getvalue())
                warnings, text = (
                    result.warnings,
                    _("{added} codes added, {updated} updated.").format(
                        added=len(result.added), updated=len(result.updated)
                    ),
                )
            st.session_state["codebook_message"] = text + "".join(f"\n\n⚠ {md(w)}" for w in warnings)
            st.session_state["exchange_round"] = st.session_state.get("exchange_round", 0) + 1
            st.rerun()


def _downloads() -> None:
    qdc_col, yaml_col, qdpx_col = st.columns(3)
    if qdc_col.button(_("Prepare codebook (.qdc)"), key="prepare_qdc"):
        st.session_state[_DOWNLOAD] = ("codebook.qdc", export_codebook(ws, "qdc"), "application/xml")
    if yaml_col.button(_("Prepare codebook (.yaml)"), key="prepare_yaml"):
        st.session_state[_DOWNLOAD] = ("codebook.yaml", export_codebook(ws, "yaml"), "application/yaml")
    may_export = allowed(ws.user, Action.EXPORT_PROJECT)
    if may_export and qdpx_col.button(
        _("Prepare project (.qdpx)"), key="prepare_qdpx", help=_("The file is not encrypted.")
    ):
        data, report = export_qdpx_bytes(ws)
        st.session_state[_DOWNLOAD] = ("project.qdpx", data, "application/zip")
        for warning in report.warnings:
            st.warning(md(warning))
    if _DOWNLOAD in st.session_state:
        name, data, mime = st.session_state[_DOWNLOAD]
        if st.download_button(
            _("Download {file}").format(file=name), data, file_name=name, mime=mime, key="download_button"
        ):
            st.session_state.pop(_DOWNLOAD, None)


with session.shown_errors():
    message = st.session_state.pop("codebook_message", None)
    if message:
        st.success(message)
    entries = _visible_counts(codebook_overview(ws))
    if ws.user.role is Role.RESEARCHER and coders_visible_to(ws) is not None:
        st.caption(_("Blind coding is on: the counts are of your own codings until a lead opens the comparison."))
    proposals_panel(ws, [e.code for e in entries])
    browse_tab, history_tab, exchange_tab = st.tabs([_("Codes"), _("History"), _("Exchange")])
    with browse_tab:
        _browse(entries)
        if editor and entries:
            _edit(entries)
    with history_tab:
        _history()
    with exchange_tab:
        _exchange()
