"""Codebook trees, snapshots and readable differences (pure functions, no I/O).

A snapshot is the whole codebook as plain JSON-ready dicts, one per live code in
display order. Versions store one; restoring a version, comparing a project with
a shared file and describing what an edit changed all work on snapshots, so they
share one notion of "what a code is".
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from workbench.domain.models import Code
from workbench.errors import N_, InvalidInputError

Snapshot = list[dict[str, Any]]
TEXT_FIELDS = ("definition", "inclusion", "exclusion")
# One line per field: a language inflects the field's name, so it cannot be put in as a word.
_TEXT_CHANGED = {
    "definition": N_("changed the definition of {name}"),
    "inclusion": N_("changed the inclusion criteria of {name}"),
    "exclusion": N_("changed the exclusion criteria of {name}"),
}


class Phrase(str):
    """A line of a codebook change, in English, that remembers how it was made.

    Why: the domain may not translate (it imports no ``workbench.i18n``), and the history is read
    in the reader's language. The text is the English line (stored, compared, printed by the
    CLI); ``template`` (marked for the catalogue) and ``fields`` let a service put it into
    another language (``services/codebook/versions.py``). A field may itself be a Phrase.
    """

    template: str
    fields: dict[str, object]

    def __new__(cls, template: str, **fields: object) -> Phrase:
        phrase = super().__new__(cls, template.format(**fields))
        phrase.template, phrase.fields = template, fields
        return phrase


def code_to_dict(code: Code) -> dict[str, Any]:
    return {
        "id": code.id,
        "key": code.key,
        "name": code.name,
        "parent": code.parent_id,
        "color": code.color,
        "definition": code.definition,
        "inclusion": code.inclusion,
        "exclusion": code.exclusion,
        "examples": list(code.examples),
        "codable": code.codable,
    }


def code_from_dict(entry: Mapping[str, Any], fallback: Code | None = None) -> Code:
    """A code from a snapshot entry; fields an older snapshot lacks come from ``fallback``."""

    def pick(field: str, default: Any) -> Any:
        return entry.get(field, default)

    base = fallback or Code(id=str(entry["id"]), name=str(entry.get("name", "")))
    return Code(
        id=str(entry["id"]),
        name=str(pick("name", base.name)),
        parent_id=pick("parent", base.parent_id),
        color=None if pick("color", base.color) is None else str(pick("color", base.color)),
        definition=str(pick("definition", base.definition)),
        inclusion=str(pick("inclusion", base.inclusion)),
        exclusion=str(pick("exclusion", base.exclusion)),
        examples=tuple(str(x) for x in pick("examples", base.examples)),
        codable=bool(pick("codable", base.codable)),
        key=pick("key", base.key),
    )


def snapshot(codes: Iterable[Code]) -> Snapshot:
    return [code_to_dict(c) for c in tree_order(list(codes))]


def tree_order(codes: Sequence[Code]) -> list[Code]:
    """Parents before children, siblings in their given order; orphans are treated as top level."""
    ids = {c.id for c in codes}
    children: dict[str | None, list[Code]] = {}
    for code in codes:
        parent = code.parent_id if code.parent_id in ids else None
        children.setdefault(parent, []).append(code)
    ordered: list[Code] = []
    seen: set[str] = set()

    def walk(parent: str | None) -> None:
        for child in children.get(parent, []):
            if child.id not in seen:
                seen.add(child.id)
                ordered.append(child)
                walk(child.id)

    walk(None)
    return ordered


def descendants(codes: Sequence[Code], code_id: str) -> set[str]:
    """Ids of every code below ``code_id`` (not including it)."""
    children: dict[str | None, list[str]] = {}
    for code in codes:
        children.setdefault(code.parent_id, []).append(code.id)
    found: set[str] = set()
    stack = list(children.get(code_id, []))
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def check_move(codes: Sequence[Code], code_id: str, new_parent: str | None) -> None:
    """Refuse a move that would put a code under itself or one of its descendants."""
    if new_parent is None:
        return
    if new_parent == code_id or new_parent in descendants(codes, code_id):
        raise InvalidInputError.about(N_("A code cannot be moved under itself or one of its own sub-codes."))


def _name_of(entries: Mapping[str, Mapping[str, Any]], code_id: str | None) -> str:
    if code_id is None:
        return Phrase(N_("the top level"))
    entry = entries.get(code_id)
    return repr(str(entry["name"])) if entry else Phrase(N_("code {id}"), id=code_id[:8])


def describe_changes(before: Snapshot, after: Snapshot, *, detail: bool = False) -> list[str]:
    """One line per change between two snapshots, as a researcher would say it.

    With ``detail``, changed texts are followed by a word-level diff (``-`` old,
    ``+`` new lines), which is what a reviewer of a shared codebook needs.
    """
    old = {str(e["id"]): e for e in before}
    new = {str(e["id"]): e for e in after}
    lines: list[str] = []
    for code_id, entry in new.items():
        if code_id not in old:
            lines.append(Phrase(N_("added {name!r} under {parent}"), name=entry["name"],
                                parent=_name_of(new, entry.get("parent"))))  # fmt: skip
    for code_id, entry in old.items():
        if code_id not in new:
            lines.append(Phrase(N_("removed {name!r}"), name=entry["name"]))
    for code_id, entry in new.items():
        if code_id in old:
            lines.extend(_code_changes(old[code_id], entry, old, new, detail=detail))
    return lines


def _code_changes(
    a: Mapping[str, Any],
    b: Mapping[str, Any],
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    *,
    detail: bool,
) -> list[str]:
    name = repr(str(b["name"]))
    lines: list[str] = []
    if a.get("name") != b.get("name") and "name" in a:
        lines.append(Phrase(N_("renamed {old!r} to {name}"), old=a["name"], name=name))
    if "parent" in a and a.get("parent") != b.get("parent"):
        lines.append(Phrase(N_("moved {name} from {old} to {new}"), name=name, old=_name_of(old, a.get("parent")),
                            new=_name_of(new, b.get("parent"))))  # fmt: skip
    if "color" in a and str(a.get("color", "")).upper() != str(b.get("color", "")).upper():
        lines.append(Phrase(N_("recoloured {name} from {old} to {new}"), name=name, old=a.get("color"),
                            new=b.get("color")))  # fmt: skip
    if "codable" in a and bool(a.get("codable")) != bool(b.get("codable")):
        codable = N_("{name} is now codable") if b.get("codable") else N_("{name} is now a grouping node (not codable)")
        lines.append(Phrase(codable, name=name))
    for field in TEXT_FIELDS:
        if field in a and (a.get(field) or "") != (b.get(field) or ""):
            lines.append(Phrase(_TEXT_CHANGED[field], name=name))
            if detail:
                lines.extend(text_diff(str(a.get(field) or ""), str(b.get(field) or "")))
    if "examples" in a and list(a.get("examples") or []) != list(b.get("examples") or []):
        lines.append(Phrase(N_("changed the examples of {name}"), name=name))
        if detail:
            lines.extend(text_diff("\n".join(a.get("examples") or []), "\n".join(b.get("examples") or [])))
    return lines


def text_diff(old: str, new: str) -> list[str]:
    """Old and new text as indented ``-``/``+`` lines, sentence by sentence."""
    result = []
    for line in difflib.ndiff(_sentences(old), _sentences(new)):
        if line.startswith(("- ", "+ ")):
            result.append(f"    {line}")
    return result


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")


def match_code(codes: Sequence[Code], ref: str) -> Code | None:
    """The code a user means by ``ref``: its GUID, key or exact name (any case), or a unique GUID prefix of
    4+ characters (``codebook list`` prints 8). None if nothing matches; ambiguous references are refused.

    Every command that takes a code resolves it here, so each accepts the short id the CLI prints.
    """
    wanted = ref.strip().strip("{}").casefold()
    tests: tuple[Callable[[Code], bool], ...] = (
        lambda c: c.id.casefold() == wanted,
        lambda c: (c.key or "").casefold() == wanted,
        lambda c: c.name.casefold() == wanted,
        lambda c: len(wanted) >= 4 and c.id.casefold().startswith(wanted),
    )
    for test in tests:
        found = [c for c in codes if test(c)]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            raise InvalidInputError.about(
                N_("{ref!r} matches {count} codes; give the code's full id or its key."), ref=ref, count=len(found)
            )
    return None
