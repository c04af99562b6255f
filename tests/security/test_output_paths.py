"""Attack: point an export's output path at something that is not a regular file.

``workbench qdpx export -o /dev/full`` (or a device made with mknod, a FIFO, a
symlink to another file, a folder) used to rename a temporary file over the
target, leaving decrypted interview text where a device or a link was. Every
output goes through ``workbench.services.atomic_file``, which must refuse any
existing target that is not a regular file, never follow or replace it, exit
non-zero and write nothing.

The device case uses a node with /dev/full's numbers made in the test's own
folder: running the attack against the real /dev/full would, on unprotected
code, replace the system's device.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.console import run
from workbench.errors import InvalidInputError
from workbench.services.atomic_file import write_atomically

Maker = Callable[[Path], Path]


def _char_device(tmp: Path) -> Path:
    if os.geteuid() != 0:
        pytest.skip("mknod of a character device needs root")
    node = tmp / "full"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # the numbers of /dev/full
    return node


def _fifo(tmp: Path) -> Path:
    node = tmp / "pipe"
    os.mkfifo(node)
    return node


def _symlink(tmp: Path) -> Path:
    victim = tmp / "victim.txt"
    victim.write_text("someone else's file\n")
    link = tmp / "out.qdpx"
    link.symlink_to(victim)
    return link


def _dangling_symlink(tmp: Path) -> Path:
    link = tmp / "out.qdpx"
    link.symlink_to(tmp / "not-yet")
    return link


def _directory(tmp: Path) -> Path:
    folder = tmp / "out.qdpx"
    folder.mkdir()
    return folder


TARGETS: dict[str, Maker] = {"char-device": _char_device, "fifo": _fifo, "symlink": _symlink,
                             "dangling-symlink": _dangling_symlink, "directory": _directory}  # fmt: skip


def _snapshot(folder: Path) -> dict[str, tuple[int, int, bytes]]:
    """Every entry in the folder: its type bits, device number and (for regular files) content."""
    seen: dict[str, tuple[int, int, bytes]] = {}
    for entry in sorted(folder.rglob("*")):
        info = entry.lstat()
        body = entry.read_bytes() if stat.S_ISREG(info.st_mode) else b""
        seen[str(entry.relative_to(folder))] = (stat.S_IFMT(info.st_mode), info.st_rdev, body)
    return seen


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("outputs") / "demo"
    result = run("demo", directory, passphrase=None)
    assert result.returncode == 0, result.stderr
    return directory


@pytest.mark.parametrize("kind", TARGETS)
@pytest.mark.parametrize("command", [["qdpx", "export"], ["codebook", "export"]], ids=" ".join)
def test_cli_refuses_an_output_that_is_not_a_regular_file(
    demo_dir: Path, tmp_path: Path, kind: str, command: list[str]
) -> None:
    target = TARGETS[kind](tmp_path)
    before = _snapshot(tmp_path)
    result = run(*command, demo_dir, "-o", target)
    assert result.returncode != 0, result.stdout
    assert "not a regular file" in result.stderr or "folder" in result.stderr, result.stderr
    assert "internal error" not in result.stderr
    assert _snapshot(tmp_path) == before  # nothing replaced, followed, or left behind


@pytest.mark.parametrize("kind", TARGETS)
def test_the_shared_writer_refuses_and_writes_nothing(tmp_path: Path, kind: str) -> None:
    target = TARGETS[kind](tmp_path)
    before = _snapshot(tmp_path)
    with pytest.raises(InvalidInputError, match=r"not a regular file|folder"):
        write_atomically(target, b"decrypted interview text")
    assert _snapshot(tmp_path) == before


def test_the_real_dev_full_is_refused_before_anything_is_created() -> None:
    """Only run against the protected writer: it refuses on lstat before touching /dev."""
    before = sorted(Path("/dev").iterdir())
    with pytest.raises(InvalidInputError, match="not a regular file"):
        write_atomically(Path("/dev/full"), b"decrypted interview text")
    assert stat.S_ISCHR(os.lstat("/dev/full").st_mode)
    assert sorted(Path("/dev").iterdir()) == before


def test_a_regular_file_is_still_replaced_atomically(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.yaml"]


def test_csv_outputs_go_through_the_shared_writer(demo_dir: Path, tmp_path: Path) -> None:
    target = _symlink(tmp_path)
    before = _snapshot(tmp_path)
    out = run("frequencies", demo_dir, "-o", target)
    assert out.returncode != 0
    assert "not a regular file" in out.stderr, out.stderr
    assert _snapshot(tmp_path) == before
