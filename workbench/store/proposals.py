"""Code proposals: a researcher's suggested new code, waiting for a lead's decision (issue 20).

Stored like codes (a name and a definition are codebook material, not participant data);
the users who proposed and decided are ids the audit log also records.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from workbench.domain.records import CodeProposal
from workbench.errors import NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import new_id, utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo


class ProposalRepo:
    """Reads and writes of ``code_proposal`` inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    def add(self, name: str, definition: str, parent_id: str | None, user_id: str) -> str:
        proposal_id = new_id()
        self.conn.execute(
            insert(s.code_proposal).values(
                id=proposal_id, name=name, definition=definition, parent_id=parent_id, proposed_by=user_id,
                proposed_at=utcnow(), status="open",
            )
        )  # fmt: skip
        return proposal_id

    def all(self, *, status: str | None = None) -> list[CodeProposal]:
        t, user = s.code_proposal, s.app_user
        query = (
            select(t, user.c.name.label("proposer"))
            .join(user, user.c.id == t.c.proposed_by)
            .order_by(t.c.proposed_at, t.c.id)
        )
        if status is not None:
            query = query.where(t.c.status == status)
        return [
            CodeProposal(
                id=r.id, name=r.name, definition=r.definition, parent_id=r.parent_id, proposer=r.proposer,
                proposer_id=r.proposed_by, proposed_at=as_utc(r.proposed_at), status=r.status, code_id=r.code_id,
            )
            for r in self.conn.execute(query)
        ]  # fmt: skip

    def get(self, proposal_id: str) -> CodeProposal:
        found = next((p for p in self.all() if p.id == proposal_id), None)
        if found is None:
            raise NotFoundError(_("No such code proposal; it may have been decided already. Reload the page."))
        return found

    def decide(self, proposal_id: str, status: str, user_id: str, code_id: str | None = None) -> None:
        self.conn.execute(
            update(s.code_proposal)
            .where(s.code_proposal.c.id == proposal_id)
            .values(status=status, decided_by=user_id, decided_at=utcnow(), code_id=code_id)
        )
