import datetime as dt

from workbench.domain.models import Code, Coding, Segment, SegmentKind, SpeakerRole
from workbench.ui.render import legend_html, safe_color, transcript_html

TEXT = "I: Who? <script>alert(1)</script>\n\nR: Tom & Jerry said so."
CODES = {
    "c1": Code("c1", "Grievance", color="#CC3311"),
    "c2": Code("c2", "<b>bold</b>", color="red;background:url(x)"),
}


def _turn(start: int, end: int) -> Segment:
    return Segment("s", SegmentKind.TURN, 0, start, end, SpeakerRole.PARTICIPANT, "R", TEXT[start:end])


def _coding(code_id: str, start: int, end: int) -> Coding:
    return Coding("x", "i", code_id, "anna", start, end, TEXT[start:end], dt.datetime.now(dt.UTC), coder_id="u-anna")


def test_text_and_names_are_escaped() -> None:
    turn_start = TEXT.index("Who")
    out = transcript_html(TEXT, [_turn(turn_start, TEXT.index("\n"))], [], CODES)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "<b>bold</b>" not in legend_html(CODES, {"c2"})


def test_overlapping_codings_split_the_text_and_stack() -> None:
    start = TEXT.index("Tom")
    codings = [_coding("c1", start, start + 11), _coding("c2", start + 6, start + 11)]
    out = transcript_html(TEXT, [_turn(start, len(TEXT))], codings, CODES)
    assert out.count("<mark") == 2  # "Tom & " (one code) and "Jerry" (two codes)
    assert "box-shadow" in out  # the overlap is visible beyond colour
    assert "[1]" in out and "[2]" in out  # numbers, not colour alone


def test_unsafe_colours_are_replaced() -> None:
    assert safe_color("#A1B2C3") == "#A1B2C3"
    assert safe_color("red;background:url(x)") == "#DDDDDD"
    assert "url(x)" not in legend_html(CODES, {"c2"})
