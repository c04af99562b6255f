"""The Agreement and Retrieve pages through AppTest, on a real encrypted demo project."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import close, demo_project, new_app, serve, sign_in
from workbench.services.visibility import set_comparison_open

AGREEMENT = "pages/agreement.py"
RETRIEVE = "pages/retrieve.py"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "ui_analysis")


@pytest.fixture
def apps(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[AppTest]]:
    """Fresh browser sessions; each one's workspace is closed afterwards."""
    serve(demo_dir, monkeypatch)
    sessions: list[AppTest] = []
    yield sessions
    for at in sessions:
        close(at)


def _signed_in(apps: list[AppTest], user: str, page: str) -> AppTest:
    at = new_app()
    apps.append(at)
    sign_in(at, user=user)
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception and not at.error
    return at


def _html(at: AppTest) -> str:
    return "".join(str(e.proto) for e in at.get("html"))


def test_agreement_page_shows_measures_and_disagreements_side_by_side(apps: list[AppTest]) -> None:
    at = _signed_in(apps, "lena", AGREEMENT)
    assert at.title[0].value == "Agreement"
    metrics = {m.label: m.value for m in at.metric}
    assert 0 < float(metrics["Krippendorff's alpha"]) < 1
    assert float(metrics["Agreement, coded units only"].rstrip("%")) < float(
        metrics["Agreement, all units"].rstrip("%")
    )
    table = at.dataframe[0].value
    assert table["code"].iloc[-1] == "(overall, pooled)" and len(table) > 10
    assert "disagree" in " ".join(c.value for c in at.caption)
    assert "<mark" in _html(at)
    assert "(not coded)" in [t.value for t in at.text], "one coder's side is empty where only the other coded"
    assert at.get("download_button")

    at.radio[0].set_value("Characters (as NVivo and QualCoder count)").run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric} != metrics
    at.multiselect[0].set_value(["anna"]).run()
    assert "at least two coders" in at.error[0].value


def test_agreement_is_not_offered_to_researchers(apps: list[AppTest]) -> None:
    at = _signed_in(apps, "anna", RETRIEVE)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(AGREEMENT).run()


def test_retrieve_page_every_view(apps: list[AppTest]) -> None:
    at = _signed_in(apps, "lena", RETRIEVE)
    assert at.title[0].value == "Retrieve"
    assert "<mark" in _html(at) and at.get("download_button")
    assert re.search(r"passages? \(\d+ codings?\) in", " ".join(c.value for c in at.caption))
    for view in ("Frequencies", "Co-occurrence", "Code by attribute", "Progress"):
        at.radio[0].set_value(view).run()
        assert not at.exception and not at.error, view
        assert len(at.dataframe[0].value) > 0, view
        assert at.get("download_button"), view


def test_a_researcher_sees_others_codings_only_once_the_lead_opens_the_comparison(apps: list[AppTest]) -> None:
    anna = _signed_in(apps, "anna", RETRIEVE)
    assert "Blind coding" in anna.info[0].value
    passages = " ".join(c.value for c in anna.caption)
    assert "coded by anna" in passages and "bence" not in passages

    lena = _signed_in(apps, "lena", AGREEMENT)
    try:
        next(b for b in lena.button if b.label == "Open the comparison to researchers").click().run()
        assert "comparison is open" in lena.success[0].value
        anna.run()
        assert not anna.info or "Blind coding" not in anna.info[0].value
        assert "bence" in " ".join(c.value for c in anna.caption)
    finally:
        set_comparison_open(lena.session_state["workspace"], opened=False)


@pytest.mark.parametrize("page", [AGREEMENT, RETRIEVE])
def test_a_locked_session_gets_the_sign_in_form(demo_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    serve(demo_dir, monkeypatch)
    at = new_app()
    at.run()
    at.switch_page(page).run()
    assert not at.exception and not at.dataframe and not at.metric
