"""The text view's Python side: offsets from the browser, escaped markup, event checking."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from workbench.domain.models import Code, Coding, Segment, SegmentKind, SpeakerRole
from workbench.errors import InvalidInputError
from workbench.ui.components import assets
from workbench.ui.components.markup import code_numbers, codings_at, view_html
from workbench.ui.components.offsets import selection_span, to_code_point, trim_span, utf16_length
from workbench.ui.components.text_view import read_event, sentence_at


def js_units(text: str) -> int:
    """What JavaScript's ``String.length`` says: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


# -- offsets ---------------------------------------------------------------------------


def test_astral_characters_count_one_code_point_but_two_utf16_units() -> None:
    text = "Ő 😀 ment a 𝄞 börtönbe"
    assert utf16_length(text) == js_units(text) == len(text) + 2
    # The browser reports the word "börtönbe" by its UTF-16 offset inside the piece starting at 0.
    word_start_utf16 = js_units(text[: text.index("börtönbe")])
    start = to_code_point(text, (0, word_start_utf16), round_up=False)
    end = to_code_point(text, (0, word_start_utf16 + js_units("börtönbe")), round_up=True)
    assert text[start:end] == "börtönbe"
    # Relative to a piece that starts after the emoji, no correction is needed before it.
    piece = text.index("ment")
    assert to_code_point(text, (piece, js_units("ment a ")), round_up=False) == text.index("𝄞")


def test_a_point_inside_a_surrogate_pair_never_cuts_the_character() -> None:
    text = "a😀b"
    assert to_code_point(text, (0, 2), round_up=False) == 1  # start rounds down: before the emoji
    assert to_code_point(text, (0, 2), round_up=True) == 2  # end rounds up: after it
    assert selection_span(text, [0, 2], [0, 2]) == (1, 2)


def test_hungarian_accents_are_single_code_points_after_nfc() -> None:
    text = "Őszintén szólva a fűzfás udvar"
    assert js_units(text) == len(text)
    at = js_units("Őszintén szólva a ")
    assert selection_span(text, [0, at], [0, at + len("fűzfás")]) == (18, 24)
    assert text[18:24] == "fűzfás"


@pytest.mark.parametrize(
    ("start", "end"),
    [([0, 1], [0, 99]), ([-1, 0], [0, 3]), ([99, 0], [99, 1]), ("0,1", [0, 2]), ([0, True], [0, 2]),
     ([0], [0, 2]), (None, [0, 2]), ([0.5, 1], [0, 2])],
)  # fmt: skip
def test_malformed_or_outside_points_from_the_browser_are_refused(start: object, end: object) -> None:
    with pytest.raises(InvalidInputError):
        selection_span("short text", start, end)


def test_selections_lose_surrounding_white_space_and_empty_ones_are_refused() -> None:
    text = "one  two\n three"
    assert selection_span(text, [0, 3], [0, 10]) == (5, 8)
    with pytest.raises(InvalidInputError, match="no text"):
        trim_span(text, 3, 5)
    assert selection_span(text, [0, 8], [0, 4]) == (5, 8)  # a backwards pair is put in order, then trimmed


# -- markup ----------------------------------------------------------------------------

TEXT = "I: Hi <b>&\n\nR: 😀 Ő <script>alert(1)</script> end.\x00!"
HOSTILE_NAME = '"><img src=x onerror=alert(1)>'


def _segments() -> list[Segment]:
    first = TEXT.index("Hi")
    second = TEXT.index("😀")
    return [
        Segment("t0", SegmentKind.TURN, 0, first, TEXT.index("\n"), SpeakerRole.INTERVIEWER, HOSTILE_NAME, ""),
        Segment("t1", SegmentKind.TURN, 1, second, len(TEXT), SpeakerRole.PARTICIPANT, "R", ""),
        Segment("s0", SegmentKind.SENTENCE, 0, second, TEXT.index(" end") + 5, SpeakerRole.PARTICIPANT, "", "",
                parent_id="t1"),
    ]  # fmt: skip


def _codes() -> list[Code]:
    return [
        Code("g", "Group", codable=False),
        Code("a", HOSTILE_NAME, parent_id="g", color="#CC3311"),
        Code("b", "Second", color="red; background:url(http://x)"),
    ]


def _coding(cid: str, code: str, start: int, end: int, coder: str = "anna") -> Coding:
    return Coding(cid, "i", code, coder, start, end, TEXT[start:end], dt.datetime.now(dt.UTC), coder_id=coder)


class _Pieces(HTMLParser):
    """Collects (data-s, text) of every text piece, and every tag name, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[int, str]] = []
        self.tags: list[str] = []
        self._open: int | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if "wbc-t" in (values.get("class") or "").split():
            self._open = int(values["data-s"] or "")
            self.pieces.append((self._open, ""))

    def handle_endtag(self, tag: str) -> None:
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            start, text = self.pieces[-1]
            self.pieces[-1] = (start, text + data)


def _parse(markup: str) -> _Pieces:
    parser = _Pieces()
    parser.feed(markup)
    return parser


def test_every_piece_says_where_it_starts_and_holds_exactly_the_transcript_characters() -> None:
    segments = _segments()
    codings = [_coding("c1", "a", TEXT.index("Ő"), TEXT.index(" end")), _coding("c2", "b", TEXT.index("<s"), len(TEXT))]
    parsed = _parse(
        view_html(TEXT, [s for s in segments if s.kind is SegmentKind.TURN], codings, code_numbers(_codes()))
    )
    for start, piece in parsed.pieces:
        expected = TEXT[start : start + len(piece)].replace("\x00", "\ufffd")
        assert piece == expected
    covered = "".join(p for _, p in parsed.pieces)
    assert covered == (TEXT[TEXT.index("Hi") : TEXT.index("\n")] + TEXT[TEXT.index("😀") :]).replace("\x00", "\ufffd")


def test_untrusted_text_speaker_and_code_names_are_escaped() -> None:
    segments = [s for s in _segments() if s.kind is SegmentKind.TURN]
    codings = [_coding("c1", "a", TEXT.index("<s"), TEXT.index(" end"))]
    markup = view_html(TEXT, segments, codings, code_numbers(_codes()))
    assert set(_parse(markup).tags) <= {"div", "span", "button"}
    assert "<script>" not in markup and "<img" not in markup and "<b>" not in markup
    assert "&lt;script&gt;" in markup and "&lt;img src=x onerror=alert(1)&gt;" in markup


def test_overlaps_stack_one_band_per_coding_and_badges_carry_code_numbers() -> None:
    segments = [s for s in _segments() if s.kind is SegmentKind.TURN]
    start = TEXT.index("Ő")
    codings = [_coding("c1", "a", start, start + 10), _coding("c2", "b", start + 2, start + 5, coder="bence")]
    markup = view_html(TEXT, segments, codings, code_numbers(_codes()))
    pattern = f'<span class="wbc-t wbc-c" data-s="{start + 2}" style="([^"]*)" title="([^"]*)" data-codes="1 2"'
    both = re.search(pattern, markup)
    assert both is not None
    assert both.group(1).count("px 0 #") == 2  # two coloured bands, one per coding
    assert "#CC3311" in both.group(1) and "#DDDDDD" in both.group(1)  # the unsafe colour was replaced
    assert "(anna)" in both.group(2) and "Second (bence)" in both.group(2)
    badges = re.findall(r'data-coding="(c\d)"[^>]*>(\d)</span>', markup)
    assert badges == [("c1", "1"), ("c2", "2")]


def test_turns_carry_stable_data_attributes_and_labels_for_browser_tests() -> None:
    segments = [s for s in _segments() if s.kind is SegmentKind.TURN]
    codings = [_coding("c1", "a", TEXT.index("Ő"), TEXT.index(" end"))]
    markup = view_html(
        TEXT, segments, codings, code_numbers(_codes()), pending=(TEXT.index("Hi"), TEXT.index("Hi") + 2)
    )
    assert 'data-turn="0"' in markup and 'data-coded="0"' in markup and 'data-coded="1"' in markup
    assert 'aria-label="Select turn 2 (R)"' in markup
    assert f'class="wbc-t wbc-sel" data-s="{TEXT.index("Hi")}">Hi<' in markup


def test_the_component_loads_nothing_from_the_network() -> None:
    for source in (assets.HTML, assets.CSS, assets.JS):
        assert not re.search(r"https?://|//cdn|import\s*\(|fetch\(|XMLHttpRequest|WebSocket", source)


def test_codable_codes_are_numbered_in_codebook_order() -> None:
    numbers = code_numbers(_codes())
    assert [(n.number, n.code.id) for n in numbers.values()] == [(1, "a"), (2, "b")]


# -- events ------------------------------------------------------------------------------


def test_events_are_checked_and_converted() -> None:
    segments = _segments()
    emoji = TEXT.index("😀")
    event = read_event("select", {"start": [emoji, 0], "end": [emoji, 4]}, TEXT, segments)
    assert event is not None and event.span == (emoji, emoji + 3)  # 😀 (2 units), space, Ő
    event = read_event("pick", {"kind": "turn", "position": 1}, TEXT, segments)
    assert event is not None and (event.kind, event.span, event.turn) == ("turn", (emoji, len(TEXT)), 1)
    event = read_event("pick", {"kind": "sentence", "at": [emoji, 5]}, TEXT, segments)
    assert event is not None and event.span == (segments[2].start, segments[2].end)
    event = read_event("key", {"number": 2, "start": None, "end": None}, TEXT, segments)
    assert event is not None and (event.number, event.span) == (2, None)
    event = read_event("coding", {"id": "abc123"}, TEXT, segments)
    assert event is not None and event.coding_id == "abc123"
    sentence = segments[2]
    event = read_event("open", {"start": None, "end": None, "sentences": [sentence.start, sentence.end]}, TEXT,
                       segments)  # fmt: skip
    assert event is not None and (event.kind, event.span) == ("open", (sentence.start, sentence.end))
    event = read_event("open", {"start": [emoji, 0], "end": [emoji, 4]}, TEXT, segments)
    assert event is not None and event.span == (emoji, emoji + 3)
    event = read_event("open", {"start": None, "end": None}, TEXT, segments)
    assert event is not None and (event.kind, event.span) == ("open", None)
    assert read_event("select", None, TEXT, segments) is None


@pytest.mark.parametrize(
    ("name", "payload"),
    [("select", "x"), ("pick", {"kind": "turn", "position": 9}), ("pick", {"kind": "other"}),
     ("key", {"number": "1"}), ("key", {"number": -1}), ("coding", {"id": "<script>"}), ("mystery", {}),
     ("open", "x"), ("open", {"sentences": [0, len(TEXT)]}), ("open", {"start": [0, 0], "end": [999, 0]})],
)  # fmt: skip
def test_unexpected_events_are_refused(name: str, payload: object) -> None:
    with pytest.raises(InvalidInputError):
        read_event(name, payload, TEXT, _segments())


def test_a_click_outside_any_sentence_falls_back_to_the_turn_and_then_refuses() -> None:
    segments = _segments()
    last = len(TEXT) - 1
    assert sentence_at(last, segments) == (segments[1].start, segments[1].end)
    with pytest.raises(InvalidInputError):
        sentence_at(TEXT.index("\n") + 1, segments)


def test_arrow_key_selections_must_be_whole_sentences_of_this_transcript() -> None:
    segments = _segments()
    sentence = segments[2]
    event = read_event("pick", {"kind": "sentences", "span": [sentence.start, sentence.end]}, TEXT, segments)
    assert event is not None and (event.kind, event.span) == ("sentence", (sentence.start, sentence.end))
    event = read_event("key", {"number": 1, "start": None, "end": None, "sentences": [sentence.start, sentence.end]},
                       TEXT, segments)  # fmt: skip
    assert event is not None and (event.number, event.span) == (1, (sentence.start, sentence.end))
    # An arbitrary span (not on sentence edges), a reversed one, or a malformed one is refused.
    for bad in ([sentence.start, sentence.end - 1], [sentence.start + 1, sentence.end], [sentence.end, sentence.start],
                [0, len(TEXT)], "0,5", [True, 5], [1]):  # fmt: skip
        with pytest.raises(InvalidInputError):
            read_event("pick", {"kind": "sentences", "span": bad}, TEXT, segments)


def test_the_transcript_is_one_tab_stop() -> None:
    segments = [s for s in _segments() if s.kind is SegmentKind.TURN]
    codings = [_coding("c1", "a", TEXT.index("Ő"), TEXT.index(" end"))]
    markup = view_html(TEXT, segments, codings, code_numbers(_codes()))
    focusable = re.findall(r"<(button|span)[^>]*class=\"wbc-(?:speaker|badge)\"[^>]*>", markup)
    assert len(focusable) == 3  # two speakers and one badge
    tags = re.findall(r"<(?:button|span)[^>]*class=\"wbc-(?:speaker|badge)\"[^>]*>", markup)
    assert all('tabindex="-1"' in tag for tag in tags)
    assert 'tabindex="0"' in assets.HTML  # the view itself is the one stop


def test_m_reaches_the_codings_at_a_selection_in_the_order_of_their_badges() -> None:
    """The keyboard's way to a badge: the codings touching the selection, as the badges stand."""
    numbers = code_numbers(_codes())
    o, end = TEXT.index("Ő"), TEXT.index(" end")
    later = _coding("c1", "a", o, end)
    second_code = _coding("c2", "b", TEXT.index("😀"), len(TEXT))
    first_code = _coding("c3", "a", TEXT.index("😀"), end, coder="bence")
    elsewhere = _coding("c4", "a", 0, TEXT.index("\n"))
    codings = [later, second_code, first_code, elsewhere]
    assert [c.id for c in codings_at(codings, (o, o + 1), numbers)] == ["c3", "c2", "c1"]
    markup = view_html(TEXT, _segments(), codings, numbers)
    # The same order as in the text; a coding starting before its turn (in the speaker label) still
    # has its badge, where the turn's text starts.
    assert re.findall(r'data-coding="(c\d)"', markup) == ["c4", "c3", "c2", "c1"]
    label_only = _coding("c5", "b", 0, TEXT.index("Hi"))  # nothing of it in the text: no badge
    assert "c5" not in view_html(TEXT, _segments(), [*codings, label_only], numbers)
    # Touching means sharing a character: a coding ending where the selection starts is not at it.
    assert [c.id for c in codings_at(codings, (end, len(TEXT)), numbers)] == ["c2"]
    assert codings_at(codings, (TEXT.index("\n"), TEXT.index("😀")), numbers) == []


def test_a_coding_with_a_memo_is_marked_on_its_badge_in_words_and_not_by_colour() -> None:
    segments = [s for s in _segments() if s.kind is SegmentKind.TURN]
    plain = _coding("c1", "a", TEXT.index("Ő"), TEXT.index(" end"))
    noted = Coding("c2", "i", "b", "anna", TEXT.index("<s"), len(TEXT), "", dt.datetime.now(dt.UTC),
                   memo="<b>check</b>", coder_id="anna")  # fmt: skip
    for read_only in (False, True):
        markup = view_html(TEXT, segments, [plain, noted], code_numbers(_codes()), read_only=read_only)
        badges = re.findall(r'<span class="(wbc-badge[^"]*)"[^>]*title="([^"]*)"[^>]*>([^<]*)</span>', markup)
        assert [(("wbc-has-memo" in cls), text) for cls, _title, text in badges] == [(False, "1"), (True, "2✎")]
        assert "with a memo" in badges[1][1] and "with a memo" not in badges[0][1]
        assert "check" not in markup  # the memo's words stay out of the transcript markup
