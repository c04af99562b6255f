"""Codings: coded spans with their quotes and memos, live and archived.

A coding's quote and memo are sealed with the interview's data key, bound to its row, field,
interview, code, coder and span (``workbench.store.sealing``): whatever moves one of those seals
both again, so the stored copy always matches. Codings taken out by a codebook change are
archived, not deleted: their row is kept as JSON (ciphertexts in base64, still sealed under the
interview's data key, whose associated data names the ``coding`` table and row id), so restoring
a version puts back exactly the rows that were there, whatever columns later issues add.
Every change to an interview's codings touches the unit of work, which seals its manifest again.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, delete, func, insert, select, update

from workbench.domain.models import Coding, Transcript, User
from workbench.domain.records import CodingMeta, CodingRecord
from workbench.domain.text import check_span
from workbench.errors import NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import ordered_id, utcnow
from workbench.store.sealing import MAC_BYTES, coding_bind, coding_entry, manifest_version, metadata_verified

if TYPE_CHECKING:
    from workbench.store.repo import Repo


class CodingRepo:
    """Reads and writes of codings inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    # -- reads -------------------------------------------------------------------------------

    def of_interview(self, interview_id: str, code_ids: Collection[str] | None = None) -> list[Coding]:
        """Every coding of an interview (or of some codes only), decrypted, in text order.

        The manifest is checked over all of the interview's rows first; with ``code_ids`` only
        those codes' quotes and memos are opened (Retrieve shows one code, not the interview).
        When this transaction already checked the interview's whole manifest (``verified_meta`` on
        an interview not yet on version 3, whose metadata it can only verify that way), rows that
        equal the verified entries, all of the chosen codes' entries and no other, need no second
        check; anything else is checked against the manifest as before.
        """
        cipher = self.repo.interviews.cipher(interview_id)
        query = (
            select(s.coding, s.app_user.c.name.label("coder_name"))
            .join(s.app_user, s.app_user.c.id == s.coding.c.coder_id)
            .where(s.coding.c.interview_id == interview_id)
            .order_by(s.coding.c.start, s.coding.c.end, s.coding.c.created_at, s.coding.c.id)
        )  # ties (one span, several coders) in the order they were coded, whatever index the filter uses
        if code_ids is not None:
            query = query.where(s.coding.c.code_id.in_(list(code_ids)))
        rows = self.conn.execute(query).all()
        if code_ids is None or not _as_verified(self.repo.verified_entries(interview_id), rows, code_ids):
            self.repo.check_manifest(interview_id, cipher)
        return [
            Coding(
                id=r.id,
                interview_id=r.interview_id,
                code_id=r.code_id,
                coder=r.coder_name,
                coder_id=r.coder_id,
                start=r.start,
                end=r.end,
                text=cipher.open("coding", r.id, "text", r.text_enc, coding_bind(r._mapping)),
                created_at=as_utc(r.created_at),
                memo=cipher.open("coding", r.id, "memo", r.memo_enc, coding_bind(r._mapping))
                if r.memo_enc is not None
                else None,
                suggested=bool(r.suggested),
            )
            for r in rows
        ]

    def verified_meta(self, interview_ids: Collection[str]) -> dict[str, list[CodingMeta]]:
        """The codings' metadata of these (unshredded) interviews, in text order, without decrypting.

        Each interview's manifest is checked against exactly the rows returned, so a changed, added
        or removed row is refused with the integrity error as ``of_interview`` would. A version 3
        manifest's metadata half covers code, coder, span and flag of every coding and each memo's
        author, so no ciphertext is read at all (``sealing.metadata_verified``). An interview whose
        manifest is older has the whole manifest checked over its rows and their ciphertexts
        (version 2 covers the metadata too; under version 1 each quote is opened, its binding
        authenticating the metadata, and the plaintext dropped at once) until its next change
        seals version 3; while any interview is older, the ciphertexts are read with the rows.
        Three queries for the whole project, whatever its size.
        """
        wanted = set(interview_ids)
        names = {u.id: u.name for u in self.repo.users.everyone()}
        heads = self.conn.execute(select(s.interview.c.id, s.interview.c.manifest_enc, s.interview.c.data_key_id))
        stored = {r.id: (r.manifest_enc, r.data_key_id) for r in heads}
        current = all(len(stored[i][0] or b"") == 2 * MAC_BYTES for i in wanted if i in stored)
        rows, memos = self._meta_rows(wanted, ciphertexts=not current)  # older manifests need the ciphertexts
        self.repo.keyring.preload(self.conn, (stored[i][1] for i in wanted if i in stored))
        for interview_id in wanted:
            manifest, key_id = stored.get(interview_id, (None, ""))
            if self.repo.changed(interview_id):
                continue  # checked when this transaction first touched it
            cipher = self.repo.keyring.cipher(self.conn, key_id, f"interview {interview_id[:8]}")
            found = rows[interview_id]
            if metadata_verified(cipher, interview_id, manifest, found, memos[interview_id]):
                continue
            seen = self.repo.verified_entries(interview_id)
            version = manifest_version(cipher, interview_id, manifest, found, memos[interview_id],
                                       seen=seen)  # fmt: skip
            if version < 2:
                for r in found:
                    cipher.open("coding", r["id"], "text", r["text_enc"], coding_bind(r))
        return {interview_id: _meta(interview_id, found, names) for interview_id, found in rows.items()}

    def _meta_rows(self, wanted: set[str], *, ciphertexts: bool) -> tuple[dict[str, list[Any]], dict[str, list[Any]]]:
        """The codings and memos of these interviews by interview: clear columns, and ciphertexts if asked."""
        c, m = s.coding.c, s.memo.c
        columns = [c.id, c.interview_id, c.code_id, c.coder_id, c.start, c.end, c.suggested]
        memo_columns = [m.id, m.interview_id, m.author_id]
        if ciphertexts:
            columns += [c.text_enc, c.memo_enc]
            memo_columns.append(m.text_enc)
        query = select(*columns).order_by(c.interview_id, c.start, c.end)
        rows = _grouped(self.conn.execute(query).mappings().all(), wanted)  # one fetch, not a call per row
        return rows, _grouped(self.conn.execute(select(*memo_columns)).mappings().all(), wanted)

    def counts(self) -> tuple[Counter[str], Counter[str], Counter[str]]:
        """Codings per interview, per coder name and per code id (no decryption needed)."""
        rows = self.conn.execute(
            select(s.coding.c.interview_id, s.app_user.c.name, s.coding.c.code_id).join(
                s.app_user, s.app_user.c.id == s.coding.c.coder_id
            )
        ).all()
        return Counter(r[0] for r in rows), Counter(r[1] for r in rows), Counter(r[2] for r in rows)

    def record(self, coding_id: str) -> CodingRecord:
        row = self.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).one_or_none()
        if row is None:
            raise NotFoundError(
                _("There is no coding with the id {coding_id}; it may have been removed.").format(
                    coding_id=coding_id[:8]
                )
            )
        return CodingRecord(row.id, row.interview_id, row.code_id, row.coder_id, row.start, row.end)

    def refs(self, code_ids: Iterable[str] | None = None, interview_id: str | None = None) -> list[CodingRecord]:
        """Codings' metadata (nothing decrypted), optionally of some codes or one interview."""
        query = select(
            s.coding.c.id, s.coding.c.interview_id, s.coding.c.code_id, s.coding.c.coder_id, s.coding.c.start,
            s.coding.c.end,
        ).order_by(s.coding.c.interview_id, s.coding.c.start, s.coding.c.end)  # fmt: skip
        if code_ids is not None:
            query = query.where(s.coding.c.code_id.in_(list(code_ids)))
        if interview_id is not None:
            query = query.where(s.coding.c.interview_id == interview_id)
        return [CodingRecord(*row) for row in self.conn.execute(query)]

    def count(self, code_ids: Iterable[str]) -> int:
        query = select(func.count()).select_from(s.coding).where(s.coding.c.code_id.in_(list(code_ids)))
        return int(self.conn.execute(query).scalar_one())

    def current_code_of(self, coding_id: str) -> str | None:
        value = self.conn.execute(select(s.coding.c.code_id).where(s.coding.c.id == coding_id)).scalar_one_or_none()
        return None if value is None else str(value)

    def existing_keys(self, interview_id: str, coder_id: str) -> set[tuple[str, int, int]]:
        """(code, start, end) of a coder's codings on an interview: the uniqueness the schema enforces."""
        rows = self.conn.execute(
            select(s.coding.c.code_id, s.coding.c.start, s.coding.c.end).where(
                s.coding.c.interview_id == interview_id, s.coding.c.coder_id == coder_id
            )
        )
        return {(r.code_id, r.start, r.end) for r in rows}

    def span_taken(self, ref: CodingRecord, code_id: str) -> bool:
        """Whether the same coder already coded the same span of the same interview with ``code_id``."""
        query = select(s.coding.c.id).where(
            s.coding.c.interview_id == ref.interview_id, s.coding.c.code_id == code_id,
            s.coding.c.coder_id == ref.coder_id, s.coding.c.start == ref.start, s.coding.c.end == ref.end,
        )  # fmt: skip
        return self.conn.execute(query).first() is not None

    # -- writes ------------------------------------------------------------------------------

    def add(
        self,
        transcript: Transcript,
        code_id: str,
        coder_id: str,
        start: int,
        end: int,
        *,
        memo: str | None = None,
        suggested: bool = False,
    ) -> Coding:
        """One coding on an open transcript (its quote is cut from the transcript's text)."""
        check_span(len(transcript.text), start, end)
        interview_id = transcript.summary.id
        cipher = self.repo.interviews.cipher(interview_id)
        coding_id = ordered_id()
        now = utcnow()
        quote = transcript.text[start:end]
        values: dict[str, Any] = {"id": coding_id, "interview_id": interview_id, "code_id": code_id,
                                  "coder_id": coder_id, "start": start, "end": end, "suggested": suggested}  # fmt: skip
        bind = coding_bind(values)
        self.repo.touch(interview_id)
        self.conn.execute(
            insert(s.coding).values(
                **values,
                created_at=now,
                text_enc=cipher.seal("coding", coding_id, "text", quote, bind),
                memo_enc=cipher.seal("coding", coding_id, "memo", memo, bind) if memo else None,
            )
        )
        coder = self.repo.users.by_id(coder_id)
        return Coding(
            coding_id, interview_id, code_id, coder.name if coder else "?", start, end, quote, now, memo, suggested,
            coder_id=coder_id,
        )  # fmt: skip

    def add_many(
        self,
        interview_id: str,
        text: str,
        coder: User,
        spans: Iterable[tuple[str, int, int]],
        *,
        memo: str | None = None,
    ) -> list[Coding]:
        """Insert codings (code, start, end) on one interview in one statement, each with its sealed quote."""
        cipher = self.repo.interviews.cipher(interview_id)
        now = utcnow()
        rows: list[dict[str, object]] = []
        created: list[Coding] = []
        for code_id, start, end in spans:
            check_span(len(text), start, end)
            coding_id = ordered_id()
            quote = text[start:end]
            values: dict[str, object] = {"id": coding_id, "interview_id": interview_id, "code_id": code_id,
                                         "coder_id": coder.id, "start": start, "end": end,
                                         "suggested": False}  # fmt: skip
            bind = coding_bind(values)
            values["created_at"] = now
            values["text_enc"] = cipher.seal("coding", coding_id, "text", quote, bind)
            values["memo_enc"] = cipher.seal("coding", coding_id, "memo", memo, bind) if memo else None
            rows.append(values)
            created.append(
                Coding(
                    coding_id, interview_id, code_id, coder.name, start, end, quote, now, memo or None,
                    coder_id=coder.id,
                )
            )  # fmt: skip
        if rows:
            self.repo.touch(interview_id)
            self.conn.execute(insert(s.coding), rows)
        return created

    def add_imported(
        self, interview_id: str, text: str, items: Sequence[tuple[str, str, int, int, str | None, dt.datetime | None]]
    ) -> list[str]:
        """Insert imported codings (code, coder id, start, end, memo, created time) in one statement.

        A ``.qdpx`` import brings thousands of codings per source; one insert with its created
        time in it replaces four statements per coding (key look-up, insert, coder look-up and
        a created-time update). Returns the new ids in the order given.
        """
        cipher = self.repo.interviews.cipher(interview_id)
        now = utcnow()
        rows: list[dict[str, object]] = []
        for code_id, coder_id, start, end, memo, when in items:
            check_span(len(text), start, end)
            coding_id = ordered_id()
            values: dict[str, object] = {"id": coding_id, "interview_id": interview_id, "code_id": code_id,
                                         "coder_id": coder_id, "start": start, "end": end,
                                         "suggested": False}  # fmt: skip
            bind = coding_bind(values)
            values["created_at"] = when or now
            values["text_enc"] = cipher.seal("coding", coding_id, "text", text[start:end], bind)
            values["memo_enc"] = cipher.seal("coding", coding_id, "memo", memo, bind) if memo else None
            rows.append(values)
        if rows:
            self.repo.touch(interview_id)
            self.conn.execute(insert(s.coding), rows)
        return [str(r["id"]) for r in rows]

    def delete(self, coding_id: str) -> None:
        interview_id = self.conn.execute(select(s.coding.c.interview_id).where(s.coding.c.id == coding_id)).scalar()
        if interview_id is not None:
            self.repo.touch(str(interview_id))
        self.conn.execute(delete(s.coding).where(s.coding.c.id == coding_id))

    def rebind(self, row: Any, changes: dict[str, Any], *, quote: str | None = None) -> dict[str, Any]:
        """The column values that change ``row`` by ``changes``, its quote and memo sealed again for them.

        A coding's quote and memo are bound to its interview, code, coder and span: whatever moves
        one of those must seal both again (opening them under the old binding first, so a coding
        already tampered with is refused rather than laundered). ``quote`` replaces the quote.
        """
        cipher = self.repo.interviews.cipher(row["interview_id"])
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

    def _row(self, coding_id: str) -> Any:
        row = self.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).mappings().one_or_none()
        if row is None:
            raise NotFoundError(
                _("There is no coding with the id {coding_id}; it may have been removed.").format(
                    coding_id=coding_id[:8]
                )
            )
        return row

    def update_span(self, record: CodingRecord, text: str, start: int, end: int) -> None:
        """Move a coding to ``[start, end)``: its quote (and memo) are sealed again for the new span."""
        check_span(len(text), start, end)
        self.repo.touch(record.interview_id)
        row = self._row(record.id)
        values = self.rebind(row, {"start": start, "end": end}, quote=text[start:end])
        self.conn.execute(update(s.coding).where(s.coding.c.id == record.id).values(**values, updated_at=utcnow()))

    def set_memo(self, record: CodingRecord, memo: str | None) -> None:
        self.repo.touch(record.interview_id)
        cipher = self.repo.interviews.cipher(record.interview_id)
        row = self._row(record.id)
        sealed = cipher.seal("coding", record.id, "memo", memo, coding_bind(row)) if memo else None
        self.conn.execute(
            update(s.coding).where(s.coding.c.id == record.id).values(memo_enc=sealed, updated_at=utcnow())
        )

    def move(self, coding_id: str, code_id: str) -> None:
        """Give a coding another code (its quote and memo are sealed again for it)."""
        row = self.conn.execute(select(s.coding).where(s.coding.c.id == coding_id)).mappings().one_or_none()
        if row is None:
            return
        self.repo.touch(str(row["interview_id"]))
        values = self.rebind(row, {"code_id": code_id})
        self.conn.execute(update(s.coding).where(s.coding.c.id == coding_id).values(**values))

    def set_created_at(self, coding_id: str, when: dt.datetime) -> None:
        """Keep the original time of an imported coding."""
        self.conn.execute(update(s.coding).where(s.coding.c.id == coding_id).values(created_at=when))

    # -- archive -----------------------------------------------------------------------------

    def archive(self, coding_id: str, version: int) -> bool:
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

    def unarchive(self, coding_id: str, code_id: str) -> bool:
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
            values.update(self.rebind(values, {"code_id": code_id}))
        self.conn.execute(insert(s.coding).values(**values))
        self.conn.execute(delete(s.coding_archive).where(s.coding_archive.c.id == coding_id))
        return True

    def is_archived(self, coding_id: str) -> bool:
        query = select(s.coding_archive.c.id).where(s.coding_archive.c.id == coding_id)
        return self.conn.execute(query).first() is not None


def _meta(interview_id: str, rows: Sequence[Any], names: dict[str, str]) -> list[CodingMeta]:
    return [
        CodingMeta(r["id"], interview_id, r["code_id"], names.get(r["coder_id"], "?"), r["coder_id"],
                   r["start"], r["end"], bool(r["suggested"]))
        for r in rows
    ]  # fmt: skip


def _grouped(rows: Iterable[Any], wanted: set[str]) -> dict[str, list[Any]]:
    """Rows by their interview, for the wanted interviews only (each present, if with no rows)."""
    found: dict[str, list[Any]] = {i: [] for i in wanted}
    for r in rows:
        if r["interview_id"] in wanted:
            found[r["interview_id"]].append(r)
    return found


def _as_verified(seen: dict[str, list[object]], rows: Sequence[Any], code_ids: Collection[str]) -> bool:
    """Whether ``rows`` are exactly the verified codings of ``code_ids``, each unchanged since it was verified."""
    if not seen:
        return False
    wanted = set(code_ids)
    if sum(1 for e in seen.values() if e[2] in wanted) != len(rows):
        return False
    return all(seen.get(r.id) == coding_entry(r._mapping) for r in rows)


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
