"""Codebooks: shared files, editing with a full version history, and exchange with other tools.

The YAML format (``format: workbench-codebook/1``) keeps names, definitions,
criteria and examples in English and Hungarian side by side; a project takes the
texts of its own language and falls back to English.

Every change to a project's codebook is one transaction that records a new
version: who, when, a readable summary, a snapshot of the whole codebook and what
the change did to codings (moved to another code, archived, created). Restoring
an earlier version undoes the later versions' coding changes and puts the code
tree back, as a new version, so nothing in the history is ever rewritten.
Codings are never silently lost: a deleted code's codings are archived
(still encrypted) and come back when the version before the deletion is restored.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from workbench.domain.codebook import (
    Snapshot,
    check_move,
    code_from_dict,
    descendants,
    describe_changes,
    match_code,
    snapshot,
    tree_order,
)
from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.domain.records import CodingChange, CodingRecord, VersionRecord
from workbench.errors import ConfirmationRequiredError, InvalidInputError, NotFoundError, ShreddedError
from workbench.refi.codes import color_of
from workbench.refi.qdc import read_qdc, write_qdc
from workbench.services.atomic_file import write_atomically
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo
from workbench.yaml_guard import load_untrusted_yaml

FORMAT = "workbench-codebook/1"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_CODEBOOK_BYTES = 5 * 1024 * 1024
MAX_NAME = 200
DEFAULT_COLOR = "#999999"


# -- reading shared files ------------------------------------------------------------------


def read_codebook(path: Path, language: str) -> list[Code]:
    """Parse a shared codebook file into codes, parents before children."""
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(f"{path.name}: the codebook file is larger than 5 MB.")
    return parse_codebook_yaml(path.name, path.read_bytes(), language)


def parse_codebook_yaml(name: str, data: bytes, language: str) -> list[Code]:
    return _codes_from_document(name, _load_yaml(name, data), language)


def _load_yaml(name: str, data: bytes) -> dict[str, Any]:
    if len(data) > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(f"{name}: the codebook file is larger than 5 MB.")
    document = load_untrusted_yaml(name, data, what="YAML codebook", max_bytes=MAX_CODEBOOK_BYTES)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInputError(f"{name}: not a workbench codebook (expected format: {FORMAT}).")
    return document


def _codes_from_document(name: str, document: Mapping[str, Any], language: str) -> list[Code]:
    codes: list[Code] = []
    _collect(name, document.get("codes") or [], None, language, codes)
    if len({c.id for c in codes}) != len(codes):
        raise InvalidInputError(f"{name}: two codes share a GUID.")
    if not codes:
        raise InvalidInputError(f"{name}: the codebook holds no codes.")
    return codes


def _text(value: Any, language: str) -> str:
    """The text in ``language``, else English, else any language the entry has."""
    if isinstance(value, dict):
        for candidate in (value.get(language), value.get("en"), *value.values()):
            if candidate:
                return str(candidate)
        return ""
    return "" if value is None else str(value)


def _examples(value: Any, language: str) -> tuple[str, ...]:
    if isinstance(value, dict):
        for candidate in (value.get(language), value.get("en"), *value.values()):
            if candidate:
                return tuple(str(x) for x in candidate)
        return ()
    return tuple(str(x) for x in value or [])


def _collect(source: str, entries: list[Any], parent: str | None, language: str, out: list[Code]) -> None:
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidInputError(f"{source}: each code must be a mapping.")
        guid = str(entry.get("guid", ""))
        raw_color = entry.get("color", DEFAULT_COLOR)
        color = None if raw_color is None else str(raw_color)  # null: a code without a colour
        if not _GUID.match(guid) or (color is not None and not _COLOR.match(color)):
            raise InvalidInputError(f"{source}: code {entry.get('key')!r} needs a GUID and a #RRGGBB colour.")
        out.append(
            Code(
                id=guid.lower(),
                key=str(entry.get("key") or "") or None,
                name=_text(entry.get("name"), language)[:MAX_NAME] or guid,
                parent_id=parent,
                color=color.upper() if color else None,
                definition=_text(entry.get("definition"), language),
                inclusion=_text(entry.get("inclusion"), language),
                exclusion=_text(entry.get("exclusion"), language),
                examples=_examples(entry.get("examples"), language),
                codable=bool(entry.get("codable", True)),
            )
        )
        _collect(source, entry.get("children") or [], guid.lower(), language, out)


# -- one codebook change = one version -----------------------------------------------------


class _Change:
    """Collects what one codebook change does to codings, as net (before, after) per coding."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.version = repo.codebook.current_version() + 1
        self._before: dict[str, str | None] = {}
        self._after: dict[str, str | None] = {}

    def _touch(self, coding_id: str, before: str | None, after: str | None) -> None:
        self._before.setdefault(coding_id, before)
        self._after[coding_id] = after

    def move(self, coding_id: str, code_id: str) -> bool:
        current = self.repo.codings.current_code_of(coding_id)
        if current is None or current == code_id:
            return False
        self.repo.codings.move(coding_id, code_id)
        self._touch(coding_id, current, code_id)
        return True

    def archive(self, coding_id: str) -> bool:
        current = self.repo.codings.current_code_of(coding_id)
        if current is None or not self.repo.codings.archive(coding_id, self.version):
            return False
        self._touch(coding_id, current, None)
        return True

    def unarchive(self, coding_id: str, code_id: str) -> bool:
        if not self.repo.codings.unarchive(coding_id, code_id):
            return False
        self._touch(coding_id, None, code_id)
        return True

    def created(self, coding_id: str, code_id: str) -> None:
        self._touch(coding_id, None, code_id)

    def net(self) -> list[CodingChange]:
        return [(i, b, self._after[i]) for i, b in self._before.items() if b != self._after[i]]

    def undo(self, changes: Sequence[CodingChange]) -> None:
        """Invert a recorded version: archive what it created, move back, bring back what it archived."""
        for coding_id, before, after in changes:
            if before is None and after is not None and self.repo.codings.current_code_of(coding_id) == after:
                self.archive(coding_id)
        for coding_id, before, after in changes:
            if before is not None and after is not None and self.repo.codings.current_code_of(coding_id) == after:
                self.move(coding_id, before)
        for coding_id, before, after in changes:
            if before is not None and after is None and self.repo.codings.is_archived(coding_id):
                self.unarchive(coding_id, before)


def _live(repo: Repo) -> list[Code]:
    return tree_order(repo.codebook.codes())


def _commit(ws: Workspace, change: _Change, before: Snapshot, summary: str, **detail: object) -> int:
    """Record the version (snapshot after the change, what changed) and its audit entry."""
    repo = change.repo
    after = snapshot(repo.codebook.codes())
    lines = describe_changes(before, after)
    text = summary if not lines or summary else "; ".join(lines)
    version = change.repo.codebook.add_version(ws.user.id, text, after, change.net())
    ws.audit(repo, "codebook changed", "codebook", str(version), changes=len(lines), codings=len(change.net()),
             **detail)  # fmt: skip
    return version


def _reorder(repo: Repo, live: Sequence[Code]) -> None:
    """Positions follow the tree (parents before children); deleted codes go after the live ones."""
    ordered = [c.id for c in tree_order(live)]
    deleted = [code_id for code_id, (_, gone) in repo.codebook.all_codes().items() if gone and code_id not in ordered]
    repo.codebook.set_order(ordered + deleted)


def _clean_code(code: Code) -> Code:
    name = unicodedata.normalize("NFC", code.name.strip())
    if not name:
        raise InvalidInputError("A code needs a name.")
    if len(name) > MAX_NAME:
        raise InvalidInputError(f"A code name may have at most {MAX_NAME} characters.")
    color = color_of(code.color) if code.color is not None else None
    if color is None and code.color is not None:
        raise InvalidInputError(f"{code.color!r} is not a colour; use #RRGGBB, e.g. #E57373.")
    examples = tuple(e.strip() for e in code.examples if e.strip())
    return replace(code, name=name, color=color, definition=code.definition.strip(),
                   inclusion=code.inclusion.strip(), exclusion=code.exclusion.strip(), examples=examples)  # fmt: skip


# -- pulling and installing shared codebooks -----------------------------------------------


@dataclass(frozen=True)
class PullResult:
    """What pulling a codebook file changed; ``version`` is None when nothing changed."""

    added: list[str]
    updated: list[str]
    unchanged: int
    version: int | None
    warnings: list[str] = field(default_factory=list)


def install_codebook(ws: Workspace, codes: list[Code], summary: str) -> int:
    """Add new codes to the project and record a new codebook version; returns the version."""
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        existing = repo.codebook.all_codes()
        clash = [c.name for c in codes if c.id in existing]
        if clash:
            raise InvalidInputError(f"These codes are already in the project: {', '.join(clash[:5])}.")
        before = snapshot(repo.codebook.codes())
        change = _Change(repo)
        for position, code in enumerate(codes, start=len(existing)):
            repo.codebook.add_code(_clean_code(code), position)
        return _commit(ws, change, before, summary, added=len(codes))


def pull_codebook(ws: Workspace, codes: Sequence[Code], source: str, warnings: Sequence[str] = ()) -> PullResult:
    """Bring a shared codebook into the project: new codes are added, codes with the same GUID updated.

    Codes the project has and the file lacks are left alone; a code that was
    deleted in the project comes back if the file has it.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    cleaned = [_clean_code(c) for c in codes]
    with ws.write() as repo:
        existing = repo.codebook.all_codes()
        before = snapshot(repo.codebook.codes())
        change = _Change(repo)
        added: list[str] = []
        updated: list[str] = []
        for code in cleaned:
            if code.id not in existing:
                repo.codebook.add_code(code, len(existing) + len(added))
                added.append(code.name)
            elif existing[code.id][1] or existing[code.id][0] != code:
                repo.codebook.write_code(code)
                updated.append(code.name)
        if not added and not updated:
            return PullResult([], [], len(cleaned), None, list(warnings))
        _reorder(repo, repo.codebook.codes())
        version = _commit(ws, change, before, f"Pulled {source}: {len(added)} added, {len(updated)} updated",
                          added=len(added), updated=len(updated))  # fmt: skip
    return PullResult(added, updated, len(cleaned) - len(added) - len(updated), version, list(warnings))


def merge_codes_in(ws: Workspace, repo: Repo, codes: Sequence[Code], summary: str) -> tuple[int, int | None]:
    """Inside the caller's transaction: add the codes the project lacks (reviving deleted ones) and
    record a version if anything changed. Returns (codes added, version or None)."""
    existing = repo.codebook.all_codes()
    before = snapshot(repo.codebook.codes())
    change = _Change(repo)
    added = 0
    for code in (_clean_code(c) for c in codes):
        if code.id not in existing:
            repo.codebook.add_code(code, len(existing) + added)
            added += 1
        elif existing[code.id][1]:
            repo.codebook.write_code(code)
            added += 1
    if not added:
        return 0, None
    _reorder(repo, repo.codebook.codes())
    return added, _commit(ws, change, before, summary, added=added)


def import_codebook_file(ws: Workspace, name: str, data: bytes) -> PullResult:
    """Pull a ``.yaml`` shared codebook or a REFI-QDA ``.qdc`` file into the project."""
    suffix = Path(name).suffix.lower()
    if suffix in (".yaml", ".yml"):
        return pull_codebook(ws, parse_codebook_yaml(name, data, ws.project.language), name)
    if suffix == ".qdc":
        codes, warnings = read_qdc(name, data)
        return pull_codebook(ws, codes, name, warnings)
    raise InvalidInputError(f"{name}: a codebook is a .yaml (workbench) or .qdc (REFI-QDA) file.")


# -- editing -------------------------------------------------------------------------------


def create_code(ws: Workspace, code: Code) -> Code:
    """Add one code (give it a fresh GUID); it goes last among its siblings."""
    require(ws.user, Action.EDIT_CODEBOOK)
    code = _clean_code(code)
    with ws.write() as repo:
        existing = repo.codebook.all_codes()
        if code.id in existing or not _GUID.match(code.id):
            raise InvalidInputError("A new code needs a new GUID.")
        if code.parent_id is not None:
            repo.codebook.live_code(code.parent_id)
        before = snapshot(repo.codebook.codes())
        change = _Change(repo)
        repo.codebook.add_code(code, len(existing))
        _reorder(repo, repo.codebook.codes())
        _commit(ws, change, before, "")
    return code


def update_code(ws: Workspace, code: Code) -> Code:
    """Save a code's name, colour, texts and codable flag (its parent changes only through ``move_code``)."""
    require(ws.user, Action.EDIT_CODEBOOK)
    code = _clean_code(code)
    with ws.write() as repo:
        current = repo.codebook.live_code(code.id)
        code = replace(code, parent_id=current.parent_id)
        if code == current:
            return current
        if current.codable and not code.codable and repo.codings.count([code.id]):
            raise InvalidInputError(
                f"{current.name!r} has codings, so it cannot become a grouping node; move or merge them first."
            )
        before = snapshot(repo.codebook.codes())
        change = _Change(repo)
        repo.codebook.write_code(code)
        _commit(ws, change, before, "")
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
        before = snapshot(live)
        change = _Change(repo)
        moved = replace(code, parent_id=new_parent)
        repo.codebook.write_code(moved)
        others = [c for c in tree_order(live) if c.id != code_id]
        index = next((i for i, c in enumerate(others) if c.id == before_sibling), len(others))
        _reorder(repo, [*others[:index], moved, *others[index:]])
        _commit(ws, change, before, "")


@dataclass(frozen=True)
class MergeResult:
    moved: int
    collapsed: int
    version: int


def merge_codes(ws: Workspace, source_id: str, target_id: str) -> MergeResult:
    """Merge ``source`` into ``target``: its codings and sub-codes move to the survivor, it is deleted.

    Codings by the same coder on overlapping spans of the same interview then
    collapse into one coding over their union (memos joined), as they would be
    one judgement twice; an interview that was shredded keeps them as they are.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    if source_id == target_id:
        raise InvalidInputError("A code cannot be merged into itself.")
    with ws.write() as repo:
        source, target = repo.codebook.live_code(source_id), repo.codebook.live_code(target_id)
        live = repo.codebook.codes()
        if target_id in descendants(live, source_id):
            raise InvalidInputError(f"{target.name!r} is a sub-code of {source.name!r}; move it out before merging.")
        before = snapshot(live)
        change = _Change(repo)
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
        repo.codebook.write_code(source, deleted=True)
        collapsed = _collapse_overlaps(repo, change, target_id, {r.interview_id for r in refs})
        _reorder(repo, repo.codebook.codes())
        summary = f"Merged {source.name!r} into {target.name!r} ({len(refs)} codings)"
        version = _commit(ws, change, before, summary, merged=source_id, into=target_id)
    return MergeResult(moved, collapsed + len(refs) - moved, version)


def _collapse_overlaps(repo: Repo, change: _Change, code_id: str, interviews: set[str]) -> int:
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
            raise InvalidInputError(f"{len(foreign)} of the chosen codings do not belong to {original.name!r}.")
        new_code = _clean_code(replace(new_code, parent_id=original.parent_id, codable=True))
        if new_code.id in repo.codebook.all_codes():
            raise InvalidInputError("The new code needs a new GUID.")
        before = snapshot(repo.codebook.codes())
        change = _Change(repo)
        repo.codebook.add_code(new_code, len(repo.codebook.all_codes()))
        for coding_id in sorted(chosen):
            change.move(coding_id, new_code.id)
        live = [c for c in tree_order(repo.codebook.codes()) if c.id != new_code.id]
        index = next(i for i, c in enumerate(live) if c.id == code_id) + 1 + len(descendants(live, code_id))
        _reorder(repo, [*live[:index], new_code, *live[index:]])
        _commit(ws, change, before, f"Split {len(chosen)} codings of {original.name!r} into {new_code.name!r}")
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
    version before the deletion brings the code and its codings back.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        code = repo.codebook.live_code(code_id)
        refs = repo.codings.refs([code_id])
        if refs and not confirm:
            raise ConfirmationRequiredError(
                f"{code.name!r} has {len(refs)} coding(s); deleting it archives them (restore the previous "
                "codebook version to get them back). Confirm to delete.",
                count=len(refs),
            )
        live = repo.codebook.codes()
        before = snapshot(live)
        change = _Change(repo)
        children = [c for c in live if c.parent_id == code_id]
        for child in children:
            repo.codebook.write_code(replace(child, parent_id=code.parent_id))
        archived = sum(change.archive(ref.id) for ref in refs)
        repo.codebook.write_code(code, deleted=True)
        _reorder(repo, repo.codebook.codes())
        version = _commit(ws, change, before, f"Deleted {code.name!r} ({archived} codings archived)")
    return DeleteResult(archived, len(children), version)


# -- history -------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionInfo:
    version: int
    author: str
    created_at: dt.datetime
    summary: str
    codes: int
    codings_changed: int


def codebook_history(ws: Workspace) -> list[VersionInfo]:
    """Every version, newest first."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        records = repo.codebook.versions()
    return [VersionInfo(r.version, r.author, r.created_at, r.summary, len(r.snapshot), len(r.changes)) for r in records]


def version_changes(ws: Workspace, version: int) -> list[str]:
    """What ``version`` changed compared with the version before it, line by line."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        record = repo.codebook.version(version)
        previous = repo.codebook.version(version - 1).snapshot if version > 1 else []
    return describe_changes(previous, record.snapshot, detail=True)


@dataclass(frozen=True)
class RestoreResult:
    version: int
    restored_codings: int
    archived_codings: int


def restore_version(ws: Workspace, version: int) -> RestoreResult:
    """Make the codebook what it was at ``version`` again, recorded as a new version.

    Later versions' coding changes are undone newest first (moved codings go
    back, archived ones return, created ones are archived); codes that did not
    exist then are deleted, and any codings they have are archived too.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        current = repo.codebook.current_version()
        if not 1 <= version < current:
            raise InvalidInputError(f"Choose a version between 1 and {current - 1} (version {current} is current).")
        target = repo.codebook.version(version)
        before = snapshot(repo.codebook.codes())
        change = _Change(repo)
        for number in range(current, version, -1):
            change.undo(repo.codebook.version(number).changes)
        _apply_snapshot(repo, change, target)
        net = change.net()
        new_version = _commit(ws, change, before, f"Restored version {version}", restored=version)
    return RestoreResult(new_version, sum(a is not None for _, _, a in net), sum(a is None for _, _, a in net))


def _apply_snapshot(repo: Repo, change: _Change, target: VersionRecord) -> None:
    existing = repo.codebook.all_codes()
    wanted = {str(e["id"]): e for e in target.snapshot}
    for entry in target.snapshot:
        code_id = str(entry["id"])
        if code_id in existing:
            repo.codebook.write_code(code_from_dict(entry, existing[code_id][0]))
        else:
            repo.codebook.add_code(code_from_dict(entry), len(existing))
    for code_id, (code, deleted) in existing.items():
        if code_id not in wanted and not deleted:
            for ref in repo.codings.refs([code_id]):
                change.archive(ref.id)
            repo.codebook.write_code(code, deleted=True)
    _reorder(repo, [code_from_dict(e) for e in target.snapshot])


# -- reading the codebook ------------------------------------------------------------------


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
    raise NotFoundError(f"There is no code {ref!r} in this codebook; `workbench codebook list DIR` lists them.")


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


# -- shared files: compare, push, export ---------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """The project's codebook against a shared file: readable lines, empty when they agree."""

    file_version: int
    lines: list[str]


def compare_with_shared(ws: Workspace, path: Path) -> Comparison:
    """How the project's codebook differs from a shared file (in the project's language)."""
    require(ws.user, Action.VIEW_STATUS)
    document = _load_yaml(path.name, _read_file(path))
    shared = snapshot(_codes_from_document(path.name, document, ws.project.language))
    with ws.read() as repo:
        project = snapshot(repo.codebook.codes())
    lines = describe_changes(shared, project, detail=True)
    return Comparison(int(document.get("version") or 1), lines)


def _read_file(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file.")
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(f"{path.name}: the codebook file is larger than 5 MB.")
    return path.read_bytes()


@dataclass(frozen=True)
class PushResult:
    path: Path
    version: int
    lines: list[str]


def push_to_shared(ws: Workspace, path: Path, output: Path | None = None) -> PushResult:
    """Write the project's codebook back into a shared file as its next version.

    The project's language texts replace the file's; the other language's texts
    are kept (review them where the diff shows a change); codes the project
    deleted leave the file. The file is replaced atomically and the push audited.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    raw = _read_file(path)
    document = _load_yaml(path.name, raw)
    language = ws.project.language
    shared = snapshot(_codes_from_document(path.name, document, language))
    with ws.write() as repo:
        codes = tree_order(repo.codebook.codes())
        lines = describe_changes(shared, snapshot(codes), detail=True)
        if not lines:
            raise InvalidInputError(f"{path.name} already matches the project's codebook; nothing to push.")
        entries = _entries_by_guid(document.get("codes") or [])
        version = int(document.get("version") or 1) + 1
        document["version"] = version
        document["codes"] = _yaml_tree(codes, entries, language)
        header = "".join(line + "\n" for line in raw.decode("utf-8-sig").splitlines() if line.startswith("#"))
        target = output or path
        write_atomically(target, (header + _dump(document)).encode("utf-8"))
        ws.audit(repo, "codebook pushed", "codebook", str(repo.codebook.current_version()), file=target.name,
                 file_version=version, changes=len(lines))  # fmt: skip
    return PushResult(target, version, lines)


def _entries_by_guid(entries: Iterable[Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, dict):
            found[str(entry.get("guid", "")).lower()] = entry
            found.update(_entries_by_guid(entry.get("children") or []))
    return found


def _yaml_tree(codes: Sequence[Code], old: Mapping[str, dict[str, Any]], language: str) -> list[dict[str, Any]]:
    keys = {str(e.get("key")) for e in old.values() if e.get("key")}
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for code in codes:
        node = _yaml_entry(code, old.get(code.id, {}), language, keys)
        nodes[code.id] = node
        parent = nodes.get(code.parent_id) if code.parent_id else None
        if parent is not None:
            parent.setdefault("children", []).append(node)
        else:
            roots.append(node)
    return roots


def _yaml_entry(code: Code, old: Mapping[str, Any], language: str, keys: set[str]) -> dict[str, Any]:
    def texts(field_name: str, value: Any) -> dict[str, Any]:
        previous = old.get(field_name)
        merged = dict(previous) if isinstance(previous, dict) else {}
        merged[language] = value
        return merged

    key = code.key or old.get("key") or _unique_key(code.name, keys)
    return {
        "guid": code.id,
        "key": key,
        "name": texts("name", code.name),
        "color": code.color,
        "codable": code.codable,
        "definition": texts("definition", code.definition),
        "inclusion": texts("inclusion", code.inclusion),
        "exclusion": texts("exclusion", code.exclusion),
        "examples": texts("examples", list(code.examples)),
    }


def _unique_key(name: str, keys: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_") or "code"
    key, number = base, 2
    while key in keys:
        key, number = f"{base}_{number}", number + 1
    keys.add(key)
    return key


def _dump(document: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)


def export_codebook(ws: Workspace, fmt: str) -> bytes:
    """The project's codebook as a shared ``yaml`` file (project language) or a REFI-QDA ``qdc`` file."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.write() as repo:
        codes = tree_order(repo.codebook.codes())
        version = repo.codebook.current_version()
        ws.audit(repo, "codebook exported", "codebook", str(version), format=fmt)
    if fmt == "qdc":
        return write_qdc(codes)
    if fmt != "yaml":
        raise InvalidInputError(f"Unknown codebook format {fmt!r}; use yaml or qdc.")
    document = {
        "format": FORMAT,
        "id": re.sub(r"[^a-z0-9]+", "-", ws.project.name.lower()).strip("-") or "codebook",
        "version": version,
        "title": {ws.project.language: ws.project.name},
        "codes": _yaml_tree(codes, {}, ws.project.language),
    }
    return _dump(document).encode("utf-8")
