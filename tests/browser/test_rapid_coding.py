"""A coder faster than the server: what the text view sends while a rerun is on its way is never lost.

Streamlit keeps one value per trigger of a component in a rerun request: when two things the
user did in the text view reach the server in one request (in one browser task, or because the
server was still busy and merged a second request into the waiting one, as it does under load
with many coders), only the newer was delivered, and a typed code number before it was lost
without a word. The load benchmark (bench/load_bench.py) codes one turn at a time and waits for
each highlight, so it never showed this; a coder who types a number and clicks the next speaker
at once does. Here both happen in one browser task (the deterministic form of the merge): the
view now resends what the server has not acknowledged with every message, and the server
handles each event once, in order.
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Server, sign_in, wait_idle
from workbench.domain.models import SegmentKind, SpeakerRole
from workbench.services.coding import codebook, interview_codings, open_for_coding
from workbench.services.demo import demo_password
from workbench.services.interviews import list_interviews
from workbench.services.projects import open_project
from workbench.ui.components.markup import code_numbers

USER = "anna"
# Events dispatched in one task, as a burst of input the browser hands over before it sends anything.
BURST = """([keys, speaker]) => {
  const view = document.querySelector('[data-testid=wb-code-view]');
  for (const key of keys) view.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  if (speaker !== null) view.querySelector('.wbc-turn[data-turn="' + speaker + '"] .wbc-speaker').click();
}"""


def _project(server: Server) -> tuple[str, list[tuple[int, int, int]], dict[int, str]]:
    """(interview id, uncoded participant turns as (position, start, end), code number -> code id)."""
    ws = open_project(server.project, demo_password(USER), USER)
    try:
        interview = next(i for i in list_interviews(ws) if i.shredded_at is None)
        coded = [(c.start, c.end) for c in interview_codings(ws, interview.id).codings]
        turns = [
            (s.position, s.start, s.end)
            for s in open_for_coding(ws, interview.id).segments
            if s.kind is SegmentKind.TURN
            and s.role is not SpeakerRole.INTERVIEWER
            and not any(a < s.end and s.start < b for a, b in coded)
        ]
        numbers = {n.number: code_id for code_id, n in code_numbers(codebook(ws)).items()}
        return interview.id, turns, numbers
    finally:
        ws.close()


def _stored(server: Server, interview_id: str, start: int, end: int) -> list[str]:
    """The code ids anna's codings on exactly (start, end) carry (a list: a duplicate would show)."""
    ws = open_project(server.project, demo_password(USER), USER)
    try:
        codings = interview_codings(ws, interview_id).codings
        return sorted(c.code_id for c in codings if (c.start, c.end) == (start, end) and c.coder == USER)
    finally:
        ws.close()


def _select_turn(page: Page, view: Locator, position: int) -> None:
    view.locator(f'.wbc-turn[data-turn="{position}"] .wbc-speaker').click()
    wait_idle(page)


def test_numbers_and_a_click_sent_together_are_all_applied_once(page: Page, server: Server) -> None:
    interview_id, turns, numbers = _project(server)
    top = max(numbers)
    single = [n for n in sorted(numbers) if n < 10 and n * 10 > top]  # a digit that names its code at once
    assert len(single) >= 2 and len(turns) >= 3, "the demo has enough codes and uncoded turns"
    sign_in(page, server, USER, demo_password(USER))
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Code", exact=True).click()
    wait_idle(page)
    view = page.get_by_test_id("wb-code-view")
    expect(view.locator(".wbc-turn").first).to_be_visible()

    # Two code numbers for one turn in one burst: both codings, not only the second.
    (first, a, b), (second, c, d), (third, *_) = turns[:3]
    _select_turn(page, view, first)
    page.evaluate(BURST, [[str(single[0]), str(single[1])], None])
    wait_idle(page)
    expect(view.locator(f'.wbc-turn[data-turn="{first}"] .wbc-badge')).to_have_count(2)
    assert _stored(server, interview_id, a, b) == sorted([numbers[single[0]], numbers[single[1]]])

    # A number, then at once a click on the next speaker: the number codes the turn it was typed on
    # and the click selects the next one (the selection shown is the clicked turn).
    _select_turn(page, view, second)
    page.evaluate(BURST, [[str(single[0])], third])
    wait_idle(page)
    expect(view.locator(f'.wbc-turn[data-turn="{second}"]')).to_have_attribute("data-coded", "1")
    assert _stored(server, interview_id, c, d) == [numbers[single[0]]]
    third_turn = next(t for t in turns if t[0] == third)
    expect(page.get_by_text(f"Selected characters {third_turn[1]} to {third_turn[2]} ")).to_be_visible()

    # Nothing is applied twice by later messages that still carry it (the server acknowledged it).
    page.evaluate(BURST, [[str(single[1])], None])
    wait_idle(page)
    assert _stored(server, interview_id, a, b) == sorted([numbers[single[0]], numbers[single[1]]])
    assert _stored(server, interview_id, c, d) == [numbers[single[0]]]
    assert _stored(server, interview_id, third_turn[1], third_turn[2]) == [numbers[single[1]]]
