"""`workbench events seal DIR`: the admin's one-time sealing of manifests missing since 0014 (in-process).

The project is built through the services, its event manifests cleared in SQL (a 0014
database has none), and the command run as a user runs it, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, update
from typer.testing import CliRunner

from tests.conftest import PASSPHRASE
from tests.security.test_event_manifest_seal import PASSWORD, _as_0014, _events
from workbench.cli import app
from workbench.domain.models import Role
from workbench.services.events import list_events
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s

runner = CliRunner()


def invoke(directory: Path, *args: str, user: str = "alice", secret: str = PASSPHRASE) -> tuple[int, str]:
    result = runner.invoke(app, ["events", *args, str(directory)],
                           env={"WORKBENCH_PASSPHRASE": secret, "WORKBENCH_USER": user})  # fmt: skip
    return result.exit_code, result.output


def test_seal_makes_a_0014_database_readable_again(project: Workspace) -> None:
    directory = project.location.directory
    _events(project)
    _as_0014(project)
    code, out = invoke(directory, "list")
    assert code == 1 and "no integrity manifest" in out and "workbench events seal DIR" in out
    assert "Traceback" not in out
    assert invoke(directory, "seal", "--dry-run") == (0, "2 participants would be sealed: P1, P2.\n")
    assert invoke(directory, "list")[0] == 1, "the dry run changed nothing"
    assert invoke(directory, "seal") == (0, "Sealed the life-event manifests of 2 participants: P1, P2.\n")
    code, out = invoke(directory, "list")
    assert code == 0 and len(out.splitlines()) == 3
    assert invoke(directory, "seal") == (0, "Sealed the life-event manifests of 0 participants.\n")


def test_seal_refuses_a_non_admin_and_reports_an_altered_event(project: Workspace) -> None:
    directory = project.location.directory
    ids = _events(project)
    _as_0014(project)
    add_user(project, "rita", Role.RESEARCHER, PASSWORD)
    code, out = invoke(directory, "seal", user="rita", secret=PASSWORD)
    assert code == 2 and "rita has the role researcher" in out
    with project.write() as repo:
        blob = bytearray(repo.conn.execute(
            select(s.life_event.c.payload_enc).where(s.life_event.c.id == ids["P2"][0])).scalar_one())  # fmt: skip
        blob[5] ^= 0x40
        repo.conn.execute(update(s.life_event).where(s.life_event.c.id == ids["P2"][0]).values(payload_enc=bytes(blob)))
    code, out = invoke(directory, "seal")
    assert code == 1, out
    assert out.startswith("Sealed the life-event manifest of 1 participant: P1.\n")
    assert f"the life events {ids['P2'][0][:8]} of P2 (so their manifests were not sealed)" in out
    assert [e.id for e in list_events(project, participant_code="P1")] == ids["P1"], "P1 was sealed"
    assert "no integrity manifest" in invoke(directory, "list")[1], "P2 was not"
