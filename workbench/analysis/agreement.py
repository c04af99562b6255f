"""Inter-coder agreement: percent agreement, Cohen's kappa and Krippendorff's alpha.

Everything works on a *reliability matrix*: one row per coder, one column per unit, ``NaN`` where
a coder gave no value (missing data). Optional ``weights`` count how many identical units a column
stands for, so the characters of a transcript can be passed as a few runs of equal coding instead
of one column per character. The formulas are written out in ``docs/agreement.md``; alpha follows
Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), via the coincidence matrix.

Undefined measures are ``None`` rather than ``NaN`` or a made-up 0 or 1: alpha without pairable
values or without any variation, kappa unless there are exactly two coders with shared units.

The unit builders turn codings into binary matrices: for one code, a coder's value for a unit is
1 (coded) or 0 (not coded), and ``NaN`` for a coder who did not code that interview at all. A
project's agreement report does not build those matrices: ``agreement_counts.BinaryTally`` counts
its units by who judged and who coded them and gives the same figures from the counts.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np
import numpy.typing as npt

from workbench.domain.analysis import AgreementMeasures
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

Level = Literal["nominal", "ordinal", "interval", "ratio"]
LEVELS: tuple[str, ...] = get_args(Level)
Matrix = npt.NDArray[np.float64]
Span = tuple[int, int]


def as_matrix(data: npt.ArrayLike) -> Matrix:
    matrix = np.asarray(data, dtype=np.float64)
    if matrix.ndim != 2:
        raise InvalidInputError(_("A reliability matrix needs one row per coder and one column per unit."))
    return matrix


def _weights(weights: npt.ArrayLike | None, units: int) -> Matrix:
    if weights is None:
        return np.ones(units)
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (units,) or (w < 0).any():
        raise InvalidInputError(_("Unit weights must be one non-negative number per unit."))
    return w


def value_counts(data: npt.ArrayLike) -> tuple[Matrix, Matrix]:
    """The distinct values, and for each unit how many coders gave each value (units x values)."""
    matrix = as_matrix(data)
    zeros, ones = matrix == 0, matrix == 1
    present = ~np.isnan(matrix)
    if np.array_equal(zeros | ones, present):  # binary data (coded or not): count without sorting
        found = [(0.0, zeros), (1.0, ones)]
        kept = [(v, mask) for v, mask in found if mask.any()]
        values = np.array([v for v, _ in kept], dtype=np.float64)
        if not kept:
            return values, np.zeros((matrix.shape[1], 0))
        return values, np.stack([mask.sum(axis=0) for _, mask in kept], axis=1).astype(np.float64)
    values = np.unique(matrix[present])
    _, unit_index = np.nonzero(present)
    flat = unit_index * values.size + np.searchsorted(values, matrix[present])
    counts = np.bincount(flat, minlength=matrix.shape[1] * values.size).astype(np.float64)
    return values, counts.reshape(matrix.shape[1], values.size)


def coincidences(counts: Matrix, weights: Matrix) -> Matrix:
    """Krippendorff's coincidence matrix: o_ck = sum over units of n_uc (n_uk - [c=k]) / (m_u - 1)."""
    m = counts.sum(axis=1)
    pairable = m >= 2
    c = counts[pairable]
    scaled = c * (weights[pairable] / (m[pairable] - 1))[:, None]
    result: Matrix = scaled.T @ c - np.diag(scaled.sum(axis=0))
    return result


def distances(values: Matrix, marginals: Matrix, level: Level) -> Matrix:
    """Squared difference delta^2 between every two values at the given level of measurement."""
    if level == "nominal":
        return 1.0 - np.eye(values.size)
    if level == "interval":
        return np.subtract.outer(values, values) ** 2
    if level == "ratio":
        sums = np.add.outer(values, values)
        diffs = np.subtract.outer(values, values)
        return np.divide(diffs, sums, out=np.zeros_like(diffs), where=sums != 0) ** 2
    if level == "ordinal":
        cumulative = np.cumsum(marginals)
        i, j = np.meshgrid(np.arange(values.size), np.arange(values.size), indexing="ij")
        low, high = np.minimum(i, j), np.maximum(i, j)
        between = cumulative[high] - cumulative[low] + marginals[low]
        return (between - (marginals[i] + marginals[j]) / 2) ** 2
    raise InvalidInputError(
        _("Unknown level of measurement {level!r}; use one of {LEVELS}.").format(level=level, LEVELS=", ".join(LEVELS))
    )


def krippendorff_alpha(
    data: npt.ArrayLike, level: Level = "nominal", weights: npt.ArrayLike | None = None
) -> float | None:
    """alpha = 1 - D_o / D_e; ``None`` without two pairable values or without any variation."""
    values, counts = value_counts(data)
    o = coincidences(counts, _weights(weights, counts.shape[0]))
    marginals = o.sum(axis=1)
    n = float(marginals.sum())
    if n <= 1:
        return None
    delta = distances(values, marginals, level)
    observed = float((o * delta).sum())
    expected = float((np.outer(marginals, marginals) * delta).sum()) / (n - 1)
    if expected <= 0:
        return None
    return 1.0 - observed / expected


def percent_agreement(data: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float | None:
    """Share of agreeing pairs among all pairs of coders who both judged a unit (two coders: of units)."""
    _, counts = value_counts(data)
    w = _weights(weights, counts.shape[0])
    m = counts.sum(axis=1)
    pairs = float((w * m * (m - 1) / 2).sum())
    if pairs == 0:
        return None
    agreeing = float((w * (counts * (counts - 1) / 2).sum(axis=1)).sum())
    return agreeing / pairs


def cohen_kappa(data: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float | None:
    """kappa = (p_o - p_e) / (1 - p_e) over the units both coders judged; two coders only."""
    matrix = as_matrix(data)
    if matrix.shape[0] != 2:
        return None
    w = _weights(weights, matrix.shape[1])
    both = ~np.isnan(matrix).any(axis=0)
    a, b, w = matrix[0, both], matrix[1, both], w[both]
    values = np.unique(np.concatenate([a, b]))
    confusion = np.zeros((values.size, values.size))
    np.add.at(confusion, (np.searchsorted(values, a), np.searchsorted(values, b)), w)
    total = float(confusion.sum())
    if total == 0:
        return None
    observed = float(np.trace(confusion)) / total
    expected = float(confusion.sum(axis=1) @ confusion.sum(axis=0)) / total**2
    if expected >= 1 - 1e-12:
        return None  # both coders used one and the same value throughout: kappa is 0/0
    return (observed - expected) / (1 - expected)


def pairable_units(data: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> int:
    """How many units (weighted) at least two coders judged."""
    matrix = as_matrix(data)
    w = _weights(weights, matrix.shape[1])
    return round(float(w[(~np.isnan(matrix)).sum(axis=0) >= 2].sum()))


def measures(data: npt.ArrayLike, level: Level = "nominal", weights: npt.ArrayLike | None = None) -> AgreementMeasures:
    """All three measures over one reliability matrix."""
    matrix = as_matrix(data)
    return AgreementMeasures(
        units=pairable_units(matrix, weights),
        percent=percent_agreement(matrix, weights),
        kappa=cohen_kappa(matrix, weights),
        alpha=krippendorff_alpha(matrix, level, weights),
    )


# -- binary unit matrices from codings -----------------------------------------------------------


def segment_units(segments: Sequence[Span], spans: Sequence[Sequence[Span] | None]) -> Matrix:
    """Coders x segments: 1 where a coder's span overlaps the segment, 0 where not, NaN if not coded."""
    matrix = np.full((len(spans), len(segments)), np.nan)
    seg = np.asarray(segments, dtype=np.int64).reshape(-1, 2)
    for row, coder_spans in enumerate(spans):
        if coder_spans is None:
            continue
        own = np.asarray(coder_spans, dtype=np.int64).reshape(-1, 2)
        hits = (own[None, :, 0] < seg[:, None, 1]) & (own[None, :, 1] > seg[:, None, 0])
        matrix[row] = hits.any(axis=1)
    return matrix


def character_units(length: int, spans: Sequence[Sequence[Span] | None]) -> tuple[Matrix, Matrix]:
    """The characters of a text as runs of equal coding: (coders x runs matrix, run lengths)."""
    cuts = {0, length}
    for coder_spans in spans:
        for start, end in coder_spans or ():
            cuts.update((min(max(start, 0), length), min(max(end, 0), length)))
    bounds = np.array(sorted(cuts), dtype=np.int64)
    matrix = np.full((len(spans), max(bounds.size - 1, 0)), np.nan)
    for row, coder_spans in enumerate(spans):
        if coder_spans is None:
            continue
        matrix[row] = 0
        for start, end in coder_spans:
            first, last = np.searchsorted(bounds, [max(start, 0), min(end, length)])
            matrix[row, first:last] = 1
    return matrix, np.diff(bounds).astype(np.float64)


def coded_only(data: Matrix, weights: Matrix | None = None) -> tuple[Matrix, Matrix]:
    """Drop the units no coder coded (all values 0 or missing): text nobody coded cannot inflate."""
    w = _weights(weights, data.shape[1])
    keep = (np.nan_to_num(data) > 0).any(axis=0)
    return data[:, keep], w[keep]


# -- a reliability matrix given as CSV ------------------------------------------------------------


@dataclass(frozen=True)
class ReliabilityData:
    coders: tuple[str, ...]
    data: Matrix
    """Coders x units, as ``krippendorff_alpha`` takes it."""
    labels: tuple[str, ...] = ()
    """For nominal text labels: the label of each value (value i is ``labels[i]``)."""


def parse_matrix_csv(text: str, level: Level) -> ReliabilityData:
    """A header row naming the coders, then one row per unit; an empty cell is a missing value.

    Nominal values may be any labels; ordinal, interval and ratio values must be numbers.
    """
    if level not in LEVELS:
        raise InvalidInputError(
            _("Unknown level of measurement {level!r}; use one of {LEVELS}.").format(
                level=level, LEVELS=", ".join(LEVELS)
            )
        )
    text = text.removeprefix("\ufeff")
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=_delimiter(text)) if any(c.strip() for c in row)]
    if len(rows) < 2:
        raise InvalidInputError(_("The matrix needs a header row naming the coders and at least one unit row."))
    coders = tuple(c.strip() for c in rows[0])
    if len(coders) < 2 or any(not c for c in coders) or len(set(coders)) != len(coders):
        raise InvalidInputError(_("The header row must name at least two coders, each once."))
    cells: list[list[str]] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) > len(coders):
            raise InvalidInputError(
                _("Row {line} has {n_row} cells but the header names {n_coders} coders.").format(
                    line=line, n_row=len(row), n_coders=len(coders)
                )
            )
        cells.append([c.strip() for c in row] + [""] * (len(coders) - len(row)))
    numbers = _numbers(cells)
    if numbers is not None:
        return ReliabilityData(coders, numbers.T)
    if level != "nominal":
        line, column = _first_non_number(cells)
        raise InvalidInputError(
            _("Row {line}, column {coders!r} is not a number; {level} data must be numeric.").format(
                line=line, coders=coders[column], level=level
            )
        )
    labels = tuple(sorted({c for row in cells for c in row if c}))
    index = {label: float(i) for i, label in enumerate(labels)}
    matrix = np.array([[index[c] if c else np.nan for c in row] for row in cells], dtype=np.float64)
    return ReliabilityData(coders, matrix.reshape(len(cells), len(coders)).T, labels)


def _delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    return max((",", ";", "\t"), key=header.count)


def _number(cell: str) -> float | None:
    try:
        value = float(cell)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _numbers(cells: list[list[str]]) -> Matrix | None:
    values = [[_number(c) if c else np.nan for c in row] for row in cells]
    if any(v is None for v in itertools.chain.from_iterable(values)):
        return None
    return np.array(values, dtype=np.float64).reshape(len(cells), -1)


def _first_non_number(cells: list[list[str]]) -> tuple[int, int]:
    for line, row in enumerate(cells, start=2):
        for column, cell in enumerate(row):
            if cell and _number(cell) is None:
                return line, column
    return 0, 0
