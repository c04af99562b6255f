"""The Code page through AppTest, on a copy of a real encrypted demo project.

The text view runs JavaScript in a browser, which AppTest has none of: here it is an element
whose data (the escaped markup) can be read, and its events are sent the way the browser sends
them, as a JSON trigger value for the component's event widget (``_send_view_event``). That
exercises the real path: trigger, the component's callback, the service, the re-rendered view.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import close, demo_project, new_app, send_view_event, sign_in, view_data
from workbench.domain.models import SegmentKind
from workbench.services.coding import interview_codings, open_for_coding
from workbench.services.interviews import list_interviews
from workbench.services.projects import open_project
from workbench.services.visibility import set_comparison_open
from workbench.ui.components import code_state as cs


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "code-ui")


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    """A fresh copy per test (the tests write codings), cheaper than building a demo each time."""
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


def _code_page(at: AppTest, user: str) -> AppTest:
    sign_in(at, user=user)
    return at.switch_page("pages/code.py").run()


def _view(at: AppTest) -> tuple[str, str]:
    """(element id, markup) of the text view."""
    component_id, data = view_data(at)
    return component_id, data["html"]


_send_view_event = send_view_event


def _pending(at: AppTest) -> object:
    return at.session_state.get(cs.PENDING, None)


def _first_interview(demo_dir: Path, user: str = "admin") -> tuple[str, str]:
    ws = open_project(demo_dir, PASSPHRASE, user)
    try:
        first = list_interviews(ws)[0]
        return first.id, open_for_coding(ws, first.id).text
    finally:
        ws.close()


def _codings(demo_dir: Path, interview_id: str, user: str = "lena") -> list[tuple[str, str, int, int]]:
    ws = open_project(demo_dir, PASSPHRASE, user)
    try:
        return [(c.coder, c.code_id, c.start, c.end) for c in interview_codings(ws, interview_id).codings]
    finally:
        ws.close()


def test_a_blind_researcher_sees_the_view_with_only_her_own_codings(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    assert not app.exception and not app.error
    assert app.title[0].value == "Code"
    assert any("Blind coding is on" in c.value for c in app.caption)
    interview_id, _ = _first_interview(demo_dir)
    own = [c for c in _codings(demo_dir, interview_id) if c[0] == "anna"]
    _, markup = _view(app)
    assert markup.count("data-coding=") == len(own) > 0
    assert "(bence)" not in markup and "(anna)" in markup
    assert "wbc-turn" in markup and 'data-turn="0"' in markup


def test_a_lead_sees_every_coders_codings(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "lena")
    interview_id, _ = _first_interview(demo_dir)
    _, markup = _view(app)
    assert markup.count("data-coding=") == len(_codings(demo_dir, interview_id)) > 0
    assert "(bence)" in markup and "(anna)" in markup
    assert not any("Blind coding is on" in c.value for c in app.caption)


def test_select_in_the_view_then_apply_with_the_button(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    interview_id, text = _first_interview(demo_dir)
    phrase = "orange ferry"
    start = text.index(phrase)
    _send_view_event(app, "select", {"start": [start, 0], "end": [start, len(phrase)]})
    assert app.session_state[cs.PENDING] == (start, start + len(phrase))
    assert any(t.value == phrase for t in app.text)
    _, markup = _view(app)
    assert f'class="wbc-t wbc-sel" data-s="{start}">{phrase}<' in markup
    app.multiselect(key=cs.CHOSEN).select(app.multiselect(key=cs.CHOSEN).options[4]).run()
    app.button(key="code.apply").click().run()
    assert not app.exception and not app.error
    assert "Quest for significance" in app.success[0].value
    assert app.session_state[cs.PENDING] is None
    added = [c for c in _codings(demo_dir, interview_id) if (c[2], c[3]) == (start, start + len(phrase))]
    assert [c[0] for c in added] == ["anna"]
    _, markup = _view(app)
    assert f'data-s="{start}" style=' in markup  # the new highlight is in the re-rendered view


def test_typing_a_code_number_in_the_view_applies_it_to_the_selection(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "bence")
    interview_id, text = _first_interview(demo_dir)
    phrase = "biscuit tin"
    start = text.index(phrase)
    _send_view_event(app, "key", {"number": 13, "start": [start, 0], "end": [start, len(phrase)]})
    assert not app.exception and not app.error
    assert "13 · Turning points" in app.success[0].value
    assert [c[0] for c in _codings(demo_dir, interview_id) if c[2] == start] == ["bence"]


def test_clicking_a_speaker_selects_the_turn_and_a_number_key_codes_it(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    interview_id, _ = _first_interview(demo_dir)
    _send_view_event(app, "pick", {"kind": "turn", "position": 4})
    span = app.session_state[cs.PENDING]
    assert app.session_state[cs.FOCUS][0] == 4
    _send_view_event(app, "key", {"number": 1, "start": None, "end": None})
    assert not app.error
    assert ("anna", span[0], span[1]) in [(c[0], c[2], c[3]) for c in _codings(demo_dir, interview_id)]


def test_events_merged_into_one_message_are_each_handled_once_in_order(app: AppTest, demo_dir: Path) -> None:
    """What the browser sends numbered: the backlog it resends is applied once, and only for its interview."""
    _code_page(app, "anna")
    interview_id, text = _first_interview(demo_dir)
    phrase = "biscuit tin"
    start = text.index(phrase)
    chosen = {"start": [start, 0], "end": [start, len(phrase)]}

    def numbered(seq: int, name: str, value: object, scope: str = interview_id) -> dict[str, object]:
        return {"seq": seq, "name": name, "value": value, "scope": scope}

    # Code 1's message was merged away: code 13's carries it, and both are applied, 1 first.
    backlog = [numbered(1, "key", {"number": 1, **chosen})]
    message = {"epoch": "e1", "seq": 2, "value": {"number": 13, **chosen}, "scope": interview_id, "backlog": backlog}
    _send_view_event(app, "key", message)
    assert not app.exception and not app.error
    assert len([c for c in _codings(demo_dir, interview_id) if c[2] == start]) == 2
    assert view_data(app)[1]["ack"] == {"epoch": "e1", "seq": 2}
    # Sent again (the browser had not seen the acknowledgement yet), with a clear: nothing is applied twice.
    again = {"epoch": "e1", "seq": 3, "value": {}, "scope": interview_id,
             "backlog": [*backlog, numbered(2, "key", {"number": 13, **chosen})]}  # fmt: skip
    _send_view_event(app, "clear", again)
    assert not app.exception and not app.error
    assert len([c for c in _codings(demo_dir, interview_id) if c[2] == start]) == 2
    assert _pending(app) is None
    # An event typed on another interview is dropped, not applied to this one.
    other = {"epoch": "e1", "seq": 4, "value": {"number": 5, **chosen}, "scope": "another", "backlog": []}
    _send_view_event(app, "key", other)
    assert len([c for c in _codings(demo_dir, interview_id) if c[2] == start]) == 2
    # A new browser page (another epoch) starts its own numbering.
    fresh = {"epoch": "e2", "seq": 1, "value": {"number": 5, **chosen}, "scope": interview_id, "backlog": []}
    _send_view_event(app, "key", fresh)
    assert not app.error
    assert len([c for c in _codings(demo_dir, interview_id) if c[2] == start]) == 3
    # A malformed number is refused with a message, not a traceback.
    _send_view_event(app, "key", {**fresh, "epoch": "not an epoch!"})
    assert not app.exception and app.error


def test_a_selection_outside_the_text_is_refused_with_a_message(app: AppTest) -> None:
    _code_page(app, "anna")
    _send_view_event(app, "select", {"start": [0, 0], "end": [10_000_000, 0]})
    assert not app.exception
    assert "selection" in app.error[0].value
    assert _pending(app) is None


def test_apply_without_a_selection_explains_what_to_do(app: AppTest) -> None:
    _code_page(app, "anna")
    app.multiselect(key=cs.CHOSEN).select(app.multiselect(key=cs.CHOSEN).options[0]).run()
    app.button(key="code.apply").click().run()
    assert "Select some text" in app.error[0].value


def test_numbers_typed_in_the_code_box_choose_codes(app: AppTest) -> None:
    _code_page(app, "anna")
    app.text_input(key=cs.FIND).input("3 13").run()
    chosen = app.multiselect(key=cs.CHOSEN).value
    assert len(chosen) == 2
    assert app.text_input(key=cs.FIND).value == ""
    app.text_input(key=cs.FIND).input("grie").run()
    assert "Group grievance" in app.get("html")[0].proto.body and "Turning points" not in app.get("html")[0].proto.body


def test_next_uncoded_turn_becomes_the_selection(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    app.button(key="code.next").click().run()
    span = app.session_state[cs.PENDING]
    turn = app.session_state[cs.FOCUS][0]
    _, markup = _view(app)
    assert f'data-turn="{turn}" data-start="{span[0]}" data-end="{span[1]}" data-coded="0"' in markup


def test_a_badge_click_opens_the_coding_and_it_can_be_removed(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    interview_id, _ = _first_interview(demo_dir)
    before = _codings(demo_dir, interview_id)
    _, markup = _view(app)
    coding_id = markup.split('data-coding="')[1].split('"')[0]
    _send_view_event(app, "coding", {"id": coding_id})
    assert app.selectbox(key=cs.CODING).value == coding_id
    app.text_area(key=f"code.memo.{coding_id}").input("Revisit after wave 2.").run()
    app.button(key="code.memo.save").click().run()
    assert "Memo saved" in app.success[0].value
    app.button(key="code.remove").click().run()
    assert "removed" in app.success[0].value
    assert len(_codings(demo_dir, interview_id)) == len(before) - 1


def test_m_in_the_view_opens_each_coding_at_the_selection_in_turn(app: AppTest, demo_dir: Path) -> None:
    """The keyboard's badge: M opens the coding at the selection, each further press the next."""
    _code_page(app, "lena")
    _, markup = _view(app)
    # A turn holding several badges (the lead sees every coder's codings).
    turns = re.findall(r'<div class="wbc-turn[^"]*" role="group" data-turn="(\d+)"(.*?)</div>', markup)
    position, body = next((int(p), b) for p, b in turns if b.count("data-coding=") >= 2)
    in_turn = re.findall(r'data-coding="([^"]+)"', body)
    _send_view_event(app, "open", {"start": None, "end": None})
    assert "Select a passage first" in app.error[0].value
    assert app.selectbox(key=cs.CODING).value is None
    _send_view_event(app, "pick", {"kind": "turn", "position": position})
    opened = []
    for _press in range(len(in_turn) + 1):
        _send_view_event(app, "open", {"start": None, "end": None})
        assert not app.error and not app.exception
        opened.append(app.session_state[cs.CODING])
        assert any(s.label == "Memo on this coding" for s in app.text_area)  # beside the text
    assert opened[0] == in_turn[0]  # the badge that comes first in the turn
    assert set(opened[:-1]) >= set(in_turn) and opened[-1] == opened[0]  # each once, then round again
    # A passage no coding touches: a message, and the open coding stays open.
    spans = {(c[2], c[3]) for c in _codings(demo_dir, _first_interview(demo_dir)[0])}
    ws = open_project(demo_dir, PASSPHRASE, "lena")
    try:
        bare = next(t for t in open_for_coding(ws, _first_interview(demo_dir)[0]).turns
                    if not any(a < t.end and t.start < b for a, b in spans))  # fmt: skip
    finally:
        ws.close()
    _send_view_event(app, "pick", {"kind": "turn", "position": bare.position})
    _send_view_event(app, "open", {"start": None, "end": None})
    assert "No coding touches the selection" in app.info[0].value
    assert app.session_state[cs.CODING] == opened[0]


def test_a_coding_is_reshaped_by_words_sentences_and_turns_without_character_numbers(
    app: AppTest, demo_dir: Path
) -> None:
    _code_page(app, "anna")
    interview_id, text = _first_interview(demo_dir)
    phrase = "biscuit tin"
    start = text.index(phrase)
    _send_view_event(app, "key", {"number": 13, "start": [start, 0], "end": [start, len(phrase)]})
    [coding_id] = _coding_ids(demo_dir, interview_id, "anna", start)
    _send_view_event(app, "coding", {"id": coding_id})  # its badge: the editor opens beside the text
    assert any(m.value.startswith("> ") and phrase in m.value for m in app.markdown), "the quote, not numbers"
    app.button(key="code.adj.end.grow").click().run()  # one more word at the end
    span = _span_of(demo_dir, interview_id, coding_id)
    assert span[0] == start and text[span[0] : span[1]].startswith(phrase + " ") and " " not in text[span[1] - 1]
    app.radio(key="code.adj.unit").set_value("sentence").run()
    app.button(key="code.adj.start.grow").click().run()  # back to the start of its sentence
    app.button(key="code.adj.end.grow").click().run()  # and on to its end
    ws = open_project(demo_dir, PASSPHRASE, "anna")
    try:
        sentences = [s for s in open_for_coding(ws, interview_id).segments if s.kind is SegmentKind.SENTENCE]
    finally:
        ws.close()
    sentence = next(s for s in sentences if s.start <= start < s.end)
    assert _span_of(demo_dir, interview_id, coding_id) == (sentence.start, sentence.end)
    app.button(key="code.adj.turn").click().run()
    assert not app.error and not app.exception
    turn_span = _span_of(demo_dir, interview_id, coding_id)
    assert turn_span[0] <= sentence.start and sentence.end <= turn_span[1]
    app.button(key="code.adj.start.shrink").click().run()  # the only way to shrink past a sentence edge
    assert not app.exception
    app.button(key="code.coding.close").click().run()
    assert app.selectbox(key=cs.CODING).value is None
    assert not [b for b in app.button if b.key == "code.adj.turn"], "the editor beside the text is closed"


def _coding_ids(demo_dir: Path, interview_id: str, coder: str, start: int) -> list[str]:
    ws = open_project(demo_dir, PASSPHRASE, "lena")
    try:
        return [c.id for c in interview_codings(ws, interview_id).codings if c.coder == coder and c.start == start]
    finally:
        ws.close()


def _span_of(demo_dir: Path, interview_id: str, coding_id: str) -> tuple[int, int]:
    ws = open_project(demo_dir, PASSPHRASE, "lena")
    try:
        return next((c.start, c.end) for c in interview_codings(ws, interview_id).codings if c.id == coding_id)
    finally:
        ws.close()


def test_a_researcher_cannot_change_another_coders_coding(app: AppTest, demo_dir: Path) -> None:
    lead = open_project(demo_dir, PASSPHRASE, "lena")
    set_comparison_open(lead, opened=True)
    lead.close()
    _code_page(app, "anna")
    _, markup = _view(app)
    bences = markup.split("(bence)")[0].rsplit('data-coding="', 1)[1].split('"')[0]
    _send_view_event(app, "coding", {"id": bences})
    assert app.button(key="code.remove").disabled
    assert any("someone else's" in c.value for c in app.caption)


def test_interview_memo_is_added_and_listed(app: AppTest) -> None:
    _code_page(app, "anna")
    app.text_area(key=cs.MEMO_NEW).input("Wave 2: ask about the ferry.").run()
    app.button(key="code.memo.add").click().run()
    assert not app.error
    assert any(t.value == "Wave 2: ask about the ferry." for t in app.text)


def test_code_by_search_reviews_hits_and_codes_the_chosen_ones(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    app.text_input(key=cs.SEARCH_QUERY).input("borton")
    app.radio(key=cs.SEARCH_MODE).set_value("any word")
    app.button(key="FormSubmitter:code.search.form-Search").click().run()
    assert not app.exception and not app.error
    picked = app.multiselect(key=cs.SEARCH_PICK)
    assert len(picked.value) >= 2
    keep = picked.value[:2]
    picked.set_value(keep).run()
    codes = app.multiselect(key=cs.SEARCH_CODES)
    codes.select(codes.options[11]).run()
    app.button(key="code.search.apply").click().run()
    assert "Added 2 codings to 2 passages" in app.success[0].value


def test_switching_interview_clears_the_pending_selection(app: AppTest) -> None:
    _code_page(app, "anna")
    _send_view_event(app, "pick", {"kind": "turn", "position": 1})
    assert app.session_state[cs.PENDING] is not None
    box = app.selectbox(key=cs.INTERVIEW)
    box.select(box.options[1]).run()
    assert app.session_state[cs.PENDING] is None
    assert not app.exception


def test_signing_out_leaves_no_decrypted_passage_in_the_session(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    _, text = _first_interview(demo_dir)
    phrase = "orange ferry"
    app.text_input(key=cs.SEARCH_QUERY).input(phrase)
    app.radio(key=cs.SEARCH_MODE).set_value("phrase")
    app.button(key="FormSubmitter:code.search.form-Search").click().run()
    start = text.index(phrase)
    _send_view_event(app, "select", {"start": [start, 0], "end": [start, len(phrase)]})
    ws = app.session_state["workspace"]
    assert any(phrase in h.text for h in cs.search_result(ws).hits)  # type: ignore[union-attr]
    app.sidebar.button[0].click().run()
    assert "workspace" not in app.session_state
    app.run()  # widgets of the Code page are gone from this run, and their state with them
    leftovers = repr(app.session_state.to_dict())
    assert "Hungary" not in leftovers and "ferry" not in leftovers.replace(f"'{phrase}'", "")


def test_the_uncoded_buttons_have_the_side_column_to_themselves(app: AppTest) -> None:
    """Issue 20, item 8: in two half-width columns of the narrow side column their labels were cut off."""
    _code_page(app, "anna")
    holding = [
        [b.label for b in col.button] for col in app.columns if any(b.label == "Next uncoded" for b in col.button)
    ]
    assert holding and all("Apply" in labels for labels in holding), holding


def test_a_researcher_proposes_a_code_while_coding_and_the_lead_accepts_it(app: AppTest, demo_dir: Path) -> None:
    _code_page(app, "anna")
    app.text_input(key=cs.PROPOSE_NAME).input("Letters home")
    app.text_area(key=cs.PROPOSE_DEFINITION).input("Writing to family from inside.")
    app.button(key="code.propose").click().run()
    assert not app.error and "waiting for a lead" in app.success[0].value
    assert app.text_input(key=cs.PROPOSE_NAME).value == ""
    app.switch_page("pages/codebook.py").run()
    assert not [b for b in app.button if b.key and b.key.startswith("proposal.accept")], "a researcher cannot accept"

    lead = new_app(120)
    try:
        sign_in(lead, user="lena")
        lead.switch_page("pages/codebook.py").run()
        [accept] = [b for b in lead.button if b.key and b.key.startswith("proposal.accept")]
        accept.click().run()
        assert not lead.exception and "Letters home" in lead.success[0].value
    finally:
        close(lead)
    app.switch_page("pages/code.py").run()
    assert any(o.endswith("Letters home") for o in app.multiselect(key=cs.CHOSEN).options), "now a codable code"
