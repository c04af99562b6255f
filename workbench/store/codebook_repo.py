"""Codebook reads and writes beyond ``Repo``: editing codes, moving and archiving codings, versions.

Codings taken out by a codebook change are archived, not deleted: their row is kept
as JSON (ciphertexts in base64, still sealed under the interview's data key, whose
associated data names the ``coding`` table and row id), so restoring a version puts
back exactly the rows that were there, whatever columns later issues add to ``coding``.
A coding's quote and memo are bound to its code (``workbench.store.sealing``), so moving a
coding to another code seals both again; otherwise nothing here decrypts, and the services
decide what changes.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Boolean, Connection, delete, func, insert, select, update

from workbench.domain.codebook import Snapshot
from workbench.domain.models import Code
from workbench.errors import NotFoundError
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.coding_repo import CodingRecord, rebind_coding
from workbench.store.keys import utcnow
from workbench.store.repo import Repo, code_values

CodingChange = tuple[str, str | None, str | None]
"""(coding id, code before, code after); ``None`` means the coding was not (or no longer) there."""


@dataclass(frozen=True)
class VersionRecord:
    version: int
    author: str
    created_at: dt.datetime
    summary: str
    snapshot: Snapshot
    changes: list[CodingChange]


class CodebookStore:
    """Codebook persistence for one transaction (wraps a ``Repo``)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn: Connection = repo.conn

    # -- codes -------------------------------------------------------------

    def all_codes(self) -> dict[str, tuple[Code, bool]]:
        """Every code ever defined, live or deleted, by id: (code, is deleted)."""
        rows = self.conn.execute(select(s.code).order_by(s.code.c.position))
        return {r.id: (_code(r), r.deleted_at is not None) for r in rows}

    def live_code(self, code_id: str) -> Code:
        row = self.conn.execute(
            select(s.code).where(s.code.c.id == code_id, s.code.c.deleted_at.is_(None))
        ).one_or_none()
        if row is None:
            raise NotFoundError(f"There is no code {code_id[:8]} in this codebook.")
        return _code(row)

    def insert_code(self, code: Code, position: int) -> None:
        self.repo.add_code(code, position)

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

    # -- codings -----------------------------------------------------------

    def coding_refs(self, code_ids: Iterable[str] | None = None, interview_id: str | None = None) -> list[CodingRecord]:
        query = select(
            s.coding.c.id, s.coding.c.interview_id, s.coding.c.code_id, s.coding.c.coder_id, s.coding.c.start,
            s.coding.c.end,
        ).order_by(s.coding.c.interview_id, s.coding.c.start, s.coding.c.end)  # fmt: skip
        if code_ids is not None:
            query = query.where(s.coding.c.code_id.in_(list(code_ids)))
        if interview_id is not None:
            query = query.where(s.coding.c.interview_id == interview_id)
        return [CodingRecord(*row) for row in self.conn.execute(query)]

    def coding_count(self, code_ids: Iterable[str]) -> int:
        query = select(func.count()).select_from(s.coding).where(s.coding.c.code_id.in_(list(code_ids)))
        return int(self.conn.execute(query).scalar_one())

    def current_code_of(self, coding_id: str) -> str | None:
        value = self.conn.execute(select(s.coding.c.code_id).where(s.coding.c.id == coding_id)).scalar_one_or_none()
        return None if value is None else str(value)

    def move_coding(self, coding_id: str, code_id: str) -> None:
        row = self.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).mappings().one_or_none()
        if row is None:
            return
        self.repo.touch(str(row["interview_id"]))
        values = rebind_coding(self.repo, row, {"code_id": code_id})
        self.conn.execute(update(s.coding).where(s.coding.c.id == coding_id).values(**values))

    def span_taken(self, ref: CodingRecord, code_id: str) -> bool:
        """Whether the same coder already coded the same span of the same interview with ``code_id``."""
        query = select(s.coding.c.id).where(
            s.coding.c.interview_id == ref.interview_id, s.coding.c.code_id == code_id,
            s.coding.c.coder_id == ref.coder_id, s.coding.c.start == ref.start, s.coding.c.end == ref.end,
        )  # fmt: skip
        return self.conn.execute(query).first() is not None

    def archive_coding(self, coding_id: str, version: int) -> bool:
        row = self.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).mappings().one_or_none()
        if row is None:
            return False
        data = {key: _to_json(value) for key, value in row.items()}
        self.conn.execute(
            insert(s.coding_archive).values(
                id=coding_id, interview_id=row["interview_id"], code_id=row["code_id"], archived_in=version,
                data=json.dumps(data, sort_keys=True),
            )
        )  # fmt: skip
        self.repo.touch(str(row["interview_id"]))
        self.conn.execute(delete(s.coding).where(s.coding.c.id == coding_id))
        return True

    def unarchive_coding(self, coding_id: str, code_id: str) -> bool:
        """Put an archived coding back under ``code_id``; False if it is gone or its span is taken again."""
        raw = self.conn.execute(
            select(s.coding_archive.c.data).where(s.coding_archive.c.id == coding_id)
        ).scalar_one_or_none()
        if raw is None:
            return False
        data = json.loads(raw)
        columns = {c.name: c for c in s.coding.columns}
        values = {k: _from_json(isinstance(columns[k].type, Boolean), v) for k, v in data.items() if k in columns}
        ref = CodingRecord(coding_id, str(data["interview_id"]), code_id, str(data["coder_id"]), int(data["start"]),
                        int(data["end"]))  # fmt: skip
        if self.span_taken(ref, code_id):
            return False
        self.repo.touch(ref.interview_id)
        if values.get("code_id") != code_id:
            values.update(rebind_coding(self.repo, values, {"code_id": code_id}))
        self.conn.execute(insert(s.coding).values(**values))
        self.conn.execute(delete(s.coding_archive).where(s.coding_archive.c.id == coding_id))
        return True

    def is_archived(self, coding_id: str) -> bool:
        query = select(s.coding_archive.c.id).where(s.coding_archive.c.id == coding_id)
        return self.conn.execute(query).first() is not None

    def set_created_at(self, table_name: str, row_id: str, when: dt.datetime) -> None:
        """Keep the original time of an imported coding or memo."""
        table = s.coding if table_name == "coding" else s.memo
        self.conn.execute(update(table).where(table.c.id == row_id).values(created_at=when))

    # -- versions ----------------------------------------------------------

    def add_version(self, author_id: str, summary: str, snap: Snapshot, changes: Sequence[CodingChange]) -> int:
        version = self.repo.codebook_version() + 1
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
            raise NotFoundError(f"The codebook has no version {number}.")
        return _version(row)


def _code(r: Any) -> Code:
    return Code(
        id=r.id, name=r.name, parent_id=r.parent_id, color=r.color, definition=r.definition, inclusion=r.inclusion,
        exclusion=r.exclusion, examples=tuple(json.loads(r.examples)), codable=bool(r.codable), key=r.key,
    )  # fmt: skip


def _version(r: Any) -> VersionRecord:
    changes = [(str(c[0]), c[1], c[2]) for c in json.loads(r.changes or "[]")]
    return VersionRecord(r.version, r.author, as_utc(r.created_at), r.summary, json.loads(r.snapshot), changes)


def _to_json(value: object) -> object:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"b64": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime):
        return {"t": as_utc(value).isoformat()}
    return value


def _from_json(is_bool: bool, value: object) -> object:
    if isinstance(value, dict) and "b64" in value:
        return base64.b64decode(value["b64"])
    if isinstance(value, dict) and "t" in value:
        return dt.datetime.fromisoformat(value["t"])
    if is_bool and value is not None:
        return bool(value)
    return value
