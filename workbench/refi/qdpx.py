"""The ``.qdpx`` container: ``project.qde`` plus the plain-text sources under ``sources/``.

Writing puts each text source in ``sources/<guid>.txt`` (UTF-8, as the standard
requires) and refers to it as ``internal://<guid>.txt``. Reading accepts what real
tools write: an inner ``.qde`` with another name or inside a folder, ``Sources/``
instead of ``sources/``, upper-case file names, text in UTF-16 or a legacy code page.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import replace
from typing import IO

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.importers.encoding import decode_text
from workbench.refi import safety
from workbench.refi.model import RefiProject, RefiTextSource
from workbench.refi.project import read_project, write_project

MAX_INTERNAL_FILE = 2**31 - 1  # section 8.5 of the standard
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same project gives the same archive bytes


def write_qdpx(stream: IO[bytes], project: RefiProject, *, crlf: bool = False) -> None:
    """Write the archive to an open binary stream (the caller decides where it lives).

    ``crlf`` writes the text sources with CR LF line ends (MAXQDA on Windows expects
    them); selection offsets then count each CR, as the standard's code points do.
    """
    if crlf:
        project = with_crlf(project)
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:

        def store(source: RefiTextSource) -> str:
            data = source.text.encode("utf-8")
            if len(data) > MAX_INTERNAL_FILE:
                raise InvalidInputError(
                    _("The source {guid} is larger than the 2 GB a .qdpx entry may hold.").format(guid=source.guid)
                )
            _put(archive, f"sources/{source.guid}.txt", data)
            return f"internal://{source.guid}.txt"

        _put(archive, "project.qde", write_project(project, store))


def with_crlf(project: RefiProject) -> RefiProject:
    """A copy whose text sources end lines with CR LF, selections moved to match."""
    sources = []
    for source in project.sources:
        text = source.text.replace("\r\n", "\n")
        shift = [0] * (len(text) + 1)
        for i, ch in enumerate(text):
            shift[i + 1] = shift[i] + (ch == "\n")
        selections = [replace(s, start=s.start + shift[s.start], end=s.end + shift[min(s.end, len(text))])
                      if 0 <= s.start <= len(text) else s for s in source.selections]  # fmt: skip
        sources.append(replace(source, text=text.replace("\n", "\r\n"), selections=selections))
    return replace(project, sources=sources)


def _put(archive: zipfile.ZipFile, path: str, data: bytes) -> None:
    info = zipfile.ZipInfo(path, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def read_qdpx(name: str, data: bytes, limits: safety.RefiLimits | None = None) -> tuple[RefiProject, list[str]]:
    """The project in a ``.qdpx`` archive, with warnings about everything not imported."""
    limits = limits or safety.default_limits()
    archive = safety.QdpxArchive(name, data, limits)
    warnings: list[str] = []
    if archive.unsafe:
        count = len(archive.unsafe)
        warnings.append(f"{count} archive {'entry' if count == 1 else 'entries'} with an unsafe path (.. or absolute) "
                        f"{'was' if count == 1 else 'were'} ignored.")  # fmt: skip
    qde_path = _find_qde(name, archive, warnings)
    base = posixpath.dirname(qde_path)
    member = archive.find(qde_path)
    if member is None:  # listed a moment ago, so only a damaged directory gets here
        raise InvalidInputError(_("{name}: the project file inside the archive cannot be read.").format(name=name))

    def load_text(path: str) -> tuple[str | None, str]:
        return _load_text(archive, base, path, limits)

    project, more = read_project(name, archive.read(member, limits.max_xml), load_text, limits.max_xml)
    return project, warnings + more


_EXTERNAL = ("absolute://", "relative://", "file://", "http://", "https://")


def _load_text(archive: safety.QdpxArchive, base: str, path: str, limits: safety.RefiLimits) -> tuple[str | None, str]:
    """The text behind a ``plainTextPath``, looked up inside the archive, or None and the reason.

    ``internal://x.txt`` names ``sources/x.txt``; a path without a scheme (some tools write
    ``board.txt`` or ``sources/board.txt``) is looked for inside the archive first, since
    that is where an exchange file keeps its sources; only ``absolute://`` and
    ``relative://`` paths point outside it.
    """
    raw = path.strip().replace("\\", "/")
    lowered = raw.lower()
    if lowered.startswith(_EXTERNAL):
        return None, "file outside the archive"
    relative = raw[len("internal://") :] if lowered.startswith("internal://") else raw
    relative = relative.lstrip("/")
    name = posixpath.basename(relative)
    candidates = [posixpath.join("sources", name), name]
    if safety.safe_member_name(relative) is not None:  # a plain relative path: as written first
        candidates[:0] = [posixpath.join("sources", relative), relative]
    entry = None
    for candidate in candidates if name else ():
        entry = entry or archive.find(posixpath.join(base, candidate))
    if entry is None:
        return None, "file missing from the archive"
    if entry.file_size > limits.max_text:
        return None, f"file too large (over {limits.max_text // 2**20} MB)"
    if entry.file_size > limits.ratio_floor and entry.file_size > limits.max_ratio * max(entry.compress_size, 1):
        return None, "file compressed suspiciously well (a possible zip bomb)"
    try:
        return decode_text(name, archive.read(entry, limits.max_text), "en").text, ""
    except InvalidInputError:
        return None, "file not plain text"


def _find_qde(name: str, archive: safety.QdpxArchive, warnings: list[str]) -> str:
    candidates = sorted((p for p in archive.paths() if p.lower().endswith(".qde")), key=lambda p: (p.count("/"), p))
    if not candidates:
        raise InvalidInputError(_("{name}: not a .qdpx project (no .qde file inside).").format(name=name))
    preferred = [p for p in candidates if posixpath.basename(p).lower() == "project.qde"]
    chosen = (preferred or candidates)[0]
    if len(candidates) > 1:
        warnings.append(f"The archive holds {len(candidates)} .qde files; only {chosen!r} was read.")
    return chosen
