import pytest

from workbench.domain.models import SpeakerRole
from workbench.domain.transcript import detect_turns, parse_timestamp

INT, PAR, OTH = SpeakerRole.INTERVIEWER, SpeakerRole.PARTICIPANT, SpeakerRole.OTHER


def turns(text: str) -> list[tuple[str, SpeakerRole, str]]:
    return [(t.speaker, t.role, text[t.start : t.end]) for t in detect_turns(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Interviewer: Where did you grow up?\n\nParticipant: In Pécs.",
         [("Interviewer", INT, "Where did you grow up?"), ("Participant", PAR, "In Pécs.")]),
        ("I: Hello?\nR: Hi.", [("I", INT, "Hello?"), ("R", PAR, "Hi.")]),
        ("Q: Why?\n\nA: Because.", [("Q", INT, "Why?"), ("A", PAR, "Because.")]),
        ("K: Hol nőtt fel?\n\nV: Szegeden.", [("K", INT, "Hol nőtt fel?"), ("V", PAR, "Szegeden.")]),
        ("Kérdező: Mesélne?\n\nVálaszadó: Igen.", [("Kérdező", INT, "Mesélne?"), ("Válaszadó", PAR, "Igen.")]),
    ],
)  # fmt: skip
def test_conventions(text: str, expected: list[tuple[str, SpeakerRole, str]]) -> None:
    assert turns(text) == expected


def test_named_speakers_with_timestamps_and_multiline_turns() -> None:
    text = (
        "[00:00:05] Kovács Anna: Hogy kezdődött? Mesélne róla?\n\n"
        "[00:00:09] Tamás: Szegeden nőttem fel.\nAztán jött a börtön.\n\n"
        "[00:01:10] Kovács Anna: Értem."
    )
    result = detect_turns(text)
    assert [(t.speaker, t.role) for t in result] == [("Kovács Anna", INT), ("Tamás", PAR), ("Kovács Anna", INT)]
    assert text[result[1].start : result[1].end] == "Szegeden nőttem fel.\nAztán jött a börtön."
    assert [t.time_s for t in result] == [5.0, 9.0, 70.0]


def test_text_without_labels_becomes_paragraphs() -> None:
    text = "First paragraph, one line.\nStill first.\n\nSecond paragraph."
    assert turns(text) == [("", OTH, "First paragraph, one line.\nStill first."), ("", OTH, "Second paragraph.")]


def test_a_colon_inside_a_sentence_is_not_a_label() -> None:
    text = "Interviewer: Tell me.\n\nParticipant: He said this: never again.\n\nInterviewer: And then?"
    assert [t[0] for t in turns(text)] == ["Interviewer", "Participant", "Interviewer"]


def test_timestamps() -> None:
    assert parse_timestamp("01:02:03") == 3723
    assert parse_timestamp("02:03") == 123
    assert parse_timestamp("00:00:01,5") == 1.5


def test_numbered_speakers_as_transcription_tools_write_them() -> None:
    text = "Speaker 1: How did it start?\n\nSpeaker 2: In Szeged.\n\nSpeaker 1: And then?"
    assert turns(text) == [("Speaker 1", INT, "How did it start?"), ("Speaker 2", PAR, "In Szeged."),
                           ("Speaker 1", INT, "And then?")]  # fmt: skip


def test_a_bracketed_timestamp_opening_a_paragraph_is_its_time() -> None:
    text = "[00:00:01] first cue\n\n[01:00] second cue\n\n(00:02:03) third\n\nno stamp 12:30 here"
    result = detect_turns(text)
    assert [(text[t.start : t.end], t.time_s) for t in result] == [
        ("first cue", 1.0), ("second cue", 60.0), ("third", 123.0), ("no stamp 12:30 here", None),
    ]  # fmt: skip
