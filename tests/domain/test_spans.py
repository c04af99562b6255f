"""Moving a coding's edges by words, sentences and turns (issue 20, item 4)."""

from __future__ import annotations

import pytest

from workbench.domain.models import Segment, SegmentKind, SpeakerRole
from workbench.domain.spans import Edge, Unit, move_edge, whole_turns
from workbench.errors import InvalidInputError

TEXT = "I: Mi történt?\n\nR: A műhely mentett meg. Ott újra kapaszkodót találtam. Aztán jött a szabadulás."
R = TEXT.index("A műhely")
FIRST, SECOND, THIRD = "A műhely mentett meg.", "Ott újra kapaszkodót találtam.", "Aztán jött a szabadulás."


def _segments() -> list[Segment]:
    segments = [
        Segment("t0", SegmentKind.TURN, 0, 3, TEXT.index("\n"), SpeakerRole.INTERVIEWER, "I", ""),
        Segment("t1", SegmentKind.TURN, 1, R, len(TEXT), SpeakerRole.PARTICIPANT, "R", ""),
    ]
    for i, sentence in enumerate((FIRST, SECOND, THIRD)):
        start = TEXT.index(sentence)
        segments.append(Segment(f"s{i}", SegmentKind.SENTENCE, i, start, start + len(sentence),
                                SpeakerRole.PARTICIPANT, "R", sentence, parent_id="t1"))  # fmt: skip
    return segments


def _span(phrase: str) -> tuple[int, int]:
    start = TEXT.index(phrase)
    return start, start + len(phrase)


def _move(phrase: str, edge: Edge, unit: Unit, *, grow: bool) -> str:
    a, b = move_edge(TEXT, _segments(), _span(phrase), edge, unit, grow=grow)
    return TEXT[a:b]


def test_words_are_taken_in_and_dropped_at_either_edge() -> None:
    assert _move("újra kapaszkodót", Edge.START, Unit.WORD, grow=True) == "Ott újra kapaszkodót"
    assert _move("újra kapaszkodót", Edge.END, Unit.WORD, grow=True) == "újra kapaszkodót találtam"
    assert _move("újra kapaszkodót", Edge.START, Unit.WORD, grow=False) == "kapaszkodót"
    assert _move("Ott újra kapaszkodót", Edge.END, Unit.WORD, grow=False) == "Ott újra"


def test_a_half_coded_word_or_sentence_is_completed_first() -> None:
    assert _move("ra kapaszkod", Edge.START, Unit.WORD, grow=True) == "újra kapaszkod"
    assert _move("ra kapaszkod", Edge.END, Unit.WORD, grow=True) == "ra kapaszkodót"
    assert _move("újra kapaszkodót", Edge.END, Unit.SENTENCE, grow=True) == "újra kapaszkodót találtam."
    assert _move("újra kapaszkodót", Edge.START, Unit.SENTENCE, grow=True) == "Ott újra kapaszkodót"


def test_whole_sentences_are_added_and_dropped() -> None:
    assert _move(SECOND, Edge.START, Unit.SENTENCE, grow=True) == f"{FIRST} {SECOND}"
    assert _move(SECOND, Edge.END, Unit.SENTENCE, grow=True) == f"{SECOND} {THIRD}"
    assert _move(f"{FIRST} {SECOND}", Edge.START, Unit.SENTENCE, grow=False) == SECOND
    assert _move(f"{FIRST} {SECOND}", Edge.END, Unit.SENTENCE, grow=False) == FIRST


def test_a_change_that_leaves_nothing_or_changes_nothing_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="nothing coded"):
        _move("kapaszkodót", Edge.START, Unit.WORD, grow=False)
    with pytest.raises(InvalidInputError, match="nothing coded"):
        _move(SECOND, Edge.END, Unit.SENTENCE, grow=False)
    with pytest.raises(InvalidInputError, match="no further"):
        _move(THIRD, Edge.END, Unit.SENTENCE, grow=True)


def test_whole_turns_cover_every_turn_the_span_touches() -> None:
    assert whole_turns(_segments(), _span("kapaszkodót")) == (R, len(TEXT))
    assert whole_turns(_segments(), (TEXT.index("történt"), R + 3)) == (3, len(TEXT))
    with pytest.raises(InvalidInputError):
        whole_turns(_segments(), (TEXT.index("\n"), TEXT.index("\n") + 1))
