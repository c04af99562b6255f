"""The Hungarian settlement gazetteer: inflected towns anywhere, sentence start included."""

from __future__ import annotations

import pytest

from workbench.deid.engine import Detector
from workbench.deid.settlements import listed_settlements, settlement_names, settlement_shapes


def _found(spans: list[tuple[int, int]], text: str) -> list[str]:
    return [text[a:b] for a, b in spans]


@pytest.mark.parametrize(
    ("text", "town"),
    [
        ("Szolnoktól nem messze nőttem fel.", "Szolnoktól"),
        ("Egerben éltünk. Kiskunhalasra vittek át.", "Kiskunhalasra"),
        ("Tavaly. Mosonmagyaróvárott nem voltam.", "Mosonmagyaróvárott"),
    ],
)
def test_listed_towns_open_a_sentence_in_inflected_forms(text: str, town: str) -> None:
    assert town in _found(listed_settlements(text), text)


def test_towns_are_found_inside_a_sentence_and_as_lower_case_adjectives() -> None:
    text = "Akkor költöztünk Debrecenbe, a szegedi rokonokhoz."
    assert _found(listed_settlements(text), text) == ["Debrecenbe", "szegedi"]


def test_a_town_named_like_a_common_word_counts_only_capitalized_inside_a_sentence() -> None:
    opening = "Hatvan éves voltam. Baja az volt, hogy nem volt pénz."
    assert listed_settlements(opening) == []
    text = "Végül Hatvanba mentünk, aztán Bajára."
    assert _found(listed_settlements(text), text) == ["Hatvanba", "Bajára"]
    assert _found(listed_settlements("a hatvanban"), "a hatvanban") == []


def test_compound_village_names_are_proposed_by_shape_but_common_nouns_are_not() -> None:
    text = "Györgyfalvától nem messze. Kunmellékházán laktunk. Kisvárosban nőttem fel. Nagymamámtól hallottam."
    assert _found(settlement_shapes(text), text) == ["Györgyfalvától", "Kunmellékházán"]


def test_the_gazetteer_includes_the_generalization_table() -> None:
    names = {name.casefold() for name in settlement_names()}
    assert {"szolnok", "hódmezővásárhely", "tiszaújváros"} <= names


def test_the_detector_types_a_sentence_initial_town_as_city(detector: Detector) -> None:
    text = "Szolnoktól nem messze nőttem fel, egy kis faluban."
    spans = detector.detect(text, "hu")
    assert [(text[s.start : s.end], s.entity_type) for s in spans] == [("Szolnoktól", "CITY")]
