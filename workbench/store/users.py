"""Project members: names and roles, current and removed.

A removed member keeps their row (codings, memos and imports keep pointing at them) and
their name stays taken; "current" readers leave them out, the exchange readers do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Row, insert, select, update

from workbench.domain.models import Role, User
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.keys import new_id, utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo


def _user(row: Row[Any]) -> User:
    return User(row.id, row.name, Role(row.role))


class UserRepo:
    """Reads and writes of ``app_user`` (names and roles) inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    def add(self, name: str, role: Role) -> User:
        taken = self.conn.execute(select(s.app_user.c.id).where(s.app_user.c.name == name)).first()
        if taken is not None:
            raise InvalidInputError(
                _("The user name {name!r} is or was used in this project; choose another.").format(name=name)
            )
        user = User(new_id(), name, role)
        self.conn.execute(insert(s.app_user).values(id=user.id, name=name, role=role.value, created_at=utcnow()))
        return user

    def current(self) -> list[User]:
        """Current members (removed ones are left out), by name."""
        rows = self.conn.execute(
            select(s.app_user).where(s.app_user.c.removed_at.is_(None)).order_by(s.app_user.c.name)
        )
        return [_user(r) for r in rows]

    def everyone(self) -> list[User]:
        """Members past and present: codings keep pointing at removed members."""
        return [_user(r) for r in self.conn.execute(select(s.app_user).order_by(s.app_user.c.name))]

    def by_name(self, name: str) -> User | None:
        """A current member by name; removed members are not found."""
        row = self.conn.execute(
            select(s.app_user).where(s.app_user.c.name == name, s.app_user.c.removed_at.is_(None))
        ).one_or_none()
        return None if row is None else _user(row)

    def by_any_name(self, name: str) -> User | None:
        """A member by name, including removed members (whose names stay taken)."""
        row = self.conn.execute(select(s.app_user).where(s.app_user.c.name == name)).one_or_none()
        return None if row is None else _user(row)

    def by_id(self, user_id: str) -> User | None:
        row = self.conn.execute(select(s.app_user).where(s.app_user.c.id == user_id)).one_or_none()
        return None if row is None else _user(row)

    def remove(self, user_id: str) -> None:
        """Mark a member removed; rows that name them (codings, imports) keep pointing at them."""
        self.conn.execute(update(s.app_user).where(s.app_user.c.id == user_id).values(removed_at=utcnow()))
