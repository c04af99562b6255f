"""Sentence boundaries with spaCy's rule-based sentencizer, in pure Python.

The project splits sentences as ``spacy.blank(lang)`` with the ``sentencizer`` pipe does: a
sentence ends at a token that is one of the sentencizer's punctuation characters (``.``, ``!``,
``?`` and their kin in other scripts) and the next sentence starts at the first following token
that is neither such a character nor punctuation (so closing quotes and brackets stay with the
sentence they close). Whether ``.`` is a token of its own is the tokenizer's decision: an
abbreviation (``dr.``, ``stb.``, ``Mr.``) or a Hungarian ordinal or date (``1990.``) keeps it.

Importing spaCy costs seconds (thinc imports torch; ``spacy.blank`` resolves entry points that
import Presidio and transformers), which commands that only import or list transcripts should
not pay. So this module replays spaCy's tokenizer algorithm (whitespace spans, special cases,
prefix, suffix and infix rules, token and URL matches) on spaCy's own rules, exported to
``sentence_rules/LANG.json`` by ``workbench.nlp.spacy_rules``; ``tests/nlp/test_sentences.py``
checks the boundaries against spaCy on text we did not write. Only the tokens that can decide a
boundary are built: words without punctuation outside a pending sentence end are skipped.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from workbench.domain.models import SUPPORTED_LANGUAGES
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

RULES_DIR = Path(__file__).resolve().parent / "sentence_rules"
_RUNS = re.compile(r"\s+|\S+")


@dataclass(frozen=True)
class TokenizerRules:
    """One language's tokenizer rules and the sentencizer's punctuation, as spaCy defines them."""

    punct_chars: frozenset[str]
    punct_search: re.Pattern[str]
    prefix: re.Pattern[str]
    suffix: re.Pattern[str]
    infix: re.Pattern[str]
    token_match: re.Pattern[str] | None
    url_match: re.Pattern[str] | None
    specials: dict[str, tuple[str, ...]]
    merges: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]]
    """Special cases the affix rules split, by their first token: (those tokens, the special's tokens)."""


def _compile(rule: dict[str, Any] | None) -> re.Pattern[str] | None:
    return None if rule is None else re.compile(rule["pattern"], rule["flags"])


@lru_cache(maxsize=4)
def rules(language: str) -> TokenizerRules:
    """The rules for ``language``, read and compiled once per process (they hold no user data)."""
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInputError(
            _("Unsupported language {language!r}; use one of {SUPPORTED_LANGUAGES}.").format(
                language=language, SUPPORTED_LANGUAGES=", ".join(SUPPORTED_LANGUAGES)
            )
        )
    data = json.loads((RULES_DIR / f"{language}.json").read_text(encoding="utf-8"))
    prefix, suffix, infix = (_compile(data[name]) for name in ("prefix_search", "suffix_search", "infix_finditer"))
    if prefix is None or suffix is None or infix is None:
        raise ValueError(f"{language}.json lacks prefix, suffix or infix rules; rerun workbench.nlp.spacy_rules.")
    punct_chars = frozenset(data["punct_chars"])
    specials = {text: tuple(tokens) for text, tokens in data["specials"].items()}
    merges: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}
    for text, pattern in data["matcher"].items():
        # a one-token pattern that maps to itself changes nothing and cannot block a longer one
        if (len(pattern) > 1 or tuple(pattern) != specials[text]) and not any(t.isspace() for t in pattern):
            merges.setdefault(pattern[0], []).append((tuple(pattern), specials[text]))
    return TokenizerRules(
        punct_chars=punct_chars,
        punct_search=re.compile("|".join(re.escape(c) for c in sorted(punct_chars, key=len, reverse=True))),
        prefix=prefix,
        suffix=suffix,
        infix=infix,
        token_match=_compile(data["token_match"]),
        url_match=_compile(data["url_match"]),
        specials=specials,
        merges=merges,
    )


def is_punct(token: str) -> bool:
    """spaCy's ``Token.is_punct``: every character is in a Unicode punctuation category."""
    return all(unicodedata.category(char).startswith("P") for char in token)


def _split_affixes(string: str, r: TokenizerRules) -> tuple[list[str], str, list[str]]:
    """spaCy's ``Tokenizer._split_affixes``: peel prefixes and suffixes off until a core remains."""
    prefixes: list[str] = []
    suffixes: list[str] = []
    last_size = -1
    while string and len(string) != last_size:
        if (r.token_match is not None and r.token_match.match(string)) or string in r.specials:
            break
        last_size = len(string)
        found = r.prefix.search(string)
        pre_len = found.end() - found.start() if found else 0
        if pre_len and string[pre_len:] in r.specials:
            prefixes.append(string[:pre_len])
            string = string[pre_len:]
            break
        found = r.suffix.search(string[pre_len:])
        suf_len = found.end() - found.start() if found else 0
        if suf_len and string[:-suf_len] in r.specials:
            suffixes.append(string[-suf_len:])
            string = string[:-suf_len]
            break
        if pre_len and suf_len and pre_len + suf_len <= len(string):
            prefixes.append(string[:pre_len])
            suffixes.append(string[-suf_len:])
            string = string[pre_len:-suf_len]
        elif pre_len:
            prefixes.append(string[:pre_len])
            string = string[pre_len:]
        elif suf_len:
            suffixes.append(string[-suf_len:])
            string = string[:-suf_len]
    return prefixes, string, suffixes


def _core_tokens(string: str, r: TokenizerRules) -> list[str]:
    """spaCy's ``Tokenizer._attach_tokens`` for the core: a special case, a match, or infix splits."""
    if not string:
        return []
    special = r.specials.get(string)
    if special is not None:
        return list(special)
    if (r.token_match is not None and r.token_match.match(string)) or (
        r.url_match is not None and r.url_match.match(string)
    ):
        return [string]
    tokens: list[str] = []
    start = 0
    for found in r.infix.finditer(string):
        infix_start, infix_end = found.start(), found.end()
        if infix_start == 0:
            continue
        if infix_start != start:
            tokens.append(string[start:infix_start])
        if infix_start != infix_end:
            tokens.append(string[infix_start:infix_end])
        start = infix_end
    if string[start:]:
        tokens.append(string[start:])
    return tokens


def tokens(span: str, r: TokenizerRules) -> list[str]:
    """The tokens spaCy's affix rules make of one span without whitespace (before special merges)."""
    special = r.specials.get(span)
    if special is not None:
        return list(special)
    if span.isalpha():  # no rule of either language splits letters alone (the tests check it on corpora)
        return [span]
    prefixes, core, suffixes = _split_affixes(span, r)
    return [*prefixes, *_core_tokens(core, r), *reversed(suffixes)]


@dataclass
class _Doc:
    """Tokens of one text as spaCy's tokenizer lays them out: text, offset, and whitespace-free span."""

    texts: list[str]
    offsets: list[int]
    spans: list[int]


def _tokenize(text: str, r: TokenizerRules, cache: dict[str, list[str]]) -> _Doc:
    """spaCy's ``Tokenizer._tokenize_affixes``: runs of whitespace and of other characters.

    Whitespace other than the single space a token may carry is a token of its own (so it
    starts a sentence after a sentence end, like a word).
    """
    doc = _Doc([], [], [])
    previous_was_word = False
    for number, run in enumerate(_RUNS.finditer(text)):
        offset, span = run.start(), run.group()
        if span[0].isspace():
            if previous_was_word and span[0] == " ":
                offset, span = offset + 1, span[1:]
            previous_was_word = False
            if span:
                doc.texts.append(span)
                doc.offsets.append(offset)
                doc.spans.append(number)
            continue
        previous_was_word = True
        found = cache.get(span)
        if found is None:
            found = cache[span] = tokens(span, r)
        for token in found:
            doc.texts.append(token)
            doc.offsets.append(offset)
            doc.spans.append(number)
            offset += len(token)
    return doc


def _merge_specials(doc: _Doc, r: TokenizerRules) -> None:
    """spaCy's special-case matcher: token runs spelled like a special case become its tokens.

    The matcher compares token texts only, so a run may straddle a single space (":" "x" in
    ": x"); such a run changes nothing but still blocks the runs it overlaps, as in spaCy.
    Overlaps are resolved as ``Tokenizer._filter_special_spans`` does: longest first, then
    leftmost, and a run whose first or last token is already covered is dropped.
    """
    texts = doc.texts
    matches: list[tuple[int, int, tuple[str, ...]]] = []
    for i, token in enumerate(texts):
        for pattern, replacement in r.merges.get(token, ()):
            if tuple(texts[i : i + len(pattern)]) == pattern:
                matches.append((i, i + len(pattern), replacement))
    if not matches:
        return
    matches.sort(key=lambda m: (m[0] - m[1], m[0]))
    seen: set[int] = set()
    kept: list[tuple[int, int, tuple[str, ...]]] = []
    for start, end, replacement in matches:
        if start not in seen and end - 1 not in seen and doc.spans[start] == doc.spans[end - 1]:
            kept.append((start, end, replacement))
        seen.update(range(start, end))
    for start, end, replacement in sorted(kept, reverse=True):
        offset, span = doc.offsets[start], doc.spans[start]
        offsets = [offset + sum(len(t) for t in replacement[:k]) for k in range(len(replacement))]
        doc.texts[start:end] = replacement
        doc.offsets[start:end] = offsets
        doc.spans[start:end] = [span] * len(replacement)


def sentence_starts(text: str, language: str, cache: dict[str, list[str]] | None = None) -> list[int]:
    """Code-point offsets where spaCy's sentencizer starts a sentence in ``text`` (0 first, if any text).

    ``cache`` remembers the tokens of words already split, as spaCy's tokenizer does; pass one
    dict for the turns of one transcript and drop it after, so no interview words outlive the
    call (spaCy's cache and string store, kept in a cached pipeline, held every word seen).
    """
    r = rules(language)
    doc = _tokenize(text, r, {} if cache is None else cache)
    _merge_specials(doc, r)
    starts = doc.offsets[:1]
    seen_period = False
    for offset, token in zip(doc.offsets, doc.texts, strict=True):
        in_punct_chars = token in r.punct_chars
        if seen_period and not in_punct_chars and not is_punct(token):
            starts.append(offset)
            seen_period = False
        elif in_punct_chars:
            seen_period = True
    return starts


def sentence_spans(text: str, language: str, cache: dict[str, list[str]] | None = None) -> list[tuple[int, int]]:
    """Each sentence as ``(start, end)`` in code points, without surrounding whitespace; none empty."""
    starts = sentence_starts(text, language, cache)
    spans: list[tuple[int, int]] = []
    for first, last in zip(starts, [*starts[1:], len(text)][: len(starts)], strict=True):
        start, end = first, last
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
    return spans
