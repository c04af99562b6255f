"""The project record: the one row naming the project, its language and its default user."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import insert, select, update

from workbench.domain.models import ProjectInfo
from workbench.errors import NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo


class ProjectRepo:
    """Reads and writes of the ``project`` row inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    def create(self, project_id: str, name: str, language: str) -> None:
        self.conn.execute(
            insert(s.project).values(
                id=project_id, name=name, language=language, created_at=utcnow(), master_key_version=1
            )
        )

    def info(self, backend: str) -> ProjectInfo:
        row = self.conn.execute(select(s.project)).one_or_none()
        if row is None:
            raise NotFoundError(_("The database holds no project record."))
        return ProjectInfo(row.id, row.name, row.language, as_utc(row.created_at), backend)

    def default_user_id(self) -> str | None:
        """The member a CLI command acts as when no user is named (the project's creator)."""
        value = self.conn.execute(select(s.project.c.default_user_id)).scalar_one_or_none()
        return str(value) if value is not None else None

    def set_default_user(self, user_id: str) -> None:
        self.conn.execute(update(s.project).values(default_user_id=user_id))
