"""The REFI-QDA exchange as plain dataclasses: what a ``.qde`` holds, independent of our database.

The services build a ``RefiProject`` from a project (export) or store one into a
project (import); ``workbench.refi.project`` turns it into XML and back. GUIDs are
lowercase without braces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

VariableValue = str | int | float | bool | dt.date | dt.datetime


@dataclass(frozen=True)
class RefiUser:
    guid: str
    name: str


@dataclass
class RefiCode:
    guid: str
    name: str
    codable: bool = True
    color: str | None = None
    description: str = ""
    children: list[RefiCode] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RefiVariable:
    guid: str
    name: str
    type: str  # Text, Boolean, Integer, Float, Date, DateTime
    description: str = ""


@dataclass(frozen=True)
class RefiValue:
    variable: str
    value: VariableValue


@dataclass
class RefiCase:
    guid: str
    name: str
    description: str = ""
    values: list[RefiValue] = field(default_factory=list)
    source_refs: list[str] = field(default_factory=list)
    other_refs: int = 0  # CodeRef / SelectionRef entries, which we do not import


@dataclass
class RefiCoding:
    guid: str
    code: str
    user: str | None = None
    created: dt.datetime | None = None
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSelection:
    guid: str
    start: int
    end: int
    name: str = ""
    description: str = ""
    user: str | None = None
    created: dt.datetime | None = None
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiNote:
    guid: str
    name: str
    text: str
    user: str | None = None
    created: dt.datetime | None = None


@dataclass
class RefiTextSource:
    guid: str
    name: str
    text: str
    selections: list[RefiSelection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    values: list[RefiValue] = field(default_factory=list)
    user: str | None = None
    created: dt.datetime | None = None
    description: str = ""


@dataclass
class RefiProject:
    name: str
    origin: str = ""
    users: list[RefiUser] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[RefiVariable] = field(default_factory=list)
    cases: list[RefiCase] = field(default_factory=list)
    sources: list[RefiTextSource] = field(default_factory=list)
    notes: list[RefiNote] = field(default_factory=list)
    description: str = ""
    creating_user: str | None = None
    created: dt.datetime | None = None

    def all_codes(self) -> list[RefiCode]:
        found: list[RefiCode] = []
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(code.children))
        return found
