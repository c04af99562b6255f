"""Reading the codebook: the code list and tree, finding a code by reference, a code's codings."""

from __future__ import annotations

from dataclasses import dataclass

from workbench.domain.codebook import (
    match_code,
)
from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.errors import NotFoundError
from workbench.i18n import gettext as _
from workbench.services.workspace import Workspace


def list_codes(ws: Workspace) -> list[Code]:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return repo.codebook.codes()


@dataclass(frozen=True)
class CodebookEntry:
    code: Code
    depth: int
    count: int


def codebook_overview(ws: Workspace) -> list[CodebookEntry]:
    """The code tree in display order, each code with its depth and number of codings."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        codes = repo.codebook.codes()
        counts = repo.codings.counts()[2]
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[CodebookEntry] = []

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            ordered.append(CodebookEntry(code, depth, counts.get(code.id, 0)))
            walk(code.id, depth + 1)

    walk(None, 0)
    return ordered


def resolve_code(ws: Workspace, ref: str) -> Code:
    """A live code by GUID, unique GUID prefix (4+ characters), key or exact name (any case)."""
    require(ws.user, Action.VIEW_STATUS)
    found = match_code(list_codes(ws), ref)
    if found is not None:
        return found
    raise NotFoundError(
        _("There is no code {ref!r} in this codebook; `workbench codebook list DIR` lists them.").format(ref=ref)
    )


@dataclass(frozen=True)
class CodingLine:
    """One coding of a code, for choosing which to split off."""

    id: str
    interview: str
    coder: str
    start: int
    end: int
    quote: str


def codings_of_code(ws: Workspace, code_id: str) -> list[CodingLine]:
    """The codings of one code with their quotes (decrypted; the reading is audited)."""
    require(ws.user, Action.EDIT_CODEBOOK)
    require(ws.user, Action.READ_TRANSCRIPTS)
    lines: list[CodingLine] = []
    with ws.write() as repo:
        repo.codebook.live_code(code_id)
        titles = {s.id: s for s in repo.interviews.summaries()}
        for interview_id in sorted({r.interview_id for r in repo.codings.refs([code_id])}):
            summary = titles[interview_id]
            codings = [] if summary.shredded_at else repo.codings.of_interview(interview_id)
            lines += [CodingLine(c.id, f"{summary.short_id} {summary.title}", c.coder, c.start, c.end, c.text)
                      for c in codings if c.code_id == code_id]  # fmt: skip
        ws.audit(repo, "codings listed", "code", code_id, count=len(lines))
    return lines
