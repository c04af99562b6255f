"""Capitalised words and number runs nothing flagged: listed for review, gone once protected."""

from __future__ import annotations

from tests.deid.fixtures import build
from workbench.deid.unflagged import unflagged
from workbench.services import deid
from workbench.services.interviews import add_transcript
from workbench.services.workspace import Workspace


def test_unflagged_lists_capitalised_words_and_numbers_outside_detections() -> None:
    text = "Aztán jött Ximena, majd Ximena megint. A cellám 214-es volt. Kovács is ott volt."
    kovacs = text.index("Kovács")
    found = unflagged(text, [(kovacs, kovacs + 6)])
    assert ("Ximena", 2, "word") in found
    assert ("214", 1, "number") in found
    assert all(value not in ("Aztán", "A", "Kovács") for value, _, _ in found), "openers and detections are left out"


def test_protecting_an_unflagged_number_removes_it_from_the_list(project: Workspace) -> None:
    build(project)
    third = add_transcript(project, "V: A cellám száma 214 volt.", title="Interjú 3", language="hu",
                           participant_code="P01")  # fmt: skip
    deid.scan(project)
    assert [(w.interview_id, w.text) for w in deid.unflagged_words(project) if w.kind == "number"] == [(third, "214")]
    deid.add_missed(project, "214", "ID")
    assert not [w for w in deid.unflagged_words(project) if w.text == "214"]


def test_clock_times_and_transcript_timestamps_are_not_candidates() -> None:
    text = "[00:01:14] V: Fél 12:30-kor jött, a zárkód 5918-3 volt. [01:02:03.5] K: Értem."
    assert [value for value, _, _ in unflagged(text, [])] == ["5918-3"]
