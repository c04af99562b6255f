"""Scoring a detector against labelled spans: span-overlap precision, recall and F2, token recall.

Used by the de-identification benchmark (``bench/deid_bench.py``); pure functions, no models.

Matching rules (recall comes first, and detectors label the same thing differently, so the
type of a prediction is not required to agree with the gold type):

- A gold span is **found** when any predicted span overlaps it by at least one code point.
  Per-type recall is found gold spans of that type over all gold spans of that type.
- A predicted span is **correct** when it overlaps any gold span. A correct prediction is
  credited to the type of the gold span it overlaps most (ties: the earlier one); a wrong one is
  charged to the category its own label maps to (``categories``; unmapped labels to ``OTHER``).
  Per-type precision is correct predictions credited to the type over all predictions credited
  or charged to it.
- F2 weighs recall twice as much as precision: ``5PR / (4P + R)``.
- Tokens are runs of word characters (``\\w+``). A token is **PII** when it lies inside a gold
  span, and **detected** when any of its characters lies inside a predicted span (masking part
  of *Kovácsnak* still hides the name). Token recall is detected PII tokens over PII tokens;
  token precision is detected PII tokens over detected tokens. Types are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

TOKEN = re.compile(r"\w+")
OTHER = "OTHER"


@dataclass(frozen=True)
class Labelled:
    """A span with a type (gold or predicted): code-point offsets, end exclusive."""

    start: int
    end: int
    type: str
    kind: str = ""  # finer gold label for the report ("taj", "inflected name"); never equal to a type


@dataclass
class Counts:
    """Running totals for one type (or for all types together)."""

    gold: int = 0
    found: int = 0
    predicted: int = 0
    correct: int = 0

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.found += other.found
        self.predicted += other.predicted
        self.correct += other.correct

    @property
    def recall(self) -> float:
        return ratio(self.found, self.gold)

    @property
    def precision(self) -> float:
        return ratio(self.correct, self.predicted)

    @property
    def f2(self) -> float:
        return f_beta(self.precision, self.recall, 2.0)


@dataclass
class TokenCounts:
    """Token-level "any PII" totals, with recall broken down by gold type and by gold kind."""

    pii: int = 0
    detected: int = 0
    detected_pii: int = 0
    pii_by: dict[str, int] = field(default_factory=dict)
    found_by: dict[str, int] = field(default_factory=dict)

    def add(self, other: TokenCounts) -> None:
        self.pii += other.pii
        self.detected += other.detected
        self.detected_pii += other.detected_pii
        for key, value in other.pii_by.items():
            self.pii_by[key] = self.pii_by.get(key, 0) + value
        for key, value in other.found_by.items():
            self.found_by[key] = self.found_by.get(key, 0) + value

    @property
    def recall(self) -> float:
        return ratio(self.detected_pii, self.pii)

    @property
    def precision(self) -> float:
        return ratio(self.detected_pii, self.detected)

    def recall_of(self, key: str) -> float:
        return ratio(self.found_by.get(key, 0), self.pii_by.get(key, 0))


def ratio(part: int, whole: int) -> float:
    """``part / whole``, and 1.0 for an empty whole (nothing to find, nothing wrongly found)."""
    return part / whole if whole else 1.0


def f_beta(precision: float, recall: float, beta: float) -> float:
    """The weighted harmonic mean; ``beta`` > 1 favours recall."""
    b2 = beta * beta
    denominator = b2 * precision + recall
    return (1 + b2) * precision * recall / denominator if denominator else 0.0


def overlap(a: Labelled, b: Labelled) -> int:
    return max(0, min(a.end, b.end) - max(a.start, b.start))


def span_counts(gold: Sequence[Labelled], predicted: Sequence[Labelled],
                categories: Mapping[str, str]) -> dict[str, Counts]:  # fmt: skip
    """Per-type counts for one text under the module's matching rules."""
    counts: dict[str, Counts] = {}
    for g in gold:
        c = counts.setdefault(g.type, Counts())
        c.gold += 1
        c.found += any(overlap(g, p) for p in predicted)
    for p in predicted:
        best = max(gold, key=lambda g: overlap(g, p), default=None)
        if best is not None and overlap(best, p):
            c = counts.setdefault(best.type, Counts())
            c.correct += 1
        else:
            c = counts.setdefault(categories.get(p.type, OTHER), Counts())
        c.predicted += 1
    return counts


def total(counts: Iterable[Counts]) -> Counts:
    result = Counts()
    for c in counts:
        result.add(c)
    return result


def token_counts(text: str, gold: Sequence[Labelled], predicted: Sequence[Labelled]) -> TokenCounts:
    """Token-level counts for one text; recall is also kept per gold type and per gold kind."""
    result = TokenCounts()
    for match in TOKEN.finditer(text):
        start, end = match.span()
        owner = next((g for g in gold if g.start <= start and end <= g.end), None)
        detected = any(p.start < end and start < p.end for p in predicted)
        result.detected += detected
        if owner is None:
            continue
        result.pii += 1
        result.detected_pii += detected
        for key in {owner.type, owner.kind} - {""}:
            result.pii_by[key] = result.pii_by.get(key, 0) + 1
            result.found_by[key] = result.found_by.get(key, 0) + detected
    return result
