"""Selection offsets as other tools count them, turned into code points over our normalised text.

REFI-QDA counts Unicode code points from 0 over the plain-text source. Real exports
differ: NVivo and ATLAS.ti (Windows, .NET strings) count UTF-16 code units, so every
character outside the Basic Multilingual Plane (emoji, some CJK) counts twice, and
some count a line end as two characters (CR LF) even when the text file they wrote
holds a bare LF, or as one when it holds CR LF. We also normalise text on the way in
(NFC, LF line ends), which shifts offsets again.

For each text source we therefore try every reading, map each selection to our
text, and keep the reading under which the selections fit best: all inside the
text, matching the selection names tools write (usually the opening words of the
selected text), and starting and ending between words rather than inside them,
which is where people place selections. Ties go to the reading the standard defines.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.domain.text import normalize


@dataclass(frozen=True)
class Reading:
    """How a tool counted: ``utf16`` code units or code points; line ends as written, CR LF as two, or as one."""

    utf16: bool
    newlines: str  # "as written" | "CRLF as two" | "CRLF as one"

    def describe(self) -> str:
        unit = "UTF-16 code units" if self.utf16 else "code points"
        return unit if self.newlines == "as written" else f"{unit}, line ends counted {self.newlines.split(' as ')[1]}"


READINGS = (
    Reading(False, "as written"),
    Reading(True, "as written"),
    Reading(False, "CRLF as two"),
    Reading(True, "CRLF as two"),
    Reading(False, "CRLF as one"),
    Reading(True, "CRLF as one"),
)
STANDARD = READINGS[0]


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    name: str = ""


@dataclass(frozen=True)
class Placement:
    """The chosen reading, our normalised text, and each span mapped onto it (None: does not fit)."""

    reading: Reading
    text: str
    spans: list[tuple[int, int] | None]


def normalized_positions(raw: str) -> tuple[str, list[int]]:
    """``normalize(raw)`` and, for every offset 0..len(raw) in ``raw``, the offset in the normalised text."""
    lf_text, first = _newline_map(raw)
    if unicodedata.is_normalized("NFC", lf_text):
        return lf_text, first
    nfc_text, second = _nfc_map(lf_text)
    return nfc_text, [second[i] for i in first]


def _newline_map(raw: str) -> tuple[str, list[int]]:
    positions = [0] * (len(raw) + 1)
    out: list[str] = []
    i = 0
    while i < len(raw):
        positions[i] = len(out)
        if raw[i] == "\r":
            out.append("\n")
            if i + 1 < len(raw) and raw[i + 1] == "\n":
                positions[i + 1] = len(out) - 1
                i += 1
        else:
            out.append(raw[i])
        i += 1
    positions[len(raw)] = len(out)
    return "".join(out), positions


def _nfc_map(text: str) -> tuple[str, list[int]]:
    """NFC cluster by cluster: a cluster is a starter with the characters that combine with it."""
    positions = [0] * (len(text) + 1)
    out: list[str] = []
    length = 0
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and _joins(text[i - 1], text[i]):
            continue
        cluster = unicodedata.normalize("NFC", text[start:i])
        for j in range(start, i):
            positions[j] = length + min(j - start, len(cluster)) if cluster == text[start:i] else length
        out.append(cluster)
        length += len(cluster)
        start = i
    positions[len(text)] = length
    result = "".join(out)
    if result != unicodedata.normalize("NFC", text):  # a composition across clusters: fall back to no mapping
        raise ValueError("text does not normalise cluster by cluster")
    return result, positions


def _joins(previous: str, current: str) -> bool:
    return unicodedata.combining(current) != 0 or len(unicodedata.normalize("NFC", previous + current)) < 2


def unit_table(raw: str, reading: Reading, to_normalized: Sequence[int]) -> list[int]:
    """For each offset a tool could write under ``reading``, the offset in our normalised text."""
    table: list[int] = []
    previous = ""
    for i, ch in enumerate(raw):
        width = 2 if reading.utf16 and ord(ch) > 0xFFFF else 1
        if reading.newlines == "CRLF as two" and ch == "\n" and previous != "\r":
            width += 1
        elif reading.newlines == "CRLF as one" and ch == "\r" and raw[i + 1 : i + 2] == "\n":
            width = 0
        table.extend([to_normalized[i]] * width)
        previous = ch
    table.append(to_normalized[len(raw)])
    return table


def place(raw: str, spans: Sequence[Span]) -> Placement:
    """Map spans onto ``normalize(raw)`` under the reading that fits them best."""
    try:
        text, to_normalized = normalized_positions(raw)
    except ValueError:
        return Placement(STANDARD, normalize(raw), [None] * len(spans))
    best: tuple[tuple[int, int, int, int], Reading, list[tuple[int, int] | None]] | None = None
    tables: dict[tuple[int, ...], Reading] = {}
    for rank, reading in enumerate(READINGS):
        table = unit_table(raw, reading, to_normalized)
        key = tuple(table)
        if key in tables:  # same offsets as an earlier reading (no CR, no emoji): the earlier one wins ties
            continue
        tables[key] = reading
        mapped = [_map(table, span) for span in spans]
        score = _score(text, spans, mapped, rank)
        if best is None or score > best[0]:
            best = (score, reading, mapped)
    if best is None:
        return Placement(STANDARD, text, [None] * len(spans))
    return Placement(best[1], text, best[2])


def _map(table: Sequence[int], span: Span) -> tuple[int, int] | None:
    if not (0 <= span.start < span.end < len(table)):
        return None
    start, end = table[span.start], table[span.end]
    return (start, end) if start < end else None


def _score(
    text: str, spans: Sequence[Span], mapped: Sequence[tuple[int, int] | None], rank: int
) -> tuple[int, int, int, int]:
    fitting = [(span, m) for span, m in zip(spans, mapped, strict=True) if m is not None]
    names = sum(_name_matches(span.name, text[m[0] : m[1]]) for span, m in fitting)
    edges = sum(_between_words(text, m[0]) + _between_words(text, m[1]) for _, m in fitting)
    return len(fitting), names, edges, -rank


def _between_words(text: str, position: int) -> int:
    if position <= 0 or position >= len(text):
        return 1
    return 0 if text[position - 1].isalnum() and text[position].isalnum() else 1


def _name_matches(name: str, selected: str) -> int:
    """Tools name a selection after its opening words, often cut with an ellipsis."""
    wanted = " ".join(normalize(name).replace("…", " ").split()).removesuffix("...").strip()
    if len(wanted) < 4:
        return 0
    got = " ".join(selected.split())
    return 1 if got.startswith(wanted) or (len(got) >= 4 and wanted.startswith(got)) else 0
