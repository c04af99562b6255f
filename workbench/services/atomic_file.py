"""Writing a file the user asked for, all at once or not at all.

Exports (a codebook, a decrypted ``.qdpx`` project) are written to a temporary file
in the target's own directory and renamed over the target only when complete, so a
crash or a full disk never leaves a half-written file, and the plaintext never
passes through a shared temporary directory such as /tmp.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from workbench.errors import InvalidInputError


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
        self.temp.replace(self.target)
        self.done = True


@contextmanager
def staged(target: Path) -> Iterator[StagedFile]:
    """A temporary file beside ``target``; unless ``commit()`` is called it is removed on leaving."""
    directory = target.parent
    if not directory.is_dir():
        raise InvalidInputError(f"{directory}: no such folder to write {target.name} into.")
    if target.is_dir():
        raise InvalidInputError(f"{target} is a folder; give a file name.")
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
