"""Attack: a report writer asks for the anonymized ``.qdpx``, which re-exports whole transcripts.

The refusal itself held, but it exited 1 (bad input), so a script could not tell "you may not
do this" from "your file is wrong". A role that may not do something exits 2, like every other
permission refusal, and nothing is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import built_project
from workbench.cli import app as cli
from workbench.errors import PermissionDeniedError
from workbench.services import deid_release
from workbench.services.exports import ExportOptions, export_to_file
from workbench.services.projects import open_project

runner = CliRunner()


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    directory = built_project(tmp_path / "project", deid_release.release)
    return directory


def test_a_writers_qdpx_is_refused_with_exit_2(project_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "project.qdpx"
    args = ["export", str(project_dir), "-f", "qdpx", "-o", str(target)]
    env = {"WORKBENCH_PASSPHRASE": PASSPHRASE, "WORKBENCH_USER": "wanda"}
    # The project is Hungarian, so the writer's language is too; --lang en gives the English message.
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 2, result.output
    assert "csak vezető vagy adminisztrátor" in result.output and not target.exists()
    result = runner.invoke(cli, [*args, "--lang", "en"], env=env)
    assert result.exit_code == 2, result.output
    assert "only a lead or an admin" in result.output and not target.exists()
    ws = open_project(project_dir, PASSPHRASE, "wanda")
    try:
        with pytest.raises(PermissionDeniedError):
            export_to_file(ws, ExportOptions("qdpx"), target)
    finally:
        ws.close()
    assert not target.exists()
