"""The REFI-QDA exchange as plain dataclasses: what a ``.qde`` holds, independent of our database.

The services build a ``RefiProject`` from a project (export) or store one into a
project (import); ``workbench.refi.project`` turns it into XML and back. GUIDs are
lowercase without braces.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from workbench.i18n import N_, format_number, ngettext
from workbench.i18n import gettext as _

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


KINDS = ("codes", "sources", "selections", "codings")


@dataclass
class Tally:
    """One kind of item: how many the file holds, how many were imported, and why the rest were not."""

    total: int = 0
    imported: int = 0
    skipped: Counter[str] = field(default_factory=Counter)

    def skip(self, reason: str, count: int = 1) -> None:
        if count:
            self.skipped[reason] += count

    def balanced(self) -> bool:
        return self.imported + sum(self.skipped.values()) == self.total


@dataclass
class Account:
    """What the file holds and what became of it, per kind: imported + skipped (by reason) = total."""

    codes: Tally = field(default_factory=Tally)
    sources: Tally = field(default_factory=Tally)
    selections: Tally = field(default_factory=Tally)
    codings: Tally = field(default_factory=Tally)

    def tallies(self) -> list[tuple[str, Tally]]:
        return [(kind, getattr(self, kind)) for kind in KINDS]

    def balanced(self) -> bool:
        return all(tally.balanced() for _, tally in self.tallies())

    def sentences(self) -> list[str]:
        """One warning per kind and reason: ``16 codings were not imported (source missing from the archive).``"""
        found = []
        for kind, tally in self.tallies():
            for reason, count in sorted(tally.skipped.items(), key=lambda i: (-i[1], i[0])):
                found.append(_not_imported(kind, count).format(n=count, reason=reason_text(reason)))
        return found

    def line(self) -> str:
        """One line a reader can add up: ``codes 5 of 5; sources 3 of 4 (1 missing from the archive); ...``."""
        parts = []
        for kind, tally in self.tallies():
            reasons = ", ".join(
                _("{n} {reason}").format(n=n, reason=reason_text(why))
                for why, n in sorted(tally.skipped.items(), key=lambda i: (-i[1], i[0]))
            )
            part = _("{kind} {imported} of {total}").format(kind=_(_KINDS[kind]), imported=tally.imported,
                                                             total=tally.total)  # fmt: skip
            parts.append(part + (_(" (skipped: {reasons})").format(reasons=reasons) if reasons else ""))
        return "; ".join(parts)


_KINDS = {"codes": N_("codes"), "sources": N_("sources"), "selections": N_("selections"), "codings": N_("codings")}
# Every reason an item of a .qdpx is skipped for (refi/project.py, refi/qdpx.py, services/refi_import.py):
# the account keeps the English reason, and shows it in the reader's language.
_REASONS = (
    N_("outside the code list"),
    N_("on a PDF page, not in its text"),
    N_("a picture source, not text"),
    N_("an audio source, not text"),
    N_("a video source, not text"),
    N_("a PDF source, not text"),
    N_("an unrecognised source, not text"),
    N_("in a picture source"),
    N_("in an audio source"),
    N_("in a video source"),
    N_("in a PDF source"),
    N_("in an unrecognised source"),
    N_("no plain text"),
    N_("source has no plain text"),
    N_("file outside the archive"),
    N_("file missing from the archive"),
    N_("file compressed suspiciously well (a possible zip bomb)"),
    N_("file not plain text"),
    N_("source file outside the archive"),
    N_("source file missing from the archive"),
    N_("source file compressed suspiciously well (a possible zip bomb)"),
    N_("source file not plain text"),
    N_("empty text"),
    N_("source text empty"),
    N_("outside its text"),
    N_("selection outside its text"),
    N_("none of its codings imported"),
    N_("no code and no note"),
    N_("code not in the file"),
    N_("duplicate of another coding"),
)


def _not_imported(kind: str, n: int) -> str:
    """The warning for ``n`` items of ``kind`` skipped for a reason (``{n}`` and ``{reason}`` to fill in)."""
    if kind == "codes":
        return ngettext("{n} code was not imported ({reason}).", "{n} codes were not imported ({reason}).", n)
    if kind == "sources":
        return ngettext("{n} source was not imported ({reason}).", "{n} sources were not imported ({reason}).", n)
    if kind == "selections":
        return ngettext("{n} selection was not imported ({reason}).", "{n} selections were not imported ({reason}).", n)
    return ngettext("{n} coding was not imported ({reason}).", "{n} codings were not imported ({reason}).", n)


_TOO_LARGE = re.compile(r"(source )?file too large \(over (\d+) MB\)")


def reason_text(reason: str) -> str:
    """A skip reason in the current language; "file too large (over N MB)" is told with its number."""
    if reason in _REASONS:
        return _(reason)
    large = _TOO_LARGE.fullmatch(reason)
    if large is None:
        return reason
    mb = format_number(int(large.group(2)))
    if large.group(1):
        return _("source file too large (over {mb} MB)").format(mb=mb)
    return _("file too large (over {mb} MB)").format(mb=mb)


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
    account: Account = field(default_factory=Account)

    def all_codes(self) -> list[RefiCode]:
        found: list[RefiCode] = []
        stack = list(reversed(self.codes))
        while stack:
            code = stack.pop()
            found.append(code)
            stack.extend(reversed(code.children))
        return found


# What a reader skips outside the account (``skipped`` in refi/project.py and services/refi_import.py):
# the key stays English, the warning is a whole sentence from the catalogue, with its plural.
_NOT_IMPORTED: dict[str, Callable[[int], str]] = {
    "project description": lambda n: ngettext(
        "{n} project description was not imported.", "{n} project descriptions were not imported.", n),
    "note reference of the project": lambda n: ngettext(
        "{n} note reference of the project was not imported.",
        "{n} note references of the project were not imported.", n),
    "link": lambda n: ngettext("{n} link was not imported.", "{n} links were not imported.", n),
    "set": lambda n: ngettext("{n} set was not imported.", "{n} sets were not imported.", n),
    "graph": lambda n: ngettext("{n} graph was not imported.", "{n} graphs were not imported.", n),
    "note without its text": lambda n: ngettext(
        "{n} note without its text was not imported.", "{n} notes without their text were not imported.", n),
    "note attached to a code": lambda n: ngettext(
        "{n} note attached to a code was not imported.", "{n} notes attached to a code were not imported.", n),
    "source in a second case": lambda n: ngettext(
        "{n} source in a second case was not imported.", "{n} sources in a second case were not imported.", n),
    "code or selection reference of a case": lambda n: ngettext(
        "{n} code or selection reference of a case was not imported.",
        "{n} code or selection references of a case were not imported.", n),
    "case description": lambda n: ngettext(
        "{n} case description was not imported.", "{n} case descriptions were not imported.", n),
    "value of an undeclared variable": lambda n: ngettext(
        "{n} value of an undeclared variable was not imported.",
        "{n} values of an undeclared variable were not imported.", n),
    "variable value that does not fit its type": lambda n: ngettext(
        "{n} variable value that does not fit its type was not imported.",
        "{n} variable values that do not fit their type were not imported.", n),
    "variable value on a source": lambda n: ngettext(
        "{n} variable value on a source was not imported.", "{n} variable values on a source were not imported.", n),
    "reference to a missing note": lambda n: ngettext(
        "{n} reference to a missing note was not imported.", "{n} references to a missing note were not imported.", n),
    "note not attached to a transcript, selection or coding": lambda n: ngettext(
        "{n} note not attached to a transcript, selection or coding was not imported.",
        "{n} notes not attached to a transcript, selection or coding were not imported.", n),
}  # fmt: skip


def not_imported(what: str, count: int) -> str:
    """A warning that reads as a sentence in the reader's language: ``2 sets were not imported.``

    ``what`` is one of the keys above; an unknown one (a new kind nobody listed yet) is still
    reported, with its English name, rather than lost.
    """
    phrase = _NOT_IMPORTED.get(what)
    if phrase is None:
        return _("{what}: {n} not imported.").format(n=count, what=what)
    return phrase(count).format(n=count)
