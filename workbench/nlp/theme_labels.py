"""Theme keywords and labels a lead can read: one language, no fillers, no names, short phrases.

Class-based TF-IDF (each theme's texts as one document, as in BERTopic) over word *stems*
(Snowball, per text language: ``workbench.nlp.stem``), so *börtön*, *börtönben* and *börtönből*
count as one keyword, shown as its most frequent surface form in the theme. Four rules on top,
each answering something a lead saw in the labels of interview themes
("hanem, man, kijövök, prison", "annyit, days, régen, read", first names among the keywords):

- **One language per theme.** A theme's keywords come only from its texts in the theme's
  dominant language (the language most of its members are in), weighed against that language's
  texts in every theme. A multilingual model lets Hungarian and English passages on one topic
  meet in a theme; its label is still written in one language.
- **Spoken stop words.** Every shipped list in ``stopwords/`` (scikit-learn's and spaCy's
  English and Hungarian lists, and the project's lists of spoken fillers, hedges and vague words:
  *hát, szóval, hanem, annyit, like, yeah, stuff*), in both languages for every text (speakers mix
  them), and the spoken phrases of ``stopwords/phrases/`` ("you know", "I mean", "nem tudom"),
  removed before words are counted.
- **No names or places.** A word is left out when the caller excludes it (the services pass the
  project's known names, stored detections and the de-identification name and place lists), or
  when the texts themselves write it as a proper noun: capitalised inside a sentence in at least
  half of its occurrences there. A stem is left out when any of its surface forms is, so
  *Zsolt* takes *Zsoltnál* with it.
- **Short phrases where more telling.** Two adjacent words with no stop word between them
  (*visiting room*, *munkát talál*) are a candidate term of their own when they occur at least
  ``MIN_PHRASE`` times in the theme, in at least two texts; a phrase shown takes the place of its
  words. The label is the first ``LABEL_TERMS`` terms.

Pure computation: texts in, keywords out, no I/O beyond the shipped word lists.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from workbench.nlp import stem

OUTLIER = -1
STOPWORDS_DIR = Path(__file__).resolve().parent / "stopwords"
PHRASES_DIR = STOPWORDS_DIR / "phrases"
MIN_PHRASE = 3
"""A two-word phrase becomes a term when it occurs this often in the theme (and in two texts)."""
LABEL_TERMS = 3
MIN_LETTERS = 3
"""Shorter words are mostly particles (as ``stem.WORD`` counts words)."""
PROPER_SHARE = 0.5
"""A word capitalised inside a sentence in at least this share of its mid-sentence uses is a name."""
_OPENERS = frozenset(".!?:;…\n\"'„“”«»()[]-\u2013\u2014")
_PHRASE_JOIN = " "
_RUN_TOKEN = re.compile(r"[^\W\d_]+|[|.!?;:,()\"“”„]")


@cache
def stop_words() -> frozenset[str]:
    """Every shipped list (Hungarian and English): projects mix the two languages."""
    words: set[str] = set()
    for path in sorted(STOPWORDS_DIR.glob("*.txt")):
        words.update(_lines(path))
    return frozenset(words)


@cache
def stop_phrases() -> re.Pattern[str]:
    """One pattern matching every shipped spoken phrase as whole words, longest first."""
    phrases = sorted({p for path in sorted(PHRASES_DIR.glob("*.txt")) for p in _lines(path)}, key=lambda p: -len(p))
    body = "|".join(r"\s+".join(re.escape(w) for w in p.split()) for p in phrases)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)


def _lines(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip().lower() for line in lines if line.strip() and not line.startswith("#")]


def without_phrases(text: str) -> str:
    """``text`` with the spoken phrases cut out (a sentence break in their place keeps words apart)."""
    return stop_phrases().sub(" | ", text)


def tokens(text: str, stop: frozenset[str]) -> list[str]:
    """The words of ``text`` that are not stop words, spoken phrases removed first."""
    return [w for w in stem.words(without_phrases(text)) if w not in stop]


def label(keywords: Sequence[str], fallback: str = "") -> str:
    """A theme's short label: its first ``LABEL_TERMS`` terms (a phrase counts as one)."""
    return ", ".join(keywords[:LABEL_TERMS]) or fallback


def proper_nouns(texts: Sequence[str]) -> frozenset[str]:
    """Lower-cased words the texts write capitalised inside a sentence at least ``PROPER_SHARE`` of the time."""
    capital: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for text in texts:
        for match in stem.WORD.finditer(text):
            if _sentence_initial(text, match.start()):
                continue
            word = match.group()
            lower = word.lower()
            inside[lower] += 1
            if word[0].isupper():
                capital[lower] += 1
    return frozenset(w for w, n in capital.items() if n >= PROPER_SHARE * inside[w])


def _sentence_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] in _OPENERS


@dataclass
class _Theme:
    """Counts of one theme in one language: terms (stems and stem pairs) and their surface forms."""

    counts: Counter[str]
    forms: dict[str, Counter[str]]
    texts_with: Counter[str]


def keywords(
    texts: Sequence[str],
    labels: Sequence[int] | npt.NDArray[np.int64],
    top: int = 8,
    languages: Sequence[str] | None = None,
    *,
    exclude: Collection[str] = (),
) -> dict[int, tuple[str, ...]]:
    """Class-based TF-IDF keywords of each theme (outliers get none), themes in id order.

    ``languages``: one per text (detected when not given); ``exclude``: lower-cased words never
    to show (names and places). Weight of term t in theme c (in c's language L):
    tf(t, c) / |c| * log(1 + A / f(t)), where |c| is the number of terms of c in L, A the average
    per theme in L and f(t) the frequency of t across all themes' texts in L.
    """
    if languages is None:
        from workbench.nlp import language

        detected = language.detect_all(texts)
        languages = language.fill_unknown(detected, language.dominant(language.shares(texts, detected), "en"))
    kept = [(t, int(x), code) for t, x, code in zip(texts, labels, languages, strict=True) if int(x) != OUTLIER]
    if not kept:
        return {}
    dominant = _dominant_languages(kept)
    banned = {w.lower() for w in exclude} | proper_nouns([t for t, _x, _c in kept])
    by_language = _count(kept, banned)
    result: dict[int, tuple[str, ...]] = {}
    for theme_id in sorted(dominant):
        themes = by_language[dominant[theme_id]]
        result[theme_id] = _top_terms(themes, theme_id, top) if theme_id in themes else ()
    return result


def _dominant_languages(kept: Sequence[tuple[str, int, str]]) -> dict[int, str]:
    per_theme: dict[int, Counter[str]] = {}
    for _text, theme, code in kept:
        per_theme.setdefault(theme, Counter())[code] += 1
    return {theme: min(c, key=lambda code: (-c[code], code)) for theme, c in per_theme.items()}


def _count(kept: Sequence[tuple[str, int, str]], banned: set[str]) -> dict[str, dict[int, _Theme]]:
    """Per language, per theme: term counts (stems, and stem pairs joined by a space)."""
    stop = stop_words()
    stemmer = stem.Stemmer()
    runs = [_runs(text, stop) for text, _x, _c in kept]
    flat = [[w for run in text_runs for w in run] for text_runs in runs]
    stems = stem.unify(flat, [stemmer.stems(words, code) for words, (_t, _x, code) in zip(flat, kept, strict=True)])
    out: dict[str, dict[int, _Theme]] = {}
    for (_text, theme, code), text_runs, text_stems in zip(kept, runs, stems, strict=True):
        entry = out.setdefault(code, {}).setdefault(theme, _Theme(Counter(), {}, Counter()))
        seen: set[str] = set()
        i = 0
        for run in text_runs:
            run_stems = text_stems[i : i + len(run)]
            i += len(run)
            ok = [word not in banned for word in run]
            for j, (word, root) in enumerate(zip(run, run_stems, strict=True)):
                if ok[j]:
                    _add(entry, root, word, seen)
                if j + 1 < len(run) and ok[j] and ok[j + 1] and root != run_stems[j + 1]:
                    _add(entry, root + _PHRASE_JOIN + run_stems[j + 1], word + _PHRASE_JOIN + run[j + 1], seen)
    _drop_banned_stems(out, banned)
    return out


def _runs(text: str, stop: frozenset[str]) -> list[list[str]]:
    """The text's non-stop words, in runs of words adjacent in the text.

    A stop word, a spoken phrase, a word shorter than three letters or punctuation ends a run, so
    only words written next to each other can make a phrase.
    """
    runs: list[list[str]] = [[]]
    for match in _RUN_TOKEN.finditer(without_phrases(text).lower()):
        word = match.group()
        if len(word) < MIN_LETTERS or word in stop or not word[0].isalpha():
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(word)
    return [run for run in runs if run]


def _add(entry: _Theme, term: str, form: str, seen: set[str]) -> None:
    entry.counts[term] += 1
    entry.forms.setdefault(term, Counter())[form] += 1
    if term not in seen:
        seen.add(term)
        entry.texts_with[term] += 1


def _drop_banned_stems(out: dict[str, dict[int, _Theme]], banned: set[str]) -> None:
    """A stem goes when any of its surface forms is a name: *Zsoltnál* with *Zsolt*."""
    for themes in out.values():
        bad = {term for entry in themes.values() for term, forms in entry.forms.items()
               if " " not in term and any(f in banned for f in forms)}  # fmt: skip
        for entry in themes.values():
            for term in [t for t in entry.counts if any(part in bad for part in t.split(_PHRASE_JOIN))]:
                del entry.counts[term]


def _top_terms(themes: dict[int, _Theme], theme_id: int, top: int) -> tuple[str, ...]:
    total: Counter[str] = Counter()
    for entry in themes.values():
        total.update(entry.counts)
    average = sum(total.values()) / len(themes)
    entry = themes[theme_id]
    terms = {t: c for t, c in entry.counts.items()
             if " " not in t or (c >= MIN_PHRASE and entry.texts_with[t] >= 2)}  # fmt: skip
    size = sum(c for t, c in terms.items() if " " not in t) or 1
    weights = {t: c / size * math.log(1 + average / total[t]) for t, c in terms.items()}
    ranked = sorted(weights, key=lambda t: (-weights[t], t))
    shown: list[tuple[str, str]] = []  # (term, form)
    for term in ranked:
        form = stem.display_form(entry.forms[term])
        parts = term.split(_PHRASE_JOIN)
        if len(parts) == 2:
            at = [i for i, (t, _f) in enumerate(shown) if t in parts]
            shown = [s for s in shown if s[0] not in parts]
            shown.insert(min(at) if at else len(shown), (term, form))
        elif not any(term in t.split(_PHRASE_JOIN) for t, _f in shown) and form not in {f for _t, f in shown}:
            shown.append((term, form))
        if len(shown) >= top:
            break
    return tuple(f for _t, f in shown[:top])
