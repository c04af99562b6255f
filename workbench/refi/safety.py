"""Reading REFI-QDA files as hostile input.

An exchange file comes from another program and often from another person, so it
is treated like any untrusted upload: the archive's directory is checked before any
member is read (member count, declared sizes, compression ratio), members are read
into memory with a hard size cap and never extracted to disk, a member's name must
be a plain relative path (no ``..``, no absolute or drive paths), and XML is refused
if it declares a DOCTYPE (so no entity expansion, no external entities), in whatever
encoding it is written (the shared ``workbench.xml_guard``), before lxml parses it
with entity resolution, DTD loading and network access switched off.
Messages name the file and never quote its content.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from lxml import etree

from workbench import xml_guard
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

MAX_QDPX_MB_ENV = "WORKBENCH_MAX_QDPX_MB"
_MIB = 1024 * 1024
_GUID = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")


@dataclass(frozen=True)
class RefiLimits:
    """What an honest exchange file stays below.

    Media sources may make an archive large, but only the XML and the text
    sources are ever read, and each of those has its own cap.
    """

    max_archive: int = 1024 * _MIB
    max_members: int = 20_000
    max_total: int = 8 * 1024 * _MIB
    max_xml: int = 200 * _MIB
    max_text: int = 50 * _MIB
    max_ratio: float = 100.0
    ratio_floor: int = _MIB


def default_limits() -> RefiLimits:
    """The limits, with the archive size taken from WORKBENCH_MAX_QDPX_MB when set."""
    raw = os.environ.get(MAX_QDPX_MB_ENV, "").strip()
    if not raw:
        return RefiLimits()
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInputError(
            _("{MAX_QDPX_MB_ENV} must be a number of megabytes, e.g. 1024.").format(MAX_QDPX_MB_ENV=MAX_QDPX_MB_ENV)
        ) from None
    if value <= 0:
        raise InvalidInputError(
            _("{MAX_QDPX_MB_ENV} must be a positive number of megabytes.").format(MAX_QDPX_MB_ENV=MAX_QDPX_MB_ENV)
        )
    return RefiLimits(max_archive=int(value * _MIB))


def normalize_guid(value: str | None) -> str | None:
    """A GUID as we store it (lowercase, no braces), or None if ``value`` is not one."""
    match = _GUID.match((value or "").strip())
    return match.group(1).lower() if match else None


def parse_xml(name: str, data: bytes, max_bytes: int) -> etree._Element:
    """Parse XML that must not declare a DOCTYPE; entities, DTDs and the network stay off."""
    if len(data) > max_bytes:
        raise InvalidInputError(
            _("{name}: the XML is larger than {max_bytes__mib} MB; refused.").format(
                name=name, max_bytes__mib=max_bytes // _MIB
            )
        )
    try:
        is_xml = xml_guard.check_xml_bytes(data)
    except xml_guard.UnsafeXml as refused:
        raise InvalidInputError(xml_guard.message(name, "REFI-QDA", refused.reason)) from None
    if not is_xml:
        raise InvalidInputError(_("{name}: not well-formed XML.").format(name=name))
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
        remove_comments=True, remove_pis=True,
    )  # fmt: skip
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise InvalidInputError(_("{name}: not well-formed XML.").format(name=name)) from None
    if root is None:
        raise InvalidInputError(_("{name}: the XML document is empty.").format(name=name))
    return root


def local(element: etree._Element) -> str:
    """An element's name without its namespace (tools disagree on prefixes, never on local names)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> Iterator[etree._Element]:
    for child in element:
        if local(child) == name:
            yield child


def child(element: etree._Element, name: str) -> etree._Element | None:
    return next(children(element, name), None)


def child_text(element: etree._Element, name: str) -> str:
    found = child(element, name)
    return "" if found is None else text_of(found)


def text_of(element: etree._Element) -> str:
    return "".join(part for part in element.itertext() if isinstance(part, str))


def new_root(namespace: str, name: str) -> etree._Element:
    """A root element whose namespace is the default one (no prefixes, as the standard's examples)."""
    nsmap: Any = {None: namespace}
    return etree.Element(f"{{{namespace}}}{name}", nsmap=nsmap)


def safe_member_name(raw: str) -> str | None:
    """The member's path with forward slashes, or None if it could escape a folder."""
    path = raw.replace("\\", "/")
    parts = path.split("/")
    if path.startswith("/") or re.match(r"^[A-Za-z]:", path) or "\x00" in path or ".." in parts:
        return None
    return path


class QdpxArchive:
    """A checked ``.qdpx`` zip whose members are read on demand into memory."""

    def __init__(self, name: str, data: bytes, limits: RefiLimits) -> None:
        self.name = name
        self.limits = limits
        if len(data) > limits.max_archive:
            raise InvalidInputError(
                _(
                    "{name}: the file is {len_data__mib:.0f} MB, above the limit of {limits_max_archive__mib} MB "
                    "(raise it with {MAX_QDPX_MB_ENV} if the file is genuine)."
                ).format(
                    name=name,
                    len_data__mib=len(data) / _MIB,
                    limits_max_archive__mib=limits.max_archive // _MIB,
                    MAX_QDPX_MB_ENV=MAX_QDPX_MB_ENV,
                )
            )
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            members = self._zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise InvalidInputError(
                _("{name}: not a .qdpx project (the zip container is damaged).").format(name=name)
            ) from None
        if len(members) > limits.max_members:
            raise InvalidInputError(
                _("{name}: the archive holds {n_members} entries; refused as a zip bomb.").format(
                    name=name, n_members=len(members)
                )
            )
        if sum(m.file_size for m in members) > limits.max_total:
            raise InvalidInputError(
                _("{name}: the archive would unpack to more than its limit; refused as a zip bomb.").format(name=name)
            )
        self.unsafe: list[str] = []
        self._members: dict[str, zipfile.ZipInfo] = {}
        for member in members:
            if member.is_dir():
                continue
            path = safe_member_name(member.filename)
            if path is None:
                self.unsafe.append(member.filename)
            else:
                self._members[path.lower()] = member

    def paths(self) -> list[str]:
        return [m.filename.replace("\\", "/") for m in self._members.values()]

    def find(self, path: str) -> zipfile.ZipInfo | None:
        """A member by path, ignoring case (``Sources/`` and ``.TXT`` are common)."""
        return self._members.get(path.replace("\\", "/").lower())

    def read(self, member: zipfile.ZipInfo, limit: int) -> bytes:
        if member.file_size > limit:
            raise InvalidInputError(
                _(
                    "{name}: the entry {filename} is {member_file_size__mib:.0f} MB, above the limit of "
                    "{limit__mib} MB."
                ).format(
                    name=self.name,
                    filename=_shown(member.filename),
                    member_file_size__mib=member.file_size / _MIB,
                    limit__mib=limit // _MIB,
                )
            )
        if member.file_size > self.limits.ratio_floor:
            ratio = member.file_size / max(member.compress_size, 1)
            if ratio > self.limits.max_ratio:
                raise InvalidInputError(
                    _("{name}: an entry is compressed {ratio:.0f} to 1; refused as a possible zip bomb.").format(
                        name=self.name, ratio=ratio
                    )
                )
        try:
            with self._zip.open(member) as stream:
                return stream.read(limit + 1)[:limit]
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise InvalidInputError(
                _("{name}: the entry {filename} is damaged or encrypted.").format(
                    name=self.name, filename=_shown(member.filename)
                )
            ) from None


def _shown(filename: str) -> str:
    """An entry name safe to print: bounded, without control characters."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in filename)
    return repr(cleaned[:80])
