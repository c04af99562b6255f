"""Disclosure control for state sequences leaving the project (STS and SPELL exports).

A whole life course is a strong quasi-identifier: "in prison at 18-19, extremist contact at
20-21, released at 26-27" may fit one person in a country. So before a report writer gets a
sequence table, three rules are applied, in this order, and the file states them:

1. ages are banded: the bands are at least :data:`MIN_BAND_WIDTH` years wide;
2. rare states are merged: a state that occurs in the lives of fewer than ``k`` participants
   becomes :data:`OTHER` (so a singular event type cannot single anybody out);
3. rare sequences are suppressed: a row whose sequence *together with its exported
   attributes* is shared by fewer than ``k`` participants is left out; the file says how many.

Rule 3 is the guarantee (every published row has at least ``k - 1`` identical twins, so it is
k-anonymous over sequence and attributes); rules 1 and 2 make sequences coarse enough that
rows survive it. Rows carry fresh numbers, not the release's participant pseudonyms, so a
sequence cannot be joined with that participant's quotes from another export.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.analysis.pathways import Grid, StateSequence, state_counts
from workbench.i18n import gettext as _

MIN_BAND_WIDTH = 5
OTHER = "other"


@dataclass(frozen=True)
class ProtectedSequences:
    """What may be published: rows numbered 1.., with their attributes, and what was done."""

    sequences: list[StateSequence]
    attributes: dict[str, dict[str, str]]
    grid: Grid
    k: int
    merged: tuple[str, ...]
    suppressed: int

    def note(self) -> str:
        """The legend every exported file carries (what was done, so a reader can interpret it)."""
        merged = (
            _("; states in fewer than {k} lives merged into '{other}': {states}").format(
                k=self.k, other=OTHER, states=", ".join(self.merged)
            )
            if self.merged
            else ""
        )
        return _(
            "Disclosure control: ages in {width}-year bands{merged}; {suppressed} sequence(s) whose "
            "sequence and attributes are shared by fewer than {k} participants suppressed. Rows are numbered "
            "afresh and cannot be linked to participant pseudonyms."
        ).format(width=self.grid.width, merged=merged, suppressed=self.suppressed, k=self.k)


def protect(seqs: Sequence[StateSequence], grid: Grid, attributes: Mapping[str, Mapping[str, str]],
            attribute_names: Sequence[str], k: int) -> ProtectedSequences:  # fmt: skip
    """Apply the three rules (module docstring) to sequences already on a banded grid."""
    if grid.width < MIN_BAND_WIDTH:
        raise ValueError(f"sequence exports need bands of at least {MIN_BAND_WIDTH} years")
    if k < 1:
        raise ValueError("k must be at least 1")
    counts = state_counts(seqs)
    rare = sorted(state for state, n in counts.items() if n < k)
    merged = [StateSequence(s.participant, tuple(OTHER if x in rare else x for x in s.states)) for s in seqs]

    def key(seq: StateSequence) -> tuple[tuple[str, ...], tuple[str, ...]]:
        attrs = attributes.get(seq.participant, {})
        return tuple(str(attrs.get(a, "unknown")) for a in attribute_names), seq.states

    shared = Counter(key(s) for s in merged)
    kept = sorted((s for s in merged if shared[key(s)] >= k), key=key)
    rows, published = [], {}
    for number, seq in enumerate(kept, start=1):
        label = str(number)
        rows.append(StateSequence(label, seq.states))
        attrs = attributes.get(seq.participant, {})
        published[label] = {a: str(attrs.get(a, "unknown")) for a in attribute_names}
    return ProtectedSequences(rows, published, grid, k, tuple(rare), len(seqs) - len(kept))
