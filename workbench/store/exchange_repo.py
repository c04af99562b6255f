"""Reads the REFI-QDA export needs beyond ``Repo``: every user (removed ones too), who imported
each interview, and memos with their ids (decrypted at this boundary, like ``Repo.memos``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from workbench.domain.models import Role, User
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.repo import Repo
from workbench.store.sealing import memo_bind


@dataclass(frozen=True)
class MemoRow:
    id: str
    author_id: str
    created_at: dt.datetime
    text: str


def all_users(repo: Repo) -> list[User]:
    """Members past and present: codings keep pointing at removed members."""
    rows = repo.conn.execute(select(s.app_user).order_by(s.app_user.c.name))
    return [User(r.id, r.name, Role(r.role)) for r in rows]


def user_by_any_name(repo: Repo, name: str) -> User | None:
    """A member by name, including removed members (whose names stay taken)."""
    row = repo.conn.execute(select(s.app_user).where(s.app_user.c.name == name)).one_or_none()
    return None if row is None else User(row.id, row.name, Role(row.role))


def importers(repo: Repo) -> dict[str, str]:
    """Interview id -> id of the user who imported it."""
    rows = repo.conn.execute(select(s.interview.c.id, s.interview.c.imported_by))
    return {r.id: r.imported_by for r in rows}


def memo_rows(repo: Repo, interview_id: str) -> list[MemoRow]:
    cipher = repo.keyring.cipher(repo.conn, repo.interview_data_key(interview_id), f"interview {interview_id[:8]}")
    rows = repo.conn.execute(
        select(s.memo).where(s.memo.c.interview_id == interview_id).order_by(s.memo.c.created_at, s.memo.c.id)
    ).all()
    repo.check_manifest(interview_id, cipher)
    return [MemoRow(r.id, r.author_id, as_utc(r.created_at),
                    cipher.open("memo", r.id, "text", r.text_enc, memo_bind(r._mapping)))
            for r in rows]  # fmt: skip
