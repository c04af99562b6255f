"""Finding a project's known terms (names, places, institutions) in any inflected form.

A term is matched word by word: every earlier word of the term must appear as written
(case-insensitively, separated only by spaces or punctuation), and its last word may carry
any Hungarian inflection that ``inflect`` generates. A capitalized term only matches a
capitalized word, except the lower-case place adjective (*szegedi* for *Szeged*), so the
surname *Kiss* does not match the English verb. Lookup is a dictionary hit per word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.deid.inflect import adjective_prefixes, inflected_forms

WORD = re.compile(r"\w+")
_MAX_GAP = 3  # characters of punctuation or space allowed between the words of one term


def normalize_term(text: str) -> str:
    """The form used to compare terms: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


@dataclass(frozen=True)
class Term:
    """A string to find; ``key`` groups aliases of one entity (its pseudonym)."""

    key: str
    text: str
    entity_type: str
    inflect: bool = True


@dataclass(frozen=True)
class TermMatch:
    start: int
    end: int
    term: Term


@dataclass(frozen=True)
class _Entry:
    term: Term
    prefix: tuple[str, ...]
    needs_capital: bool


class TermMatcher:
    """All occurrences of a set of terms in a text, longest match first."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self._index: dict[str, list[_Entry]] = {}
        for term in terms:
            self._add(term)

    def __bool__(self) -> bool:
        return bool(self._index)

    def _add(self, term: Term) -> None:
        words = WORD.findall(unicodedata.normalize("NFC", term.text))
        if not words:
            return
        last = words[-1]
        prefix = tuple(w.casefold() for w in words[:-1])
        capital = last[0].isupper()
        alphabetic = last.isalpha() and len(last) >= 2
        forms = inflected_forms(last) if term.inflect and alphabetic else frozenset({last.casefold()})
        # Two entries per term, shared by its forms (a town has hundreds): building one per form
        # was most of the settlement gazetteer's start-up time.
        strict, lenient = _Entry(term, prefix, capital), _Entry(term, prefix, False)
        adjectives, terminative = adjective_prefixes(last)
        lower_allowed = capital and not prefix
        for form in forms:
            lower_ok = lower_allowed and form.startswith(adjectives) and not form.startswith(terminative)
            self._index.setdefault(form, []).append(lenient if lower_ok else strict)

    def find(self, text: str) -> list[TermMatch]:
        words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
        found: list[TermMatch] = []
        for i, (_, end, word) in enumerate(words):
            for entry in self._index.get(word.casefold(), ()):
                if entry.needs_capital and not word[0].isupper():
                    continue
                first = self._prefix_start(text, words, i, entry.prefix)
                if first is not None:
                    found.append(TermMatch(first, end, entry.term))
        return _longest_first(found)

    @staticmethod
    def _prefix_start(text: str, words: list[tuple[int, int, str]], i: int, prefix: tuple[str, ...]) -> int | None:
        start = words[i][0]
        for offset, expected in enumerate(reversed(prefix), start=1):
            j = i - offset
            if j < 0:
                return None
            w_start, w_end, word = words[j]
            gap = text[w_end:start]
            if word.casefold() != expected or len(gap) > _MAX_GAP or "\n" in gap:
                return None
            start = w_start
        return start


def _longest_first(matches: list[TermMatch]) -> list[TermMatch]:
    chosen: list[TermMatch] = []
    for match in sorted(matches, key=lambda m: (-(m.end - m.start), m.start)):
        if all(match.end <= c.start or match.start >= c.end for c in chosen):
            chosen.append(match)
    return sorted(chosen, key=lambda m: m.start)
