"""Attack (or plain damage): one interview's title ciphertext has a flipped byte.

Before, ``workbench status`` failed for the whole project; the README promises the rest stays
readable. Now the damaged interview is listed as damaged (with a warning, exit 0), the others
are listed as usual, and opening the damaged one still fails with the integrity message.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, update
from typer.testing import CliRunner

from tests.conftest import PASSPHRASE
from tests.helpers import add_two_transcripts
from workbench.cli import app
from workbench.errors import IntegrityError
from workbench.services.interviews import view_transcript
from workbench.services.projects import project_status
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.interviews import DAMAGED_TITLE


def _flip_title_byte(ws: Workspace, interview_id: str) -> None:
    with ws.store.engine.begin() as conn:
        blob = bytearray(conn.execute(select(s.interview.c.title_enc).where(s.interview.c.id == interview_id))
                         .scalar_one())  # fmt: skip
        blob[20] ^= 0x01
        conn.execute(update(s.interview).where(s.interview.c.id == interview_id).values(title_enc=bytes(blob)))


def test_status_lists_the_others_and_marks_the_damaged_one(project: Workspace) -> None:
    a, b = add_two_transcripts(project)
    _flip_title_byte(project, a)
    titles = {i.summary.id: i.summary.title for i in project_status(project).interviews}
    assert titles == {a: DAMAGED_TITLE, b: "Interview B"}
    with pytest.raises(IntegrityError):
        view_transcript(project, a)
    assert view_transcript(project, b).transcript.summary.title == "Interview B"


def test_the_cli_status_warns_and_exits_zero(project: Workspace) -> None:
    a, _ = add_two_transcripts(project)
    _flip_title_byte(project, a)
    directory = str(project.location.directory)
    env = {"WORKBENCH_PASSPHRASE": PASSPHRASE}
    result = CliRunner().invoke(app, ["status", directory], env=env)
    assert result.exit_code == 0, result.output
    assert "Interview B" in result.stdout and DAMAGED_TITLE in result.stdout
    assert f"failed the integrity check ({a[:8]})" in result.stderr
    as_json = CliRunner().invoke(app, ["status", directory, "--json"], env=env)
    damaged = {i["title"]: i["damaged"] for i in json.loads(as_json.stdout)["interviews"]}
    assert damaged == {DAMAGED_TITLE: True, "Interview B": False}
