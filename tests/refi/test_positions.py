"""Offsets counted the way other tools count them land on the intended text after normalisation."""

from __future__ import annotations

import itertools
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.refi.fixtures import _crlf_two, _utf16
from workbench.domain.text import normalize
from workbench.refi.positions import READINGS, STANDARD, Span, normalized_positions, place

TEXT = "I: Hello 🙂 there.\r\nR: The judge 𝄞 decided before I spoke.\r\nI: And then?\r\nR: Then prison.\r\n"
QUOTES = ["Hello", "judge", "decided before I spoke", "Then prison"]


def _spans(text: str, unit: object) -> list[Span]:
    spans = []
    for quote in QUOTES:
        start = text.index(quote)
        spans.append(Span(unit(text, start), unit(text, start + len(quote))))  # type: ignore[operator]
    return spans


def _placed(raw: str, spans: list[Span]) -> list[str]:
    placement = place(raw, spans)
    return [placement.text[s:e] for s, e in (span or (0, 0) for span in placement.spans)]


def test_standard_code_points_are_kept() -> None:
    placement = place(TEXT, _spans(TEXT, lambda _t, i: i))
    assert placement.reading == STANDARD
    assert [placement.text[s:e] for s, e in placement.spans] == QUOTES  # type: ignore[misc]


def test_utf16_code_units_are_detected() -> None:
    # three selections differ: enough for a tool known to count UTF-16 (NVivo), not for an unknown one
    placement = place(TEXT, _spans(TEXT, _utf16), "NVivo 12")
    assert [placement.text[s:e] for s, e in placement.spans] == QUOTES  # type: ignore[misc]
    assert placement.reading.utf16
    assert place(TEXT, _spans(TEXT, _utf16), "qdacli 0.3").reading == STANDARD


def test_crlf_counted_as_two_on_a_file_with_bare_lf() -> None:
    lf = TEXT.replace("\r\n", "\n")
    crlf_positions = [Span(_utf16(TEXT, TEXT.index(q)), _utf16(TEXT, TEXT.index(q) + len(q))) for q in QUOTES]
    placement = place(lf, crlf_positions, "ATLAS.ti 8.4")
    assert [placement.text[s:e] for s, e in placement.spans] == QUOTES  # type: ignore[misc]
    assert placement.reading.utf16 and placement.reading.newlines == "CRLF as two"


def test_crlf_counted_as_one_on_a_file_with_crlf() -> None:
    lf = TEXT.replace("\r\n", "\n")
    quotes = [*QUOTES, "And then"]  # four selections after the first line end: enough from an unknown tool
    spans = [Span(lf.index(q), lf.index(q) + len(q)) for q in quotes]
    assert _placed(TEXT, spans) == quotes


def test_selection_names_decide_when_positions_alone_cannot() -> None:
    text = "aaaa bbbb\ncccc dddd\neeee ffff\n"
    # Both readings put the span between words; only the name says which words were meant.
    wrong_by_standard = Span(_crlf_two(text, 10), _crlf_two(text, 14), name="cccc")
    assert _placed(text, [wrong_by_standard]) == ["cccc"]


def test_decomposed_text_maps_to_composed_offsets() -> None:
    raw = unicodedata.normalize("NFD", "Kisrétfalván, a fűzfás udvaron")
    start = raw.index(unicodedata.normalize("NFD", "fűzfás"))
    end = start + len(unicodedata.normalize("NFD", "fűzfás"))
    assert _placed(raw, [Span(start, end)]) == ["fűzfás"]


def test_spans_outside_the_text_do_not_fit() -> None:
    placement = place("short text", [Span(3, 99), Span(5, 5)])
    assert placement.spans == [None, None]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab é\r\n🙂e\u0301")), max_size=40))
def test_every_raw_offset_maps_into_the_normalised_text(raw: str) -> None:
    text, positions = normalized_positions(raw)
    assert text == normalize(raw)
    assert positions[0] == 0 and positions[-1] == len(text)
    assert all(a <= b for a, b in itertools.pairwise(positions))
    assert len(READINGS) == 6


def test_one_sloppy_offset_past_the_end_does_not_move_the_other_selections() -> None:
    text = "I: Where were you?\nR: At home with my mother.\nI: And then?\nR: Then the city, then prison.\n"
    spans = [Span(text.index(q), text.index(q) + len(q)) for q in ("At home", "my mother", "the city")]
    spans.append(Span(text.index("prison"), len(text) + 2))  # a tool's off-by-two end
    placement = place(text, spans)
    assert placement.reading == STANDARD
    assert [placement.text[s:e] for s, e in placement.spans[:3]] == ["At home", "my mother", "the city"]  # type: ignore[misc]
    assert placement.spans[3] is None


def test_a_file_this_workbench_wrote_is_read_as_the_standard_says() -> None:
    lf = TEXT.replace("\r\n", "\n")
    crlf_positions = [Span(_utf16(TEXT, TEXT.index(q)), _utf16(TEXT, TEXT.index(q) + len(q))) for q in QUOTES[:3]]
    assert place(lf, crlf_positions, "workbench (encrypted qualitative research workbench)").reading == STANDARD
    assert place(lf, crlf_positions, "NVivo 12").reading != STANDARD
