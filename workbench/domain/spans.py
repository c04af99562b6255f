"""Reshaping a coded span by words, sentences and turns instead of by character numbers.

Issue 20: changing a coding meant typing "Start 284 / End 340". A coder thinks in words and
sentences: "take in the rest of the sentence", "drop the first word", "the whole turn". These
functions move one edge of a span by one such unit over the transcript's own sentences and
turns (code points, end exclusive), and refuse a change that would leave nothing coded.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum

from workbench.domain.models import Segment, SegmentKind
from workbench.errors import N_, InvalidInputError

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")  # "don't", "Kovács-Nagy" are one word


class Unit(StrEnum):
    WORD = "word"
    SENTENCE = "sentence"


# One message per unit: a language inflects the unit's name, so it cannot be put in as a word.
_NO_UNITS = {
    Unit.WORD: N_("This transcript has no words to move the coding by."),
    Unit.SENTENCE: N_("This transcript has no sentences to move the coding by."),
}
_NOTHING_LEFT = {
    Unit.WORD: N_("Shrinking by a word would leave nothing coded; remove the coding instead."),
    Unit.SENTENCE: N_("Shrinking by a sentence would leave nothing coded; remove the coding instead."),
}
_NO_FURTHER = {
    Unit.WORD: N_("There is no further word in that direction."),
    Unit.SENTENCE: N_("There is no further sentence in that direction."),
}


class Edge(StrEnum):
    START = "start"
    END = "end"


def _boundaries(text: str, segments: Sequence[Segment], unit: Unit, near: tuple[int, int]) -> list[tuple[int, int]]:
    if unit is Unit.WORD:
        return [
            (m.start(), m.end()) for m in _WORD.finditer(text, max(0, near[0] - 400), min(len(text), near[1] + 400))
        ]
    return sorted((s.start, s.end) for s in segments if s.kind is SegmentKind.SENTENCE)


def move_edge(
    text: str, segments: Sequence[Segment], span: tuple[int, int], edge: Edge, unit: Unit, *, grow: bool
) -> tuple[int, int]:
    """``span`` with one edge moved by one word or sentence: outwards (``grow``) or inwards.

    Growing first completes a unit the edge cuts through (a half-coded word or sentence), and
    otherwise takes in the next one beyond the edge; shrinking drops the unit at that edge.
    """
    start, end = span
    units = _boundaries(text, segments, unit, span)
    if not units:
        raise InvalidInputError.about(_NO_UNITS[unit])
    if edge is Edge.START:
        if grow:  # complete the unit the start cuts through, else take in the one before
            cut = [a for a, b in units if a < start < b]
            before = [a for a, _b in units if a < start]
            new = cut[0] if cut else max(before, default=start)
        else:  # drop the first unit: start where the next one starts
            first_end = min((b for _a, b in units if b > start), default=end)
            new = min((a for a, _b in units if a >= first_end), default=end)
        result = (new, end)
    else:
        if grow:
            cut = [b for a, b in units if a < end < b]
            after = [b for _a, b in units if b > end]
            new = cut[0] if cut else min(after, default=end)
        else:  # drop the last unit: end where the one before it ends
            last_start = max((a for a, _b in units if a < end), default=start)
            new = max((b for _a, b in units if b <= last_start), default=start)
        result = (start, new)
    if result[0] >= result[1]:
        raise InvalidInputError.about(_NOTHING_LEFT[unit])
    if result == span:
        raise InvalidInputError.about(_NO_FURTHER[unit])
    return result


def whole_turns(segments: Sequence[Segment], span: tuple[int, int]) -> tuple[int, int]:
    """The span grown to cover every turn it touches, from the first one's start to the last one's end."""
    touched = [s for s in segments if s.kind is SegmentKind.TURN and s.start < span[1] and span[0] < s.end]
    if not touched:
        raise InvalidInputError.about(
            N_("The coding lies outside every speaker turn; adjust it by words or sentences.")
        )
    return min(s.start for s in touched), max(s.end for s in touched)
