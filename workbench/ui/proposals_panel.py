"""The Codebook page's list of codes proposed by researchers, with accept / decline for leads."""

from __future__ import annotations

import streamlit as st

from workbench.domain.models import Code
from workbench.domain.permissions import Action, allowed
from workbench.errors import WorkbenchError
from workbench.i18n import gettext as _
from workbench.services.codebook.proposals import accept_proposal, decline_proposal, open_proposals
from workbench.services.workspace import Workspace
from workbench.ui import session
from workbench.ui.safe_text import md

MESSAGE = "codebook.proposal.message"


def proposals_panel(ws: Workspace, codes: list[Code]) -> None:
    """Open proposals: every coder sees what is waiting; leads and admins decide."""
    if not allowed(ws.user, Action.CODE):
        return
    message = st.session_state.pop(MESSAGE, None)
    if message:
        getattr(st, message[0])(message[1])
    waiting = open_proposals(ws)
    if not waiting:
        return
    names = {c.id: c.name for c in codes}
    decides = allowed(ws.user, Action.EDIT_CODEBOOK)
    st.subheader(_("Proposed codes"))
    if not decides:
        st.caption(_("Proposed by coders; a lead accepts them into the codebook or declines them."))
    for proposal in waiting:
        with st.container(border=True):
            under = names.get(proposal.parent_id or "", _("top level"))
            st.markdown(f"**{md(proposal.name)}** · {md(_('under'))} {md(under)} · {md(proposal.proposer)}")
            if proposal.definition:
                st.caption(md(proposal.definition))
            if decides:
                accept_col, decline_col = st.columns(2)
                accept_col.button(_("Accept into the codebook"), key=f"proposal.accept.{proposal.id}", type="primary",
                                  on_click=_decide, args=(proposal.id, True), width="stretch")  # fmt: skip
                decline_col.button(_("Decline"), key=f"proposal.decline.{proposal.id}",
                                   on_click=_decide, args=(proposal.id, False), width="stretch")  # fmt: skip


def _decide(proposal_id: str, accept: bool) -> None:
    """A button's callback: decide, and leave a message (an error's text never quotes interview text)."""
    ws = session.workspace()
    if ws is None:
        return
    try:
        if accept:
            code = accept_proposal(ws, proposal_id)
            text = _("Added the code “{name}” to the codebook.").format(name=md(code.name))
        else:
            decline_proposal(ws, proposal_id)
            text = _("The proposal was declined.")
        st.session_state[MESSAGE] = ("success", text)
    except WorkbenchError as exc:
        st.session_state[MESSAGE] = ("error", str(exc))
