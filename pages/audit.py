"""Audit log: who did what and when, with a check that no entry was altered (admins and leads)."""

import streamlit as st

from workbench.i18n import gettext as _
from workbench.services.projects import audit_log
from workbench.ui import session
from workbench.ui.unlock import require_workspace

ws = require_workspace()
st.title(_("Audit log"))
st.caption(
    _(
        "Every login, transcript view, coding, codebook change, export, key operation and shred, newest first. "
        "Entries are chained with an HMAC, so an edited, deleted or reordered entry is detected. No transcript text."
    )
)
with session.shown_errors():
    actor = st.text_input(_("Only this user"), help=_("Leave empty for everyone."))
    report = audit_log(ws, actor=actor.strip() or None)
    if report.first_broken is None:
        st.success(_("The audit chain is intact."))
    else:
        st.error(
            _("The audit chain is broken at entry {entry}: an entry was edited, deleted or reordered.").format(
                entry=report.first_broken
            )
        )
    st.dataframe(
        [
            {"#": e.seq, _("Time (UTC)"): e.at.strftime("%Y-%m-%d %H:%M:%S"), _("User"): e.actor, _("Action"): e.action,
             _("Object"): f"{e.object_type} {e.object_id[:8]}".strip()}
            for e in report.entries
        ],
        hide_index=True,
    )  # fmt: skip
