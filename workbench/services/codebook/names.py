"""Code names in the interface language, where the shipped codebooks carry them.

A project stores each code under one name (the project language's, when it was pulled from a
shared codebook). The shipped codebooks name their codes in English and Hungarian, keyed by
GUID, so a code that still carries one of its shipped names is shown under the name in the
reader's interface language. A code a project renamed keeps the project's name: that is the
team's own wording, and no catalogue knows it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from workbench.domain.models import Code
from workbench.errors import WorkbenchError
from workbench.i18n import current_language
from workbench.paths import CODEBOOKS_DIR
from workbench.services.codebook.file_format import load_codebook_yaml


def _walk(entries: list[Any], found: dict[str, dict[str, str]]) -> None:
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        names = entry.get("name")
        if isinstance(names, dict) and entry.get("guid"):
            found[str(entry["guid"]).lower()] = {str(k): str(v) for k, v in names.items() if v}
        _walk(entry.get("children") or [], found)


@cache
def shipped_names() -> dict[str, dict[str, str]]:
    """GUID -> {language: name} of every code in the shipped codebooks (read once per process)."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted(CODEBOOKS_DIR.glob("*.yaml")):
        try:
            document = load_codebook_yaml(path.name, path.read_bytes())
        except (OSError, WorkbenchError):  # a broken shipped file only costs the translated names
            continue
        _walk(document.get("codes") or [], found)
    return found


def shown_name(code: Code, language: str | None = None) -> str:
    """The code's name in ``language`` (default: the interface language) if the codebook has one."""
    names = shipped_names().get(code.id)
    if not names or code.name not in names.values():
        return code.name
    return names.get(language or current_language(), code.name)
