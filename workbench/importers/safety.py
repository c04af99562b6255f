"""Guards against hostile or broken files, applied before any parser sees the bytes.

Researchers receive files from many hands, and a transcript folder is an easy place
to plant a zip bomb or an XML entity bomb. Every check here runs on the raw bytes
or on the zip directory (which is tiny), so a bad file is refused before it can
cost memory or time; messages name the file and never quote its content.
"""

from __future__ import annotations

import io
import math
import os
import zipfile
from dataclasses import dataclass
from typing import IO

from workbench import xml_guard
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

MAX_IMPORT_MB_ENV = "WORKBENCH_MAX_IMPORT_MB"
DEFAULT_MAX_IMPORT_MB = 50.0
_MIB = 1024 * 1024


def max_import_bytes(max_mb: float | None = None) -> int:
    """The size limit for one file: the argument, else WORKBENCH_MAX_IMPORT_MB, else 50 MB."""
    if max_mb is None:
        raw = os.environ.get(MAX_IMPORT_MB_ENV, "").strip()
        try:
            max_mb = float(raw) if raw else DEFAULT_MAX_IMPORT_MB
        except ValueError:
            raise InvalidInputError(
                _("{MAX_IMPORT_MB_ENV} must be a number of megabytes, e.g. 50.").format(
                    MAX_IMPORT_MB_ENV=MAX_IMPORT_MB_ENV
                )
            ) from None
    if not math.isfinite(max_mb) or max_mb <= 0:
        raise InvalidInputError(_("The import size limit must be a positive number of megabytes."))
    return int(max_mb * _MIB)


def check_size(name: str, size: int, limit: int) -> None:
    """Refuse a file above the limit before reading it into memory."""
    if size > limit:
        raise InvalidInputError(
            _(
                "{name}: the file is {size}, above the import limit of {limit} (raise it with {MAX_IMPORT_MB_ENV} "
                "if the file is genuine)."
            ).format(name=name, size=_readable(size), limit=_readable(limit), MAX_IMPORT_MB_ENV=MAX_IMPORT_MB_ENV)
        )
    if size == 0:
        raise InvalidInputError(_("{name}: the file is empty.").format(name=name))


def _readable(size: int) -> str:
    if size >= _MIB // 10:
        return f"{size / _MIB:.1f} MB"
    return f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} bytes"


@dataclass(frozen=True)
class ZipLimits:
    """What an honest office document stays far below.

    ``max_ratio`` applies only to members larger than ``ratio_floor``: small XML
    parts compress extremely well, and a high ratio on them costs nothing.
    """

    max_members: int = 5000
    max_total: int = 512 * _MIB
    max_ratio: float = 100.0
    ratio_floor: int = _MIB


DEFAULT_ZIP_LIMITS = ZipLimits()


def open_zip(name: str, data: bytes, kind: str, limits: ZipLimits = DEFAULT_ZIP_LIMITS) -> zipfile.ZipFile:
    """Open an office document's zip container after checking it cannot explode.

    The sizes checked are those the zip directory declares; ``zipfile`` never
    inflates a member beyond its declared size (and fails its CRC check if the
    data disagrees), so the declared figures bound what parsing can cost.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise InvalidInputError(
            _("{name}: this is not a valid {kind} file (the zip container is damaged).").format(name=name, kind=kind)
        ) from None
    if len(members) > limits.max_members:
        raise InvalidInputError(
            _(
                "{name}: the {kind} container holds {n_members} parts (more than {max_members}); refused as a "
                "possible zip bomb."
            ).format(name=name, kind=kind, n_members=len(members), max_members=limits.max_members)
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_total:
        raise InvalidInputError(
            _("{name}: the {kind} file would unpack to {total__mib:.0f} MB; refused as a possible zip bomb.").format(
                name=name, kind=kind, total__mib=total / _MIB
            )
        )
    for member in members:
        if member.file_size > limits.ratio_floor:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > limits.max_ratio:
                raise InvalidInputError(
                    _(
                        "{name}: a part of the {kind} file is compressed {ratio:.0f} to 1; refused as a possible "
                        "zip bomb."
                    ).format(name=name, kind=kind, ratio=ratio)
                )
    return archive


def check_xml_parts(name: str, archive: zipfile.ZipFile, kind: str) -> None:
    """Check every XML part with the shared guard (``workbench.xml_guard``): no DOCTYPE, in any encoding.

    Office formats never need a DOCTYPE; refusing it outright closes the door on
    billion-laughs expansion and external entity reads whatever parser runs later.
    A part counts as XML by its content, not its name, since a package may give
    its parts any name, and its encoding is detected as the XML specification
    says (a UTF-16 part without a byte-order mark is XML too). Only the prolog is
    read: the check costs the bytes before the root element, not the document.
    """
    for member in archive.infolist():
        if member.is_dir():
            continue
        try:
            with _open_member(name, archive, member, kind) as stream:
                xml_guard.guard(name, kind, stream.read)
        except (zipfile.BadZipFile, OSError, EOFError):
            raise InvalidInputError(
                _("{name}: the {kind} file holds damaged or malformed XML.").format(name=name, kind=kind)
            ) from None


def _open_member(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, kind: str) -> IO[bytes]:
    try:
        return archive.open(member)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InvalidInputError(
            _("{name}: the {kind} file is damaged (a part cannot be opened).").format(name=name, kind=kind)
        ) from None
