"""Agreement of binary units (coded / not coded) from per-unit counts, without a reliability matrix.

For binary data every measure of ``workbench.analysis.agreement.measures`` depends only on, per
unit, which coders judged it and which of them coded it, so a project's units are counted by
that pair (``BinaryTally``) and the statistics follow in closed form (``docs/agreement.md``).
No NumPy here: ``workbench agreement`` on a project does not import it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workbench.domain.analysis import AgreementMeasures

Span = tuple[int, int]


@dataclass
class BinaryTally:
    """Binary (coded / not coded) units counted by who judged them and who coded them.

    A cell ``(judged, coded)`` holds the total weight of the units that exactly the coders in
    ``judged`` judged and exactly those in ``coded`` coded, both bit masks over the coders' rows
    (row r is ``1 << r``; ``coded`` lies within ``judged``). For binary data every measure of
    ``agreement.measures`` depends on these counts only (a unit's m_u and c_u, and for kappa which of the
    two coders coded it), so the turns or characters nobody coded in an interview are one cell
    ``(judged, 0)`` instead of a column each: the cost follows the coded units, not the project's
    text. ``binary_measures`` equals ``measures`` of the same matrix (property tests check it).
    """

    coders: int
    cells: dict[tuple[int, int], float] = field(default_factory=dict)

    def add(self, judged: int, coded: int, weight: float) -> None:
        if weight:
            key = (judged, coded)
            self.cells[key] = self.cells.get(key, 0) + weight

    def update(self, other: BinaryTally) -> None:
        for (judged, coded), weight in other.cells.items():
            self.add(judged, coded, weight)

    def coded_only(self) -> BinaryTally:
        """The units at least one coder coded (``coded_only`` of the matrix)."""
        return BinaryTally(self.coders, {key: w for key, w in self.cells.items() if key[1]})


def binary_measures(counts: BinaryTally) -> AgreementMeasures:
    """``measures`` (nominal) of binary units, from their tally."""
    return AgreementMeasures(
        units=binary_pairable_units(counts),
        percent=binary_percent(counts),
        kappa=binary_kappa(counts),
        alpha=binary_alpha(counts),
    )


def binary_pairable_units(counts: BinaryTally) -> int:
    return round(sum(w for (judged, _), w in counts.cells.items() if judged.bit_count() >= 2))


def binary_percent(counts: BinaryTally) -> float | None:
    """Agreeing pairs over all pairs: a unit with m judges and c of them coding has c(c-1)/2 + (m-c)(m-c-1)/2."""
    pairs = agreeing = 0.0
    for (judged, coded), w in counts.cells.items():
        m, c = judged.bit_count(), coded.bit_count()
        pairs += w * m * (m - 1) / 2
        agreeing += w * (c * (c - 1) / 2 + (m - c) * (m - c - 1) / 2)
    if pairs == 0:
        return None
    return agreeing / pairs


def binary_kappa(counts: BinaryTally) -> float | None:
    """Cohen's kappa of two coders from the units both judged; ``None`` for any other number of coders."""
    if counts.coders != 2:
        return None
    total = first = second = both = 0.0
    for (judged, coded), w in counts.cells.items():
        if judged != 0b11:
            continue
        total += w
        first += w if coded & 0b01 else 0
        second += w if coded & 0b10 else 0
        both += w if coded == 0b11 else 0
    if total == 0:
        return None
    observed = (total - first - second + 2 * both) / total
    expected = ((total - first) * (total - second) + first * second) / total**2
    if expected >= 1 - 1e-12:
        return None  # both coders used one and the same value throughout: kappa is 0/0
    return (observed - expected) / (1 - expected)


def binary_alpha(counts: BinaryTally) -> float | None:
    """Krippendorff's alpha (nominal) of binary units: 1 - (n - 1) D / (2 n_0 n_1).

    Over the pairable units, n_1 = sum w c, n_0 = sum w (m - c), and the disagreeing coincidences
    D = o_01 + o_10 = 2 sum w c (m - c) / (m - 1).
    """
    zeros = ones = disagreeing = 0.0
    for (judged, coded), w in counts.cells.items():
        m, c = judged.bit_count(), coded.bit_count()
        if m < 2:
            continue
        ones += w * c
        zeros += w * (m - c)
        disagreeing += 2 * w * c * (m - c) / (m - 1)
    n = zeros + ones
    if n <= 1:
        return None
    expected = 2 * zeros * ones / (n - 1)
    if expected <= 0:
        return None
    return 1.0 - disagreeing / expected


def character_counts(length: int, spans: Sequence[Sequence[Span]]) -> dict[int, int]:
    """How many characters of a text each set of coders coded: {coded mask: characters}; 0 is nobody.

    ``spans[row]`` are one coder's spans, clipped to the text as ``agreement.character_units`` clips them;
    a sweep over the span ends, so the cost follows the spans, not the text's length.
    """
    events: list[tuple[int, int]] = []
    for row, own in enumerate(spans):
        for start, end in own:
            first, last = min(max(start, 0), length), min(max(end, 0), length)
            if first < last:
                events += [(first, row + 1), (last, -row - 1)]
    events.sort()
    depth = [0] * len(spans)
    out: dict[int, int] = {}
    mask = position = 0
    for at, signed in events:
        if at > position:
            out[mask] = out.get(mask, 0) + at - position
            position = at
        row = abs(signed) - 1
        depth[row] += 1 if signed > 0 else -1
        mask = mask | (1 << row) if depth[row] else mask & ~(1 << row)
    if length > position:
        out[0] = out.get(0, 0) + length - position
    return out
