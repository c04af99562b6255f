"""Writing a file the user asked for, all at once or not at all.

Exports (a codebook, a decrypted ``.qdpx`` project) are written to a temporary file
in the target's own directory and renamed over the target only when complete, so a
crash or a full disk never leaves a half-written file, and the plaintext never
passes through a shared temporary directory such as /tmp.

An existing target must be a regular file. A device node (``-o /dev/full``), a
FIFO, a socket, a folder or a symbolic link (even a dangling one) is refused
before anything is created: renaming over it would leave decrypted text where a
device or a link was, and following a link would write somewhere the user did
not name. The check is repeated just before the rename, so a target swapped in
the meantime is refused too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _


class StagedFile:
    """An open temporary file beside its target."""

    def __init__(self, stream: IO[bytes], temp: Path, target: Path) -> None:
        self.stream = stream
        self.temp = temp
        self.target = target
        self.done = False

    def digest(self) -> str:
        """Flush to disk and return the SHA-256 of everything written so far."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.seek(0)
        sha = hashlib.sha256()
        for block in iter(lambda: self.stream.read(1 << 20), b""):
            sha.update(block)
        return sha.hexdigest()

    def commit(self) -> None:
        """Rename the finished file over the target (atomic on one file system)."""
        self.stream.flush()
        os.fsync(self.stream.fileno())
        check_target(self.target)
        self.temp.replace(self.target)
        self.done = True


def check_target(target: Path) -> None:
    """Refuse an output path that exists and is not a regular file (links are not followed)."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InvalidInputError(
            _("{target}: cannot be checked as an output file ({strerror}).").format(
                target=target, strerror=exc.strerror
            )
        ) from None
    if stat.S_ISREG(mode):
        return
    if stat.S_ISDIR(mode):
        raise InvalidInputError(_("{target} is a folder, not a regular file; give a file name.").format(target=target))
    kind = _KINDS.get(stat.S_IFMT(mode), "special file")
    raise InvalidInputError(
        _(
            "{target} is a {kind}, not a regular file; nothing was written. Give the path of a new or ordinary file."
        ).format(target=target, kind=kind)
    )


_KINDS = {stat.S_IFLNK: "symbolic link", stat.S_IFCHR: "device", stat.S_IFBLK: "device",
          stat.S_IFIFO: "named pipe (FIFO)", stat.S_IFSOCK: "socket"}  # fmt: skip


@contextmanager
def staged(target: Path) -> Iterator[StagedFile]:
    """A temporary file beside ``target``; unless ``commit()`` is called it is removed on leaving."""
    check_target(target)
    directory = target.parent
    if not directory.is_dir():
        raise InvalidInputError(
            _("{directory}: no such folder to write {target_name} into.").format(
                directory=directory, target_name=target.name
            )
        )
    handle, temp_name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    temp = Path(temp_name)
    staged_file: StagedFile | None = None
    try:
        with os.fdopen(handle, "w+b") as stream:
            staged_file = StagedFile(stream, temp, target)
            yield staged_file
    finally:
        if staged_file is None or not staged_file.done:
            with contextlib.suppress(FileNotFoundError):
                temp.unlink()


def write_atomically(target: Path, data: bytes) -> str:
    """Write ``data`` to ``target`` (replacing it); returns its SHA-256."""
    with staged(target) as file:
        file.stream.write(data)
        digest = file.digest()
        file.commit()
    return digest
