"""Every transcript format to normalised text, and the speaker turns found in it."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.importers.samples import ENGLISH, HUNGARIAN, docx_bytes, odt_bytes, pdf_bytes, rtf_bytes
from workbench.domain.models import SpeakerRole
from workbench.domain.transcript import detect_turns
from workbench.errors import InvalidInputError
from workbench.importers import extract_text, is_supported

LIMIT = 50 * 1024 * 1024
INT, PAR, OTH = SpeakerRole.INTERVIEWER, SpeakerRole.PARTICIPANT, SpeakerRole.OTHER


def extract(name: str, data: bytes, language: str = "hu") -> str:
    return extract_text(name, data, language=language, max_bytes=LIMIT).text


def turns(text: str) -> list[tuple[str, SpeakerRole, str, float | None]]:
    return [(t.speaker, t.role, text[t.start : t.end], t.time_s) for t in detect_turns(text)]


@pytest.mark.parametrize("source", [HUNGARIAN, ENGLISH], ids=["hu", "en"])
@pytest.mark.parametrize(
    ("name", "build"),
    [
        ("t.txt", lambda s: s.encode("utf-8")),
        ("t.md", lambda s: s.encode("utf-8")),
        ("t.docx", lambda s: docx_bytes(s.split("\n\n"))),
        ("t.odt", lambda s: odt_bytes(s.split("\n\n"))),
        ("t.rtf", lambda s: rtf_bytes(s.split("\n\n"))),
    ],
    ids=["txt", "md", "docx", "odt", "rtf"],
)
def test_paragraph_formats_round_trip(name: str, build: Callable[[str], bytes], source: str) -> None:
    text = extract(name, build(source))
    assert text == source
    assert [(s, r) for s, r, _, _ in turns(text)][:2] in ([("K", INT), ("V", PAR)],
                                                          [("Interviewer", INT), ("Participant", PAR)])  # fmt: skip


def test_docx_with_speaker_turns_in_paragraphs_and_in_a_two_column_table() -> None:
    data = docx_bytes(
        ["Kérdező: Mesélne a gyerekkoráról?", "Válaszadó: Győrben nőttem fel.\nAztán jött a börtön."],
        table=[["Kérdező:", "És azután?"], ["Válaszadó", "Őszintén? Nem emlékszem."]],
    )
    text = extract("interju.docx", data)
    assert text == (
        "Kérdező: Mesélne a gyerekkoráról?\n\nVálaszadó: Győrben nőttem fel.\nAztán jött a börtön.\n\n"
        "Kérdező: És azután?\n\nVálaszadó: Őszintén? Nem emlékszem."
    )
    assert [(s, r) for s, r, _, _ in turns(text)] == [("Kérdező", INT), ("Válaszadó", PAR)] * 2
    assert turns(text)[1][2] == "Győrben nőttem fel.\nAztán jött a börtön."


def test_pdf_text_layer_round_trips_page_by_page() -> None:
    first, second = HUNGARIAN.split("\n\n")[:2], HUNGARIAN.split("\n\n")[2:]
    text = extract("scan.pdf", pdf_bytes([first, [], second]))  # the empty middle page is blank, not scanned
    assert text == "\n".join(first) + "\n\n" + "\n".join(second)
    assert [s for s, _, _, _ in turns(text)] == ["K", "V", "K", "V"]


def test_markdown_markup_is_dropped_and_list_numbers_are_kept() -> None:
    source = (
        "# Interjú 3\n\n**K:** Mikor került be?\n\n**V:** *nevet* Hát\n"
        "2003. januárban, azt hiszem.\n\n- egy\n- kettő\n\n2003. januárban kezdődött."
    )
    text = extract("notes.md", source.encode("utf-8"))
    assert text == (
        "Interjú 3\n\nK: Mikor került be?\n\nV: nevet Hát\n2003. januárban, azt hiszem.\n\n"
        "egy\n\nkettő\n\n2003. januárban kezdődött."
    )
    assert [s for s, _, _, _ in turns(text)] == ["K", "V"]


def test_webvtt_voices_become_timestamped_turns() -> None:
    vtt = (
        "WEBVTT\n\n00:12:31.000 --> 00:12:33.500\n<v Speaker 1>Hogy kezdődött?\n\n"
        "00:12:34.000 --> 00:12:36.000\n<v Speaker 2>Szegeden nőttem fel,\naz apámmal.\n\n"
        "00:12:36.500 --> 00:12:39.000\n<v Speaker 2>Aztán jött a <i>börtön</i> &amp; a többi.\n\n"
        "01:02:03.000 --> 01:02:05.000\n<v Speaker 1>Értem. Mesélne még?\n"
    )
    text = extract("hang.vtt", vtt.encode("utf-8"))
    assert text == (
        "[00:12:31] Speaker 1: Hogy kezdődött?\n\n"
        "[00:12:34] Speaker 2: Szegeden nőttem fel, az apámmal. Aztán jött a börtön & a többi.\n\n"
        "[01:02:03] Speaker 1: Értem. Mesélne még?"
    )
    assert turns(text) == [
        ("Speaker 1", INT, "Hogy kezdődött?", 751.0),
        ("Speaker 2", PAR, "Szegeden nőttem fel, az apámmal. Aztán jött a börtön & a többi.", 754.0),
        ("Speaker 1", INT, "Értem. Mesélne még?", 3723.0),
    ]


def test_srt_in_cp1250_with_labels_in_the_cues() -> None:
    srt = (
        "1\r\n00:00:01,000 --> 00:00:03,000\r\nK: Hol nőtt fel?\r\n\r\n"
        "2\r\n00:00:04,000 --> 00:00:06,000\r\nV: Győrben,\r\na fűzfás udvarban.\r\n\r\n"
    )
    text = extract("felirat.srt", srt.encode("cp1250"))
    assert text == "[00:00:01] K: Hol nőtt fel?\n\n[00:00:04] V: Győrben, a fűzfás udvarban."
    assert turns(text) == [("K", INT, "Hol nőtt fel?", 1.0), ("V", PAR, "Győrben, a fűzfás udvarban.", 4.0)]


def test_subtitles_without_speakers_keep_their_timestamps_as_paragraph_turns() -> None:
    srt = "1\n00:00:01,000 --> 00:00:02,000\nfirst line\n\n2\n00:01:00,000 --> 00:01:02,000\nsecond line\n"
    text = extract("plain.srt", srt.encode("utf-8"), "en")
    assert turns(text) == [("", OTH, "first line", 1.0), ("", OTH, "second line", 60.0)]


@pytest.mark.parametrize("name", ["a.TXT", "b.Docx", "c.vtt", "d.srt", "e.pdf", "f.odt", "g.rtf", "h.md"])
def test_supported_suffixes_are_case_insensitive(name: str) -> None:
    assert is_supported(name)


@pytest.mark.parametrize("name", ["a.doc", "b.xlsx", "c", "d.txt.bak"])
def test_other_suffixes_are_refused_with_the_list_of_formats(name: str) -> None:
    assert not is_supported(name)
    with pytest.raises(InvalidInputError, match=r"not a transcript format .*\.docx"):
        extract(name, b"Interviewer: hi\nParticipant: hello")
