"""Time expressions: >= 100 English and >= 100 Hungarian phrases resolved with >= 90% accuracy.

The phrases (tests/nlp/data/timeexpr_*.yaml) were written for these tests as interview-like
sentences; each names the age or year a researcher would record. The accuracy is reported in
bench/RESULTS.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bench.timeexpr_bench import correct
from workbench.domain.events import Precision, TimeKind
from workbench.nlp.timeexpr import PREVIOUS, find_times, number, propose_time

DATA = Path(__file__).parent / "data"


def load(language: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((DATA / f"timeexpr_{language}.yaml").read_text(encoding="utf-8"))
    return document


def accuracy(language: str) -> tuple[float, list[str]]:
    document = load(language)
    phrases = document["phrases"]
    wrong = [p["text"] for p in phrases if not correct(language, p, document["context"])]
    return 1 - len(wrong) / len(phrases), wrong


@pytest.mark.parametrize("language", ["en", "hu"])
def test_at_least_100_phrases_resolve_with_90_percent_accuracy(language: str) -> None:
    assert len(load(language)["phrases"]) >= 100
    score, wrong = accuracy(language)
    assert score >= 0.90, f"{language}: {score:.1%}; wrong: {wrong}"


def test_a_wrong_expectation_is_counted_wrong() -> None:
    """The scorer itself can fail: a deliberately wrong age is not accepted."""
    context = load("en")["context"]
    assert correct("en", {"text": "When I was sixteen", "age": 16}, context)
    assert not correct("en", {"text": "When I was sixteen", "age": 18}, context)
    assert not correct("en", {"text": "The weather was fine.", "age": 16}, context)


def test_number_words_in_both_languages() -> None:
    assert [number(w) for w in ("sixteen", "twenty-one", "thirty two", "16")] == [16, 21, 32, 16]
    assert [number(w) for w in ("tizenhat", "huszonkét", "harmincöt", "hét", "húsz")] == [16, 22, 35, 7, 20]


def test_kinds_and_precisions_are_kept_as_told() -> None:
    about = propose_time("I was about fifteen when it started.", "en")
    assert about is not None and about.time.kind is TimeKind.AGE and about.time.precision is Precision.ABOUT
    since = propose_time("2016 óta tanulok.", "hu")
    assert since is not None and since.time.kind is TimeKind.YEAR and since.time.precision is Precision.AFTER
    later = propose_time("két évvel később", "hu")
    assert later is not None and later.time.kind is TimeKind.RELATIVE and later.time.anchor_type == PREVIOUS
    anchored = propose_time("two years after my first sentence", "en")
    assert anchored is not None and anchored.time.anchor_type == "incarceration" and anchored.time.value == 2


def test_text_without_a_time_proposes_nothing() -> None:
    assert propose_time("We talked about football and the food.", "en") is None
    assert propose_time("Szeretem a focit és a jó ételeket.", "hu") is None
    assert find_times("I have six brothers.", "en") == []


def test_explicit_time_is_preferred_over_a_relative_one() -> None:
    found = propose_time("Two years later, in 2009, I was arrested.", "en")
    assert found is not None and found.time.kind is TimeKind.YEAR and found.time.value == 2009


@pytest.mark.parametrize(("name", "size", "floor"), [("timeexpr_heldout.yaml", 30, 0.80),
                                                      ("timeexpr_heldout2.yaml", 60, 0.90),
                                                      ("timeexpr_dev.yaml", 40, 0.90)])  # fmt: skip
def test_held_out_and_development_phrases_keep_their_floor(name: str, size: int, floor: float) -> None:
    """Phrases never used to tune the rules (the held-out sets) and the development phrases of 2026-12-01.

    timeexpr_heldout2.yaml was committed before the rules were changed on 2026-12-01 and scored
    once after: English 64/65, Hungarian 68/68 (before: 54/65, 58/68; bench/RESULTS.md). The
    floors guard against a later change losing wording these sets hold.
    """
    document = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    for language in ("en", "hu"):
        phrases = document[language]
        assert len(phrases) >= size
        score = sum(correct(language, p, document["context"]) for p in phrases) / len(phrases)
        assert score >= floor, f"{name} {language}: {score:.1%}"


def test_new_wordings_are_read() -> None:
    """Halves, "into my sentence", "the year after I turned", short years, Hungarian stages and "rá"."""
    context = load("en")["context"]
    cases = [("en", "A year and a half later we split up.", 21.5), ("en", "Two years into my sentence.", 24),
             ("en", "The year after I turned thirty I got parole.", 31), ("hu", "Két és fél évvel később.", 22.5),
             ("hu", "Huszonévesen sokat költözködtem.", 24.5), ("hu", "Rá két évre elváltunk.", 22)]  # fmt: skip
    for language, text, age in cases:
        assert correct(language, {"text": text, "age": age}, context), text
    short = propose_time("'03 őszén kaptam az első figyelmeztetést.", "hu")
    assert short is not None and short.time.kind is TimeKind.YEAR and short.time.value == 2003
    assert find_times("I bought it by two o'clock.", "en") == []


def test_numbers_that_are_not_ages_are_left_alone() -> None:
    """ "one of them", "two corners", a clock time after "by" or "körül", "egy lettem közülük"."""
    for text in ("I was one of them.", "I turned two corners and ran.", "By two we were drunk."):
        assert find_times(text, "en") == [], text
    for text in ("Egy lettem közülük.", "Hat körül voltam otthon."):
        assert find_times(text, "hu") == [], text
    four = propose_time("I was four when my dad left.", "en")
    assert four is not None and four.time.kind is TimeKind.AGE and four.time.value == 4
