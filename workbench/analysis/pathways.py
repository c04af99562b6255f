"""Life paths as state sequences, their distances, and pathway types (pure: no I/O, no store).

Life-course researchers compare lives as *state sequences* (TraMineR's model): the time axis is
cut into bands (age 10-11, 12-13, ... or years since an anchor event such as the first
incarceration), and each band of a life holds one state. This module turns dated state changes
into such sequences, measures how far apart two sequences are with optimal matching, groups
them with Ward's hierarchical clustering, and names each group's typical (medoid) sequence.

Which state holds between events (the carry-forward rule)
    A :class:`Mark` says "from this time on, the life is in this state". A band takes the state
    of the latest mark at or before the band's *end* (its last moment), so a life is described
    by where it stands at the end of each band; when several marks fall into one band the last
    one wins (a stint shorter than a band can vanish; choose narrower bands to keep it). Bands
    before the first mark hold :data:`BASELINE` ("no event yet"), so the timing of a first
    event counts, not only the order. A sequence ends with the band that holds the end of
    observation (the participant's age at the interview when known, else their last mark;
    marks after it are not part of the sequence); later bands are missing, not a state, so
    sequences may differ in length (as in TraMineR, right-censoring is a shorter sequence,
    never a padded one).

Distances: optimal matching (OM)
    The cost of the cheapest series of edits turning one sequence into the other: inserting or
    deleting a band costs ``indel``, replacing one state by another costs ``sub[a, b]``
    (Needleman-Wunsch/Levenshtein recursion with costs; TraMineR ``seqdist(method="OM")``).
    Two substitution schemes are offered, both TraMineR's: ``constant`` (every substitution
    costs 2, indel 1: TraMineR's defaults, so a substitution is never cheaper than an indel
    pair and OM is a weighted edit distance), and ``trate`` (``2 - p(a->b) - p(b->a)`` from
    the observed band-to-band transition rates, so states that often follow each other are
    closer; indel is then half the largest substitution cost, TraMineR's ``indel="auto"``).
    :func:`om_distance` is the plain recursion for one pair (the specification, used by the
    tests); :func:`om_matrix` runs the same recursion for all pairs at once with numpy, one
    vector operation per cell of the table, which is what makes 200 lives fast.

Groups
    Ward's method on the OM distances (scipy ``linkage(method="ward")``, TraMineR's usual
    ``hclust(ward.D2)``/``agnes(ward)`` practice: Ward assumes Euclidean distances, OM is not,
    so groups are a description, not a test), then refined by PAM (partitioning around medoids)
    started from Ward's medoids: the practice WeightedCluster documents for TraMineR users
    (``wcKMedoids(..., initialclust = ward)``, Studer 2013), since Ward's merges cannot be undone
    and PAM then moves lives to the group whose typical life is closest. On the 200 synthetic
    lives of ``bench/pathways_bench.py`` the adjusted Rand index rose from a median of 0.689 to
    0.733 (seeds 1-5) and 0.651 to 0.723 (seeds 6-10). A group's typical sequence is its medoid: the
    member with the smallest sum of distances to the other members (a real life, never an
    average that nobody lived).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

BASELINE = "no event yet"
SubstitutionScheme = Literal["constant", "trate"]
FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class Mark:
    """From ``time`` on (an age in years, or years since the anchor event), the life is in ``state``."""

    participant: str
    time: float
    state: str


@dataclass(frozen=True)
class Grid:
    """The time bands: ``[start, start + width)``, ``[start + width, ...)``, up to ``stop`` (exclusive).

    Times are ages in years (or years relative to an anchor, negative before it); a band's
    label is its first and last whole year ("16-17"), or one year ("16") when ``width`` is 1.
    """

    start: int
    stop: int
    width: int = 1
    prefix: str = ""
    """Set ("t") on a grid of years relative to an anchor: labels become "t-2 to -1", "t0 to 1", so a
    label never starts with a minus (which a spreadsheet would read as a formula)."""

    def __post_init__(self) -> None:
        if self.width < 1 or self.stop <= self.start:
            raise ValueError("a grid needs a positive band width and stop > start")

    @property
    def size(self) -> int:
        return math.ceil((self.stop - self.start) / self.width)

    def lower(self, index: int) -> int:
        return self.start + index * self.width

    def label(self, index: int) -> str:
        low = self.lower(index)
        high = min(low + self.width, self.stop) - 1
        if self.prefix:
            return f"{self.prefix}{low}" if high == low else f"{self.prefix}{low} to {high}"
        return str(low) if high == low else f"{low}-{high}"

    def labels(self) -> list[str]:
        return [self.label(i) for i in range(self.size)]

    def index(self, time: float) -> int:
        """The band holding ``time`` (clipped to the grid)."""
        return min(max(int((time - self.start) // self.width), 0), self.size - 1)


@dataclass(frozen=True)
class StateSequence:
    """One life on a grid: ``states[i]`` is the state of band ``i`` (bands after the end are missing)."""

    participant: str
    states: tuple[str, ...]


def sequences(marks: Iterable[Mark], grid: Grid, *, ends: Mapping[str, float] | None = None,
              participants: Iterable[str] = ()) -> list[StateSequence]:  # fmt: skip
    """Each participant's state sequence on ``grid`` under the carry-forward rule (module docstring).

    ``ends`` gives the end of observation per participant (their age at the interview); without
    it a sequence ends at its last mark's band. ``participants`` adds lives with no mark at all
    (all :data:`BASELINE` up to their end), so nobody silently drops out. Sorted by participant.
    """
    by_participant: dict[str, list[Mark]] = defaultdict(list)
    for mark in marks:
        by_participant[mark.participant].append(mark)
    for name in participants:
        by_participant.setdefault(name, [])
    ends = ends or {}
    result = []
    for name in sorted(by_participant):
        own = sorted(by_participant[name], key=lambda m: m.time)  # stable: same-time marks keep their order
        end_time = ends.get(name, own[-1].time if own else None)
        if end_time is None or end_time < grid.start:
            continue
        last = grid.index(end_time)
        states, pointer, state = [], 0, BASELINE
        for band in range(last + 1):
            band_end = grid.lower(band) + grid.width
            while pointer < len(own) and own[pointer].time < band_end:
                state = own[pointer].state
                pointer += 1
            states.append(state)
        result.append(StateSequence(name, tuple(states)))
    return result


def alphabet(seqs: Iterable[StateSequence]) -> list[str]:
    """The states in use, :data:`BASELINE` first, then by first appearance (a stable colour order)."""
    seen: dict[str, None] = {BASELINE: None}
    for seq in seqs:
        seen.update(dict.fromkeys(seq.states))
    return list(seen)


def substitution_costs(seqs: Sequence[StateSequence], states: Sequence[str],
                       scheme: SubstitutionScheme = "constant") -> tuple[FloatArray, float]:  # fmt: skip
    """The substitution cost matrix (rows and columns in ``states`` order) and the indel cost."""
    n = len(states)
    if scheme == "constant":
        sub = np.full((n, n), 2.0)
        np.fill_diagonal(sub, 0.0)
        return sub, 1.0
    position = {s: i for i, s in enumerate(states)}
    counts = np.zeros((n, n))
    for seq in seqs:
        for a, b in zip(seq.states, seq.states[1:], strict=False):
            counts[position[a], position[b]] += 1
    leaving = counts.sum(axis=1, keepdims=True)
    rates = np.divide(counts, leaving, out=np.zeros_like(counts), where=leaving > 0)
    sub = 2.0 - rates - rates.T
    np.fill_diagonal(sub, 0.0)
    return sub, float(sub.max()) / 2 if n > 1 else 1.0


def om_distance(a: Sequence[int], b: Sequence[int], sub: FloatArray, indel: float) -> float:
    """Optimal matching distance of two coded sequences (the plain recursion, one pair)."""
    previous = [j * indel for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        current = [i * indel]
        for j in range(1, len(b) + 1):
            current.append(min(previous[j] + indel, current[j - 1] + indel,
                               previous[j - 1] + float(sub[a[i - 1], b[j - 1]])))  # fmt: skip
        previous = current
    return previous[-1]


def encode(seqs: Sequence[StateSequence], states: Sequence[str]) -> list[list[int]]:
    position = {s: i for i, s in enumerate(states)}
    return [[position[s] for s in seq.states] for seq in seqs]


def om_matrix(coded: Sequence[Sequence[int]], sub: FloatArray, indel: float) -> FloatArray:
    """The square OM distance matrix of all sequences: :func:`om_distance` for every pair at once.

    The recursion runs once over the largest table, each cell a numpy operation over all pairs;
    a pair's distance is read off at its own (len(a), len(b)) cell. Sequences are padded with
    an extra state, which only ever sits beyond a pair's own cell, so it never changes it.
    """
    n = len(coded)
    result = np.zeros((n, n))
    if n < 2:
        return result
    rows, cols = np.triu_indices(n, k=1)
    longest = max(len(c) for c in coded)
    pad = sub.shape[0]
    table = np.full((n, longest), pad, dtype=np.intp)
    for i, c in enumerate(coded):
        table[i, : len(c)] = c
    lengths = np.array([len(c) for c in coded])
    padded = np.zeros((pad + 1, pad + 1))
    padded[:pad, :pad] = sub
    a, b = table[rows], table[cols]
    len_a, len_b = lengths[rows], lengths[cols]
    previous = np.arange(longest + 1, dtype=np.float64)[:, None] * indel * np.ones(len(rows))
    found = np.where(len_a == 0, len_b * indel, 0.0)
    for i in range(1, longest + 1):
        current = np.empty_like(previous)
        current[0] = i * indel
        sub_i = padded[a[:, i - 1][None, :], b.T]  # (longest, pairs): cost of a[i-1] against each b[j]
        for j in range(1, longest + 1):
            current[j] = np.minimum(np.minimum(previous[j], current[j - 1]) + indel, previous[j - 1] + sub_i[j - 1])
        done = len_a == i
        if done.any():
            found[done] = current[len_b[done], np.flatnonzero(done)]
        previous = current
    result[rows, cols] = found
    result[cols, rows] = found
    return result


@dataclass(frozen=True)
class Group:
    """A pathway type: its members (indices into the sequences) and its typical (medoid) member."""

    number: int
    members: tuple[int, ...]
    medoid: int


def ward_groups(distances: FloatArray, count: int, *, refine: bool = True) -> list[Group]:
    """``count`` groups by Ward's method on ``distances`` (then PAM, unless ``refine`` is off), largest first."""
    from scipy.cluster.hierarchy import fcluster, linkage  # type: ignore[import-untyped]
    from scipy.spatial.distance import squareform  # type: ignore[import-untyped]

    n = distances.shape[0]
    if n == 0:
        return []
    if n == 1 or count <= 1:
        labels = np.ones(n, dtype=int)
    else:
        tree = linkage(squareform(distances, checks=False), method="ward")
        labels = fcluster(tree, t=min(count, n), criterion="maxclust")
        refined = pam_labels(distances, labels) if refine else labels
        if len(set(refined.tolist())) == len(set(labels.tolist())):  # identical lives can leave a medoid alone
            labels = refined
    members: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        members[int(label)].append(index)
    ordered = sorted(members.values(), key=lambda m: (-len(m), m[0]))
    return [Group(number, tuple(m), medoid(distances, m)) for number, m in enumerate(ordered, start=1)]


def pam_labels(distances: FloatArray, labels: Sequence[int] | NDArray[np.int_], *,
               rounds: int = 100) -> NDArray[np.int_]:  # fmt: skip
    """PAM's swap phase from the medoids of ``labels``: each life then goes to its nearest medoid.

    Each round makes the one medoid/non-medoid swap that lowers the total distance of the lives
    to their nearest medoid most (Kaufman & Rousseeuw's PAM), until no swap helps. One round
    costs k vector operations over the n x n distances, so 200 lives take milliseconds.
    """
    groups: dict[int, list[int]] = defaultdict(list)
    for index, label in enumerate(labels):
        groups[int(label)].append(index)
    medoids = [medoid(distances, groups[label]) for label in sorted(groups)]
    cost = float(distances[:, medoids].min(axis=1).sum())
    for _ in range(rounds):
        best: tuple[float, int, int] | None = None
        for i in range(len(medoids)):
            others = [m for j, m in enumerate(medoids) if j != i]
            nearest_other = distances[:, others].min(axis=1) if others else np.full(len(distances), np.inf)
            totals = np.minimum(nearest_other[:, None], distances).sum(axis=0)
            totals[medoids] = np.inf
            h = int(np.argmin(totals))
            if totals[h] < cost - 1e-9 and (best is None or totals[h] < best[0]):
                best = (float(totals[h]), i, h)
        if best is None:
            break
        cost, i, h = best
        medoids[i] = h
    nearest: NDArray[np.int_] = np.argmin(distances[:, medoids], axis=1) + 1
    return nearest


def medoid(distances: FloatArray, members: Sequence[int]) -> int:
    """The member with the smallest sum of distances to the others (the first such on a tie)."""
    block = distances[np.ix_(members, members)]
    return members[int(np.argmin(block.sum(axis=1)))]


def labels_of(groups: Sequence[Group], n: int) -> list[int]:
    """Each sequence's group number (for the adjusted Rand index, tables, colours)."""
    result = [0] * n
    for group in groups:
        for member in group.members:
            result[member] = group.number
    return result


@dataclass(frozen=True)
class Pathways:
    """Everything the Pathways page, the CLI and the exports show."""

    grid: Grid
    sequences: list[StateSequence]
    states: list[str]
    distances: FloatArray
    groups: list[Group]
    scheme: SubstitutionScheme
    indel: float

    def group_of(self) -> dict[str, int]:
        numbers = labels_of(self.groups, len(self.sequences))
        return {seq.participant: number for seq, number in zip(self.sequences, numbers, strict=True)}


def pathways(seqs: Sequence[StateSequence], grid: Grid, *, groups: int = 4,
             scheme: SubstitutionScheme = "constant") -> Pathways:  # fmt: skip
    """Distances, groups and typical sequences of ``seqs`` (fewer lives than ``groups``: one each)."""
    states = alphabet(seqs)
    sub, indel = substitution_costs(seqs, states, scheme)
    distances = om_matrix(encode(seqs, states), sub, indel)
    found = ward_groups(distances, min(groups, len(seqs)))
    return Pathways(grid, list(seqs), states, distances, found, scheme, indel)


# -- sequence tables (STS wide, SPELL long) ------------------------------------------------------


def sts_rows(seqs: Sequence[StateSequence], grid: Grid,
             attributes: Mapping[str, Mapping[str, str]] | None = None,
             attribute_names: Sequence[str] = ()) -> tuple[list[str], list[dict[str, object]]]:  # fmt: skip
    """STS (state-sequence, wide) table: id, attributes, then one column per band (empty = missing)."""
    labels = grid.labels()
    columns = ["id", *attribute_names, *labels]
    rows: list[dict[str, object]] = []
    for seq in seqs:
        attrs = (attributes or {}).get(seq.participant, {})
        row: dict[str, object] = {"id": seq.participant, **{a: attrs.get(a, "unknown") for a in attribute_names}}
        row |= {label: (seq.states[i] if i < len(seq.states) else "") for i, label in enumerate(labels)}
        rows.append(row)
    return columns, rows


SPELL_COLUMNS = ("id", "spell", "start", "end", "start_band", "end_band", "state")


def spells(states: Sequence[str]) -> list[tuple[int, int, str]]:
    """Runs of one state as (first position, last position, state), positions 1-based and inclusive."""
    runs: list[tuple[int, int, str]] = []
    for position, state in enumerate(states, start=1):
        if runs and runs[-1][2] == state:
            runs[-1] = (runs[-1][0], position, state)
        else:
            runs.append((position, position, state))
    return runs


def spell_rows(seqs: Sequence[StateSequence], grid: Grid,
               attributes: Mapping[str, Mapping[str, str]] | None = None,
               attribute_names: Sequence[str] = ()) -> tuple[list[str], list[dict[str, object]]]:  # fmt: skip
    """SPELL table: one row per run of a state; start and end are 1-based band positions, inclusive.

    That is TraMineR's ``seqformat(from="SPELL", begin="start", end="end", process=FALSE)``
    convention; ``start_band`` and ``end_band`` say which ages the positions are.
    """
    columns = [*SPELL_COLUMNS[:1], *attribute_names, *SPELL_COLUMNS[1:]]
    rows: list[dict[str, object]] = []
    for seq in seqs:
        attrs = (attributes or {}).get(seq.participant, {})
        for number, (start, end, state) in enumerate(spells(seq.states), start=1):
            rows.append({"id": seq.participant, **{a: attrs.get(a, "unknown") for a in attribute_names},
                         "spell": number, "start": start, "end": end, "start_band": grid.label(start - 1),
                         "end_band": grid.label(end - 1), "state": state})  # fmt: skip
    return columns, rows


def state_counts(seqs: Iterable[StateSequence]) -> Counter[str]:
    """In how many lives each state occurs (a participant counts once per state)."""
    return Counter(state for seq in seqs for state in set(seq.states))
