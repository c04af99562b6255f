"""Participants: pseudonymous codes with their (decrypted) attributes, editable in place.

The add and import actions run above the table, so the table drawn in the same
run already shows their result; its pending edits are dropped when the rows
change, because they are keyed by row position.
"""

import streamlit as st

from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.permissions import Action, allowed
from workbench.i18n import gettext as _
from workbench.i18n import ngettext
from workbench.services.participants import (
    ParticipantChanges,
    attribute_definitions,
    import_participants,
    list_participants,
    save_participants,
)
from workbench.ui import session
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import attribute_heading, counted

_EDITOR = "participants_editor"

ws = require_workspace()
st.title(_("Participants"))
st.caption(
    _(
        "Each participant has a pseudonymous code and typed attributes, stored encrypted. Edit cells and save: "
        "all changes are stored together, or none if a value does not fit its attribute."
    )
)


# Column widths in pixels, so that a code, the interview count and six attributes fit the table's
# width in a 1400-pixel window (issue 20: the last column was cut off). A long value is shortened
# in its cell (its whole text shows when the cell is opened), which hides less than a column
# nobody knows is there; a table still wider than the page (more attributes, a narrower window)
# scrolls sideways with the participant's code pinned at its left.
_NARROW, _TEXT = 70, 160


def _column(definition: AttributeDef) -> object:
    heading = attribute_heading(definition.name)
    if definition.type is AttributeType.INTEGER:
        return st.column_config.NumberColumn(heading, step=1, format="%d", width=_NARROW)
    if definition.type is AttributeType.DATE:
        return st.column_config.DateColumn(heading, format="YYYY-MM-DD", width=_TEXT // 2 + _NARROW // 2)
    if definition.type is AttributeType.CATEGORY:
        return st.column_config.SelectboxColumn(heading, options=list(definition.categories), width=_TEXT)
    return st.column_config.TextColumn(heading, width=_TEXT)


def _changed(result: ParticipantChanges, verb: str) -> None:
    added, updated = len(result.added), len(result.updated)
    parts = [counted(added, ngettext("{n} participant added", "{n} participants added", added))] if added else []
    parts += (
        [counted(updated, ngettext("{n} participant updated", "{n} participants updated", updated))] if updated else []
    )
    parts += (
        [_("new attributes: {names}").format(names=", ".join(attribute_heading(d.name) for d in result.defined))]
        if result.defined
        else []
    )
    st.success(f"{verb}: {'; '.join(parts)}." if parts else _("Nothing changed."))
    if result.added or result.defined:
        st.session_state.pop(_EDITOR, None)


with session.shown_errors():
    editable = allowed(ws.user, Action.IMPORT)
    if editable:
        with st.expander(_("Add participants")):
            code = st.text_input(_("New participant code"), key="new_participant_code", placeholder=_("e.g. P07"))
            if st.button(_("Add participant")) and code:
                _changed(save_participants(ws, [{"code": code}]), _("Added"))
            sheet = st.file_uploader(
                _(
                    "Or import a CSV or XLSX sheet: a 'code' column, then one column per attribute "
                    "(an existing code is updated)"
                ),
                type=["csv", "xlsx"],
                key="participants_file",
            )
            if sheet is not None and st.button(_("Import attributes")):
                _changed(import_participants(ws, sheet.name, sheet.getvalue()), sheet.name)
    participants = list_participants(ws)
    definitions = attribute_definitions(ws)
    if not participants:
        st.info(_("No participants yet."))
        st.stop()
    rows = [{"code": p.code, "interviews": p.interview_count, **{d.name: p.attributes.get(d.name) for d in definitions}}
            for p in participants]  # fmt: skip
    columns = {
        "code": st.column_config.TextColumn(_("Code"), width=_NARROW - 10, pinned=True),
        "interviews": st.column_config.NumberColumn(_("Interviews"), width=_NARROW + 20),
    }
    edited = st.data_editor(
        rows,
        column_config={**columns, **{d.name: _column(d) for d in definitions}},
        disabled=["code", "interviews"] if editable else True,
        hide_index=True,
        width="stretch",  # the full width, so the last column is not cut off
        key=_EDITOR,
    )
    if editable and st.button(_("Save changes"), type="primary"):
        _changed(save_participants(ws, edited), _("Saved"))
