"""The codebook: codes (live and deleted) and the saved codebook versions.

Codes are stored in the clear: a codebook describes the research, not people. A code is never
removed, only marked deleted, so codings archived with an older version can be restored onto
it. This module is the one writer of ``codebook_version`` and holds the one row-to-``Code`` mapping.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from workbench.domain.codebook import Snapshot
from workbench.domain.models import Code
from workbench.domain.records import CodingChange, VersionRecord
from workbench.errors import NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo


def code_values(code: Code) -> dict[str, object]:
    """The ``code`` columns a Code sets (all but id, position and deletion)."""
    return {
        "key": code.key,
        "name": code.name,
        "parent_id": code.parent_id,
        "color": code.color,
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": json.dumps(list(code.examples), ensure_ascii=False),
        "codable": code.codable,
    }


def code_from_row(r: Any) -> Code:
    """The one mapping of a ``code`` row to a ``Code``."""
    return Code(
        id=r.id, name=r.name, parent_id=r.parent_id, color=r.color, definition=r.definition, inclusion=r.inclusion,
        exclusion=r.exclusion, examples=tuple(json.loads(r.examples)), codable=bool(r.codable), key=r.key,
    )  # fmt: skip


def _version(r: Any) -> VersionRecord:
    changes = [(str(c[0]), c[1], c[2]) for c in json.loads(r.changes or "[]")]
    return VersionRecord(r.version, r.author, as_utc(r.created_at), r.summary, json.loads(r.snapshot), changes)


class CodebookRepo:
    """Reads and writes of codes and codebook versions inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    # -- codes -------------------------------------------------------------------------------

    def codes(self) -> list[Code]:
        """The live codes, in display order."""
        rows = self.conn.execute(select(s.code).where(s.code.c.deleted_at.is_(None)).order_by(s.code.c.position))
        return [code_from_row(r) for r in rows]

    def all_codes(self) -> dict[str, tuple[Code, bool]]:
        """Every code ever defined, live or deleted, by id: (code, is deleted)."""
        rows = self.conn.execute(select(s.code).order_by(s.code.c.position))
        return {r.id: (code_from_row(r), r.deleted_at is not None) for r in rows}

    def live_code(self, code_id: str) -> Code:
        row = self.conn.execute(
            select(s.code).where(s.code.c.id == code_id, s.code.c.deleted_at.is_(None))
        ).one_or_none()
        if row is None:
            raise NotFoundError(_("There is no code {code_id} in this codebook.").format(code_id=code_id[:8]))
        return code_from_row(row)

    def add_code(self, code: Code, position: int) -> None:
        self.conn.execute(insert(s.code).values(id=code.id, position=position, **code_values(code)))

    def write_code(self, code: Code, *, deleted: bool = False) -> None:
        """Overwrite every field of an existing code (and its deleted state)."""
        self.conn.execute(
            update(s.code)
            .where(s.code.c.id == code.id)
            .values(**code_values(code), deleted_at=utcnow() if deleted else None)
        )

    def set_order(self, ordered_ids: Sequence[str]) -> None:
        """Give codes their display positions; deleted codes keep theirs after the live ones."""
        for position, code_id in enumerate(ordered_ids):
            self.conn.execute(update(s.code).where(s.code.c.id == code_id).values(position=position))

    # -- versions ----------------------------------------------------------------------------

    def current_version(self) -> int:
        """The newest version number (0 before the first version is saved)."""
        value = self.conn.execute(select(func.max(s.codebook_version.c.version))).scalar_one_or_none()
        return int(value or 0)

    def add_version(self, author_id: str, summary: str, snap: Snapshot, changes: Sequence[CodingChange]) -> int:
        version = self.current_version() + 1
        self.conn.execute(
            insert(s.codebook_version).values(
                version=version, author_id=author_id, created_at=utcnow(), summary=summary[:2000],
                snapshot=json.dumps(snap, ensure_ascii=False, sort_keys=True),
                changes=json.dumps([list(c) for c in changes]),
            )
        )  # fmt: skip
        return version

    def versions(self) -> list[VersionRecord]:
        rows = self.conn.execute(
            select(s.codebook_version, s.app_user.c.name.label("author"))
            .join(s.app_user, s.app_user.c.id == s.codebook_version.c.author_id)
            .order_by(s.codebook_version.c.version.desc())
        )
        return [_version(r) for r in rows]

    def version(self, number: int) -> VersionRecord:
        row = self.conn.execute(
            select(s.codebook_version, s.app_user.c.name.label("author"))
            .join(s.app_user, s.app_user.c.id == s.codebook_version.c.author_id)
            .where(s.codebook_version.c.version == number)
        ).one_or_none()
        if row is None:
            raise NotFoundError(_("The codebook has no version {number}.").format(number=number))
        return _version(row)
