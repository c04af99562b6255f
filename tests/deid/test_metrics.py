"""The benchmark's scoring rules: span overlap, crediting, F2 and token-level recall (no models)."""

from __future__ import annotations

import pytest

from workbench.deid.metrics import Counts, Labelled, f_beta, ratio, span_counts, token_counts, total

CATEGORIES = {"NAME": "PERSON", "PHONE_NUMBER": "PHONE", "DATE_TIME": "DATE"}
TEXT = "Kovács Bélának írtam a 06 30 123 4567 számról tegnap."
#       0123456789012345678901234567890123456789012345678901
NAME = Labelled(0, 14, "PERSON", "inflected name")
PHONE = Labelled(23, 37, "PHONE", "hu phone")


def test_one_character_of_overlap_finds_a_gold_span_whatever_its_label() -> None:
    predicted = [Labelled(7, 14, "NAME"), Labelled(36, 45, "DATE_TIME")]
    counts = span_counts([NAME, PHONE], predicted, CATEGORIES)
    assert counts["PERSON"] == Counts(gold=1, found=1, predicted=1, correct=1)
    assert counts["PHONE"] == Counts(gold=1, found=1, predicted=1, correct=1), "a mislabelled hit is still a hit"
    assert "DATE" not in counts, "a correct prediction is credited to the gold type, not its own label"


def test_false_alarms_are_charged_to_their_own_category_and_misses_count() -> None:
    predicted = [Labelled(46, 52, "DATE_TIME"), Labelled(15, 20, "ORGANIZATION")]
    counts = span_counts([NAME, PHONE], predicted, CATEGORIES)
    assert counts["PERSON"] == Counts(gold=1, found=0, predicted=0, correct=0)
    assert counts["DATE"] == Counts(gold=0, found=0, predicted=1, correct=0)
    assert counts["OTHER"].predicted == 1, "unmapped labels are charged to OTHER"
    assert total(counts.values()) == Counts(gold=2, found=0, predicted=2, correct=0)


def test_a_prediction_spanning_two_gold_spans_finds_both_and_counts_once() -> None:
    counts = span_counts([NAME, PHONE], [Labelled(0, 40, "NAME")], CATEGORIES)
    overall = total(counts.values())
    assert (overall.found, overall.predicted, overall.correct) == (2, 1, 1)
    assert counts["PERSON"].correct == 1, "credited to the gold span it overlaps most"


def test_f2_weighs_recall_twice_as_much() -> None:
    assert f_beta(1.0, 1.0, 2.0) == pytest.approx(1.0)
    assert f_beta(0.5, 1.0, 2.0) == pytest.approx(5 * 0.5 / (4 * 0.5 + 1))  # 0.833
    assert f_beta(1.0, 0.5, 2.0) == pytest.approx(5 * 0.5 / (4 + 0.5))  # 0.556
    assert f_beta(0.0, 0.0, 2.0) == 0.0
    assert Counts(gold=4, found=3, predicted=6, correct=3).f2 == pytest.approx(f_beta(0.5, 0.75, 2.0))
    assert ratio(0, 0) == 1.0


def test_token_recall_and_precision_ignore_types_and_count_partly_masked_words() -> None:
    # "Kovács" missed, "Bélának" partly masked; phone fully masked; "tegnap" a false alarm.
    predicted = [Labelled(7, 11, "NAME"), Labelled(20, 37, "PHONE"), Labelled(46, 52, "DATE")]
    tokens = token_counts(TEXT, [NAME, PHONE], predicted)
    assert (tokens.pii, tokens.detected_pii) == (6, 5), "Kovács, Bélának, 06, 30, 123, 4567"
    assert tokens.detected == 7, "Bélának, a, 06, 30, 123, 4567, tegnap"
    assert tokens.recall == pytest.approx(5 / 6)
    assert tokens.precision == pytest.approx(5 / 7)
    assert tokens.recall_of("PERSON") == pytest.approx(1 / 2)
    assert tokens.recall_of("hu phone") == 1.0
    assert tokens.recall_of("AGE") == 1.0, "a type without tokens has nothing to miss"


def test_token_counts_add_up_across_texts() -> None:
    first = token_counts(TEXT, [NAME], [])
    second = token_counts(TEXT, [NAME], [Labelled(0, 14, "NAME")])
    first.add(second)
    assert (first.pii, first.detected_pii, first.recall_of("inflected name")) == (4, 2, 0.5)
