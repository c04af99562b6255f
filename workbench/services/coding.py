"""Applying codes to spans of a transcript."""

from __future__ import annotations

from workbench.domain.models import Coding
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError
from workbench.services.workspace import Workspace


def add_coding(
    ws: Workspace, interview_ref: str, code_id: str, start: int, end: int, *, memo: str | None = None
) -> Coding:
    """Code ``[start, end)`` (code points) of an interview for the acting user."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        interview_id = repo.resolve_interview(interview_ref)
        code = next((c for c in repo.codes() if c.id == code_id), None)
        if code is None:
            raise NotFoundError(f"There is no code with the id {code_id}.")
        if not code.codable:
            raise InvalidInputError(f"{code.name!r} is a grouping node; apply one of its sub-codes.")
        coding = repo.add_coding(repo.transcript(interview_id), code_id, ws.user.id, start, end, memo=memo)
        ws.audit(repo, "coding added", "coding", coding.id, interview=interview_id, code=code_id)
    return coding
