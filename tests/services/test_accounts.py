"""Per-user key slots, passwords, writers' limited keys, sign-in rate limits and their audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSPHRASE
from tests.helpers import TRANSCRIPT_A, add_two_transcripts
from workbench.domain.models import Role
from workbench.errors import KeyScopeError, PermissionDeniedError, TooManyAttemptsError, WrongPassphraseError
from workbench.services import projects
from workbench.services.interviews import view_transcript
from workbench.services.projects import audit_log, open_project, verify_audit
from workbench.services.sso import link_sso, sso_member
from workbench.services.users import add_user, remove_user, set_password
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.keys import release_key_id

RITA = "rita's first password"
WANDA = "wanda's first password"


def _open(ws: Workspace, secret: str, name: str, client: str = "cli") -> Workspace:
    return open_project(ws.location.directory, secret, name, client=client)


def test_a_password_opens_only_its_own_members_slot(project: Workspace) -> None:
    first, _ = add_two_transcripts(project)
    add_user(project, "rita", Role.RESEARCHER, RITA)
    add_user(project, "lena", Role.LEAD, "lena's password!")
    rita = _open(project, RITA, "rita")
    try:
        assert rita.user.name == "rita" and rita.keyring.full
        assert view_transcript(rita, first).transcript.text == TRANSCRIPT_A
    finally:
        rita.close()
    with pytest.raises(WrongPassphraseError):
        _open(project, RITA, "lena")  # rita's password is not lena's
    with project.read() as repo:
        slots = repo.conn.execute(select(s.key_slot.c.kind, s.key_slot.c.user_id)).all()
        hashes = repo.conn.execute(select(s.app_user.c.name, s.app_user.c.password_hash)).all()
    assert sorted(kind for kind, _ in slots) == ["passphrase", "user", "user"]
    stored = dict(hashes)
    assert stored["rita"].startswith("$argon2id$") and RITA not in stored["rita"]
    assert stored["alice"] is None  # the creator signs in with the project passphrase until she sets one


def test_a_writers_password_cannot_decrypt_transcripts_even_below_the_services(project: Workspace) -> None:
    first, _ = add_two_transcripts(project)
    add_user(project, "wanda", Role.WRITER, WANDA)
    with project.write() as repo:
        release = release_key_id(repo.conn, repo.keyring)
        sealed = repo.keyring.cipher(repo.conn, release, "released material").seal(
            "t", "r1", "quote", "[PERSON 1] said"
        )
    wanda = _open(project, WANDA, "wanda")
    try:
        assert not wanda.keyring.full
        with wanda.read() as repo:
            with pytest.raises(KeyScopeError, match="release key"):
                repo.interviews.transcript(first)  # bypassing every permission check
            cipher = repo.keyring.cipher(repo.conn, release, "released material")
            assert cipher.open("t", "r1", "quote", sealed) == "[PERSON 1] said"
            assert {i.title for i in repo.interviews.summaries()} == {
                f"Interview {i.id[:8]}" for i in repo.interviews.summaries()
            }  # titles may name people: a writer sees ids only
        with pytest.raises(PermissionDeniedError):
            view_transcript(wanda, first)
        assert verify_audit(project) is None  # wanda's sign-in was chained with the shared audit key
    finally:
        wanda.close()


def test_a_removed_members_password_unlocks_nothing(project: Workspace) -> None:
    add_user(project, "rita", Role.RESEARCHER, RITA)
    remove_user(project, "rita")
    with project.read() as repo:
        rita_id = repo.conn.execute(select(s.app_user.c.id).where(s.app_user.c.name == "rita")).scalar_one()
        assert repo.conn.execute(select(func.count()).where(s.key_slot.c.user_id == rita_id)).scalar_one() == 0
    for name in ("rita", "alice", None):
        with pytest.raises(WrongPassphraseError):
            _open(project, RITA, name)  # type: ignore[arg-type]


def test_changing_a_password_rewraps_one_slot(project: Workspace) -> None:
    first, _ = add_two_transcripts(project)
    add_user(project, "rita", Role.RESEARCHER, RITA)
    add_user(project, "wanda", Role.WRITER, WANDA)
    rita = _open(project, RITA, "rita")
    try:
        with pytest.raises(PermissionDeniedError, match="current password"):
            set_password(rita, "rita", "a brand new password", current_password="wrong guess!")
        set_password(rita, "rita", "a brand new password", current_password=RITA)
        with pytest.raises(PermissionDeniedError):
            set_password(rita, "wanda", "taken over by rita")  # only admins reset others
    finally:
        rita.close()
    with pytest.raises(WrongPassphraseError):
        _open(project, RITA, "rita")
    again = _open(project, "a brand new password", "rita")
    try:
        assert view_transcript(again, first).transcript.text == TRANSCRIPT_A
    finally:
        again.close()
    set_password(project, "wanda", "reset by the admin")  # the admin wraps the release key anew
    _open(project, "reset by the admin", "wanda").close()
    _open(project, PASSPHRASE, "wanda").close()  # the passphrase remains the recovery route
    actions = [e.action for e in audit_log(project).entries]
    assert actions.count("password changed") == 2


def test_too_many_failures_pause_a_user_everywhere_but_not_others(project: Workspace) -> None:
    add_user(project, "rita", Role.RESEARCHER, RITA)
    for _ in range(projects.MAX_FAILURES_PER_USER):
        with pytest.raises(WrongPassphraseError):
            _open(project, "guess", "rita", client="10.0.0.9")
    with pytest.raises(TooManyAttemptsError, match="user rita"):
        _open(project, RITA, "rita", client="10.0.0.1")  # even the right password, from elsewhere
    _open(project, PASSPHRASE, "alice", client="10.0.0.9").close()


def test_too_many_failures_from_one_client_pause_that_client(project: Workspace) -> None:
    for i in range(projects.MAX_FAILURES_PER_CLIENT):
        with pytest.raises(WrongPassphraseError):
            _open(project, PASSPHRASE, f"nobody-{i}", client="192.0.2.7")
    with pytest.raises(TooManyAttemptsError, match="this client"):
        _open(project, PASSPHRASE, "alice", client="192.0.2.7")
    _open(project, PASSPHRASE, "alice", client="192.0.2.8").close()


def test_failed_sign_ins_are_folded_into_the_audit_chain_without_what_was_typed(project: Workspace) -> None:
    add_user(project, "rita", Role.RESEARCHER, RITA)
    with pytest.raises(WrongPassphraseError):
        _open(project, "not it", "rita", client="10.1.1.1")
    with pytest.raises(WrongPassphraseError):
        _open(project, RITA, "my secret typed as a name", client="10.1.1.1")
    _open(project, RITA, "rita", client="10.1.1.2").close()
    entries = list(reversed(audit_log(project).entries))
    failed = [e for e in entries if e.action == "failed login"]
    assert [(e.actor, e.detail["client"]) for e in failed] == [("rita", "10.1.1.1"), ("(unknown user)", "10.1.1.1")]
    logins = [e for e in entries if e.action == "login"]
    assert logins[-1].actor == "rita" and logins[-1].detail == {"client": "10.1.1.2", "with": "password"}
    assert entries.index(failed[-1]) < entries.index(logins[-1])
    assert verify_audit(project) is None
    with project.read() as repo:
        staged = repo.conn.execute(select(s.login_failure.c.user_name, s.login_failure.c.folded_at)).all()
    assert all(folded is not None for _, folded in staged)
    assert "my secret typed as a name" not in str(staged) + str([e.detail for e in entries])


def test_an_sso_identity_maps_to_a_member_only_when_an_admin_linked_it(project: Workspace) -> None:
    add_user(project, "rita", Role.RESEARCHER, RITA)
    assert sso_member(project.location.directory, "rita@centre.example") is None
    link_sso(project, "rita", " Rita@Centre.example ")
    assert sso_member(project.location.directory, "rita@centre.example") == "rita"
    rita = _open(project, RITA, "rita")
    try:
        with pytest.raises(PermissionDeniedError):
            link_sso(rita, "rita", "someone@else.example")
    finally:
        rita.close()
