"""Project members, their roles, passwords and key slots. Only admins change membership.

Each member's password wraps a key slot of their own (as disk encryption does): adding a member
needs an admin's unlocked session, removing one deletes their slot, and a password change
re-wraps that one slot. Admins, leads and researchers' slots wrap the master key; a writer's slot
wraps only the release key (de-identified material) and the audit key, so a writer's password
cannot decrypt a transcript even with direct access to the database.
"""

from __future__ import annotations

from workbench.crypto.passwords import hash_password, verify_password
from workbench.domain.models import Role, User
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.i18n import gettext as _
from workbench.services.password_policy import refuse_weak
from workbench.services.projects import check_user_name
from workbench.services.workspace import Workspace
from workbench.store.keys import (
    MASTER_SCOPE,
    RELEASE_SCOPE,
    delete_user_slots,
    passphrase_kdf,
    set_user_slot,
)
from workbench.store.repo import Repo

MIN_PASSWORD_LENGTH = 10


def slot_scope(role: Role) -> str:
    return RELEASE_SCOPE if role is Role.WRITER else MASTER_SCOPE


def check_password(password: str, *, user_name: str = "") -> None:
    """Long enough and not guessable (common passwords, repeats, the member's own name)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            _(
                "The password is too short: use at least {MIN_PASSWORD_LENGTH} characters (a few unrelated words "
                "are easy to remember and hard to guess)."
            ).format(MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH)
        )
    refuse_weak(password, "password", context=[user_name])


def add_user(ws: Workspace, name: str, role: Role, password: str | None = None) -> User:
    """Add a member; with a password they can sign in on their own, else only with the passphrase."""
    require(ws.user, Action.MANAGE_KEYS)
    if password is not None:
        check_password(password, user_name=name)
    with ws.write() as repo:
        user = repo.users.add(check_user_name(name), role)
        if password is not None:
            _set_credentials(ws, repo, user, password)
        ws.audit(repo, "user added", "user", user.id, role=role.value, password=password is not None)
    return user


def set_password(ws: Workspace, name: str, new_password: str, *, current_password: str | None = None) -> None:
    """Change a member's password (re-wraps their one slot; the project keys stay the same).

    Members change their own password, confirming the current one when the caller asks for it
    (the app does, so a session left open cannot be taken over); admins may reset anyone's.
    """
    check_password(new_password, user_name=name)
    with ws.write() as repo:
        user = _member(repo, name)
        if user.id != ws.user.id:
            require(ws.user, Action.MANAGE_KEYS)
        elif current_password is not None:
            stored = repo.accounts.password_hash(user.id)
            if stored is None or not verify_password(stored, current_password):
                raise PermissionDeniedError(_("The current password is not right; the password was not changed."))
        _set_credentials(ws, repo, user, new_password)
        ws.audit(repo, "password changed", "user", user.id, by_admin=user.id != ws.user.id)


def remove_user(ws: Workspace, name: str) -> None:
    """End a member's access: delete their key slot; their codings stay attributed to them.

    An admin cannot remove themselves and the last admin cannot be removed, so a
    project is never left without someone who can manage it.
    """
    require(ws.user, Action.MANAGE_KEYS)
    with ws.write() as repo:
        user = _member(repo, name)
        if user.id == ws.user.id:
            raise InvalidInputError(_("You cannot remove yourself; ask another admin."))
        if user.role is Role.ADMIN and sum(u.role is Role.ADMIN for u in repo.users.current()) <= 1:
            raise InvalidInputError(_("The last admin cannot be removed."))
        delete_user_slots(repo.conn, user.id)
        repo.accounts.set_password_hash(user.id, None)
        repo.users.remove(user.id)
        ws.audit(repo, "user removed", "user", user.id)


def list_users(ws: Workspace) -> list[User]:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return repo.users.current()


def _member(repo: Repo, name: str) -> User:
    user = repo.users.by_name(name)
    if user is None:
        raise NotFoundError(_("There is no user {name!r} in this project.").format(name=name))
    return user


def _set_credentials(ws: Workspace, repo: Repo, user: User, password: str) -> None:
    kdf = passphrase_kdf(repo.conn)
    repo.accounts.set_password_hash(user.id, hash_password(password, kdf))
    set_user_slot(repo.conn, ws.keyring, user.id, password, slot_scope(user.role))
