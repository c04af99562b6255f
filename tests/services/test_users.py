"""Membership, and each role's allowed and forbidden actions through the services."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.helpers import add_codes, add_two_transcripts
from workbench.domain.models import Code, Role
from workbench.errors import InvalidInputError, PermissionDeniedError, WrongPassphraseError
from workbench.services.codebook.sync import install_codebook
from workbench.services.coding import add_coding
from workbench.services.interviews import add_transcript, view_transcript
from workbench.services.projects import audit_log, change_passphrase, open_project, project_status, shred_interview
from workbench.services.users import add_user, list_users, remove_user
from workbench.services.workspace import Workspace

MEMBERS = (("lena", Role.LEAD), ("rita", Role.RESEARCHER), ("wanda", Role.WRITER))


def password_of(name: str) -> str:
    return f"{name}'s own password"


@pytest.fixture
def members(project: Workspace) -> Iterator[dict[Role, Workspace]]:
    """A session per role, each signed in with the member's own password (the writer's holds no master key)."""
    for name, role in MEMBERS:
        add_user(project, name, role, password_of(name))
    sessions = {role: open_project(project.location.directory, password_of(name), name) for name, role in MEMBERS}
    sessions[Role.ADMIN] = project
    yield sessions
    for role, ws in sessions.items():
        if role is not Role.ADMIN:
            ws.close()


def _actions(first: str, code: Code) -> dict[str, Callable[[Workspace], object]]:
    return {
        "status": project_status,
        "import": lambda ws: add_transcript(ws, "I: Hi?\n\nR: Hello.", title="t"),
        "read": lambda ws: view_transcript(ws, first),
        "code": lambda ws: add_coding(ws, first, code.id, 13, 20),
        "edit codebook": lambda ws: install_codebook(
            ws, [Code(f"{ws.user.id[:8]}-0000-4000-8000-{'0' * 12}", "New")], "x"
        ),
        "audit": audit_log,
        "add user": lambda ws: add_user(ws, f"new-{ws.user.name}", Role.RESEARCHER),
        "change passphrase": lambda ws: change_passphrase(ws, PASSPHRASE, kdf=FAST_KDF),
        "shred": lambda ws: shred_interview(ws, first),
    }


ALLOWED = {
    Role.ADMIN: {
        "status",
        "import",
        "read",
        "code",
        "edit codebook",
        "audit",
        "add user",
        "change passphrase",
        "shred",
    },
    Role.LEAD: {"status", "import", "read", "code", "edit codebook", "audit"},
    Role.RESEARCHER: {"status", "import", "read", "code"},
    Role.WRITER: {"status"},
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_may_do_exactly_its_actions(members: dict[Role, Workspace], role: Role) -> None:
    admin = members[Role.ADMIN]
    code = add_codes(admin)[1]
    first, _ = add_two_transcripts(admin)
    done = set()
    for name, action in _actions(first, code).items():
        try:
            action(members[role])
            done.add(name)
        except PermissionDeniedError as exc:
            assert role.value in str(exc)
    assert done == ALLOWED[role]


def test_removed_member_cannot_act_and_their_codings_stay(members: dict[Role, Workspace]) -> None:
    admin = members[Role.ADMIN]
    code = add_codes(admin)[1]
    first, _ = add_two_transcripts(admin)
    add_coding(members[Role.RESEARCHER], first, code.id, 13, 20)
    remove_user(admin, "rita")
    assert "rita" not in {u.name for u in list_users(admin)}
    for secret in (PASSPHRASE, password_of("rita")):
        with pytest.raises(WrongPassphraseError, match="user name or password is wrong"):
            open_project(admin.location.directory, secret, "rita")
    assert project_status(admin).codings_by_coder == {"rita": 1}
    with pytest.raises(InvalidInputError, match="is or was used"):
        add_user(admin, "rita", Role.RESEARCHER)


def test_admins_cannot_remove_themselves_or_the_last_admin(members: dict[Role, Workspace]) -> None:
    admin = members[Role.ADMIN]
    with pytest.raises(InvalidInputError, match="yourself"):
        remove_user(admin, "alice")
    add_user(admin, "second", Role.ADMIN, password_of("second"))
    second = open_project(admin.location.directory, password_of("second"), "second")
    remove_user(second, "alice")
    with pytest.raises(InvalidInputError, match="yourself"):
        remove_user(second, "second")
    second.close()
