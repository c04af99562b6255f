"""Project members and their roles."""

from __future__ import annotations

from workbench.domain.models import Role, User
from workbench.domain.permissions import Action, require
from workbench.services.projects import check_user_name
from workbench.services.workspace import Workspace


def add_user(ws: Workspace, name: str, role: Role) -> User:
    require(ws.user, Action.MANAGE_KEYS)
    with ws.write() as repo:
        user = repo.add_user(check_user_name(name), role)
        ws.audit(repo, "user added", "user", user.id, role=role.value)
    return user


def list_users(ws: Workspace) -> list[User]:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return repo.users()
