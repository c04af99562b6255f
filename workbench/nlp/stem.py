"""Word stems for theme keywords and lexical features: Snowball stemmers, one per text language.

Hungarian inflects heavily: *börtön*, *börtönben*, *börtönből* and *börtönök* are one word to a
reader but four to a word counter, so c-TF-IDF over surface forms splits a theme's keyword into
weak variants and lexical features miss shared topics. The Snowball stemmers (the
``snowballstemmer`` package, pure Python, BSD-3-Clause) map them to one stem; keywords are then
shown as the stem's most frequent surface form in the theme, so a reader sees a real word.

No stem cache outlives a call: the words come from interview transcripts, and a process-wide cache
would keep them in memory after the project is closed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

WORD = re.compile(r"[^\W\d_]{3,}")
"""A word: three or more letters (shorter ones are mostly particles and carry no theme)."""

SNOWBALL = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian",
    "ne": "nepali", "nl": "dutch", "no": "norwegian", "pt": "portuguese", "ro": "romanian", "ru": "russian",
    "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish", "yi": "yiddish",
}  # fmt: skip
"""ISO 639-1 code -> Snowball algorithm; a language not listed keeps its words unstemmed."""


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters only, at least three)."""
    return WORD.findall(text.lower())


class Stemmer:
    """Stems words per language, remembering each stem's surface forms for display.

    One instance serves one clustering call and is then dropped (see the module docstring).
    """

    def __init__(self) -> None:
        self._algorithms: dict[str, Callable[[str], str]] = {}
        self._memo: dict[tuple[str, str], str] = {}

    def _algorithm(self, language: str) -> Callable[[str], str]:
        found = self._algorithms.get(language)
        if found is None:
            name = SNOWBALL.get(language)
            if name is None:
                found = str
            else:
                import snowballstemmer

                found = snowballstemmer.stemmer(name).stemWord
            self._algorithms[language] = found
        return found

    def stem(self, word: str, language: str) -> str:
        key = (language, word)
        stem = self._memo.get(key)
        if stem is None:
            stem = self._algorithm(language)(word) or word
            self._memo[key] = stem
        return stem

    def stems(self, tokens: Iterable[str], language: str) -> list[str]:
        return [self.stem(word, language) for word in tokens]


def unify(tokens_per_text: Sequence[Sequence[str]], stems_per_text: Sequence[Sequence[str]]) -> list[list[str]]:
    """Stems with one Snowball over-cut undone: a word that is itself another word's stem keeps itself.

    Hungarian Snowball reads the end of some bare nouns as a case suffix (*börtön* -> *bört*, as if
    *-ön* "on"), while *börtönben* and *börtönből* stem to *börtön*. When the corpus shows that
    *börtön* is the stem of other words, *börtön* is a bare form and maps to itself.
    """
    produced: set[str] = set()
    for tokens, stems in zip(tokens_per_text, stems_per_text, strict=True):
        produced.update(stem for token, stem in zip(tokens, stems, strict=True) if stem != token)
    return [
        [token if token in produced else stem for token, stem in zip(tokens, stems, strict=True)]
        for tokens, stems in zip(tokens_per_text, stems_per_text, strict=True)
    ]


def surface_forms(
    tokens_per_text: Sequence[Sequence[str]], stems_per_text: Sequence[Sequence[str]]
) -> dict[str, Counter[str]]:
    """Stem -> how often each surface form produced it."""
    forms: dict[str, Counter[str]] = {}
    for tokens, stems in zip(tokens_per_text, stems_per_text, strict=True):
        for token, stem in zip(tokens, stems, strict=True):
            forms.setdefault(stem, Counter())[token] += 1
    return forms


def display_form(forms: Counter[str]) -> str:
    """The most frequent surface form; ties go to the shorter, then alphabetical, form."""
    return min(forms, key=lambda w: (-forms[w], len(w), w))
