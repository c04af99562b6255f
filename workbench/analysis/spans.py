"""Span arithmetic for retrieval and comparison: context around a passage, overlapping groups.

Offsets are code points, end exclusive, as everywhere in the workbench.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


def context(text: str, start: int, end: int, chars: int) -> tuple[str, str]:
    """Up to ``chars`` characters before and after a span, cut at a word boundary where possible.

    A reader recognises a passage by its surroundings; a word cut in half only distracts.
    """
    if chars <= 0:
        return "", ""
    before = text[max(0, start - chars) : start]
    after = text[end : end + chars]
    if start - chars > 0 and " " in before:
        before = before[before.index(" ") + 1 :]
    if end + chars < len(text) and " " in after:
        after = after[: after.rindex(" ")]
    return before, after


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def segment_ranges(segments: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> list[Sequence[int]]:
    """For each span, the indices of the segments it overlaps (``overlaps``), in order.

    Segments in text order that do not overlap each other (turns, sentences) have sorted starts
    and ends, so two bisections per span find them: O((segments + spans) log segments) instead of
    testing every segment against every span, which grew with the square of an interview's length.
    Segments out of that order are compared one by one.
    """
    starts = [a for a, _ in segments]
    ends = [b for _, b in segments]
    if all(starts[i] <= starts[i + 1] and ends[i] <= ends[i + 1] for i in range(len(segments) - 1)):
        return [range(bisect_right(ends, start), bisect_left(starts, end)) for start, end in spans]
    return [[i for i, seg in enumerate(segments) if overlaps(seg, span)] for span in spans]


def overlapping_groups(items: Sequence[T], span: Callable[[T], tuple[int, int]]) -> list[list[T]]:
    """Group items whose spans overlap, directly or through a chain of others, in text order."""
    groups: list[list[T]] = []
    group_end = -1
    for item in sorted(items, key=span):
        start, end = span(item)
        if groups and start < group_end:
            groups[-1].append(item)
            group_end = max(group_end, end)
        else:
            groups.append([item])
            group_end = end
    return groups
