"""Account records beside the key slots: password hashes and failed sign-ins.

A failed sign-in happens when nobody holds a key, so it cannot be MACed into the audit
chain at once. It is staged in ``login_failure`` and folded into the chain by the next
successful sign-in; the staged rows also drive rate limiting, which therefore holds across
server restarts and between the app and the CLI.

The limit is atomic: ``lock_signins`` serialises sign-ins (SQLite's ``BEGIN IMMEDIATE`` already
does; PostgreSQL takes a transaction-scoped advisory lock), and the transaction that counts the
failures also reserves the attempt as a ``pending`` row, before the slow key derivation. Parallel
attempts therefore see each other: twelve parallel guesses against a limit of five get five
password checks, not twelve. A right password deletes its reservation; a wrong one keeps it as a
failure; one left pending by a crash counts as a failure (fail closed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, or_, select, text, update

from workbench.store import audit
from workbench.store import schema as s
from workbench.store.keys import new_id, utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo

UNKNOWN_USER = "(unknown user)"
_KEEP_FOLDED = dt.timedelta(days=1)
STALE_PENDING = dt.timedelta(minutes=10)  # no key derivation takes this long: the process died


class AccountRepo:
    """Password hashes and sign-in attempts inside the transaction of ``repo``.

    Sign-in runs before anyone holds a key, so this repository needs none: its unit of work
    may carry an empty keyring (``Keyring(project_id, None)``); only ``fold_failures`` needs
    the keys of the session that just signed in, to append to the audit chain.
    """

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    def password_hash(self, user_id: str) -> str | None:
        value = self.conn.execute(
            select(s.app_user.c.password_hash).where(s.app_user.c.id == user_id)
        ).scalar_one_or_none()
        return str(value) if value is not None else None

    def set_password_hash(self, user_id: str, value: str | None) -> None:
        self.conn.execute(update(s.app_user).where(s.app_user.c.id == user_id).values(password_hash=value))

    def lock_signins(self, project_id: str) -> None:
        """Serialise sign-ins to this project until the caller's write transaction ends.

        On SQLite the write transaction began with ``BEGIN IMMEDIATE``, which already excludes every
        other writer. PostgreSQL's default isolation would let two transactions count the same
        failures, so a transaction-scoped advisory lock keyed by the project id is taken.
        """
        if self.conn.dialect.name == "postgresql":
            key = int.from_bytes(
                hashlib.sha256(f"workbench.signin:{project_id}".encode()).digest()[:8], "big", signed=True
            )
            self.conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})

    def record_failure(self, user_name: str, client: str, *, pending: bool = False) -> str:
        """Stage one failed sign-in (or, ``pending``, reserve an attempt); returns the row's id.

        ``user_name`` must be a member's name or UNKNOWN_USER. Whatever was typed into the user field
        is never stored when it names nobody: people sometimes type their password there.
        """
        row_id = new_id()
        self.conn.execute(
            insert(s.login_failure).values(
                id=row_id, at=utcnow(), user_name=user_name[:100], client=client[:100], pending=pending
            )
        )
        return row_id

    def confirm_failure(self, attempt_id: str) -> None:
        """The reserved attempt's password was wrong: it stays, as a failure."""
        self.conn.execute(update(s.login_failure).where(s.login_failure.c.id == attempt_id).values(pending=False))

    def release_attempt(self, attempt_id: str) -> None:
        """The reserved attempt's password was right: it was no failure."""
        self.conn.execute(delete(s.login_failure).where(s.login_failure.c.id == attempt_id))

    def failures_since(self, since: dt.datetime, *, user_name: str | None = None, client: str | None = None) -> int:
        query = select(func.count()).select_from(s.login_failure).where(s.login_failure.c.at >= since)
        if user_name is not None:
            query = query.where(s.login_failure.c.user_name == user_name)
        if client is not None:
            query = query.where(s.login_failure.c.client == client)
        return int(self.conn.execute(query).scalar_one())

    def oldest_failure_since(
        self, since: dt.datetime, *, user_name: str | None = None, client: str | None = None
    ) -> dt.datetime | None:
        query = select(func.min(s.login_failure.c.at)).where(s.login_failure.c.at >= since)
        if user_name is not None:
            query = query.where(s.login_failure.c.user_name == user_name)
        if client is not None:
            query = query.where(s.login_failure.c.client == client)
        value = self.conn.execute(query).scalar_one_or_none()
        return audit.as_utc(value) if value is not None else None

    def fold_failures(self) -> int:
        """Append every staged failure to the audit chain (oldest first); return how many."""
        now = utcnow()
        settled = or_(s.login_failure.c.pending.is_(False), s.login_failure.c.at < now - STALE_PENDING)
        rows = self.conn.execute(
            select(s.login_failure).where(s.login_failure.c.folded_at.is_(None), settled).order_by(s.login_failure.c.at)
        ).all()
        for row in rows:
            audit.record(
                self.conn,
                self.repo.keyring,
                row.user_name,
                "failed login",
                object_type="user",
                detail={"client": row.client, "at": audit.as_utc(row.at).isoformat(timespec="seconds")},
            )
        if rows:
            self.conn.execute(
                update(s.login_failure).where(s.login_failure.c.id.in_([r.id for r in rows])).values(folded_at=now)
            )
        self.conn.execute(
            delete(s.login_failure).where(
                s.login_failure.c.folded_at.is_not(None), s.login_failure.c.at < now - _KEEP_FOLDED
            )
        )
        return len(rows)
