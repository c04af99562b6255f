"""Attack (on the user's trust): the CLI answers ordinary trouble with "internal error".

``workbench audit show DIR | head`` ended with "internal error (BrokenPipeError)" and
exit 70, and a damaged (or foreign) SQLite file gave "internal error (DatabaseError)",
which reads like a bug and hides what to do. A closed pipe now ends the command quietly,
as other Unix tools end; a damaged database gets a plain message saying to restore it from
a backup, and a non-zero exit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.console import WORKBENCH, run
from workbench.services.demo import DEMO_PASSPHRASE


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("clierr") / "demo"
    result = run("demo", directory, passphrase=None)
    assert result.returncode == 0, result.stderr
    return directory


def test_a_closed_pipe_ends_the_command_quietly(demo_dir: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env["WORKBENCH_PASSPHRASE"] = DEMO_PASSPHRASE
    process = subprocess.Popen([WORKBENCH, "audit", "show", str(demo_dir)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env)  # fmt: skip
    assert process.stdout is not None
    process.stdout.close()  # like `| head` that has already quit: every write meets a closed pipe
    _, err = process.communicate(timeout=120)
    assert b"internal error" not in err and b"Traceback" not in err and b"BrokenPipe" not in err, err
    assert err.strip() == b"", err
    assert process.returncode != 70


@pytest.mark.parametrize(
    "damage",
    [b"this is not a database at all\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4080],
    ids=["garbage", "broken-header"],
)
def test_a_damaged_database_gets_a_plain_message(demo_dir: Path, tmp_path: Path, damage: bytes) -> None:
    copy = tmp_path / "demo"
    shutil.copytree(demo_dir, copy)
    for extra in copy.glob("project.sqlite3-*"):
        extra.unlink()
    (copy / "project.sqlite3").write_bytes(damage)
    result = run("status", copy)
    assert result.returncode not in (0, 70), result
    assert "internal error" not in result.stderr, result.stderr
    assert "damaged or not a workbench database" in result.stderr and "backup" in result.stderr, result.stderr
