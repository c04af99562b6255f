"""Recognizer additions prompted by the de-identification benchmark (bench/deid_bench.py)."""

from __future__ import annotations

from workbench.deid.candidates import candidate_spans
from workbench.deid.engine import Detector


def _found(detector: Detector, text: str, language: str) -> dict[str, str]:
    return {text[s.start : s.end]: s.entity_type for s in detector.detect(text, language)}


def test_us_addresses_with_usps_suffixes_units_and_zip(detector: Detector) -> None:
    text = "She lives at 58735 Mclaughlin Mountains Apt. 636, South Austinland, AS 08627 with him."
    found = _found(detector, text, "en")
    assert found.get("58735 Mclaughlin Mountains Apt. 636") == "ADDRESS"
    assert found.get("AS 08627") == "ADDRESS"
    assert not any("with" in span for span in found), "the address stops at the unit number"


def test_north_american_phone_shapes_and_ssn(detector: Detector) -> None:
    text = "Call 634-655-6405, (889)307-8666 or +1-632-263-8986x92841. SSN 297-54-2364. Born in 1984."
    found = _found(detector, text, "en")
    assert {"634-655-6405", "(889)307-8666", "+1-632-263-8986x92841"} <= {k for k, v in found.items() if v == "PHONE"}
    assert found.get("297-54-2364") == "ID"
    hu = _found(detector, "Hívjon a +36 30 123 4567 számon, az adóazonosítóm 8487237541.", "hu")
    assert hu.get("+36 30 123 4567") == "PHONE", "a Hungarian number is not split by the North American shape"


def test_a_surname_that_is_a_common_word_joins_the_name_after_it() -> None:
    text = "Levelet kaptam Nagy Évától. Nagy Enikő vitt be. Ez nagy baj, Nagy volt a ház."
    found = [text[s.start : s.end] for s in candidate_spans(text)]
    assert "Nagy Évától" in found and "Nagy Enikő" in found
    assert not any(f.startswith("Nagy volt") or f == "Nagy" for f in found), "alone it stays a common word"


def test_a_street_named_after_a_person_is_found_when_transcribed_in_lower_case(detector: Detector) -> None:
    text = "Az öcsém most a Petőfi sándor utca 63. alatt lakik, a Dózsa György út 5. mellett."
    found = _found(detector, text, "hu")
    assert found.get("Petőfi sándor utca 63.") == "ADDRESS"
    assert found.get("Dózsa György út 5.") == "ADDRESS"
