"""Statistical disclosure control for exported tables and participant attributes.

Cell suppression: a count between 1 and ``threshold - 1`` is suppressed (primary). Because
the row and column totals are published too, a line (a row with its total, a column with its
total, or the totals row and column) that holds exactly one suppressed entry would give it
away by subtraction; so for every such line another entry is suppressed as well (secondary),
preferring the smallest non-zero inner cell, then the line's total, then a zero cell, and
this is repeated until no line has exactly one suppressed entry. This blocks recovery by
subtraction; it is the standard heuristic, not a proof against every linear-programming
attack on a large table.

k-anonymity: every combination of the exported participant attributes must be shared by at
least ``k`` participants; otherwise the check fails and names the attributes whose
generalization (or omission) would help most.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workbench.i18n import gettext as _

DEFAULT_THRESHOLD = 5
DEFAULT_K = 5

Cell = tuple[int, int]  # (row, column) in the table extended by a totals row and column


@dataclass(frozen=True)
class SuppressedTable:
    """A count table with totals; ``None`` marks a suppressed entry."""

    cells: list[list[int | None]]
    row_totals: list[int | None]
    column_totals: list[int | None]
    total: int | None
    primary: frozenset[Cell]
    secondary: frozenset[Cell]


def suppress(counts: Sequence[Sequence[int]], threshold: int = DEFAULT_THRESHOLD, *,
             hidden_rows: Iterable[int] = ()) -> SuppressedTable:  # fmt: skip
    """Suppress small counts and enough others that the totals cannot reveal them.

    ``hidden_rows`` are rows whose total another table of the same export already withholds
    (the same number published there would undo this table's suppression, and vice versa):
    their totals start out suppressed, and secondary suppression protects them too.
    """
    rows, cols = len(counts), len(counts[0]) if counts else 0
    grid = [[*row, sum(row)] for row in counts]
    grid.append([sum(counts[r][c] for r in range(rows)) for c in range(cols)] + [sum(map(sum, counts))])
    primary = {(r, c) for r in range(rows) for c in range(cols) if 0 < grid[r][c] < threshold}
    hidden = primary | {(r, cols) for r in hidden_rows if 0 <= r < rows}
    lines = [[(r, c) for c in range(cols + 1)] for r in range(rows + 1)]
    lines += [[(r, c) for r in range(rows + 1)] for c in range(cols + 1)]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) == 1:
                hidden.add(_partner(line, hidden, grid, rows, cols))
                changed = True

    def shown(r: int, c: int) -> int | None:
        return None if (r, c) in hidden else grid[r][c]

    return SuppressedTable(
        cells=[[shown(r, c) for c in range(cols)] for r in range(rows)],
        row_totals=[shown(r, cols) for r in range(rows)],
        column_totals=[shown(rows, c) for c in range(cols)],
        total=shown(rows, cols),
        primary=frozenset(primary),
        secondary=frozenset(hidden - primary),
    )


def _partner(line: list[Cell], hidden: set[Cell], grid: list[list[int]], rows: int, cols: int) -> Cell:
    """The entry to suppress alongside the single suppressed one in ``line``."""

    def preference(cell: Cell) -> tuple[int, int]:
        r, c = cell
        value = grid[r][c]
        is_total = r == rows or c == cols
        return (0 if value > 0 and not is_total else 1 if is_total else 2, value)

    return min((cell for cell in line if cell not in hidden), key=preference)


@dataclass(frozen=True)
class KAnonymity:
    ok: bool
    k: int
    smallest_group: int
    participants_at_risk: int
    advice: tuple[str, ...]

    def message(self) -> str:
        if self.ok:
            return _(
                "k-anonymity holds: every combination of exported attributes is shared by ≥{k} participants."
            ).format(k=self.k)
        return _(
            "k-anonymity check failed (k={k}): {at_risk} participant(s) share their combination of exported "
            "attributes with fewer than {k} (smallest group: {smallest}). Generalize or leave out these "
            "attributes, most helpful first: {names}."
        ).format(
            k=self.k, at_risk=self.participants_at_risk, smallest=self.smallest_group, names=", ".join(self.advice)
        )


def k_anonymity(records: Sequence[Mapping[str, str]], attributes: Sequence[str], k: int = DEFAULT_K) -> KAnonymity:
    """Check that every attribute combination occurs at least ``k`` times among ``records``."""
    at_risk, smallest = _risk(records, attributes, k)
    if at_risk == 0:
        return KAnonymity(True, k, smallest, 0, ())
    gains = []
    for name in attributes:
        remaining = [a for a in attributes if a != name]
        distinct = len({r.get(name) for r in records})
        gains.append((_risk(records, remaining, k)[0], -distinct, name))
    advice = tuple(_("{name} ({n} distinct values)").format(name=name, n=-neg) for _gain, neg, name in sorted(gains))
    return KAnonymity(False, k, smallest, at_risk, advice)


def _risk(records: Sequence[Mapping[str, str]], attributes: Sequence[str], k: int) -> tuple[int, int]:
    groups = Counter(tuple(r.get(a, "") for a in attributes) for r in records)
    if not groups:
        return 0, 0
    at_risk = sum(n for n in groups.values() if n < k)
    return at_risk, min(groups.values())
