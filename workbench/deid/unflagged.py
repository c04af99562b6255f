"""What no detector flagged but a reviewer should still see: capitalised words and number runs.

Every detector misses something on text nobody here wrote. A capitalised word inside a sentence
that is not a common word, or a run of digits, is the residue most likely to identify someone,
so the review page lists those (per interview, with their count) for a one-click addition.
Sentence openers are left out (every opener is capitalised), and so are clock times and
transcript timestamps (``[00:01:14]``), and anything a detection or a rejected term already covers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from workbench.deid.candidates import common_words, is_sentence_initial

_WORD = re.compile(r"[^\W\d_]+(?:[\-'\u2019][^\W\d_]+)*")
_NUMBER = re.compile(r"\d+(?:[ \-/.]\d+)*")
_CLOCK = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?(?![\d:])")
"""A clock time or a transcript's timestamp (``[00:01:14]``): digit runs, but never an identifier."""
_MIN_DIGITS = 2
WORD, NUMBER = "word", "number"


def _covered(start: int, end: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(a < end and start < b for a, b in ranges)


def unflagged(text: str, covered: Sequence[tuple[int, int]]) -> list[tuple[str, int, str]]:
    """(text, occurrences, ``word`` or ``number``) of what ``covered`` leaves out, in order of first use."""
    found: dict[tuple[str, str], int] = {}
    common = common_words()
    for m in _WORD.finditer(text):
        word = m.group()
        if (len(word) < 2 or not word[0].isupper() or word.casefold() in common
                or is_sentence_initial(text, m.start()) or _covered(m.start(), m.end(), covered)):  # fmt: skip
            continue
        found[(word, WORD)] = found.get((word, WORD), 0) + 1
    clocks = [m.span() for m in _CLOCK.finditer(text)]
    for m in _NUMBER.finditer(text):
        if _covered(m.start(), m.end(), clocks):
            continue
        if sum(c.isdigit() for c in m.group()) >= _MIN_DIGITS and not _covered(m.start(), m.end(), covered):
            found[(m.group(), NUMBER)] = found.get((m.group(), NUMBER), 0) + 1
    return [(value, count, kind) for (value, kind), count in found.items()]
