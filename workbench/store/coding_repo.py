"""Reads and writes for the coding workflow: codings, their memos and spans, interview memos.

Functions take the ``Repo`` of the caller's transaction. Quotes and memos are sealed with the
interview's data key, bound to their row and field, exactly as ``Repo.add_coding`` does; a
coding whose span changes gets its quote sealed again, so the stored copy always matches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select, update

from workbench.domain.models import Coding, Segment, SegmentKind, User
from workbench.domain.text import check_span
from workbench.errors import NotFoundError, ShreddedError
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import FieldCipher, new_id, utcnow
from workbench.store.repo import Repo, segment_from_row
from workbench.store.sealing import coding_bind, interview_bind, memo_bind


@dataclass(frozen=True)
class CodingRecord:
    """A coding's metadata, without decrypting anything: enough to check who may change it."""

    id: str
    interview_id: str
    code_id: str
    coder_id: str
    start: int
    end: int


@dataclass(frozen=True)
class InterviewMemo:
    id: str
    author: str
    text: str
    created_at: dt.datetime
    author_id: str  # who may delete it is decided by id (domain/permissions.py), not by the name


@dataclass(frozen=True)
class SegmentText:
    """A decrypted segment of one interview, for searching across interviews."""

    interview_id: str
    segment: Segment


def _cipher(repo: Repo, interview_id: str) -> FieldCipher:
    return repo.keyring.cipher(repo.conn, repo.interview_data_key(interview_id), f"interview {interview_id[:8]}")


def interview_text(repo: Repo, interview_id: str) -> str:
    """The decrypted text alone: applying a coding needs no segments, speakers or title."""
    row = repo.conn.execute(
        select(
            s.interview.c.text_enc,
            s.interview.c.participant_id,
            s.interview.c.language,
            s.interview.c.wave,
            s.data_key.c.shredded_at,
        )
        .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
        .where(s.interview.c.id == interview_id)
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"Interview {interview_id[:8]} does not exist in this project.")
    if row.shredded_at is not None:
        raise ShreddedError(f"Interview {interview_id[:8]}", as_utc(row.shredded_at).date().isoformat())
    return _cipher(repo, interview_id).open("interview", interview_id, "text", row.text_enc,
                                            interview_bind(row._mapping))  # fmt: skip


def coding_record(repo: Repo, coding_id: str) -> CodingRecord:
    row = repo.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).one_or_none()
    if row is None:
        raise NotFoundError(f"There is no coding with the id {coding_id[:8]}; it may have been removed.")
    return CodingRecord(row.id, row.interview_id, row.code_id, row.coder_id, row.start, row.end)


def existing_keys(repo: Repo, interview_id: str, coder_id: str) -> set[tuple[str, int, int]]:
    """(code, start, end) of a coder's codings on an interview: the uniqueness the schema enforces."""
    rows = repo.conn.execute(
        select(s.coding.c.code_id, s.coding.c.start, s.coding.c.end).where(
            s.coding.c.interview_id == interview_id, s.coding.c.coder_id == coder_id
        )
    )
    return {(r.code_id, r.start, r.end) for r in rows}


def insert_codings(
    repo: Repo,
    interview_id: str,
    text: str,
    coder: User,
    spans: Iterable[tuple[str, int, int]],
    *,
    memo: str | None = None,
) -> list[Coding]:
    """Insert codings (code, start, end) on one interview in one statement, each with its sealed quote."""
    cipher = _cipher(repo, interview_id)
    now = utcnow()
    rows: list[dict[str, object]] = []
    created: list[Coding] = []
    for code_id, start, end in spans:
        check_span(len(text), start, end)
        coding_id = new_id()
        quote = text[start:end]
        values: dict[str, object] = {"id": coding_id, "interview_id": interview_id, "code_id": code_id,
                                     "coder_id": coder.id, "start": start, "end": end, "suggested": False}  # fmt: skip
        bind = coding_bind(values)
        values["created_at"] = now
        values["text_enc"] = cipher.seal("coding", coding_id, "text", quote, bind)
        values["memo_enc"] = cipher.seal("coding", coding_id, "memo", memo, bind) if memo else None
        rows.append(values)
        created.append(
            Coding(
                coding_id, interview_id, code_id, coder.name, start, end, quote, now, memo or None, coder_id=coder.id
            )
        )
    if rows:
        repo.touch(interview_id)
        repo.conn.execute(insert(s.coding), rows)
    return created


def delete_coding(repo: Repo, coding_id: str) -> None:
    interview_id = repo.conn.execute(select(s.coding.c.interview_id).where(s.coding.c.id == coding_id)).scalar()
    if interview_id is not None:
        repo.touch(str(interview_id))
    repo.conn.execute(delete(s.coding).where(s.coding.c.id == coding_id))


def rebind_coding(repo: Repo, row: Any, changes: dict[str, Any], *, quote: str | None = None) -> dict[str, Any]:
    """The column values that change ``row`` by ``changes``, its quote and memo sealed again for them.

    A coding's quote and memo are bound to its interview, code, coder and span: whatever moves
    one of those must seal both again (opening them under the old binding first, so a coding
    already tampered with is refused rather than laundered). ``quote`` replaces the quote.
    """
    cipher = _cipher(repo, row["interview_id"])
    old = coding_bind(row)
    new = coding_bind({**dict(row), **changes})
    text = cipher.open("coding", row["id"], "text", row["text_enc"], old)
    text = quote if quote is not None else text
    memo = cipher.open("coding", row["id"], "memo", row["memo_enc"], old) if row["memo_enc"] is not None else None
    return {
        **changes,
        "text_enc": cipher.seal("coding", row["id"], "text", text, new),
        "memo_enc": cipher.seal("coding", row["id"], "memo", memo, new) if memo is not None else None,
    }


def _coding_row(repo: Repo, coding_id: str) -> Any:
    row = repo.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).mappings().one_or_none()
    if row is None:
        raise NotFoundError(f"There is no coding with the id {coding_id[:8]}; it may have been removed.")
    return row


def update_span(repo: Repo, record: CodingRecord, text: str, start: int, end: int) -> None:
    """Move a coding to ``[start, end)``: its quote (and memo) are sealed again for the new span."""
    check_span(len(text), start, end)
    repo.touch(record.interview_id)
    row = _coding_row(repo, record.id)
    values = rebind_coding(repo, row, {"start": start, "end": end}, quote=text[start:end])
    repo.conn.execute(update(s.coding).where(s.coding.c.id == record.id).values(**values, updated_at=utcnow()))


def set_memo(repo: Repo, record: CodingRecord, memo: str | None) -> None:
    repo.touch(record.interview_id)
    cipher = _cipher(repo, record.interview_id)
    row = _coding_row(repo, record.id)
    sealed = cipher.seal("coding", record.id, "memo", memo, coding_bind(row)) if memo else None
    repo.conn.execute(update(s.coding).where(s.coding.c.id == record.id).values(memo_enc=sealed, updated_at=utcnow()))


def interview_memos(repo: Repo, interview_id: str) -> list[InterviewMemo]:
    cipher = _cipher(repo, interview_id)
    rows = repo.conn.execute(
        select(s.memo, s.app_user.c.name.label("author"))
        .join(s.app_user, s.app_user.c.id == s.memo.c.author_id)
        .where(s.memo.c.interview_id == interview_id)
        .order_by(s.memo.c.created_at, s.memo.c.id)
    ).all()
    repo.check_manifest(interview_id, cipher)
    return [
        InterviewMemo(r.id, r.author, cipher.open("memo", r.id, "text", r.text_enc, memo_bind(r._mapping)),
                      as_utc(r.created_at), r.author_id)
        for r in rows
    ]  # fmt: skip


def memo_author(repo: Repo, memo_id: str) -> tuple[str, str | None]:
    """(author id, interview id) of an interview memo."""
    row = repo.conn.execute(select(s.memo.c.author_id, s.memo.c.interview_id).where(s.memo.c.id == memo_id)).first()
    if row is None:
        raise NotFoundError(f"There is no memo with the id {memo_id[:8]}; it may have been deleted.")
    return str(row.author_id), row.interview_id


def delete_memo(repo: Repo, memo_id: str) -> None:
    interview_id = repo.conn.execute(select(s.memo.c.interview_id).where(s.memo.c.id == memo_id)).scalar()
    if interview_id is not None:
        repo.touch(str(interview_id))
    repo.conn.execute(delete(s.memo).where(s.memo.c.id == memo_id))


def readable_interviews(repo: Repo, interview_ids: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(id, data key id) of the interviews that are not shredded, optionally limited to some ids."""
    query = (
        select(s.interview.c.id, s.interview.c.data_key_id)
        .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
        .where(s.data_key.c.shredded_at.is_(None))
        .order_by(s.interview.c.imported_at, s.interview.c.id)
    )
    if interview_ids is not None:
        query = query.where(s.interview.c.id.in_(list(interview_ids)))
    return [(r.id, r.data_key_id) for r in repo.conn.execute(query)]


def segments_of_kind(repo: Repo, kind: SegmentKind, interview_ids: Sequence[str] | None = None) -> list[SegmentText]:
    """Decrypt every segment of one kind in the readable interviews (in memory only, never cached)."""
    result: list[SegmentText] = []
    for interview_id, key_id in readable_interviews(repo, interview_ids):
        cipher = repo.keyring.cipher(repo.conn, key_id, f"interview {interview_id[:8]}")
        rows = repo.conn.execute(
            select(s.segment)
            .where(s.segment.c.interview_id == interview_id, s.segment.c.kind == kind.value)
            .order_by(s.segment.c.position)
        )
        result.extend(SegmentText(interview_id, segment_from_row(r, cipher)) for r in rows)
    return result


def segment_span(repo: Repo, segment_id: str) -> tuple[str, SegmentKind, int, int]:
    """(interview id, kind, start, end) of a segment, without decrypting it."""
    row = repo.conn.execute(
        select(s.segment.c.interview_id, s.segment.c.kind, s.segment.c.start, s.segment.c.end).where(
            s.segment.c.id == segment_id
        )
    ).first()
    if row is None:
        raise NotFoundError(f"There is no turn or sentence with the id {segment_id[:8]}.")
    return str(row.interview_id), SegmentKind(row.kind), int(row.start), int(row.end)
