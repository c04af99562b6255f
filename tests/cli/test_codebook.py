"""`workbench codebook ...` and `workbench qdpx ...`, run as a user would (real subprocesses)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.cli.console import run
from tests.refi.fixtures import nvivo_like
from tests.refi.schemas import validate
from workbench.paths import CODEBOOKS_DIR

SUBCOMMANDS = {
    "codebook": ["import", "export", "diff", "push", "list", "history", "restore", "add", "rename", "move", "merge",
                 "delete"],
    "qdpx": ["import", "export"],
}  # fmt: skip


@pytest.mark.parametrize("group", list(SUBCOMMANDS))
def test_every_command_is_listed_with_help(group: str) -> None:
    result = run(group, "--help")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 2}
    assert set(SUBCOMMANDS[group]) <= listed
    assert run(group, SUBCOMMANDS[group][0], "--help").returncode == 0


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cbcli") / "demo"
    assert run("demo", directory).returncode == 0
    return directory


def test_export_edit_diff_push_and_restore(demo_dir: Path, tmp_path: Path) -> None:
    qdc = tmp_path / "book.qdc"
    assert run("codebook", "export", demo_dir, "-o", qdc).returncode == 0
    validate("codebook", qdc.read_bytes())
    shared = tmp_path / "shared.yaml"
    shared.write_bytes((CODEBOOKS_DIR / "radicalization-indicators.yaml").read_bytes())
    same = run("codebook", "diff", demo_dir, shared)
    assert same.returncode == 0 and "matches" in same.stdout
    renamed = run("codebook", "rename", demo_dir, "us_vs_them", "Us and them", "--user", "lena")
    assert renamed.returncode == 0, renamed.stderr
    refused = run("codebook", "delete", demo_dir, "turning_points")
    assert refused.returncode == 1 and "Confirm" in refused.stderr
    deleted = run("codebook", "delete", demo_dir, "turning_points", "--yes")
    assert deleted.returncode == 0 and "codebook restore" in deleted.stdout
    diff = run("codebook", "diff", demo_dir, shared).stdout
    assert "renamed 'Us versus them' to 'Us and them'" in diff and "removed 'Turning points'" in diff
    pushed = run("codebook", "push", demo_dir, shared, "-o", tmp_path / "v2.yaml")
    assert pushed.returncode == 0 and "version 2" in pushed.stdout
    history = run("codebook", "history", demo_dir).stdout.splitlines()
    assert "lena" in history[1] and "Pulled shared codebook" in history[-1]
    before_delete = history[0].split()[0]
    restored = run("codebook", "restore", demo_dir, str(int(before_delete) - 1))
    assert restored.returncode == 0 and "codings back" in restored.stdout
    assert "Turning points" in run("codebook", "list", demo_dir).stdout
    researcher = run("codebook", "rename", demo_dir, "us_vs_them", "x", "--user", "anna")
    assert researcher.returncode == 2


def test_qdpx_export_then_import_into_a_new_project(demo_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "demo.qdpx"
    exported = run("qdpx", "export", demo_dir, "-o", target)
    assert exported.returncode == 0, exported.stderr
    assert "NOT encrypted" in exported.stdout and "SHA-256" in exported.stdout
    with zipfile.ZipFile(target) as archive:
        validate("project", archive.read("project.qde"))
    fresh = tmp_path / "fresh"
    assert run("init", fresh, "--lang", "en", "--user", "zoe", passphrase="another passphrase").returncode == 0
    imported = run("qdpx", "import", fresh, target, passphrase="another passphrase")
    assert imported.returncode == 0, imported.stderr
    assert "6 transcripts" in imported.stdout and "122 codings" in imported.stdout
    assert "49 life events imported" in imported.stdout
    # 21 codes and the 12 of the life-event family; the 49 demo life events travel as codings (issue 15)
    assert "In the file: codes 33 of 33; sources 6 of 6; selections" in imported.stdout
    assert "codings 171 of 171." in imported.stdout and "positions: 6 sources read as the standard" in imported.stdout
    nvivo = tmp_path / "nvivo.qdpx"
    nvivo.write_bytes(nvivo_like()[0])
    second = run("qdpx", "import", fresh, nvivo, passphrase="another passphrase")
    assert second.returncode == 0 and "warning:" in second.stderr and "UTF-16" in second.stderr
    assert "0 life events imported" in second.stdout, "another tool's file carries none"
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"not a zip")
    failed = run("qdpx", "import", fresh, broken, passphrase="another passphrase")
    assert failed.returncode == 1 and "damaged" in failed.stderr and "Traceback" not in failed.stderr


def test_every_command_that_takes_a_code_accepts_the_short_id_it_prints(demo_dir: Path, tmp_path: Path) -> None:
    listed = run("codebook", "list", demo_dir)
    assert listed.returncode == 0, listed.stderr
    coded = [line for line in listed.stdout.splitlines() if not line.rstrip().endswith("[0]") and "(group)" not in line]
    short = coded[0].split()[0]
    assert len(short) == 8
    retrieved = run("retrieve", demo_dir, "--code", short, "-o", tmp_path / "passages.csv")
    assert retrieved.returncode == 0, retrieved.stderr
    assert "passages of" in retrieved.stderr and "There is no code" not in retrieved.stderr
    renamed = run("codebook", "rename", demo_dir, short, "Renamed by short id")
    assert renamed.returncode == 0, renamed.stderr
    assert "There is no code" in run("retrieve", demo_dir, "--code", "ffffffff").stderr
