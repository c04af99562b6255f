"""Selection offsets as other tools count them, turned into code points over our normalised text.

REFI-QDA counts Unicode code points from 0 over the plain-text source. Real exports
differ: NVivo and ATLAS.ti (Windows, .NET strings) count UTF-16 code units, so every
character outside the Basic Multilingual Plane (emoji, some CJK) counts twice, and
some count a line end as two characters (CR LF) even when the text file they wrote
holds a bare LF, or as one when it holds CR LF. We also normalise text on the way in
(NFC, LF line ends), which shifts offsets again.

For each text source we therefore try every reading and map each selection to our
text. The standard's reading wins unless the evidence against it is overwhelming
(see ``place``): people do select from and to arbitrary characters, so "more ends
between words" alone must never move a conformant file's codings.
"""

from __future__ import annotations

import re
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


Mapped = tuple[int, int] | None


@dataclass(frozen=True)
class Placement:
    """The chosen reading, our normalised text, and each span mapped onto it (None: does not fit)."""

    reading: Reading
    text: str
    spans: list[tuple[int, int] | None]
    reason: str = ""


def normalized_positions(raw: str) -> tuple[str, list[int]]:
    """``normalize(raw)`` and, for every offset 0..len(raw) in ``raw``, the offset in the normalised text."""
    lf_text, first = _newline_map(raw)
    if unicodedata.is_normalized("NFC", lf_text):
        return lf_text, first
    nfc_text, second = _nfc_map(lf_text)
    return nfc_text, [second[i] for i in first]


def _newline_map(raw: str) -> tuple[str, list[int]]:
    if "\r" not in raw:  # nothing to change: every offset stays (one pass in C, not one per character)
        return raw, list(range(len(raw) + 1))
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


_SPECIAL = re.compile("[\r\n\U00010000-\U0010ffff]")


def unit_table(raw: str, reading: Reading, to_normalized: Sequence[int]) -> list[int]:
    """For each offset a tool could write under ``reading``, the offset in our normalised text.

    Every character is one unit except line ends and characters outside the BMP, so only those
    are looked at one by one; the runs between them are copied whole (a 70,000-character
    source no longer costs six Python loops over every character).
    """
    table: list[int] = []
    done = 0
    for match in _SPECIAL.finditer(raw):
        i = match.start()
        ch = raw[i]
        width = 2 if reading.utf16 and ord(ch) > 0xFFFF else 1
        if reading.newlines == "CRLF as two" and ch == "\n" and (i == 0 or raw[i - 1] != "\r"):
            width += 1
        elif reading.newlines == "CRLF as one" and ch == "\r" and raw[i + 1 : i + 2] == "\n":
            width = 0
        table.extend(to_normalized[done:i])
        table.extend([to_normalized[i]] * width)
        done = i + 1
    table.extend(to_normalized[done : len(raw)])
    table.append(to_normalized[len(raw)])
    return table


def place(raw: str, spans: Sequence[Span], origin: str = "", prior: Reading | None = None) -> Placement:
    """Map spans onto ``normalize(raw)``: the standard's reading unless the evidence against it is overwhelming.

    A reading other than the standard's (code points over the text as written) is
    taken only (a) when it fits more selections inside the text than the standard
    reading does and places the others no worse, or (b) when, over the selections
    the two readings place differently, it has nearly all (90%) of them start and
    end between words, or matches nearly all their names, where the standard
    reading manages at most half; without names, at least four selections must
    differ (two if the origin hints at that reading), since a few clean selections
    happen by chance (about one in three arbitrary selections is clean). The
    ``origin`` attribute informs the guess: a tool known to count that way (NVivo
    and ATLAS.ti: UTF-16 and two-character line ends; MAXQDA: two-character line
    ends) needs less evidence; a file this workbench wrote is always read as the
    standard says unless its offsets do not fit.

    ``prior`` is how the file's other sources were read, where their evidence was
    overwhelming (a tool counts the same way throughout a file): a source with too
    few selections to decide by itself follows it if that places its selections
    strictly more cleanly than the standard reading and no worse by name.
    """
    try:
        text, to_normalized = normalized_positions(raw)
    except ValueError:
        return Placement(STANDARD, normalize(raw), [None] * len(spans), "the text does not normalise; not placed")
    options: list[Option] = []
    tables: set[tuple[int, ...]] = set()
    for reading in READINGS:
        table = unit_table(raw, reading, to_normalized)
        key = tuple(table)
        if key not in tables:  # same offsets as an earlier reading (no CR, no emoji): the earlier one stands
            tables.add(key)
            options.append((reading, [_map(table, span) for span in spans]))
    standard = options[0][1]
    if not spans:
        return Placement(STANDARD, text, standard, "no selections")
    hints = origin_hints(origin)
    fits = sum(m is not None for m in standard)
    better = [(sum(m is not None for m in mapped), _quality(text, spans, mapped), -rank, reading, mapped)
              for rank, (reading, mapped) in enumerate(options[1:], 1)]  # fmt: skip
    best_fit = max(better, key=lambda b: b[:3], default=None)
    if best_fit is not None and best_fit[0] > fits and _not_worse(text, spans, standard, best_fit[4]):
        reason = (f"under the standard reading {len(spans) - fits} of {len(spans)} selections fall outside the text; "
                  f"read as {best_fit[3].describe()}, {len(spans) - best_fit[0]} do")  # fmt: skip
        return Placement(best_fit[3], text, best_fit[4], reason)
    if hints is None:
        return Placement(STANDARD, text, standard, f"written by this workbench; {_fit_phrase(fits, len(spans))}")
    decided = _by_evidence(text, spans, options, hints, prior)
    if decided is not None:
        return Placement(decided[0], text, decided[1], decided[2])
    clean = sum(_clean(text, m) for m in standard if m is not None)
    return Placement(STANDARD, text, standard, f"as the standard defines; {_fit_phrase(fits, len(spans))}, "
                                               f"{clean} start and end between words")  # fmt: skip


Option = tuple[Reading, list[Mapped]]


def _by_evidence(
    text: str, spans: Sequence[Span], options: Sequence[Option], hints: set[Reading], prior: Reading | None
) -> tuple[Reading, list[Mapped], str] | None:
    """The reading the evidence (or, failing that, the file's other sources) overwhelmingly favours, if any."""
    standard = options[0][1]
    chosen: tuple[float, Reading, list[Mapped], str] | None = None
    for reading, mapped in options[1:]:
        verdict = _evidence(text, spans, standard, mapped, hinted=reading in hints)
        if verdict is not None and (chosen is None or verdict[0] > chosen[0]):
            chosen = (verdict[0], reading, mapped, verdict[1])
    if chosen is not None:
        return chosen[1], chosen[2], chosen[3]
    if prior is not None and prior != STANDARD:
        found = next((m for r, m in options if r == prior), None)
        if found is not None and _follows(text, spans, standard, found):
            return prior, found, "as the file's other sources were read, and its selections fall between words so"
    return None


def _map(table: Sequence[int], span: Span) -> tuple[int, int] | None:
    if not (0 <= span.start < span.end < len(table)):
        return None
    start, end = table[span.start], table[span.end]
    return (start, end) if start < end else None


def _not_worse(text: str, spans: Sequence[Span], standard: Sequence[Mapped], other: Sequence[Mapped]) -> bool:
    """Where both readings place a selection, differently, ``other`` is at least as clean and as well named.

    One sloppy offset past the end must not move every other selection of a conformant file.
    """
    both = [(span, a, b) for span, a, b in zip(spans, standard, other, strict=True)
            if a is not None and b is not None and a != b]  # fmt: skip
    named = [(span, a, b) for span, a, b in both if len(_wanted(span.name)) >= 4]
    std = sum(_clean(text, a) for _, a, _ in both), sum(_name_matches(s.name, text[a[0] : a[1]]) for s, a, _ in named)
    alt = sum(_clean(text, b) for _, _, b in both), sum(_name_matches(s.name, text[b[0] : b[1]]) for s, _, b in named)
    return alt[0] >= std[0] and alt[1] >= std[1]


def _follows(text: str, spans: Sequence[Span], standard: Sequence[Mapped], other: Sequence[Mapped]) -> bool:
    fits = sum(m is not None for m in standard)
    differ = [(a, b) for a, b in zip(standard, other, strict=True) if a is not None and b is not None and a != b]
    cleaner = sum(_clean(text, b) - _clean(text, a) for a, b in differ) > 0
    return sum(m is not None for m in other) >= fits and cleaner and _not_worse(text, spans, standard, other)


def _quality(text: str, spans: Sequence[Span], mapped: Sequence[tuple[int, int] | None]) -> int:
    """Among readings that fit equally many selections: names matched and selections between words."""
    fitting = [(span, m) for span, m in zip(spans, mapped, strict=True) if m is not None]
    return sum(2 * _name_matches(span.name, text[m[0] : m[1]]) + _clean(text, m) for span, m in fitting)


def _fit_phrase(fits: int, total: int) -> str:
    if fits == total:
        return "its one selection fits" if total == 1 else f"all {total} selections fit"
    return f"{fits} of {total} selections fit"


_TOOL_HINTS = {
    "nvivo": {"utf16", "CRLF as two"},
    "atlas": {"utf16", "CRLF as two"},
    "maxqda": {"CRLF as two"},
}


def origin_hints(origin: str) -> set[Reading] | None:
    """The non-standard readings the tool named in ``origin`` is known to use; None for our own files."""
    lowered = origin.lower()
    if lowered.startswith("workbench"):
        return None
    traits: set[str] = set()
    for tool, known in _TOOL_HINTS.items():
        if tool in lowered.replace(".", "").replace(" ", ""):
            traits |= known
    return {r for r in READINGS[1:] if (not r.utf16 or "utf16" in traits)
            and (r.newlines == "as written" or r.newlines in traits)}  # fmt: skip


def _evidence(
    text: str,
    spans: Sequence[Span],
    standard: Sequence[tuple[int, int] | None],
    other: Sequence[tuple[int, int] | None],
    *,
    hinted: bool,
) -> tuple[float, str] | None:
    """(strength, reason) if ``other`` is overwhelmingly better than ``standard`` where they differ, else None."""
    differ = [(span, a, b) for span, a, b in zip(spans, standard, other, strict=True)
              if a is not None and b is not None and a != b]  # fmt: skip
    if not differ:
        return None
    count = len(differ)
    std_clean = sum(_clean(text, a) for _, a, _ in differ)
    alt_clean = sum(_clean(text, b) for _, _, b in differ)
    named = [(span, a, b) for span, a, b in differ if len(_wanted(span.name)) >= 4]
    std_names = sum(_name_matches(span.name, text[a[0] : a[1]]) for span, a, _ in named)
    alt_names = sum(_name_matches(span.name, text[b[0] : b[1]]) for span, _, b in named)
    by_edges = count >= (2 if hinted else 4) and alt_clean >= 0.9 * count and std_clean <= 0.5 * count
    by_names = len(named) >= 1 and alt_names >= 0.9 * len(named) and std_names <= 0.5 * len(named)
    if not (by_edges or by_names):
        return None
    why = [f"{alt_clean} of {count} selections start and end between words against {std_clean} under the "
           "standard reading"]  # fmt: skip
    if named:
        why.append(f"{alt_names} of {len(named)} selection names match the text against {std_names}")
    strength = (alt_clean - std_clean) / count + ((alt_names - std_names) / len(named) if named else 0)
    return strength, "; ".join(why) + ("; the file's origin suggests it" if hinted else "")


def _clean(text: str, span: tuple[int, int]) -> int:
    """1 if the selection starts and ends between words, as people select (rarely by chance: ~4%)."""
    return _between_words(text, span[0]) * _between_words(text, span[1])


def _between_words(text: str, position: int) -> int:
    if position <= 0 or position >= len(text):
        return 1
    return 0 if text[position - 1].isalnum() and text[position].isalnum() else 1


def _wanted(name: str) -> str:
    return " ".join(normalize(name).replace("…", " ").split()).removesuffix("...").strip()


def _name_matches(name: str, selected: str) -> int:
    """Tools name a selection after its opening words, often cut with an ellipsis."""
    wanted = _wanted(name)
    if len(wanted) < 4:
        return 0
    got = " ".join(selected.split())
    return 1 if got.startswith(wanted) or (len(got) >= 4 and wanted.startswith(got)) else 0
