"""The interview stays put: in the URL (``?interview=<short id>``) and across pages (issue 20, item 3).

So does the place in it: the turn last worked on (``&turn=N``), where the view scrolls back to.

Before, going Code -> Retrieve -> Code reset the interview, and a reload (which signs out)
landed on the first interview after signing in again.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import demo_project, send_view_event, view_data
from workbench.domain.models import InterviewSummary
from workbench.services.interviews import list_interviews
from workbench.services.projects import open_project


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "interview-url")


@pytest.fixture(scope="module")
def interviews(demo_dir: Path) -> list[InterviewSummary]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        ws = open_project(demo_dir, PASSPHRASE, None)
        try:
            return [i for i in list_interviews(ws) if i.shredded_at is None]
        finally:
            ws.close()


def _sign_in_here(at: AppTest) -> AppTest:
    """Fill the sign-in form shown in place of the page (as after a reload), as the admin."""
    at.text_input[1].input(PASSPHRASE)
    at.button[0].click()
    return at.run()


def _interview_box(at: AppTest) -> object:
    return next(s for s in at.selectbox if s.label == "Interview").value


@pytest.mark.parametrize("page", ["pages/code.py", "pages/transcripts.py"])
def test_a_reload_with_the_interview_in_the_url_opens_it_after_sign_in(
    app: AppTest, interviews: list[InterviewSummary], page: str
) -> None:
    wanted = interviews[2]
    app.query_params["interview"] = wanted.short_id
    app.switch_page(page).run()
    assert any(b.label == "Sign in" for b in app.button), "a new session starts locked"
    _sign_in_here(app)
    assert not app.exception
    assert _interview_box(app) == wanted.id
    assert app.query_params.get("interview") == wanted.short_id


def test_the_interview_survives_code_to_retrieve_and_back(app: AppTest, interviews: list[InterviewSummary]) -> None:
    app.switch_page("pages/code.py").run()
    _sign_in_here(app)
    assert _interview_box(app) == interviews[0].id
    next(s for s in app.selectbox if s.label == "Interview").select(interviews[3].id).run()
    assert app.query_params.get("interview") == interviews[3].short_id
    app.query_params.clear()  # the sidebar's page switch drops query parameters
    app.switch_page("pages/retrieve.py").run()
    assert not app.exception
    assert app.query_params.get("interview") == interviews[3].short_id, "Retrieve keeps the place in the URL"
    app.query_params.clear()
    app.switch_page("pages/transcripts.py").run()
    assert _interview_box(app) == interviews[3].id
    app.query_params.clear()
    app.switch_page("pages/code.py").run()
    assert _interview_box(app) == interviews[3].id


def test_an_unknown_short_id_in_the_url_falls_back_to_the_first_interview(
    app: AppTest, interviews: list[InterviewSummary]
) -> None:
    app.query_params["interview"] = "nothere0"
    app.switch_page("pages/code.py").run()
    _sign_in_here(app)
    assert not app.exception
    assert _interview_box(app) == interviews[0].id


def test_the_turn_worked_on_is_kept_for_a_page_switch_and_a_reload(
    app: AppTest, interviews: list[InterviewSummary]
) -> None:
    app.switch_page("pages/code.py").run()
    _sign_in_here(app)
    assert view_data(app)[1]["place"] is None and "turn" not in app.query_params
    send_view_event(app, "pick", {"kind": "turn", "position": 7})
    assert app.query_params.get("turn") == "8" and view_data(app)[1]["place"] == 7  # counted from 1 in the URL
    app.query_params.clear()  # the sidebar's page switch drops query parameters
    app.switch_page("pages/retrieve.py").run()
    app.query_params.clear()
    app.switch_page("pages/code.py").run()
    assert view_data(app)[1]["place"] == 7 and app.query_params.get("turn") == "8"
    # Another interview: the old turn number means nothing there.
    next(s for s in app.selectbox if s.label == "Interview").select(interviews[1].id).run()
    assert view_data(app)[1]["place"] is None and "turn" not in app.query_params


def test_a_reload_scrolls_back_to_the_turn_in_the_url(app: AppTest, interviews: list[InterviewSummary]) -> None:
    app.query_params["interview"] = interviews[2].short_id
    app.query_params["turn"] = "5"
    app.switch_page("pages/code.py").run()
    _sign_in_here(app)
    assert _interview_box(app) == interviews[2].id and view_data(app)[1]["place"] == 4


@pytest.mark.parametrize("turn", ["0", "100000", "-3", "x", "2.5"])
def test_a_turn_outside_the_interview_is_ignored(app: AppTest, turn: str) -> None:
    app.query_params["turn"] = turn
    app.switch_page("pages/code.py").run()
    _sign_in_here(app)
    assert not app.exception and view_data(app)[1]["place"] is None
