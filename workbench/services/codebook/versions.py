"""The version engine: every codebook change is one transaction that records one new version.

A version holds who, when, a readable summary, a snapshot of the whole codebook and what the
change did to codings (moved to another code, archived, created). Restoring an earlier version
undoes the later versions' coding changes and puts the code tree back, as a new version, so
nothing in the history is ever rewritten.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.domain.codebook import (
    Phrase,
    Snapshot,
    code_from_dict,
    describe_changes,
    snapshot,
    tree_order,
)
from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.domain.records import CodingChange, VersionRecord
from workbench.errors import InvalidInputError
from workbench.i18n import N_
from workbench.i18n import gettext as _
from workbench.services.codebook.event_types import refuse_lost_types, type_ids
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo


class CodebookChange:
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


def commit_change(ws: Workspace, change: CodebookChange, before: Snapshot, summary: str, **detail: object) -> int:
    """Record the version (snapshot after the change, what changed) and its audit entry."""
    repo = change.repo
    after = snapshot(repo.codebook.codes())
    lines = describe_changes(before, after)
    text = stored_summary(summary) if not lines or summary else "; ".join(lines)
    version = change.repo.codebook.add_version(ws.user.id, text, after, change.net())
    ws.audit(repo, "codebook changed", "codebook", str(version), changes=len(lines), codings=len(change.net()),
             **detail)  # fmt: skip
    return version


def reorder_codes(repo: Repo, live: Sequence[Code]) -> None:
    """Positions follow the tree (parents before children); deleted codes go after the live ones."""
    ordered = [c.id for c in tree_order(live)]
    deleted = [code_id for code_id, (_, gone) in repo.codebook.all_codes().items() if gone and code_id not in ordered]
    repo.codebook.set_order(ordered + deleted)


@dataclass(frozen=True)
class VersionInfo:
    version: int
    author: str
    created_at: dt.datetime
    summary: str
    codes: int
    codings_changed: int


# A summary written for the occasion ("Pulled ...", "Restored version 3") is stored as its
# template and fields behind this prefix, so each reader sees it in their own language; summaries
# stored before (English text) are shown as they are.
PHRASE_PREFIX = "phrase:"
_STORED_MAX = 2000  # the store keeps this many characters of a summary


def stored_summary(summary: str) -> str:
    """What the store keeps of ``summary``: a Phrase language-neutral, any other text as it is."""
    if not isinstance(summary, Phrase):
        return summary
    coded = PHRASE_PREFIX + json.dumps({"template": summary.template, "fields": summary.fields}, ensure_ascii=False)
    return coded if len(coded) <= _STORED_MAX else str(summary)  # too long to keep whole: its English text


def shown_summary(stored: str) -> str:
    """A stored summary in the current language (a language-neutral one translated, old English text as it is)."""
    if not stored.startswith(PHRASE_PREFIX):
        return stored
    try:
        phrase = json.loads(stored[len(PHRASE_PREFIX) :])
        return _(str(phrase["template"])).format(**phrase["fields"])
    except (ValueError, KeyError, TypeError, IndexError):
        return stored


def occasion(template: str, **fields: object) -> Phrase:
    """A summary for the occasion, in English, that :func:`stored_summary` keeps language-neutral."""
    return Phrase(template, **fields)


def in_language(line: str) -> str:
    """A line of ``describe_changes`` in the current language (any other text as it is)."""
    if not isinstance(line, Phrase):
        return line
    fields = {key: in_language(value) if isinstance(value, Phrase) else value for key, value in line.fields.items()}
    return _(line.template).format(**fields)


def codebook_history(ws: Workspace) -> list[VersionInfo]:
    """Every version, newest first, its summary in the reader's language where it was made from the changes.

    A summary that is exactly the list of changes from the version before is described afresh
    (and so translated). A summary written for the occasion ("Pulled ...", "Restored version 3")
    is stored language-neutral (:func:`stored_summary`) and translated here; one stored as
    English text by an older version is shown as stored.
    """
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        records = repo.codebook.versions()
    older = {r.version: r.snapshot for r in records}
    found = []
    for r in records:
        lines = describe_changes(older.get(r.version - 1, []), r.snapshot) if r.summary else []
        summary = (
            "; ".join(in_language(line) for line in lines)
            if lines and r.summary == "; ".join(lines)
            else shown_summary(r.summary)
        )
        found.append(VersionInfo(r.version, r.author, r.created_at, summary, len(r.snapshot), len(r.changes)))
    return found


def version_changes(ws: Workspace, version: int) -> list[str]:
    """What ``version`` changed compared with the version before it, line by line."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        record = repo.codebook.version(version)
        previous = repo.codebook.version(version - 1).snapshot if version > 1 else []
    return [in_language(line) for line in describe_changes(previous, record.snapshot, detail=True)]


@dataclass(frozen=True)
class RestoreResult:
    version: int
    restored_codings: int
    archived_codings: int


def restore_version(ws: Workspace, version: int) -> RestoreResult:
    """Make the codebook what it was at ``version`` again, recorded as a new version.

    Later versions' coding changes are undone newest first (moved codings go
    back, archived ones return, created ones are archived); codes that did not
    exist then are deleted, and any codings they have are archived too. A life-event type that
    events use is never deleted this way (``event_types``): the restore is refused instead.
    """
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        current = repo.codebook.current_version()
        if not 1 <= version < current:
            raise InvalidInputError(
                _("Choose a version between 1 and {current_1} (version {current} is current).").format(
                    current_1=current - 1, current=current
                )
            )
        target = repo.codebook.version(version)
        types = type_ids(repo)
        before = snapshot(repo.codebook.codes())
        change = CodebookChange(repo)
        for number in range(current, version, -1):
            change.undo(repo.codebook.version(number).changes)
        _apply_snapshot(repo, change, target)
        refuse_lost_types(repo, types)
        net = change.net()
        new_version = commit_change(ws, change, before, occasion(N_("Restored version {version}"), version=version),
                                    restored=version)  # fmt: skip
    return RestoreResult(new_version, sum(a is not None for _, _, a in net), sum(a is None for _, _, a in net))


def _apply_snapshot(repo: Repo, change: CodebookChange, target: VersionRecord) -> None:
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
    reorder_codes(repo, [code_from_dict(e) for e in target.snapshot])
