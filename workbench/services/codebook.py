"""Codebooks: reading the shared YAML format and installing it into a project.

The YAML format (``format: workbench-codebook/1``) keeps names, definitions,
criteria and examples in English and Hungarian side by side; a project takes the
texts of its own language and falls back to English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbench.domain.models import Code
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError
from workbench.services.workspace import Workspace

FORMAT = "workbench-codebook/1"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_CODEBOOK_BYTES = 5 * 1024 * 1024


def read_codebook(path: Path, language: str) -> list[Code]:
    """Parse a shared codebook file into codes, parents before children."""
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(f"{path.name}: the codebook file is larger than 5 MB.")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path.name}: not a readable YAML codebook ({type(exc).__name__}).") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InvalidInputError(f"{path.name}: not a workbench codebook (expected format: {FORMAT}).")
    codes: list[Code] = []
    _collect(path.name, data.get("codes") or [], None, language, codes)
    if len({c.id for c in codes}) != len(codes):
        raise InvalidInputError(f"{path.name}: two codes share a GUID.")
    return codes


def _text(value: Any, language: str) -> str:
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return "" if value is None else str(value)


def _collect(source: str, entries: list[Any], parent: str | None, language: str, out: list[Code]) -> None:
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidInputError(f"{source}: each code must be a mapping.")
        guid = str(entry.get("guid", ""))
        color = str(entry.get("color", "#999999"))
        if not _GUID.match(guid) or not _COLOR.match(color):
            raise InvalidInputError(f"{source}: code {entry.get('key')!r} needs a GUID and a #RRGGBB colour.")
        examples = entry.get("examples") or []
        if isinstance(examples, dict):
            examples = examples.get(language) or examples.get("en") or []
        out.append(
            Code(
                id=guid.lower(),
                key=str(entry.get("key") or "") or None,
                name=_text(entry.get("name"), language) or guid,
                parent_id=parent,
                color=color.upper(),
                definition=_text(entry.get("definition"), language),
                inclusion=_text(entry.get("inclusion"), language),
                exclusion=_text(entry.get("exclusion"), language),
                examples=tuple(str(x) for x in examples),
                codable=bool(entry.get("codable", True)),
            )
        )
        _collect(source, entry.get("children") or [], guid.lower(), language, out)


def install_codebook(ws: Workspace, codes: list[Code], summary: str) -> int:
    """Add codes to the project and record a new codebook version; returns the version."""
    require(ws.user, Action.EDIT_CODEBOOK)
    with ws.write() as repo:
        existing = {c.id for c in repo.codes()}
        clash = [c.name for c in codes if c.id in existing]
        if clash:
            raise InvalidInputError(f"These codes are already in the project: {', '.join(clash[:5])}.")
        offset = len(existing)
        for position, code in enumerate(codes, start=offset):
            repo.add_code(code, position)
        snapshot = [{"id": c.id, "name": c.name, "parent": c.parent_id, "color": c.color} for c in repo.codes()]
        version = repo.add_codebook_version(ws.user.id, summary, snapshot)
        ws.audit(repo, "codebook changed", "codebook", str(version), added=len(codes))
    return version


def list_codes(ws: Workspace) -> list[Code]:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return repo.codes()


@dataclass(frozen=True)
class CodebookEntry:
    code: Code
    depth: int
    count: int


def codebook_overview(ws: Workspace) -> list[CodebookEntry]:
    """The code tree in display order, each code with its depth and number of codings."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        codes = repo.codes()
        counts = repo.coding_counts()[2]
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code)
    ordered: list[CodebookEntry] = []

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            ordered.append(CodebookEntry(code, depth, counts.get(code.id, 0)))
            walk(code.id, depth + 1)

    walk(None, 0)
    return ordered
