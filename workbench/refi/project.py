"""The ``project.qde`` XML (namespace ``urn:QDA-XML:project:1.0``): ``RefiProject`` to XML and back.

Writing follows the element order the schema prescribes. Reading is lenient about
what tools do differently (namespace prefixes, braces and case in GUIDs, missing
optional attributes) and strict about what would corrupt a project (malformed
GUIDs on codes, selections outside their text). Everything that is not imported is
reported as a warning, as section 7 of the standard asks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable

from lxml import etree

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.refi import safety
from workbench.refi.model import (
    Account,
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiTextSource,
    RefiUser,
    RefiValue,
    RefiVariable,
    VariableValue,
    not_imported,
)
from workbench.refi.qdc import read_code, write_code

NS = "urn:QDA-XML:project:1.0"
ORIGIN = "workbench (encrypted qualitative research workbench)"
SourceWriter = Callable[[RefiTextSource], str]
"""Stores a source's text in the archive and returns its ``internal://`` path."""
TextLoader = Callable[[str], tuple[str | None, str]]
"""The text behind a ``plainTextPath``, or None and why not (``"missing from the archive"``)."""


def _q(name: str) -> str:
    return f"{{{NS}}}{name}"


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# -- writing -------------------------------------------------------------------------------


def write_project(project: RefiProject, store_text: SourceWriter) -> bytes:
    root = safety.new_root(NS, "Project")
    root.set("name", project.name)
    root.set("origin", project.origin or ORIGIN)
    if project.creating_user:
        root.set("creatingUserGUID", project.creating_user)
    if project.created:
        root.set("creationDateTime", _time(project.created))
    _write_users_and_codes(root, project)
    if project.variables:
        holder = etree.SubElement(root, _q("Variables"))
        for variable in project.variables:
            element = etree.SubElement(holder, _q("Variable"), guid=variable.guid, name=variable.name,
                                       typeOfVariable=variable.type)  # fmt: skip
            if variable.description:
                etree.SubElement(element, _q("Description")).text = variable.description
    types = {v.guid: v.type for v in project.variables}
    if project.cases:
        holder = etree.SubElement(root, _q("Cases"))
        for case in project.cases:
            _write_case(holder, case, types)
    if project.sources:
        holder = etree.SubElement(root, _q("Sources"))
        for source in project.sources:
            _write_source(holder, source, types, store_text)
    if project.notes:
        holder = etree.SubElement(root, _q("Notes"))
        for note in project.notes:
            _write_note(holder, note)
    if project.description:
        etree.SubElement(root, _q("Description")).text = project.description
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


def _write_users_and_codes(root: etree._Element, project: RefiProject) -> None:
    if project.users:
        users = etree.SubElement(root, _q("Users"))
        for user in project.users:
            etree.SubElement(users, _q("User"), guid=user.guid, name=user.name)
    if project.codes:
        codes = etree.SubElement(etree.SubElement(root, _q("CodeBook")), _q("Codes"))
        for node in project.codes:
            write_code(codes, node, NS, with_note_refs=True)


def _write_case(holder: etree._Element, case: RefiCase, types: dict[str, str]) -> None:
    element = etree.SubElement(holder, _q("Case"), guid=case.guid, name=case.name)
    if case.description:
        etree.SubElement(element, _q("Description")).text = case.description
    for value in case.values:
        _write_value(element, value, types[value.variable])
    for ref in case.source_refs:
        etree.SubElement(element, _q("SourceRef"), targetGUID=ref)


_VALUE_ELEMENT = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue",
                  "Float": "FloatValue", "Date": "DateValue", "DateTime": "DateTimeValue"}  # fmt: skip


def _write_value(parent: etree._Element, value: RefiValue, kind: str) -> None:
    element = etree.SubElement(parent, _q("VariableValue"))
    etree.SubElement(element, _q("VariableRef"), targetGUID=value.variable)
    raw = value.value
    if isinstance(raw, bool):
        text = "true" if raw else "false"
    elif isinstance(raw, dt.datetime):
        text = _time(raw)
    elif isinstance(raw, dt.date):
        text = raw.isoformat()
    else:
        text = str(raw)
    etree.SubElement(element, _q(_VALUE_ELEMENT[kind])).text = text


def _write_source(holder: etree._Element, source: RefiTextSource, types: dict[str, str], store: SourceWriter) -> None:
    element = etree.SubElement(holder, _q("TextSource"), guid=source.guid, name=source.name)
    element.set("plainTextPath", store(source))
    _stamp(element, source.user, source.created)
    if source.description:
        etree.SubElement(element, _q("Description")).text = source.description
    for selection in source.selections:
        sel = etree.SubElement(element, _q("PlainTextSelection"), guid=selection.guid,
                               startPosition=str(selection.start), endPosition=str(selection.end))  # fmt: skip
        _stamp(sel, selection.user, selection.created)
        if selection.description:
            etree.SubElement(sel, _q("Description")).text = selection.description
        for coding in selection.codings:
            _write_coding(sel, coding)
        for ref in selection.note_refs:
            etree.SubElement(sel, _q("NoteRef"), targetGUID=ref)
    for coding in source.codings:
        _write_coding(element, coding)
    for ref in source.note_refs:
        etree.SubElement(element, _q("NoteRef"), targetGUID=ref)
    for value in source.values:
        _write_value(element, value, types[value.variable])


def _stamp(element: etree._Element, user: str | None, created: dt.datetime | None) -> None:
    if user:
        element.set("creatingUser", user)
    if created:
        element.set("creationDateTime", _time(created))


def _write_coding(parent: etree._Element, coding: RefiCoding) -> None:
    element = etree.SubElement(parent, _q("Coding"), guid=coding.guid)
    _stamp(element, coding.user, coding.created)
    etree.SubElement(element, _q("CodeRef"), targetGUID=coding.code)
    for ref in coding.note_refs:
        etree.SubElement(element, _q("NoteRef"), targetGUID=ref)


def _write_note(holder: etree._Element, note: RefiNote) -> None:
    element = etree.SubElement(holder, _q("Note"), guid=note.guid, name=note.name)
    _stamp(element, note.user, note.created)
    etree.SubElement(element, _q("PlainTextContent")).text = note.text


# -- reading -------------------------------------------------------------------------------


class _Reader:
    def __init__(self, name: str, load_text: TextLoader) -> None:
        self.name = name
        self.load_text = load_text
        self.warnings: list[str] = []
        self.skipped: Counter[str] = Counter()
        self.account = Account()

    def guid(self, element: etree._Element, what: str) -> str:
        guid = safety.normalize_guid(element.get("guid"))
        if guid is None:
            raise InvalidInputError(
                _("{name}: a {what} has a missing or malformed guid.").format(name=self.name, what=what)
            )
        return guid

    def ref(self, element: etree._Element, name: str) -> list[str]:
        return [g for g in (safety.normalize_guid(r.get("targetGUID")) for r in safety.children(element, name)) if g]

    def read(self, root: etree._Element) -> RefiProject:
        if safety.local(root) != "Project":
            raise InvalidInputError(
                _("{name}: not a REFI-QDA project (the root element is not <Project>).").format(name=self.name)
            )
        project = RefiProject(name=root.get("name") or "", origin=root.get("origin") or "")
        project.description = safety.child_text(root, "Description")
        project.creating_user = safety.normalize_guid(root.get("creatingUserGUID"))
        project.created = self.time(root.get("creationDateTime"))
        self.count_totals(root)
        for element in root:
            self.section(project, element)
        if project.description.strip():
            self.skipped["project description"] += 1
        self.skipped["note reference of the project"] += len(list(safety.children(root, "NoteRef")))
        project.account = self.account
        return project

    def count_totals(self, root: etree._Element) -> None:
        """What the file holds, counted before anything is interpreted, so every loss can be accounted for."""
        for element in root:
            if safety.local(element) == "CodeBook":
                self.account.codes.total += sum(1 for e in element.iter() if safety.local(e) == "Code")
            elif safety.local(element) == "Sources":
                self.account.sources.total += sum(1 for e in element if safety.local(e))
                self.account.selections.total += _count(element, _is_selection)
                self.account.codings.total += _count(element, lambda e: safety.local(e) == "Coding")

    def skip_contents(self, element: etree._Element, reason: str, *, itself: bool = False) -> None:
        """Count the selections and codings inside ``element`` (and it, if ``itself``) as not imported."""
        self.account.selections.skip(reason, _count(element, _is_selection, itself=itself))
        self.account.codings.skip(reason, _count(element, lambda e: safety.local(e) == "Coding", itself=itself))

    def section(self, project: RefiProject, element: etree._Element) -> None:
        kind = safety.local(element)
        if kind == "Users":
            project.users = [RefiUser(self.guid(u, "user"), u.get("name") or u.get("id") or "")
                             for u in safety.children(element, "User")]  # fmt: skip
        elif kind == "CodeBook":
            holder = safety.child(element, "Codes")
            seen: set[str] = set()
            codes = safety.children(holder, "Code") if holder is not None else iter(())
            project.codes = [read_code(self.name, c, self.warnings, seen) for c in codes]
            self.account.codes.skip("outside the code list", self.account.codes.total - len(seen))
        elif kind == "Variables":
            project.variables = [self.variable(v) for v in safety.children(element, "Variable")]
        elif kind == "Cases":
            project.cases = [self.case(c) for c in safety.children(element, "Case")]
        elif kind == "Sources":
            self.sources(project, element)
        elif kind == "Notes":
            project.notes = [n for n in (self.note(n) for n in safety.children(element, "Note")) if n]
        elif kind in ("Links", "Sets", "Graphs"):
            self.skipped[kind.lower().removesuffix("s")] += len(element)

    def time(self, raw: str | None) -> dt.datetime | None:
        if not raw:
            return None
        try:
            value = dt.datetime.fromisoformat(raw.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)

    def variable(self, element: etree._Element) -> RefiVariable:
        kind = element.get("typeOfVariable") or "Text"
        description = safety.child_text(element, "Description")
        return RefiVariable(self.guid(element, "variable"), element.get("name") or "", kind, description)

    def value(self, element: etree._Element) -> RefiValue | None:
        refs = self.ref(element, "VariableRef")
        for holder in element:
            kind = safety.local(holder).removesuffix("Value")
            if refs and kind in _VALUE_ELEMENT:
                return RefiValue(refs[0], _typed(kind, safety.text_of(holder).strip()))
        return None

    def case(self, element: etree._Element) -> RefiCase:
        description = safety.child_text(element, "Description")
        case = RefiCase(self.guid(element, "case"), element.get("name") or "", description)
        case.values = [v for v in (self.value(x) for x in safety.children(element, "VariableValue")) if v]
        case.source_refs = self.ref(element, "SourceRef")
        case.other_refs = len(self.ref(element, "CodeRef")) + len(self.ref(element, "SelectionRef"))
        return case

    def sources(self, project: RefiProject, element: etree._Element) -> None:
        number = 0
        for source in element:
            kind = safety.local(source)
            if not kind:
                continue
            number += 1
            if kind == "TextSource":
                loaded = self.text_source(source, number)
                if loaded:
                    project.sources.append(loaded)
            elif kind == "PDFSource" and (representation := safety.child(source, "Representation")) is not None:
                loaded = self.text_source(representation, number, fallback_name=source.get("name") or "")
                if loaded:
                    project.sources.append(loaded)
                    for part in source:
                        if part is not representation:
                            self.skip_contents(part, "on a PDF page, not in its text", itself=True)
            else:
                medium = _MEDIA.get(kind, "unrecognised")  # never the element's own name: it is the file's text
                self.account.sources.skip(f"{'an' if medium[0] in 'aeiou' else 'a'} {medium} source, not text")
                self.skip_contents(source, f"in {'an' if medium[0] in 'aeiou' else 'a'} {medium} source")

    def text_source(self, element: etree._Element, number: int, fallback_name: str = "") -> RefiTextSource | None:
        guid = self.guid(element, "source")
        path = element.get("plainTextPath")
        name = element.get("name") or fallback_name or _file_name(path) or f"Source {number}"
        content = safety.child(element, "PlainTextContent")
        text = safety.text_of(content) if content is not None else None
        reason = "no plain text"
        if text is None and path:
            text, reason = self.load_text(path)
        if text is None:
            self.account.sources.skip(reason)
            self.skip_contents(element, f"source {reason}" if reason.startswith("file") else f"source has {reason}")
            return None
        source = RefiTextSource(guid, name, text, user=safety.normalize_guid(element.get("creatingUser")),
                                created=self.time(element.get("creationDateTime")),
                                description=safety.child_text(element, "Description"))  # fmt: skip
        source.selections = [self.selection(s) for s in safety.children(element, "PlainTextSelection")]
        source.codings = [self.coding(c) for c in safety.children(element, "Coding")]
        source.note_refs = self.ref(element, "NoteRef")
        source.values = [v for v in (self.value(x) for x in safety.children(element, "VariableValue")) if v]
        return source

    def selection(self, element: etree._Element) -> RefiSelection:
        try:
            start, end = int(element.get("startPosition") or ""), int(element.get("endPosition") or "")
        except ValueError:
            start, end = -1, -1
        selection = RefiSelection(self.guid(element, "selection"), start, end, element.get("name") or "",
                                  safety.child_text(element, "Description"),
                                  safety.normalize_guid(element.get("creatingUser")),
                                  self.time(element.get("creationDateTime")))  # fmt: skip
        selection.codings = [self.coding(c) for c in safety.children(element, "Coding")]
        selection.note_refs = self.ref(element, "NoteRef")
        return selection

    def coding(self, element: etree._Element) -> RefiCoding:
        refs = self.ref(element, "CodeRef")
        user, created = self.stamp(element)
        notes = self.ref(element, "NoteRef")
        return RefiCoding(self.guid(element, "coding"), refs[0] if refs else "", user, created, notes)

    def stamp(self, element: etree._Element) -> tuple[str | None, dt.datetime | None]:
        return safety.normalize_guid(element.get("creatingUser")), self.time(element.get("creationDateTime"))

    def note(self, element: etree._Element) -> RefiNote | None:
        content = safety.child(element, "PlainTextContent")
        text = safety.text_of(content) if content is not None else None
        if text is None and element.get("plainTextPath"):
            text, _ = self.load_text(element.get("plainTextPath") or "")
        if text is None:
            self.skipped["note without its text"] += 1
            return None
        return RefiNote(self.guid(element, "note"), element.get("name") or "", text, *self.stamp(element))


_MEDIA = {"PictureSource": "picture", "AudioSource": "audio", "VideoSource": "video", "PDFSource": "PDF"}


def _is_selection(element: etree._Element) -> bool:
    return safety.local(element).endswith("Selection")


def _count(element: etree._Element, test: Callable[[etree._Element], bool], *, itself: bool = False) -> int:
    return sum(1 for e in element.iter() if (itself or e is not element) and test(e))


_GUID_FILE = re.compile(r"^\{?[0-9a-fA-F]{8}(?:-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}\}?(?:\.\w+)?$")


def _file_name(path: str | None) -> str:
    """The file name in a ``plainTextPath``, unless it is only a GUID (which names nothing for a reader)."""
    base = (path or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return "" if not base or _GUID_FILE.match(base) else base


_PARSERS: dict[str, Callable[[str], VariableValue]] = {
    "Integer": int,
    "Float": float,
    "Boolean": lambda raw: raw.lower() in ("true", "1"),
    "Date": lambda raw: dt.date.fromisoformat(raw[:10]),
    "DateTime": lambda raw: dt.datetime.fromisoformat(raw.replace("Z", "+00:00")),
}


def _typed(kind: str, raw: str) -> VariableValue:
    """A variable value in its declared type; values that do not parse stay text."""
    parser = _PARSERS.get(kind)
    if parser is None:
        return raw
    try:
        return parser(raw)
    except ValueError:
        return raw


def read_project(name: str, data: bytes, load_text: TextLoader, max_bytes: int) -> tuple[RefiProject, list[str]]:
    """The project in a ``.qde`` document, and warnings about what it holds that is not imported."""
    reader = _Reader(name, load_text)
    project = reader.read(safety.parse_xml(name, data, max_bytes))
    warnings = reader.warnings
    warnings.extend(not_imported(what, count) for what, count in sorted(reader.skipped.items()) if count)
    return project, warnings
