"""Attack: the audit log loses its tail, all of it, or is re-chained by a writer, undetected.

An outsider with the database file deletes the last entries or every entry; a report writer,
holding the database file and their own password (so their key slot and the keys it wraps),
drops the "project exported" entry and re-MACs the rest of the chain with the key they hold.
``audit verify`` must report each of these.
"""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import PASSPHRASE
from tests.helpers import add_two_transcripts
from workbench.domain.models import Role
from workbench.services.projects import audit_log, open_project, verify_audit
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import audit
from workbench.store.keys import unlock_user_slot
from workbench.store.schema import audit_event

WRITER_PASSWORD = "writer password 123"


def _delete(ws: Workspace, where: str = "") -> int:
    with ws.store.engine.begin() as conn:
        return conn.execute(text(f"DELETE FROM audit_event {where}")).rowcount  # noqa: S608 - test-made


def _some_history(ws: Workspace) -> None:
    add_two_transcripts(ws)
    assert verify_audit(ws) is None


def _verify_as_cli_does(ws: Workspace) -> int | None:
    """``workbench audit verify`` signs in first (which appends a "login" entry), then verifies."""
    fresh = open_project(ws.location.directory, PASSPHRASE)
    try:
        return verify_audit(fresh)
    finally:
        fresh.close()


@pytest.mark.parametrize("n", [1, 3])
def test_deleting_the_last_entries_is_detected(project: Workspace, n: int) -> None:
    _some_history(project)
    with project.store.engine.begin() as conn:
        top = conn.execute(text("SELECT max(seq) FROM audit_event")).scalar_one()
    assert _delete(project, f"WHERE seq > {top - n}") == n
    assert verify_audit(project) is not None
    assert audit_log(project).first_broken is not None
    assert _verify_as_cli_does(project) is not None  # a sign-in after the attack does not hide it
    assert _verify_as_cli_does(project) is not None


def test_deleting_every_entry_is_detected(project: Workspace) -> None:
    _some_history(project)
    assert _delete(project) > 0
    assert verify_audit(project) is not None
    assert _verify_as_cli_does(project) is not None


def test_deleting_every_entry_and_the_anchors_is_detected(project: Workspace) -> None:
    _some_history(project)
    _delete(project)
    with project.store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_anchor"))
    assert _verify_as_cli_does(project) is not None
    assert _verify_as_cli_does(project) is not None


def test_the_cli_reports_a_cut_off_tail(project: Workspace) -> None:
    from typer.testing import CliRunner

    from workbench.cli import app

    _some_history(project)
    _delete(project, "WHERE seq > 2")
    env = {"WORKBENCH_PASSPHRASE": PASSPHRASE, "WORKBENCH_DATABASE_URL": None}
    if project.store.backend == "postgresql":
        env["WORKBENCH_DATABASE_URL"] = str(project.store.engine.url.render_as_string(hide_password=False))
    result = CliRunner().invoke(app, ["audit", "verify", str(project.location.directory)], env=env)
    assert result.exit_code == 4, result.output
    assert "Audit log intact" not in result.output


def _writer_rechains_without(ws: Workspace, action: str) -> None:
    """The writer's attack: rebuild the whole chain minus one entry, MACed with their own keys."""
    with ws.store.engine.begin() as conn:
        user_id = conn.execute(text("SELECT id FROM app_user WHERE name = 'wendy'")).scalar_one()
        keyring = unlock_user_slot(conn, ws.project.id, user_id, WRITER_PASSWORD)
        assert keyring is not None and not keyring.full  # really only the writer's keys
        rows = conn.execute(audit_event.select().order_by(audit_event.c.seq)).mappings().all()
        conn.execute(audit_event.delete())
        for row in rows:
            if row["action"] == action:
                continue
            audit.record(conn, keyring, row["actor"], row["action"], object_type=row["object_type"],
                         object_id=row["object_id"], detail={"replayed": True})  # fmt: skip


def test_a_writer_rechaining_the_log_is_detected(project: Workspace) -> None:
    _some_history(project)
    add_user(project, "wendy", Role.WRITER, password=WRITER_PASSWORD)
    wendy = open_project(project.location.directory, WRITER_PASSWORD, "wendy")
    with wendy.write() as repo:
        wendy.audit(repo, "project exported", "release", "r1", format="xlsx")
    wendy.close()
    lead = open_project(project.location.directory, PASSPHRASE, "alice")  # later work by a full member
    lead.close()
    assert verify_audit(project) is None
    _writer_rechains_without(project, "project exported")
    assert "project exported" not in [e.action for e in audit_log(project).entries]
    assert verify_audit(project) is not None
    assert _verify_as_cli_does(project) is not None


def test_a_writer_rewriting_every_entry_is_detected(project: Workspace) -> None:
    _some_history(project)
    add_user(project, "wendy", Role.WRITER, password=WRITER_PASSWORD)
    _writer_rechains_without(project, "no such action")
    assert verify_audit(project) is not None
    assert _verify_as_cli_does(project) is not None


def test_an_untouched_log_with_writer_entries_verifies(project: Workspace) -> None:
    """The checks fail because of the attacks: a writer's own appends keep the log intact."""
    _some_history(project)
    add_user(project, "wendy", Role.WRITER, password=WRITER_PASSWORD)
    wendy = open_project(project.location.directory, WRITER_PASSWORD, "wendy")
    with wendy.write() as repo:
        wendy.audit(repo, "project exported", "release", "r1", format="xlsx")
    wendy.close()
    assert verify_audit(project) is None
    assert audit_log(project).entries[0].action == "project exported"
    assert _verify_as_cli_does(project) is None
