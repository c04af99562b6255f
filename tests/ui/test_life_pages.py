"""The Timeline and Pathways pages through AppTest, on a real project whose events came through the service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import TEXT_1, built_project
from tests.services.test_pathways import PASSAGE, record
from tests.ui.apptest import close, english_members, new_app, open_page, serve
from workbench.services import deid, deid_release
from workbench.services.interviews import list_interviews
from workbench.services.projects import open_project
from workbench.services.workspace import Workspace
from workbench.ui.components import code_state as cs


def _release(ws: Workspace) -> None:
    deid.add_known_entity(ws, "Kovács", "PERSON")
    deid_release.release(ws, k=1)


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        return built_project(tmp_path_factory.mktemp("life") / "project", record, _release, english_members)


@pytest.fixture
def demo_dir(project_dir: Path) -> Path:
    """The project the shared ``app`` fixture (tests/ui/conftest.py) serves."""
    return project_dir


def _charts(at: AppTest) -> list[str]:
    """Each chart's figure JSON, non-ASCII text as written (plotly escapes it)."""
    return [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("plotly_chart")]


def test_timeline_shows_lanes_and_opens_the_passage(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/timeline.py", user="lena")
    assert app.title[0].value == "Timeline" and app.caption
    (chart,) = _charts(app)
    assert "Prison" in chart and "scatter" in chart
    assert PASSAGE in chart, "the hover holds the quote"
    events = app.selectbox(key="timeline.event")
    assert len(events.options) == 3
    index = next(i for i, o in enumerate(events.options) if "Prison" in o)
    events.select_index(index).run()
    assert not app.exception
    assert PASSAGE in app.markdown[-1].value
    next(b for b in app.button if b.label == "Open the passage on the Code page").click().run()
    assert not app.exception
    start = TEXT_1.index(PASSAGE)
    assert app.session_state[cs.PENDING] == (start, start + len(PASSAGE))
    assert app.title[0].value == "Code"
    ws = open_project(project_dir, PASSPHRASE)
    interview = next(i.id for i in list_interviews(ws) if i.participant_code == "P01")
    ws.close()
    assert app.selectbox(key=cs.INTERVIEW).value == interview, "the event's interview is open"


def test_timeline_for_a_participant_without_events(app: AppTest) -> None:
    open_page(app, "pages/timeline.py", user="lena")
    app.selectbox(key="timeline.participant").select("P02").run()
    assert not app.exception and len(_charts(app)) == 1
    app.radio(key="timeline.axis").set_value("Calendar year").run()
    assert not app.exception and "year" in _charts(app)[0]


def test_pathways_page_for_a_lead_and_the_export(app: AppTest) -> None:
    open_page(app, "pages/pathways.py", user="lena")
    assert app.title[0].value == "Pathways" and app.caption
    assert {m.label: m.value for m in app.metric}["Lives"] == "2"
    charts = _charts(app)
    assert len(charts) == 2 and "heatmap" in charts[1] and "prison" in charts[1]
    assert len(app.dataframe[0].value) == 2
    app.selectbox[0].set_value("first-incarceration").run()
    assert not app.exception and {m.label: m.value for m in app.metric}["Left out"] == "1"
    next(b for b in app.button if b.label == "Prepare sequence export").click().run()
    assert not app.exception and "2 rows" in app.success[0].value
    assert any(c.value.startswith("Disclosure control") for c in app.caption)
    assert app.get("download_button")


def test_a_writers_timeline_comes_from_the_release(app: AppTest) -> None:
    open_page(app, "pages/timeline.py", user="wanda")
    assert not app.exception and app.selectbox(key="timeline.participant").options == ["Participant 1",
                                                                                       "Participant 2"]  # fmt: skip
    (chart,) = _charts(app)
    assert PASSAGE not in chart and "dolgoztam" in chart, "the quote is the de-identified one"
    assert not [b for b in app.button if b.label == "Open the passage on the Code page"]


def test_a_writer_sees_only_the_released_sequences(app: AppTest) -> None:
    open_page(app, "pages/pathways.py", user="wanda")
    assert not app.exception and not app.metric and not _charts(app)
    next(b for b in app.button if b.label == "Prepare sequence export").click().run()
    assert not app.exception and app.success


def test_the_lead_sees_pathway_groups_on_the_demo(tmp_path_factory: pytest.TempPathFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    from tests.ui.apptest import demo_project, sign_in
    from workbench.services.demo import demo_password

    serve(demo_project(tmp_path_factory, "life-demo"), monkeypatch)
    at = new_app(180)
    try:
        sign_in(at, demo_password("lena"), "lena")
        at.switch_page("pages/pathways.py").run()
        assert not at.exception and {m.label: m.value for m in at.metric}["Lives"] == "5"
        assert len(at.dataframe[0].value) == 3, "three groups by default"
        at.switch_page("pages/timeline.py").run()
        assert not at.exception and len(_charts(at)) == 1
    finally:
        close(at)
