"""Append-only audit log whose entries are chained with an HMAC.

Each entry's MAC covers its own fields and the previous entry's MAC, keyed by a
key derived from the project master key. Editing, deleting or reordering any
entry breaks the chain from that entry on, which ``verify`` reports. Entries
hold ids and action names only, never transcript text.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from workbench.store.keys import Keyring, utcnow
from workbench.store.schema import audit_event

GENESIS = b"workbench audit genesis"


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    at: dt.datetime
    actor: str
    action: str
    object_type: str
    object_id: str
    detail: dict[str, object]


def _message(prev_mac: bytes, seq: int, at: dt.datetime, fields: tuple[str, ...]) -> bytes:
    """What an entry's MAC covers: the previous MAC, its number, its time and its text fields."""
    parts = [str(seq), as_utc(at).isoformat(timespec="microseconds"), *fields]
    return prev_mac + b"\x00" + json.dumps(parts, ensure_ascii=False).encode("utf-8")


def as_utc(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; everything we store is UTC."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def record(
    conn: Connection,
    keyring: Keyring,
    actor: str,
    action: str,
    *,
    object_type: str = "",
    object_id: str = "",
    detail: dict[str, object] | None = None,
) -> int:
    """Append one entry inside the caller's write transaction; returns its sequence number."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE audit_event IN EXCLUSIVE MODE")
    last = conn.execute(
        select(audit_event.c.seq, audit_event.c.mac).order_by(audit_event.c.seq.desc()).limit(1)
    ).first()
    seq = 1 if last is None else last.seq + 1
    prev_mac = GENESIS if last is None else bytes(last.mac)
    at = utcnow()
    detail_json = json.dumps(detail or {}, sort_keys=True, ensure_ascii=False)
    mac = keyring.mac(_message(prev_mac, seq, at, (actor, action, object_type, object_id, detail_json)))
    conn.execute(
        insert(audit_event).values(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            detail=detail_json,
            mac=mac,
        )
    )
    return seq


def verify(conn: Connection, keyring: Keyring) -> int | None:
    """Return the sequence number of the first broken entry, or None if the chain holds."""
    prev_mac = GENESIS
    expected_seq = 1
    for row in conn.execute(select(audit_event).order_by(audit_event.c.seq)):
        fields = (row.actor, row.action, row.object_type, row.object_id, row.detail)
        message = _message(prev_mac, row.seq, row.at, fields)
        if row.seq != expected_seq or not hmac.compare_digest(keyring.mac(message), bytes(row.mac)):
            return int(row.seq)
        prev_mac = bytes(row.mac)
        expected_seq += 1
    return None


def entries(
    conn: Connection, *, since: dt.datetime | None = None, actor: str | None = None, limit: int = 1000
) -> list[AuditEntry]:
    """The newest entries first, optionally only those after ``since`` or by ``actor``."""
    query = select(audit_event).order_by(audit_event.c.seq.desc()).limit(limit)
    if since is not None:
        query = query.where(audit_event.c.at >= as_utc(since))
    if actor is not None:
        query = query.where(audit_event.c.actor == actor)
    rows = conn.execute(query)
    return [
        AuditEntry(r.seq, as_utc(r.at), r.actor, r.action, r.object_type, r.object_id, json.loads(r.detail))
        for r in rows
    ]


def count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(audit_event)).scalar_one())
