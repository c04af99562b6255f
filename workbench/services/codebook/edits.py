"""Editing the project's codebook: create, update, move, merge, split and delete codes.

Each edit is one version (``versions.CodebookChange``). Codings are never silently lost: a
deleted code's codings are archived (still encrypted) and come back when the version before the
deletion is restored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from workbench.domain.codebook import (
    check_move,
    descendants,
    snapshot,
    tree_order,
)
from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.domain.records import CodingRecord
from workbench.errors import ConfirmationRequiredError, InvalidInputError, ShreddedError
from workbench.i18n import N_
from workbench.i18n import gettext as _
from workbench.refi.codes import color_of
from workbench.services.codebook.event_types import (
    refuse_lost_types,
    refuse_used,
    retype_events,
    type_ids,
)
from workbench.services.codebook.file_format import GUID_PATTERN, MAX_NAME
from workbench.services.codebook.versions import CodebookChange, commit_change, occasion, reorder_codes
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo


def clean_code(code: Code) -> Code:
    name = unicodedata.normalize("NFC", code.name.strip())
    if not name:
        raise InvalidInputError(_("A code needs a name."))
    if len(name) > MAX_NAME:
        raise InvalidInputError(_("A code name may have at most {MAX_NAME} characters.").format(MAX_NAME=MAX_NAME))
    color = color_of(code.color) if code.color is not None else None
    if color is None and code.color is not None:
        raise InvalidInputError(_("{color!r} is not a colour; use #RRGGBB, e.g. #E57373.").format(color=code.color))
    examples = tuple(e.strip() for e in code.examples if e.strip())
    return replace(code, name=name, color=color, definition=code.definition.strip(),
                   inclusion=code.inclusion.strip(), exclusion=code.exclusion.strip(), examples=examples)  # fmt: skip


def create_code(ws: Workspace, code: Code) -> Code:
    """Add one code (give it a fresh GUID); it goes last among its siblings."""
    require(ws.user, Action.EDIT_CODEBOOK)
    code = clean_code(code)
    with ws.write() as repo:
        add_code_in(ws, repo, code)
    return code


def add_code_in(ws: Workspace, repo: Repo, code: Code) -> None:
    """Add a cleaned code inside the caller's transaction (accepting a proposal does more in it)."""
    existing = repo.codebook.all_codes()
    if code.id in existing or not GUID_PATTERN.match(code.id):
        raise InvalidInputError(_("A new code needs a new GUID."))
    if code.parent_id is not None:
        repo.codebook.live_code(code.parent_id)
    before = snapshot(repo.codebook.codes())
    change = CodebookChange(repo)
    repo.codebook.add_code(code, len(existing))
    reorder_codes(repo, repo.codebook.codes())
    commit_change(ws, change, before, "")


def update_code(ws: Workspace, code: Code) -> Code:
    """Save a code's name, colour, texts and codable flag (its parent changes only through ``move_code``)."""
    require(ws.user, Action.EDIT_CODEBOOK)
    code = clean_code(code)
    with ws.write() as repo:
        current = repo.codebook.live_code(code.id)
        code = replace(code, parent_id=current.parent_id)
        if code == current:
            return current
        if current.codable and not code.codable and repo.codings.count([code.id]):
            raise InvalidInputError(
                _(
                    "{current_name!r} has codings, so it cannot become a grouping node; move or merge them first."
                ).format(current_name=current.name)
            )
        types = type_ids(repo)
        before = snapshot(repo.codebook.codes())
        change = CodebookChange(repo)
        repo.codebook.write_code(code)
        refuse_lost_types(repo, types)
        commit_change(ws, change, before, "")
    return code


def move_code(ws: Workspace, code_id: str, new_parent: str | None, *, before_sibling: str | None = None) -> None:
    """Move a code (with its sub-codes) under another parent, or to the top level with ``None``."""
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        code = repo.codebook.live_code(code_id)
        if new_parent is not None:
            repo.codebook.live_code(new_parent)
        live = repo.codebook.codes()
        check_move(live, code_id, new_parent)
        types = type_ids(repo)
        before = snapshot(live)
        change = CodebookChange(repo)
        moved = replace(code, parent_id=new_parent)
        repo.codebook.write_code(moved)
        others = [c for c in tree_order(live) if c.id != code_id]
        index = next((i for i, c in enumerate(others) if c.id == before_sibling), len(others))
        reorder_codes(repo, [*others[:index], moved, *others[index:]])
        refuse_lost_types(repo, types)
        commit_change(ws, change, before, "")


@dataclass(frozen=True)
class MergeResult:
    moved: int
    collapsed: int
    version: int
    events: int = 0
    """Life events whose type was ``source`` and is now ``target`` (``event_types``)."""


def merge_codes(ws: Workspace, source_id: str, target_id: str) -> MergeResult:
    """Merge ``source`` into ``target``: its codings, sub-codes and life events move to the survivor.

    Codings by the same coder on overlapping spans of the same interview then
    collapse into one coding over their union (memos joined), as they would be
    one judgement twice; an interview that was shredded keeps them as they are. The life
    events of a life-event type move to ``target`` when it is one too; otherwise the merge is
    refused (``event_types.refuse_lost_types``).
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    if source_id == target_id:
        raise InvalidInputError(_("A code cannot be merged into itself."))
    with ws.write() as repo:
        source, target = repo.codebook.live_code(source_id), repo.codebook.live_code(target_id)
        live = repo.codebook.codes()
        if target_id in descendants(live, source_id):
            raise InvalidInputError(
                _("{target_name!r} is a sub-code of {source_name!r}; move it out before merging.").format(
                    target_name=target.name, source_name=source.name
                )
            )
        types = type_ids(repo)
        before = snapshot(live)
        change = CodebookChange(repo)
        refs = repo.codings.refs([source_id])
        moved = 0
        for ref in refs:
            if repo.codings.span_taken(ref, target_id):
                change.archive(ref.id)
            elif change.move(ref.id, target_id):
                moved += 1
        for child in (c for c in live if c.parent_id == source_id):
            repo.codebook.write_code(replace(child, parent_id=target_id))
        if not target.codable and refs:
            repo.codebook.write_code(replace(target, codable=True))
        events = retype_events(repo, source, target, change.version)
        repo.codebook.write_code(source, deleted=True)
        collapsed = _collapse_overlaps(repo, change, target_id, {r.interview_id for r in refs})
        reorder_codes(repo, repo.codebook.codes())
        refuse_lost_types(repo, types)
        summary = (
            occasion(N_("Merged {code!r} into {into!r} ({n} codings, {events} life events)"),
                     code=source.name, into=target.name, n=len(refs), events=events)
            if events
            else occasion(N_("Merged {code!r} into {into!r} ({n} codings)"), code=source.name, into=target.name,
                          n=len(refs))
        )  # fmt: skip
        version = commit_change(ws, change, before, summary, merged=source_id, into=target_id, life_events=events)
    return MergeResult(moved, collapsed + len(refs) - moved, version, events)


def _collapse_overlaps(repo: Repo, change: CodebookChange, code_id: str, interviews: set[str]) -> int:
    collapsed = 0
    for interview_id in sorted(interviews):
        groups = _overlapping(repo.codings.refs([code_id], interview_id))
        if not groups:
            continue
        try:
            transcript = repo.interviews.transcript(interview_id)
        except ShreddedError:
            continue
        memos = {c.id: c.memo for c in repo.codings.of_interview(interview_id) if c.memo}
        for group in groups:
            for ref in group:
                change.archive(ref.id)
            memo = "\n\n".join(m for m in (memos.get(r.id) for r in group) if m) or None
            start, end = min(r.start for r in group), max(r.end for r in group)
            union = repo.codings.add(transcript, code_id, group[0].coder_id, start, end, memo=memo)
            change.created(union.id, code_id)
            collapsed += len(group) - 1
    return collapsed


def _overlapping(refs: Sequence[CodingRecord]) -> list[list[CodingRecord]]:
    """Groups of two or more codings by one coder whose spans overlap (touching is not overlapping)."""
    groups: list[list[CodingRecord]] = []
    by_coder: dict[str, list[CodingRecord]] = {}
    for ref in refs:
        by_coder.setdefault(ref.coder_id, []).append(ref)
    for items in by_coder.values():
        items.sort(key=lambda r: (r.start, r.end))
        current = [items[0]]
        reach = items[0].end
        for ref in items[1:]:
            if ref.start < reach:
                current.append(ref)
                reach = max(reach, ref.end)
            else:
                groups.append(current)
                current, reach = [ref], ref.end
        groups.append(current)
    return [g for g in groups if len(g) > 1]


def split_code(ws: Workspace, code_id: str, new_code: Code, coding_ids: Iterable[str]) -> Code:
    """Make ``new_code`` a sibling of ``code_id`` and move the chosen codings of ``code_id`` to it."""
    require(ws.user, Action.EDIT_CODEBOOK)
    chosen = set(coding_ids)
    with ws.write() as repo:
        original = repo.codebook.live_code(code_id)
        refs = {r.id for r in repo.codings.refs([code_id])}
        foreign = chosen - refs
        if foreign:
            raise InvalidInputError(
                _("{n_foreign} of the chosen codings do not belong to {original_name!r}.").format(
                    n_foreign=len(foreign), original_name=original.name
                )
            )
        new_code = clean_code(replace(new_code, parent_id=original.parent_id, codable=True))
        if new_code.id in repo.codebook.all_codes():
            raise InvalidInputError(_("The new code needs a new GUID."))
        before = snapshot(repo.codebook.codes())
        change = CodebookChange(repo)
        repo.codebook.add_code(new_code, len(repo.codebook.all_codes()))
        for coding_id in sorted(chosen):
            change.move(coding_id, new_code.id)
        live = [c for c in tree_order(repo.codebook.codes()) if c.id != new_code.id]
        index = next(i for i, c in enumerate(live) if c.id == code_id) + 1 + len(descendants(live, code_id))
        reorder_codes(repo, [*live[:index], new_code, *live[index:]])
        commit_change(ws, change, before, occasion(N_("Split {n} codings of {code!r} into {new!r}"),
                                                    n=len(chosen), code=original.name, new=new_code.name))  # fmt: skip
    return new_code


@dataclass(frozen=True)
class DeleteResult:
    archived: int
    children_moved: int
    version: int


def delete_code(ws: Workspace, code_id: str, *, confirm: bool = False) -> DeleteResult:
    """Delete a code; its sub-codes move up one level and its codings are archived.

    A code with codings is deleted only with ``confirm`` (otherwise
    ``ConfirmationRequiredError`` says how many would go). Restoring the
    version before the deletion brings the code and its codings back. A life-event type that
    events still use is never deleted (they would lose their type): the error says so.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        code = repo.codebook.live_code(code_id)
        refs = repo.codings.refs([code_id])
        if refs and not confirm:
            raise ConfirmationRequiredError(
                _(
                    "{code_name!r} has {n_refs} coding(s); deleting it archives them (restore the previous "
                    "codebook version to get them back). Confirm to delete."
                ).format(code_name=code.name, n_refs=len(refs)),
                count=len(refs),
            )
        types = type_ids(repo)
        if code_id in types:
            refuse_used(repo, code)
        live = repo.codebook.codes()
        before = snapshot(live)
        change = CodebookChange(repo)
        children = [c for c in live if c.parent_id == code_id]
        for child in children:
            repo.codebook.write_code(replace(child, parent_id=code.parent_id))
        archived = sum(change.archive(ref.id) for ref in refs)
        repo.codebook.write_code(code, deleted=True)
        reorder_codes(repo, repo.codebook.codes())
        refuse_lost_types(repo, types)
        version = commit_change(ws, change, before, occasion(N_("Deleted {code!r} ({archived} codings archived)"),
                                                              code=code.name, archived=archived))  # fmt: skip
    return DeleteResult(archived, len(children), version)
