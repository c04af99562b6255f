"""Memos on whole interviews: sealed with the interview's data key, bound to interview and author.

Every change touches the unit of work, so the interview's manifest is sealed again.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update

from workbench.domain.records import InterviewMemo
from workbench.errors import NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import new_id, utcnow
from workbench.store.sealing import memo_bind

if TYPE_CHECKING:
    from workbench.store.repo import Repo


class MemoRepo:
    """Reads and writes of interview memos inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    def add(self, interview_id: str, author_id: str, text: str) -> str:
        cipher = self.repo.interviews.cipher(interview_id)
        memo_id = new_id()
        self.repo.touch(interview_id)
        self.conn.execute(
            insert(s.memo).values(
                id=memo_id,
                interview_id=interview_id,
                author_id=author_id,
                created_at=utcnow(),
                text_enc=cipher.seal("memo", memo_id, "text", text, memo_bind(
                    {"interview_id": interview_id, "author_id": author_id})),
            )
        )  # fmt: skip
        return memo_id

    def of_interview(self, interview_id: str) -> list[InterviewMemo]:
        """The memos of an interview, oldest first, decrypted (the manifest is checked first)."""
        cipher = self.repo.interviews.cipher(interview_id)
        rows = self.conn.execute(
            select(s.memo, s.app_user.c.name.label("author"))
            .join(s.app_user, s.app_user.c.id == s.memo.c.author_id)
            .where(s.memo.c.interview_id == interview_id)
            .order_by(s.memo.c.created_at, s.memo.c.id)
        ).all()
        self.repo.check_manifest(interview_id, cipher)
        return [
            InterviewMemo(r.id, r.author, cipher.open("memo", r.id, "text", r.text_enc, memo_bind(r._mapping)),
                          as_utc(r.created_at), r.author_id)
            for r in rows
        ]  # fmt: skip

    def author_of(self, memo_id: str) -> tuple[str, str | None]:
        """(author id, interview id) of an interview memo."""
        row = self.conn.execute(select(s.memo.c.author_id, s.memo.c.interview_id).where(s.memo.c.id == memo_id)).first()
        if row is None:
            raise NotFoundError(
                _("There is no memo with the id {memo_id}; it may have been deleted.").format(memo_id=memo_id[:8])
            )
        return str(row.author_id), row.interview_id

    def delete(self, memo_id: str) -> None:
        interview_id = self.conn.execute(select(s.memo.c.interview_id).where(s.memo.c.id == memo_id)).scalar()
        if interview_id is not None:
            self.repo.touch(str(interview_id))
        self.conn.execute(delete(s.memo).where(s.memo.c.id == memo_id))

    def set_created_at(self, memo_id: str, when: dt.datetime) -> None:
        """Keep the original time of an imported memo."""
        self.conn.execute(update(s.memo).where(s.memo.c.id == memo_id).values(created_at=when))
