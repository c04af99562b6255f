"""The leak check: does a text contain a known name or an accepted detection?

Fingerprints are keyed hashes (HMAC) of every inflected form of every protected term; the
check hashes each run of one to ``max_words`` words of a text and looks them up, and a match
only tells that *some* protected name is present, never which. Whoever holds the key and the
fingerprints can test guesses, so they are made in memory by a session that may see the names
anyway, under a key derived from the de-identification key, and never stored: a release used
to carry them under a key derived from the release key, which made them a name oracle for
report writers (issue 13). The writer's side of the export check needs no fingerprint (see
``services.exports.unverified_texts``).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass

from workbench.deid.inflect import inflected_forms
from workbench.deid.terms import WORD, Term

_MAX_GAP = 3


@dataclass(frozen=True)
class Fingerprints:
    """Hashes of protected word sequences; the flag says the last word must be capitalized."""

    hashes: dict[str, bool]
    max_words: int

    def merged(self, other: Fingerprints) -> Fingerprints:
        return Fingerprints({**self.hashes, **other.hashes}, max(self.max_words, other.max_words))


def _digest(key: bytes, words: Iterable[str]) -> str:
    return hmac.new(key, " ".join(words).encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def fingerprints(terms: Iterable[Term], key: bytes) -> Fingerprints:
    hashes: dict[str, bool] = {}
    longest = 1
    for term in terms:
        words = [w.casefold() for w in WORD.findall(term.text)]
        if not words:
            continue
        original_last = WORD.findall(term.text)[-1]
        capital = original_last[0].isupper()
        alphabetic = original_last.isalpha() and len(original_last) >= 2
        forms = inflected_forms(original_last) if term.inflect and alphabetic else frozenset({words[-1]})
        longest = max(longest, len(words))
        for form in forms:
            digest = _digest(key, [*words[:-1], form])
            hashes[digest] = hashes.get(digest, True) and capital
    return Fingerprints(hashes, longest)


def count_leaks(text: str, prints: Fingerprints, key: bytes) -> int:
    """How many protected word sequences occur in ``text`` (never which ones)."""
    if not prints.hashes:
        return 0
    words = [(m.start(), m.end(), m.group()) for m in WORD.finditer(text)]
    found = 0
    for end_index in range(len(words)):
        for n in range(1, prints.max_words + 1):
            first = end_index - n + 1
            if first < 0 or not _adjacent(text, words, first, end_index):
                break
            digest = _digest(key, (w[2].casefold() for w in words[first : end_index + 1]))
            needs_capital = prints.hashes.get(digest)
            if needs_capital is None:
                continue
            if needs_capital and not words[end_index][2][0].isupper():
                continue
            found += 1
    return found


def _adjacent(text: str, words: list[tuple[int, int, str]], first: int, last: int) -> bool:
    for i in range(first, last):
        gap = text[words[i][1] : words[i + 1][0]]
        if len(gap) > _MAX_GAP or "\n" in gap:
            return False
    return True
