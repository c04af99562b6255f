"""Append-only audit log whose entries are chained with an HMAC, and anchored.

Each entry's MAC covers its own fields and the previous entry's MAC, keyed by the chain
key (derived from the master key; report writers hold it too, wrapped in their key slot,
because their exports are audited). Editing, deleting or reordering an entry breaks the
chain from that entry on.

A chain alone cannot show that its tail, or all of it, was cut off, and whoever holds the
chain key can rebuild it. So two anchors record where the chain ends (``audit_anchor``):

* the *tail* anchor (sequence number and MAC of the last entry, MACed with the chain key),
  moved by every append: deleting the last entries, or every entry, no longer matches it;
* the *master* anchor (the same, MACed with a key derived from the master key, which writers
  never hold), moved by every append of a session holding the master key: a writer who
  rebuilds the chain cannot make it match the entry the master anchor names.

What is left: a writer can drop or rewrite only writer entries made after the last entry of
an admin, lead or researcher session, and nobody can tell a whole database restored from an
older copy from the current one (see the README's threat model). Entries hold ids and action
names only, never transcript text.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, delete, func, insert, select

from workbench.store.keys import Keyring, has_current_data_keys, utcnow
from workbench.store.schema import audit_anchor, audit_event

GENESIS = b"workbench audit genesis"
ANCHORED = "audit anchored"
"""The action recorded when an older project's log gets its anchors (on its first full unlock)."""
CREATED_MARKER = {"sealing": 2}
"""The detail of a current project's "project created" entry (it never needs the upgrade)."""
TAIL = "tail"
MASTER = "master"


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
    new_anchors: bool = False,
) -> int:
    """Append one entry inside the caller's write transaction; returns its sequence number.

    ``new_anchors`` is for a new project's first entry and the one-time upgrade of an older
    project only: it creates the anchors when there are none.
    """
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
    _move_anchors(conn, keyring, (seq - 1, prev_mac), (seq, mac), create=new_anchors)
    return seq


def record_many(
    conn: Connection, keyring: Keyring, actor: str, entries: Sequence[tuple[str, str, str, dict[str, object]]]
) -> int:
    """Append several entries (action, object type, object id, detail) in one statement; the last seq.

    The same chain as ``record`` entry by entry, but the anchors are moved once, from the entry
    before the first to the last: applying codes to many spans (or generating a project) costs
    one insert, not three statements and two anchor writes per entry.
    """
    if not entries:
        return 0
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE audit_event IN EXCLUSIVE MODE")
    last = conn.execute(
        select(audit_event.c.seq, audit_event.c.mac).order_by(audit_event.c.seq.desc()).limit(1)
    ).first()
    first_prev = (0, GENESIS) if last is None else (int(last.seq), bytes(last.mac))
    seq, mac = first_prev
    at = utcnow()
    rows = []
    for action, object_type, object_id, detail in entries:
        seq += 1
        detail_json = json.dumps(detail, sort_keys=True, ensure_ascii=False)
        mac = keyring.mac(_message(mac, seq, at, (actor, action, object_type, object_id, detail_json)))
        rows.append({"seq": seq, "at": at, "actor": actor, "action": action, "object_type": object_type,
                     "object_id": object_id, "detail": detail_json, "mac": mac})  # fmt: skip
    conn.execute(insert(audit_event), rows)
    _move_anchors(conn, keyring, first_prev, (seq, mac), create=False)
    return seq


def _anchor_message(kind: str, seq: int, head: bytes) -> bytes:
    return f"workbench audit anchor|{kind}|{seq}|".encode() + head


def _anchors(conn: Connection) -> dict[str, tuple[int, bytes, bytes]]:
    rows = conn.execute(select(audit_anchor)).all()
    return {r.kind: (int(r.seq), bytes(r.head), bytes(r.tag)) for r in rows}


def _put_anchor(conn: Connection, kind: str, seq: int, head: bytes, tag: bytes) -> None:
    conn.execute(delete(audit_anchor).where(audit_anchor.c.kind == kind))
    conn.execute(insert(audit_anchor).values(kind=kind, seq=seq, head=head, tag=tag, updated_at=utcnow()))


def _move_anchors(
    conn: Connection, keyring: Keyring, prev: tuple[int, bytes], new: tuple[int, bytes], *, create: bool
) -> None:
    """After an append, move the anchors that still describe the log as it was: never repair one.

    The tail anchor moves when it named the entry just before the new one; the master anchor
    (sessions holding the master key) when, in addition, the entry it names is still there
    unchanged. An anchor that no longer matches (the tail was cut off, the log emptied or
    rebuilt) or was deleted is left as it is, so ``verify`` keeps reporting it; otherwise the
    next sign-in would quietly anchor the damaged log. Anchors are created only with
    ``create`` when there are none (a new log, or an older project's upgrade).
    """
    seq, head = new
    existing = _anchors(conn)
    if not existing:
        if create and keyring.full:
            _put_anchor(conn, MASTER, seq, head, keyring.anchor_mac(_anchor_message(MASTER, seq, head)))
            _put_anchor(conn, TAIL, seq, head, keyring.mac(_anchor_message(TAIL, seq, head)))
        return
    tail = existing.get(TAIL)
    if tail is None or not _names(tail, prev, keyring.mac, TAIL):
        return
    _put_anchor(conn, TAIL, seq, head, keyring.mac(_anchor_message(TAIL, seq, head)))
    master = existing.get(MASTER)
    if not keyring.full or master is None:
        return
    at = conn.execute(select(audit_event.c.mac).where(audit_event.c.seq == master[0])).scalar_one_or_none()
    if at is not None and _names(master, (master[0], bytes(at)), keyring.anchor_mac, MASTER):
        _put_anchor(conn, MASTER, seq, head, keyring.anchor_mac(_anchor_message(MASTER, seq, head)))


def _names(anchor: tuple[int, bytes, bytes], entry: tuple[int, bytes], mac: Callable[[bytes], bytes],
           kind: str) -> bool:  # fmt: skip
    """Whether an authentic anchor names exactly ``entry`` (sequence number and MAC)."""
    seq, head, tag = anchor
    authentic = hmac.compare_digest(mac(_anchor_message(kind, seq, head)), tag)
    return authentic and seq == entry[0] and hmac.compare_digest(head, entry[1])


def is_legacy(conn: Connection) -> bool:
    """Whether this is an older project's log, never anchored (it is, at the first full unlock).

    All must hold: no anchors; no ``audit anchored`` entry; a first entry that is not a current
    project's creation (whose detail carries ``CREATED_MARKER``); and no data key wrapped in the
    current format. Deleting the anchors of a current project therefore does not make it look
    old (its data keys are version 2 blobs, which cannot be turned back without the master key),
    and an emptied log is never taken for an old one.
    """
    if _anchors(conn) or has_current_data_keys(conn):
        return False
    if conn.execute(select(audit_event.c.seq).where(audit_event.c.action == ANCHORED).limit(1)).first() is not None:
        return False
    first = conn.execute(select(audit_event.c.detail).where(audit_event.c.seq == 1)).scalar_one_or_none()
    if first is None:
        return False
    try:
        detail = json.loads(first)
    except ValueError:
        return False
    return not (isinstance(detail, dict) and detail.get("sealing") == CREATED_MARKER["sealing"])


def verify(conn: Connection, keyring: Keyring) -> int | None:
    """The sequence number of the first broken or missing entry, or None if the log holds.

    Broken: an entry whose MAC does not match. Missing: the anchors name an entry the log no
    longer has (its tail or all of it was deleted), or name a different one (it was rebuilt).
    An empty log is always broken, since every project's log starts with its creation. The
    master anchor is checked when ``keyring`` holds the master key (admins and leads, who
    alone may read the log); a log never anchored (an older project not yet opened by a
    member holding the master key) is checked as a chain only.
    """
    prev_mac = GENESIS
    expected_seq = 1
    macs: dict[int, bytes] = {}
    for row in conn.execute(select(audit_event).order_by(audit_event.c.seq)):
        fields = (row.actor, row.action, row.object_type, row.object_id, row.detail)
        message = _message(prev_mac, row.seq, row.at, fields)
        if row.seq != expected_seq or not hmac.compare_digest(keyring.mac(message), bytes(row.mac)):
            return int(row.seq)
        prev_mac = bytes(row.mac)
        macs[expected_seq] = prev_mac
        expected_seq += 1
    last = expected_seq - 1
    if last == 0:
        return 1
    anchors = _anchors(conn)
    if not anchors:
        return None if is_legacy(conn) else last + 1
    return _check_anchors(keyring, anchors, macs, last)


def _check_anchors(keyring: Keyring, anchors: dict[str, tuple[int, bytes, bytes]], macs: dict[int, bytes],
                   last: int) -> int | None:  # fmt: skip
    """The first entry the anchors show missing or replaced, or None when both match the chain."""
    broken = _check_anchor(anchors.get(TAIL), keyring.mac, TAIL, macs, last, must_end=True)
    if broken is not None or not keyring.full:
        return broken
    return _check_anchor(anchors.get(MASTER), keyring.anchor_mac, MASTER, macs, last, must_end=False)


def _check_anchor(anchor: tuple[int, bytes, bytes] | None, mac: Callable[[bytes], bytes], kind: str,
                  macs: dict[int, bytes], last: int, *, must_end: bool) -> int | None:  # fmt: skip
    if anchor is None:
        return last + 1 if must_end else 1
    seq, head, tag = anchor
    if not hmac.compare_digest(mac(_anchor_message(kind, seq, head)), tag):
        return min(seq, last) + 1 if must_end else 1
    if seq > last:
        return last + 1
    if must_end and seq < last:
        return seq + 1
    return None if hmac.compare_digest(macs[seq], head) else seq


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
