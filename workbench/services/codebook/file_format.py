"""The shared codebook file (``format: workbench-codebook/1``): reading, validating and writing YAML.

The format keeps names, definitions, criteria and examples in English and Hungarian side by
side; a project takes the texts of its own language and falls back to English. Nothing here
touches a project: the sync module brings files in and out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from workbench.domain.models import Code
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.yaml_guard import load_untrusted_yaml

FORMAT = "workbench-codebook/1"


GUID_PATTERN = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


MAX_CODEBOOK_BYTES = 5 * 1024 * 1024


MAX_NAME = 200


DEFAULT_COLOR = "#999999"


def read_codebook(path: Path, language: str) -> list[Code]:
    """Parse a shared codebook file into codes, parents before children."""
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(_("{path_name}: the codebook file is larger than 5 MB.").format(path_name=path.name))
    return parse_codebook_yaml(path.name, path.read_bytes(), language)


def parse_codebook_yaml(name: str, data: bytes, language: str) -> list[Code]:
    return codes_from_document(name, load_codebook_yaml(name, data), language)


def load_codebook_yaml(name: str, data: bytes) -> dict[str, Any]:
    if len(data) > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(_("{name}: the codebook file is larger than 5 MB.").format(name=name))
    document = load_untrusted_yaml(name, data, what=_("YAML codebook"), max_bytes=MAX_CODEBOOK_BYTES)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise InvalidInputError(
            _("{name}: not a workbench codebook (expected format: {FORMAT}).").format(name=name, FORMAT=FORMAT)
        )
    return document


def codes_from_document(name: str, document: Mapping[str, Any], language: str) -> list[Code]:
    codes: list[Code] = []
    _collect(name, document.get("codes") or [], None, language, codes)
    if len({c.id for c in codes}) != len(codes):
        raise InvalidInputError(_("{name}: two codes share a GUID.").format(name=name))
    if not codes:
        raise InvalidInputError(_("{name}: the codebook holds no codes.").format(name=name))
    return codes


def _text(value: Any, language: str) -> str:
    """The text in ``language``, else English, else any language the entry has."""
    if isinstance(value, dict):
        for candidate in (value.get(language), value.get("en"), *value.values()):
            if candidate:
                return str(candidate)
        return ""
    return "" if value is None else str(value)


def _examples(value: Any, language: str) -> tuple[str, ...]:
    if isinstance(value, dict):
        for candidate in (value.get(language), value.get("en"), *value.values()):
            if candidate:
                return tuple(str(x) for x in candidate)
        return ()
    return tuple(str(x) for x in value or [])


def _collect(source: str, entries: list[Any], parent: str | None, language: str, out: list[Code]) -> None:
    for entry in entries:
        if not isinstance(entry, dict):
            raise InvalidInputError(_("{source}: each code must be a mapping.").format(source=source))
        guid = str(entry.get("guid", ""))
        raw_color = entry.get("color", DEFAULT_COLOR)
        color = None if raw_color is None else str(raw_color)  # null: a code without a colour
        if not GUID_PATTERN.match(guid) or (color is not None and not _COLOR.match(color)):
            raise InvalidInputError(
                _("{source}: code {key!r} needs a GUID and a #RRGGBB colour.").format(
                    source=source, key=entry.get("key")
                )
            )
        out.append(
            Code(
                id=guid.lower(),
                key=str(entry.get("key") or "") or None,
                name=_text(entry.get("name"), language)[:MAX_NAME] or guid,
                parent_id=parent,
                color=color.upper() if color else None,
                definition=_text(entry.get("definition"), language),
                inclusion=_text(entry.get("inclusion"), language),
                exclusion=_text(entry.get("exclusion"), language),
                examples=_examples(entry.get("examples"), language),
                codable=bool(entry.get("codable", True)),
            )
        )
        _collect(source, entry.get("children") or [], guid.lower(), language, out)


def read_codebook_file(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInputError(_("{path}: no such file.").format(path=path))
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise InvalidInputError(_("{path_name}: the codebook file is larger than 5 MB.").format(path_name=path.name))
    return path.read_bytes()


def entries_by_guid(entries: Iterable[Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for entry in entries:
        if isinstance(entry, dict):
            found[str(entry.get("guid", "")).lower()] = entry
            found.update(entries_by_guid(entry.get("children") or []))
    return found


def yaml_tree(codes: Sequence[Code], old: Mapping[str, dict[str, Any]], language: str) -> list[dict[str, Any]]:
    keys = {str(e.get("key")) for e in old.values() if e.get("key")}
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for code in codes:
        node = _yaml_entry(code, old.get(code.id, {}), language, keys)
        nodes[code.id] = node
        parent = nodes.get(code.parent_id) if code.parent_id else None
        if parent is not None:
            parent.setdefault("children", []).append(node)
        else:
            roots.append(node)
    return roots


def _yaml_entry(code: Code, old: Mapping[str, Any], language: str, keys: set[str]) -> dict[str, Any]:
    def texts(field_name: str, value: Any) -> dict[str, Any]:
        previous = old.get(field_name)
        merged = dict(previous) if isinstance(previous, dict) else {}
        merged[language] = value
        return merged

    key = code.key or old.get("key") or _unique_key(code.name, keys)
    return {
        "guid": code.id,
        "key": key,
        "name": texts("name", code.name),
        "color": code.color,
        "codable": code.codable,
        "definition": texts("definition", code.definition),
        "inclusion": texts("inclusion", code.inclusion),
        "exclusion": texts("exclusion", code.exclusion),
        "examples": texts("examples", list(code.examples)),
    }


def _unique_key(name: str, keys: set[str]) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    base = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_") or "code"
    key, number = base, 2
    while key in keys:
        key, number = f"{base}_{number}", number + 1
    keys.add(key)
    return key


def dump_yaml(document: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(document), sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
