"""Account records beside the key slots: password hashes and failed sign-ins.

A failed sign-in happens when nobody holds a key, so it cannot be MACed into the audit
chain at once. It is staged in ``login_failure`` and folded into the chain by the next
successful sign-in; the staged rows also drive rate limiting, which therefore holds across
server restarts and between the app and the CLI.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, delete, func, insert, select, update

from workbench.store import audit
from workbench.store import schema as s
from workbench.store.keys import Keyring, new_id, utcnow

UNKNOWN_USER = "(unknown user)"
_KEEP_FOLDED = dt.timedelta(days=1)


def password_hash(conn: Connection, user_id: str) -> str | None:
    value = conn.execute(select(s.app_user.c.password_hash).where(s.app_user.c.id == user_id)).scalar_one_or_none()
    return str(value) if value is not None else None


def set_password_hash(conn: Connection, user_id: str, value: str | None) -> None:
    conn.execute(update(s.app_user).where(s.app_user.c.id == user_id).values(password_hash=value))


def record_failure(conn: Connection, user_name: str, client: str) -> None:
    """Stage one failed sign-in. ``user_name`` must be a member's name or UNKNOWN_USER.

    Whatever was typed into the user field is never stored when it names nobody: people
    sometimes type their password there.
    """
    conn.execute(
        insert(s.login_failure).values(id=new_id(), at=utcnow(), user_name=user_name[:100], client=client[:100])
    )


def failures_since(
    conn: Connection, since: dt.datetime, *, user_name: str | None = None, client: str | None = None
) -> int:
    query = select(func.count()).select_from(s.login_failure).where(s.login_failure.c.at >= since)
    if user_name is not None:
        query = query.where(s.login_failure.c.user_name == user_name)
    if client is not None:
        query = query.where(s.login_failure.c.client == client)
    return int(conn.execute(query).scalar_one())


def oldest_failure_since(
    conn: Connection, since: dt.datetime, *, user_name: str | None = None, client: str | None = None
) -> dt.datetime | None:
    query = select(func.min(s.login_failure.c.at)).where(s.login_failure.c.at >= since)
    if user_name is not None:
        query = query.where(s.login_failure.c.user_name == user_name)
    if client is not None:
        query = query.where(s.login_failure.c.client == client)
    value = conn.execute(query).scalar_one_or_none()
    return audit.as_utc(value) if value is not None else None


def fold_failures(conn: Connection, keyring: Keyring) -> int:
    """Append every staged failure to the audit chain (oldest first); return how many."""
    rows = conn.execute(
        select(s.login_failure).where(s.login_failure.c.folded_at.is_(None)).order_by(s.login_failure.c.at)
    ).all()
    now = utcnow()
    for row in rows:
        audit.record(
            conn,
            keyring,
            row.user_name,
            "failed login",
            object_type="user",
            detail={"client": row.client, "at": audit.as_utc(row.at).isoformat(timespec="seconds")},
        )
    if rows:
        conn.execute(
            update(s.login_failure).where(s.login_failure.c.id.in_([r.id for r in rows])).values(folded_at=now)
        )
    conn.execute(
        delete(s.login_failure).where(
            s.login_failure.c.folded_at.is_not(None), s.login_failure.c.at < now - _KEEP_FOLDED
        )
    )
    return len(rows)
