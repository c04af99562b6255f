"""Project members and their roles. Only admins change membership."""

from __future__ import annotations

from workbench.domain.models import Role, User
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError
from workbench.services.projects import check_user_name
from workbench.services.workspace import Workspace


def add_user(ws: Workspace, name: str, role: Role) -> User:
    require(ws.user, Action.MANAGE_KEYS)
    with ws.write() as repo:
        user = repo.add_user(check_user_name(name), role)
        ws.audit(repo, "user added", "user", user.id, role=role.value)
    return user


def remove_user(ws: Workspace, name: str) -> None:
    """End a member's access; their codings stay attributed to them.

    An admin cannot remove themselves and the last admin cannot be removed, so a
    project is never left without someone who can manage it.
    """
    require(ws.user, Action.MANAGE_KEYS)
    with ws.write() as repo:
        user = repo.user_by_name(name)
        if user is None:
            raise NotFoundError(f"There is no user {name!r} in this project.")
        if user.id == ws.user.id:
            raise InvalidInputError("You cannot remove yourself; ask another admin.")
        if user.role is Role.ADMIN and sum(u.role is Role.ADMIN for u in repo.users()) <= 1:
            raise InvalidInputError("The last admin cannot be removed.")
        repo.remove_user(user.id)
        ws.audit(repo, "user removed", "user", user.id)


def list_users(ws: Workspace) -> list[User]:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return repo.users()
