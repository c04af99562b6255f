"""The ``.qdpx`` container: ``project.qde`` plus the plain-text sources under ``sources/``.

Writing puts each text source in ``sources/<guid>.txt`` (UTF-8, as the standard
requires) and refers to it as ``internal://<guid>.txt``. Reading accepts what real
tools write: an inner ``.qde`` with another name or inside a folder, ``Sources/``
instead of ``sources/``, upper-case file names, text in UTF-16 or a legacy code page.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import IO

from workbench.errors import InvalidInputError
from workbench.importers.encoding import decode_text
from workbench.refi import safety
from workbench.refi.model import RefiProject, RefiTextSource
from workbench.refi.project import read_project, write_project

MAX_INTERNAL_FILE = 2**31 - 1  # section 8.5 of the standard
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the same project gives the same archive bytes


def write_qdpx(stream: IO[bytes], project: RefiProject) -> None:
    """Write the archive to an open binary stream (the caller decides where it lives)."""
    with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:

        def store(source: RefiTextSource) -> str:
            data = source.text.encode("utf-8")
            if len(data) > MAX_INTERNAL_FILE:
                raise InvalidInputError(f"The source {source.guid} is larger than the 2 GB a .qdpx entry may hold.")
            _put(archive, f"sources/{source.guid}.txt", data)
            return f"internal://{source.guid}.txt"

        _put(archive, "project.qde", write_project(project, store))


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
        warnings.append(f"{len(archive.unsafe)} archive entr(ies) with unsafe paths (.. or absolute) were ignored.")
    qde_path = _find_qde(name, archive, warnings)
    base = posixpath.dirname(qde_path)
    member = archive.find(qde_path)
    if member is None:  # listed a moment ago, so only a damaged directory gets here
        raise InvalidInputError(f"{name}: the project file inside the archive cannot be read.")
    missing: list[str] = []
    unreadable: list[str] = []
    external = 0

    def load_text(path: str) -> str | None:
        nonlocal external
        if not path.lower().startswith("internal://"):
            external += 1
            return None
        filename = path[len("internal://") :].lstrip("/")
        if safety.safe_member_name(filename) is None or "/" in filename.replace("\\", "/"):
            missing.append(filename)
            return None
        entry = None
        for folder in ("sources", ""):
            entry = entry or archive.find(posixpath.join(base, folder, filename))
        if entry is None:
            missing.append(filename)
            return None
        try:
            return decode_text(filename, archive.read(entry, limits.max_text), "en").text
        except InvalidInputError:
            unreadable.append(filename)
            return None

    project, more = read_project(name, archive.read(member, limits.max_xml), load_text, limits.max_xml)
    if external:
        warnings.append(f"{external} source(s) or note(s) refer to files outside the archive and were not imported.")
    if missing:
        warnings.append(f"{len(missing)} source file(s) named in the project are missing from the archive.")
    if unreadable:
        warnings.append(f"{len(unreadable)} source file(s) are not plain text and were not imported.")
    return project, warnings + more


def _find_qde(name: str, archive: safety.QdpxArchive, warnings: list[str]) -> str:
    candidates = sorted((p for p in archive.paths() if p.lower().endswith(".qde")), key=lambda p: (p.count("/"), p))
    if not candidates:
        raise InvalidInputError(f"{name}: not a .qdpx project (no .qde file inside).")
    preferred = [p for p in candidates if posixpath.basename(p).lower() == "project.qde"]
    chosen = (preferred or candidates)[0]
    if len(candidates) > 1:
        warnings.append(f"The archive holds {len(candidates)} .qde files; only {chosen!r} was read.")
    return chosen
