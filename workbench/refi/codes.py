"""Our codes <-> REFI codes.

REFI-QDA gives a code one free-text ``<Description>``. Ours has a definition,
inclusion and exclusion criteria and example quotes, so the description carries
them as labelled paragraphs that other tools show as readable text and that we
parse back on import; a description without our labels becomes the definition.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence

from workbench.domain.codebook import tree_order
from workbench.domain.models import Code
from workbench.refi.model import RefiCode

DEFAULT_COLOR = "#999999"
"""Shown on screen for a code without a colour; never written to a file as if the code had it."""
_NS = uuid.UUID("4f0c7a5e-93d1-4c61-a8a2-2b1f0e6d7c39")  # parents restored from flattened names
_INCLUSION = "Use when:"
_EXCLUSION = "Do not use when:"
_EXAMPLES = "Examples:"
_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


def compose_description(code: Code) -> str:
    parts = [code.definition.strip()] if code.definition.strip() else []
    if code.inclusion.strip():
        parts.append(f"{_INCLUSION} {code.inclusion.strip()}")
    if code.exclusion.strip():
        parts.append(f"{_EXCLUSION} {code.exclusion.strip()}")
    if code.examples:
        parts.append("\n".join([_EXAMPLES, *(f"- {example}" for example in code.examples)]))
    return "\n\n".join(parts)


def parse_description(text: str) -> tuple[str, str, str, tuple[str, ...]]:
    """(definition, inclusion, exclusion, examples) from a description, ours or another tool's."""
    definition: list[str] = []
    inclusion = exclusion = ""
    examples: list[str] = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        stripped = block.strip()
        if stripped.startswith(_INCLUSION):
            inclusion = stripped.removeprefix(_INCLUSION).strip()
        elif stripped.startswith(_EXCLUSION):
            exclusion = stripped.removeprefix(_EXCLUSION).strip()
        elif stripped.startswith(_EXAMPLES):
            lines = stripped.removeprefix(_EXAMPLES).strip().splitlines()
            examples.extend(line.strip().removeprefix("- ").strip() for line in lines if line.strip())
        elif stripped:
            definition.append(stripped)
    return "\n\n".join(definition), inclusion, exclusion, tuple(examples)


def color_of(raw: str | None) -> str | None:
    """``#RRGGBB`` in upper case (``#RGB`` expanded), or None if ``raw`` is not a colour."""
    value = (raw or "").strip()
    if not _COLOR.match(value):
        return None
    if len(value) == 4:
        value = "#" + "".join(ch * 2 for ch in value[1:])
    return value.upper()


def to_refi(codes: Sequence[Code]) -> list[RefiCode]:
    """The code tree as REFI codes (top-level list), children in display order."""
    nodes: dict[str, RefiCode] = {}
    roots: list[RefiCode] = []
    for code in tree_order(codes):
        node = RefiCode(code.id, code.name, code.codable, code.color, compose_description(code))
        nodes[code.id] = node
        parent = nodes.get(code.parent_id) if code.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def from_refi(roots: Sequence[RefiCode], warnings: list[str]) -> list[Code]:
    """REFI codes as our codes, parents before children."""
    result: list[Code] = []
    bad_colors = 0

    def walk(nodes: Sequence[RefiCode], parent: str | None) -> None:
        nonlocal bad_colors
        for node in nodes:
            color = color_of(node.color)
            if node.color and color is None:
                bad_colors += 1
            definition, inclusion, exclusion, examples = parse_description(node.description)
            result.append(
                Code(
                    id=node.guid, name=node.name.strip() or node.guid, parent_id=parent, color=color,
                    definition=definition, inclusion=inclusion, exclusion=exclusion, examples=examples,
                    codable=node.codable,
                )
            )  # fmt: skip
            walk(node.children, node.guid)

    walk(roots, None)
    if bad_colors:
        noun = "colour was" if bad_colors == 1 else "colours were"
        warnings.append(f"{bad_colors} code {noun} not #RRGGBB; those codes were imported without a colour.")
    return result


def unflatten(roots: Sequence[RefiCode], separator: str) -> tuple[list[RefiCode], int]:
    """A hierarchy restored from names a tool flattened (ATLAS.ti writes ``Parent::Child``).

    ``A::B`` becomes ``B`` under the sibling code named ``A``; a parent that is not in
    the file is created as a grouping code with a GUID derived from its path, so the
    same file gives the same tree every time. Returns the tree and how many parents
    were created.
    """
    top = list(roots)
    created = 0

    def arrange(container: list[RefiCode], path: str) -> None:
        nonlocal created
        flat = [c for c in container if separator in c.name and all(p.strip() for p in c.name.split(separator))]
        for code in flat:
            container.remove(code)
        for code in flat:
            parts = [p.strip() for p in code.name.split(separator)]
            holder, key = container, path
            for part in parts[:-1]:
                key = f"{key}{separator}{part}"
                parent = next((c for c in holder if c.name.strip() == part), None)
                if parent is None:
                    parent = RefiCode(str(uuid.uuid5(_NS, key)), part, codable=False)
                    holder.append(parent)
                    created += 1
                holder = parent.children
            code.name = parts[-1]
            holder.append(code)
        for code in container:
            arrange(code.children, f"{path}{separator}{code.name.strip()}")

    arrange(top, "")
    return top, created
