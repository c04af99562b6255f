"""Life-path journeys in a real browser (issue 15): record an event from a span, see it on the timeline, pathways.

The researcher selects a passage on the Code page with the mouse and records it as a life event in
the *Life events* tab; the journey times that interaction (selection to confirmation, the user's
steps and the server's answers, none of the test's own settling pauses), prints the figure and
saves it beside the screenshots. The issue's goal is under five seconds on a machine doing nothing
else (the figure of such a run is in ``bench/RESULTS.md``); the assertion allows three times that,
because ``./dev test`` runs the suite on every core at once and the server then answers more slowly,
while a rerun or callback that really regressed (seconds per step) still fails. The new event must
then be a mark on the participant's timeline, read from the plotly figure's data in the page. The
lead's journey opens the Pathways page and finds the pathway groups and their typical sequences.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, Server, shoot, sign_in, wait_idle
from tests.browser.test_researcher_journey import _choose, _drag_select, _nav, _utf16
from workbench.services import events as ev
from workbench.services.demo import demo_password
from workbench.services.pathways import participant_timeline
from workbench.services.projects import open_project

USER, LEAD = "anna", "lena"
PARTICIPANT = "P02"
INTERVIEW = "P02 · wave 1 · Life-path interview, wave 1"  # the start of its label in the Interview box
PHRASE = "a level two in maths in here"  # no demo coding or event touches it
EVENT_TYPE, AGE = "Turning point", "24"
GOAL_S = 5.0  # the product goal for recording an event from a span, on an otherwise idle machine
CEILING_S = 3 * GOAL_S  # asserted while other tests share the cores (see the module docstring)


def _plotly_data(page: Page, index: int = 0) -> list[dict[str, Any]]:
    """The traces of the page's ``index``-th plotly figure, as the browser holds them."""
    page.locator(".js-plotly-plot").nth(index).wait_for()
    data: list[dict[str, Any]] = (
        page.locator(".js-plotly-plot")
        .nth(index)
        .evaluate("el => el.data.map(t => ({name: t.name, x: t.x, y: t.y, z: t.z, customdata: t.customdata}))")
    )
    return data


def _marks(traces: list[dict[str, Any]]) -> list[list[Any]]:
    """Every mark's customdata (event id, time, direction, wave, hover quote) over all traces."""
    return [row for t in traces for row in (t.get("customdata") or [])]


def test_researcher_records_a_life_event_from_a_span_quickly_and_sees_it_on_the_timeline(
    page: Page, server: Server
) -> None:
    before = _stored_events(server)
    sign_in(page, server, USER, demo_password(USER))
    _nav(page, "Code")
    _choose(page, "Interview", INTERVIEW)
    view = page.get_by_test_id("wb-code-view")
    piece = view.locator(".wbc-t", has_text=PHRASE).first
    expect(piece).to_be_visible()
    offset = piece.evaluate("(el, p) => el.firstChild.data.indexOf(p)", PHRASE)
    assert offset >= 0, "the phrase is split across coded pieces; choose another"
    start = int(piece.get_attribute("data-s") or "0") + len(piece.evaluate("el => el.firstChild.data")[:offset])

    # The timed interaction: select, open the tab, pick the type, give the age, record, see the confirmation.
    began = time.perf_counter()
    _drag_select(page, piece, offset, offset + _utf16(PHRASE))
    expect(page.get_by_text(f"Selected characters {start} to {start + len(PHRASE)} ")).to_be_visible()
    page.get_by_role("tab", name="Life events").click()
    box = page.get_by_role("combobox", name="Event type")
    box.click()
    box.press_sequentially(EVENT_TYPE)
    page.get_by_role("option", name=EVENT_TYPE, exact=True).click()
    page.get_by_role("radio", name="age", exact=True).check(force=True)
    page.get_by_role("spinbutton", name="Age, year or years after").fill(AGE)
    page.get_by_role("button", name="Record life event").click()
    expect(page.get_by_text(re.compile(rf"Recorded life event \w+ \(.+\) for {PARTICIPANT}\."))).to_be_visible()
    interaction_s = time.perf_counter() - began
    wait_idle(page)
    shoot(page, "life-event-recorded")
    _save_figure(interaction_s)
    print(f"life event from a span: {interaction_s:.2f} s of interaction (goal under {GOAL_S:.0f} s)")
    assert interaction_s < CEILING_S, f"recording a life event took {interaction_s:.2f} s of interaction"
    expect(page.get_by_test_id("stException")).to_have_count(0)

    # The project holds exactly one new event, on the selected span, of the chosen type and age.
    after = _stored_events(server)
    (new,) = [e for e in after if e["id"] not in {b["id"] for b in before}]
    assert (new["participant"], new["type_name"], new["start"], new["end"], new["age"]) == (
        PARTICIPANT, EVENT_TYPE, start, start + len(PHRASE), float(AGE)
    )  # fmt: skip
    # The timeline of that participant shows the new mark, with the passage as its hover text.
    _nav(page, "Timeline")
    _choose(page, "Participant", PARTICIPANT)
    expect(page.locator(".js-plotly-plot")).to_have_count(1)
    marks = _marks(_plotly_data(page))
    assert len(marks) == _timeline_points(server), "one mark per placed event of the participant"
    (mark,) = [m for m in marks if m[0] == new["id"]]
    assert PHRASE in mark[4], "the hover text quotes the recorded passage"
    shoot(page, "life-event-on-timeline")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_lead_sees_pathway_groups_and_typical_sequences(page: Page, server: Server) -> None:
    sign_in(page, server, LEAD, demo_password(LEAD))
    _nav(page, "Pathways")
    lives = page.get_by_test_id("stMetric").filter(has_text="Lives").get_by_test_id("stMetricValue")
    groups = page.get_by_test_id("stMetric").filter(has_text="Groups").get_by_test_id("stMetricValue")
    expect(lives).to_be_visible()
    assert int(lives.inner_text()) == 5, "the demo's five participants each have a life to place by age"
    group_count = int(groups.inner_text())
    assert 1 < group_count <= 5
    expect(page.get_by_role("heading", name="Typical sequence of each group")).to_be_visible()
    expect(page.locator(".js-plotly-plot")).to_have_count(2)
    typical = _plotly_data(page, 0)[0]  # the heatmap: one row per group, one column per age band
    assert [str(y).split(" ")[0] for y in typical["y"]] == [f"G{n}" for n in range(1, group_count + 1)]
    states = {cell for row in typical["z"] for cell in row if cell is not None}
    assert len(states) > 1, "a typical sequence passes through more than one state"
    everyone = _plotly_data(page, 1)[0]
    assert len(everyone["y"]) == 5, "every life is a row of the grouped view"
    expect(page.get_by_test_id("stDataFrame")).to_be_visible()
    shoot(page, "lead-pathways")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def _save_figure(seconds: float) -> None:
    """Keep the measured interaction time with the screenshots, so the goal's figure can be cited."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    figure = {"journey": "life event from a span", "interaction_s": round(seconds, 3), "goal_s": GOAL_S}
    (ARTIFACTS / "life-event-interaction.json").write_text(json.dumps(figure) + "\n", encoding="utf-8")


def _timeline_points(server: Server) -> int:
    """How many of the participant's events the services place on the timeline (by age)."""
    ws = open_project(server.project, demo_password(USER), USER)
    try:
        return len(participant_timeline(ws, PARTICIPANT, calendar=False).points)
    finally:
        ws.close()


def _stored_events(server: Server) -> list[dict[str, Any]]:
    """Every life event as the services list it (id, participant, type name, anchor span, age)."""
    ws = open_project(server.project, demo_password(USER), USER)
    try:
        names = {c.key: c.name for c in ev.event_types(ws)}
        rows = []
        for e in ev.list_events(ws):
            span = (e.anchor.start, e.anchor.end) if e.anchor else (None, None)
            age = e.time.value if e.time.kind.value == "age" else None
            rows.append({"id": e.id, "participant": e.participant_code, "type_name": names.get(e.type, e.type),
                         "start": span[0], "end": span[1], "age": age})  # fmt: skip
        return rows
    finally:
        ws.close()
