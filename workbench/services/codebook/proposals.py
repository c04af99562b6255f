"""Proposing a new code while coding, and a lead's decision on it (issue 20).

Researchers may not edit the codebook (one shared codebook keeps the coders comparable), but
they meet the passage that needs a new code. A proposal records the name, a definition and
where it would go; a lead or admin accepts it (the code is created in the same transaction,
as a new codebook version) or declines it. Every step is audited.
"""

from __future__ import annotations

import uuid

from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.domain.records import CodeProposal
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.services.codebook.edits import add_code_in, clean_code
from workbench.services.codebook.file_format import MAX_NAME
from workbench.services.workspace import Workspace

MAX_DEFINITION = 2000
MAX_OPEN_PER_USER = 50


def propose_code(ws: Workspace, name: str, definition: str = "", parent_id: str | None = None) -> str:
    """Record a proposed code for a lead to decide on; returns the proposal's id."""
    require(ws.user, Action.CODE)
    name, definition = " ".join(name.split()), definition.strip()
    if not name:
        raise InvalidInputError(_("Give the proposed code a name."))
    if len(name) > MAX_NAME or len(definition) > MAX_DEFINITION:
        raise InvalidInputError(
            _("Keep the name under {MAX_NAME} and the definition under {MAX_DEFINITION} characters.").format(
                MAX_NAME=MAX_NAME, MAX_DEFINITION=MAX_DEFINITION
            )
        )
    with ws.write() as repo:
        codes = repo.codebook.codes()
        if any(c.name.casefold() == name.casefold() for c in codes):
            raise InvalidInputError(_("The codebook already has a code of that name; apply that one instead."))
        if parent_id is not None and parent_id not in {c.id for c in codes}:
            raise InvalidInputError(_("The chosen parent is not in the codebook any more; choose another."))
        mine = [p for p in repo.proposals.all(status="open") if p.proposer_id == ws.user.id]
        if len(mine) >= MAX_OPEN_PER_USER:
            raise InvalidInputError(_("You have many proposals waiting; ask a lead to decide on them first."))
        if any(p.name.casefold() == name.casefold() for p in repo.proposals.all(status="open")):
            raise InvalidInputError(_("A code of that name has been proposed already and is waiting for a lead."))
        proposal_id = repo.proposals.add(name, definition, parent_id, ws.user.id)
        ws.audit(repo, "code proposed", "code proposal", proposal_id)
    return proposal_id


def open_proposals(ws: Workspace) -> list[CodeProposal]:
    """The proposals waiting for a decision, oldest first (every coder may see what is pending)."""
    require(ws.user, Action.CODE)
    with ws.read() as repo:
        return repo.proposals.all(status="open")


def accept_proposal(ws: Workspace, proposal_id: str) -> Code:
    """Create the proposed code (a new codebook version) and mark the proposal accepted, at once."""
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        proposal = _open(repo.proposals.get(proposal_id))
        parent = proposal.parent_id if proposal.parent_id in {c.id for c in repo.codebook.codes()} else None
        code = clean_code(Code(str(uuid.uuid4()), proposal.name, parent_id=parent, definition=proposal.definition))
        add_code_in(ws, repo, code)
        repo.proposals.decide(proposal_id, "accepted", ws.user.id, code.id)
        ws.audit(repo, "code proposal accepted", "code proposal", proposal_id, code=code.id)
    return code


def decline_proposal(ws: Workspace, proposal_id: str) -> None:
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        _open(repo.proposals.get(proposal_id))
        repo.proposals.decide(proposal_id, "declined", ws.user.id)
        ws.audit(repo, "code proposal declined", "code proposal", proposal_id)


def _open(proposal: CodeProposal) -> CodeProposal:
    if proposal.status != "open":
        raise InvalidInputError(_("That proposal was {status} already.").format(status=proposal.status))
    return proposal
