"""A high-recall detector for names no model finds: capitalized words that are not ordinary.

No Hungarian named-entity model installs from PyPI, so for Hungarian text this is the main
source of name detections besides the project's known terms. A word is a candidate when it
is capitalized, does not open a sentence (where every word is capitalized), and is not in
the common-word list (``data/common_words.txt`` plus spaCy's Hungarian and English stop
words). A sentence-initial word still counts when the same stem appears as a candidate
elsewhere in the text (*Zsolt* opening a sentence, *Zsoltnál* inside one) or when it is a
common Hungarian given name or surname in any inflection (``data/names_hu.txt``). A surname that
is also a common word (*Nagy*, *Kis*, *Fekete*) counts when a candidate follows it (*Nagy Évának*).
Adjacent candidates form one span (*Horváth Zsolt*).
Candidates go to the review queue with a low score; a reviewer's rejection is remembered.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP_WORDS
from spacy.lang.hu.stop_words import STOP_WORDS as HU_STOP_WORDS

from workbench.deid.inflect import inflected_forms
from workbench.deid.spans import Span

CANDIDATE_SCORE = 0.3
_WORD = re.compile(r"[^\W\d_]+(?:[\-'\u2019][^\W\d_]+)*")
_OPENERS = set(".!?:;…\n")
_SKIPPABLE = set(" \t\"'\u201e\u201d\u201c\u2018\u2019\u00bb\u00ab()[]-\u2013\u2014*")
_MIN_STEM = 4
_MAX_ENDING = 4


def _lines(name: str) -> set[str]:
    text = resources.files("workbench.deid").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return {line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#")}


@lru_cache(maxsize=1)
def known_name_forms() -> frozenset[str]:
    """Every inflected form of the shipped Hungarian names."""
    return frozenset(form for name in _lines("names_hu.txt") for form in inflected_forms(name))


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    shipped = _lines("common_words.txt")
    return frozenset(shipped | {w.casefold() for w in HU_STOP_WORDS} | {w.casefold() for w in EN_STOP_WORDS})


def is_sentence_initial(text: str, start: int) -> bool:
    """Whether the word at ``start`` opens a sentence (every such word is capitalized)."""
    i = start - 1
    while i >= 0 and text[i] in _SKIPPABLE:
        i -= 1
    return i < 0 or text[i] in _OPENERS


def _capitalized(word: str) -> bool:
    return word[0].isupper() and (len(word) >= 3 or word[1:].islower()) and len(word) >= 2


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _related(word: str, stems: set[str]) -> bool:
    """Whether ``word`` and a candidate differ only in endings of up to four letters (*Zsolt*, *Zsoltnál*)."""
    lower = word.casefold()
    for stem in stems:
        shared = _common_prefix(lower, stem)
        if shared >= _MIN_STEM and max(len(lower), len(stem)) - shared <= _MAX_ENDING:
            return True
    return False


def candidate_spans(text: str) -> list[Span]:
    """Spans of likely names in ``text`` (any language), scored low for review."""
    common = common_words()
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    flags: list[bool] = []
    initial: list[bool] = []
    for start, _, word in words:
        is_initial = is_sentence_initial(text, start)
        initial.append(is_initial)
        flags.append(_capitalized(word) and word.casefold() not in common and not is_initial)
    stems = {words[i][2].casefold() for i, flag in enumerate(flags) if flag}
    for i, (_, _, word) in enumerate(words):
        if flags[i] or not initial[i] or not _capitalized(word) or word.casefold() in common:
            continue
        flags[i] = word.casefold() in known_name_forms() or _related(word, stems)
    for i in range(len(words) - 2, -1, -1):  # right to left, so "Nagy Kis Anna" chains
        word = words[i][2]
        if not flags[i] and flags[i + 1] and text[words[i][1] : words[i + 1][0]] == " " and _capitalized(word):
            flags[i] = word.casefold() in known_name_forms()
    return _merge(text, words, flags)


def _merge(text: str, words: list[tuple[int, int, str]], flags: list[bool]) -> list[Span]:
    spans: list[Span] = []
    for i, (start, end, _) in enumerate(words):
        if not flags[i]:
            continue
        if spans and flags[i - 1] and text[words[i - 1][1] : start] in (" ", "-"):
            spans[-1] = Span(spans[-1].start, end, "NAME", CANDIDATE_SCORE, "candidate")
        else:
            spans.append(Span(start, end, "NAME", CANDIDATE_SCORE, "candidate"))
    return spans
