"""The pure-Python sentence splitter gives spaCy's sentencizer boundaries, on text we did not write.

spaCy stays a dependency (de-identification runs on it), so these tests compare against the
installed spaCy directly: the shipped rule files must be what it builds, and the boundaries
must be identical on AG News (English), SIB-200 (Hungarian), NerKor (Hungarian, every genre)
and on generated strings of abbreviations, dates, quotes, emoticons and odd whitespace.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.nlp import spacy_rules
from workbench.nlp.sentences import sentence_spans, sentence_starts

AG_NEWS_TEXTS = 2500


def _datasets() -> Path:
    """The public corpora: ``WORKBENCH_DATASETS``, else the nearest ``shared/datasets`` above this file.

    They are read-only material beside the checkout, not part of it (a fresh clone elsewhere has
    none), so without them these comparisons skip; the shipped rules are still checked against
    spaCy's own and on the generated tricky strings below.
    """
    configured = os.environ.get("WORKBENCH_DATASETS")
    if configured and Path(configured).is_dir():
        return Path(configured)
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "datasets").is_dir():
            return parent / "shared" / "datasets"
    pytest.skip("the public corpora (../shared/datasets or WORKBENCH_DATASETS) are not beside this checkout")


@cache
def _spacy(language: str) -> Any:
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def _spacy_starts(text: str, language: str) -> list[int]:
    return [sent.start_char for sent in _spacy(language)(text).sents]


def _ag_news() -> list[str]:
    with (_datasets() / "ag_news" / "test.csv").open(newline="", encoding="utf-8") as f:
        return [f"{row[1]}. {row[2]}" for row, _ in zip(csv.reader(f), range(AG_NEWS_TEXTS), strict=False)]


def _sib200() -> list[str]:
    with (_datasets() / "sib200_hu" / "sib200_hun.csv").open(newline="", encoding="utf-8") as f:
        sentences = [row["text"] for row in csv.DictReader(f)]
    return [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]


def _nerkor() -> Iterator[str]:
    """Devel sentences, tokens joined by spaces, four sentences a paragraph."""
    for path in sorted((_datasets() / "nerkor").glob("devel-*.tsv")):
        sentence: list[str] = []
        paragraph: list[str] = []
        for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
            if line.startswith("#"):
                continue
            if line.strip():
                sentence.append(line.split("\t")[0])
                continue
            if sentence:
                paragraph.append(" ".join(sentence))
                sentence = []
            if len(paragraph) == 4:
                yield " ".join(paragraph)
                paragraph = []
        if paragraph:
            yield " ".join(paragraph)


@pytest.mark.parametrize("language", ["hu", "en"])
def test_the_shipped_rules_are_what_the_installed_spacy_builds(language: str) -> None:
    shipped = json.loads((spacy_rules.RULES_DIR / f"{language}.json").read_text(encoding="utf-8"))
    assert spacy_rules.comparable(shipped) == spacy_rules.comparable(spacy_rules.export(language)), (
        "spaCy's rules changed: run `.venv/bin/python -m workbench.nlp.spacy_rules`"
    )


@pytest.mark.parametrize(
    ("name", "language"), [("ag_news", "en"), ("sib200", "hu"), ("nerkor", "hu"), ("nerkor", "en")]
)
def test_boundaries_equal_spacy_on_public_corpora(name: str, language: str) -> None:
    texts = {"ag_news": _ag_news, "sib200": _sib200, "nerkor": lambda: list(_nerkor())}[name]()
    assert len(texts) > 150
    differing = [t[:80] for t in texts if sentence_starts(t, language) != _spacy_starts(t, language)]
    assert not differing, f"{len(differing)} of {len(texts)} texts split differently, e.g. {differing[:3]}"


PIECES = [
    "Szeged", "nőttem", "fel", "a", "Dr.", "dr.", "stb.", "kb.", "ún.", "vö.", "1990.", "3.", "III.", "május",
    "U.S.", "e.g.", "i.e.", "Mr.", "Jan.", "p.m.", "10am", "10g.", "5km.", "Calif.Cisco", "x.Y", "A.", "ÁB.",
    "Ph.D.", "don't", "I'm", "gonna", "O'Neil", "'s", ".", "!", "?", "?!", "...", "…", "。", "¿", "‼", '"', "„",
    "”", "(", ")", "'", "\u2019", "-", "\u2013", "\u2014", "*", "#", ";", ":", ",", "K:", ":)", ":-)", "(:",
    "😀", "$200", "20%", "1,5", "12:30", "°C.", "9-kor", "2020-ban", "a,b", "http://x.hu/a.b", "a@b.hu",
    "&", "+", "/", "\\",
]  # fmt: skip
SEPARATORS = ["", " ", " ", " ", "  ", "\n", "\n\n", "\t", " \n", "\u00a0"]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=1, max_size=14),
    st.sampled_from(["hu", "en"]),
)
def test_boundaries_equal_spacy_on_tricky_strings(parts: list[tuple[str, str]], language: str) -> None:
    text = "".join(piece + separator for piece, separator in parts)
    assert sentence_starts(text, language) == _spacy_starts(text, language)


def test_abbreviations_dates_and_quotes_as_spacy_splits_them() -> None:
    """No split after an abbreviation, a Hungarian ordinal date or an ellipsis; a closing quote
    stays with its sentence and, as in spaCy, so does an opening quote after the full stop."""
    text = 'Dr. Kiss 1990. május 3-án jött. „Hol?" Aztán semmi... Vége! Azt mondta: „Megyek." Elment.'
    assert [text[a:b] for a, b in sentence_spans(text, "hu")] == [
        "Dr. Kiss 1990. május 3-án jött. „", 'Hol?"', "Aztán semmi... Vége!", 'Azt mondta: „Megyek."', "Elment.",
    ]  # fmt: skip


def test_an_empty_or_blank_text_has_no_sentences() -> None:
    assert sentence_spans("", "hu") == []
    assert sentence_spans(" \n ", "en") == []
