"""REFI-QDA codebook files (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``)."""

from __future__ import annotations

from collections.abc import Sequence

from lxml import etree

from workbench.domain.models import Code
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.refi import safety
from workbench.refi.codes import from_refi, to_refi
from workbench.refi.model import RefiCode

NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "workbench (encrypted qualitative research workbench)"


def write_qdc(codes: Sequence[Code], origin: str = ORIGIN) -> bytes:
    """The codebook as a ``.qdc`` document (UTF-8)."""
    if not codes:
        raise InvalidInputError(_("The codebook is empty; a .qdc file needs at least one code."))
    root = safety.new_root(NS, "CodeBook")
    root.set("origin", origin)
    holder = etree.SubElement(root, f"{{{NS}}}Codes")
    for node in to_refi(codes):
        write_code(holder, node, NS, with_note_refs=False)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def write_code(parent: etree._Element, node: RefiCode, ns: str, *, with_note_refs: bool) -> None:
    """One ``<Code>`` with its description and children (shared by .qdc and .qde)."""
    element = etree.SubElement(parent, f"{{{ns}}}Code")
    element.set("guid", node.guid)
    element.set("name", node.name)
    element.set("isCodable", "true" if node.codable else "false")
    if node.color:
        element.set("color", node.color)
    if node.description:
        etree.SubElement(element, f"{{{ns}}}Description").text = node.description
    if with_note_refs:
        for ref in node.note_refs:
            etree.SubElement(element, f"{{{ns}}}NoteRef").set("targetGUID", ref)
    for sub in node.children:
        write_code(element, sub, ns, with_note_refs=with_note_refs)


def read_qdc(name: str, data: bytes, max_bytes: int = safety.RefiLimits().max_xml) -> tuple[list[Code], list[str]]:
    """Codes (parents first) and warnings about what was not imported."""
    root = safety.parse_xml(name, data, max_bytes)
    if safety.local(root) != "CodeBook":
        raise InvalidInputError(
            _("{name}: not a REFI-QDA codebook (the root element is not <CodeBook>).").format(name=name)
        )
    holder = safety.child(root, "Codes")
    warnings: list[str] = []
    seen: set[str] = set()
    nodes = [read_code(name, c, warnings, seen) for c in safety.children(holder, "Code")] if holder is not None else []
    sets = safety.child(root, "Sets")
    set_count = 0 if sets is None else len(list(safety.children(sets, "Set")))
    if set_count:
        noun = "code set was" if set_count == 1 else "code sets were"
        warnings.append(f"{set_count} {noun} not imported (this workbench has no code sets).")
    codes = from_refi(nodes, warnings)
    if not codes:
        raise InvalidInputError(_("{name}: the codebook holds no codes.").format(name=name))
    return codes, warnings


def read_code(source: str, element: etree._Element, warnings: list[str], seen: set[str]) -> RefiCode:
    """A ``<Code>`` element and its sub-codes; GUIDs must be valid and unique."""
    guid = safety.normalize_guid(element.get("guid"))
    if guid is None:
        raise InvalidInputError(_("{source}: a code has a missing or malformed guid.").format(source=source))
    if guid in seen:
        raise InvalidInputError(_("{source}: the guid {guid} is used by two codes.").format(source=source, guid=guid))
    seen.add(guid)
    codable = (element.get("isCodable") or "true").strip().lower() in ("true", "1")
    node = RefiCode(guid, element.get("name") or "", codable, element.get("color"),
                    safety.child_text(element, "Description"))  # fmt: skip
    refs = (safety.normalize_guid(r.get("targetGUID")) for r in safety.children(element, "NoteRef"))
    node.note_refs = [g for g in refs if g]
    node.children = [read_code(source, c, warnings, seen) for c in safety.children(element, "Code")]
    return node
