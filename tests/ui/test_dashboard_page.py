"""The Dashboard (leads) and Suggestions (coders) pages through AppTest, on the real demo project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import close, demo_project, interface_language, new_app, serve, sign_in
from workbench.i18n import use_language
from workbench.services.demo import demo_password
from workbench.services.projects import audit_log, open_project


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "dashboard")


@pytest.fixture
def app(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(demo_dir, monkeypatch)
    at = new_app(180)
    yield at
    close(at)


def _sign_in(at: AppTest, user: str) -> AppTest:
    return sign_in(at, demo_password(user), user)


def _charts(at: AppTest) -> list[str]:
    return [str(c.proto.spec) for c in at.get("plotly_chart")]


def test_a_lead_runs_themes_and_sees_the_charts(app: AppTest, demo_dir: Path) -> None:
    _sign_in(app, "lena")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception and app.title[0].value == "Dashboard"
    assert app.caption and "No themes yet" in app.info[0].value
    assert len(_charts(app)) == 3, "code frequencies, co-occurrence and progress need no clustering"
    next(b for b in app.button if b.label == "Run theme clustering").click().run()
    assert not app.exception and not app.error
    assert "themes" in app.success[0].value
    metrics = {m.label: m.value for m in app.metric}
    assert int(metrics["Themes"]) >= 2 and int(metrics["Passages"]) > 50
    charts = _charts(app)
    assert len(charts) == 6  # map, sizes, prevalence, frequencies, co-occurrence, progress
    assert "snippet" in charts[0] and "scatter" in charts[0]
    assert len(app.dataframe[0].value) == int(metrics["Themes"])
    assert list(app.dataframe[0].value.columns) == ["theme", "label", "passages", "keywords", "codes"]
    assert {b.label for b in app.get("download_button")} >= {"Themes CSV", "Code frequencies CSV"}

    app.switch_page("pages/overview.py").run()
    app.switch_page("pages/dashboard.py").run()
    assert "No themes yet" not in [i.value for i in app.info], "the stored run is shown again"
    assert len(_charts(app)) == 6
    ws = open_project(demo_dir, PASSPHRASE)
    assert "themes run" in [e.action for e in audit_log(ws).entries]
    ws.close()
    interface_language(demo_dir, "hu")
    hungarian = new_app(180)
    try:
        with use_language("hu"):
            _sign_in(hungarian, "lena").switch_page("pages/dashboard.py").run()
        assert not hungarian.exception
        themes = list(hungarian.dataframe[0].value.columns)
        assert themes == ["téma", "címke", "szakaszok", "kulcsszavak", "kódok"], "the page's table in Hungarian"
    finally:
        close(hungarian)
        interface_language(demo_dir, "en")


def test_researchers_get_suggestions_but_no_dashboard(app: AppTest) -> None:
    _sign_in(app, "anna")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/dashboard.py").run()
    app.switch_page("pages/suggestions.py").run()
    assert not app.exception and app.title[0].value == "Suggestions" and app.caption
    next(b for b in app.button if b.label == "Find suggestions").click().run()
    assert not app.exception and not app.error
    found = app.session_state["suggestions_found"]
    assert found and all(s.code_name for s in found)
    first = found[0]
    next(b for b in app.button if b.label == "Accept").click().run()
    assert not app.exception
    assert app.success[0].value == f"Coded as {first.code_name}."
    assert first not in app.session_state["suggestions_found"]


def test_the_dashboard_warns_when_the_model_does_not_cover_the_transcripts(app: AppTest, demo_dir: Path) -> None:
    from workbench.services.themes import set_theme_model

    ws = open_project(demo_dir, PASSPHRASE)
    try:
        set_theme_model(ws, "all-MiniLM-L6-v2")
        _sign_in(app, "lena")
        app.switch_page("pages/dashboard.py").run()
        assert not app.exception
        warnings = [w.value for w in app.warning]
        assert any("does not cover Hungarian" in w and "multilingual-e5-small" in w for w in warnings), warnings
        assert any("project setting" in c.value for c in app.caption)
        set_theme_model(ws, "multilingual-e5-small")
        app.run()
        assert not [w.value for w in app.warning if "does not cover" in w.value]
    finally:
        ws.close()
