"""Recording a selected span as a life event on the Code page (AppTest on a copy of the demo)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import demo_project, sign_in
from workbench.services.coding import open_for_coding
from workbench.services.events import list_events
from workbench.services.interviews import list_interviews
from workbench.services.projects import open_project
from workbench.ui.components import code_state as cs


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "event-ui")


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(demo_template, tmp_path / "demo"))


def _first_interview(demo_dir: Path, phrase: str) -> tuple[str, int, int, int]:
    ws = open_project(demo_dir, PASSPHRASE, "anna")
    try:
        first = list_interviews(ws)[0]
        text = open_for_coding(ws, first.id).text
        start = text.index(phrase)
        return first.id, start, start + len(phrase), len(list_events(ws, interview_ref=first.id))
    finally:
        ws.close()


def test_a_selected_span_becomes_an_event_with_the_proposed_age(app: AppTest, demo_dir: Path) -> None:
    interview_id, start, end, before = _first_interview(demo_dir, "a holiday when I was nine")
    sign_in(app, user="anna")
    app.switch_page("pages/code.py").run()
    assert not app.exception
    app.session_state[cs.PENDING] = (start, end)
    app.run()
    tag = f"{start}.{end}"
    assert app.number_input(key=f"code.event.value.{tag}").value == 9  # read from the passage
    app.selectbox(key=f"code.event.type.{tag}").select_index(0)  # family rupture, the first type
    app.text_area(key=f"code.event.memo.{tag}").input("Holiday as the one good memory")
    [record] = [b for b in app.button if b.label == "Record life event"]
    record.click().run()
    assert not app.exception and not app.error
    assert any("Recorded life event" in s.value for s in app.success)
    ws = open_project(demo_dir, PASSPHRASE, "anna")
    try:
        events = list_events(ws, interview_ref=interview_id)
        assert len(events) == before + 1
        new = next(e for e in events if e.memo == "Holiday as the one good memory")
        assert new.time.value == 9 and new.recorder == "anna" and new.anchor is not None
        assert (new.anchor.start, new.anchor.end) == (start, end)
    finally:
        ws.close()


def test_without_a_selection_the_tab_only_lists_the_interview_events(app: AppTest) -> None:
    sign_in(app, user="anna")
    app.switch_page("pages/code.py").run()
    assert not app.exception
    assert any("Select a passage to record it as a life event" in c.value for c in app.caption)
    assert any("life events recorded from this interview" in c.value for c in app.caption)
