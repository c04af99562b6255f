"""The review page lists what nothing flagged and protects it with one click (AppTest, real project)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import built_project
from tests.ui.apptest import close, english_members, new_app, open_page, serve
from workbench.services import deid, deid_release
from workbench.services.interviews import add_transcript
from workbench.services.projects import audit_log, open_project
from workbench.services.workspace import Workspace


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)

    def number_nothing_flags(ws: Workspace) -> None:
        add_transcript(ws, "V: A cellám száma 214 volt.", title="Interjú 3", language="hu", participant_code="P01")

    return built_project(tmp_path / "project", number_nothing_flags, deid.scan, english_members)


@pytest.fixture
def app(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(project_dir, monkeypatch)
    at = new_app(120)
    yield at
    close(at)


def test_an_unflagged_number_is_listed_and_protected_with_one_click(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/review.py")
    assert any("`214`" in m.value for m in app.markdown)
    protect = [b for b in app.button if b.label == "Protect"]
    assert len(protect) == 1
    protect[0].click().run()
    assert not app.exception
    assert not any("`214`" in m.value for m in app.markdown)
    ws = open_project(project_dir, PASSPHRASE)
    try:
        assert any(e.texts == ("214",) for e in deid.list_known_entities(ws))
    finally:
        ws.close()


def _release_button(app: AppTest) -> Any:
    return next(b for b in app.button if b.label == "Release to report writers")


def test_dismissing_reviews_the_interview_and_lets_the_release_through(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/review.py")
    _release_button(app).click().run()
    assert not app.exception
    assert any("release was refused" in e.value and "Interjú 3" in e.value for e in app.error)
    assert not any("214" in e.value for e in app.error), "the refusal never quotes the words"
    while [b for b in app.button if b.label == "Dismiss"]:
        next(b for b in app.button if b.label == "Dismiss").click().run()
        assert not app.exception
    assert not any("`214`" in m.value for m in app.markdown)
    _release_button(app).click().run()
    assert not app.error and any(s.value.startswith("Released") for s in app.success)


def test_the_override_needs_its_confirmation_and_is_audited(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/review.py")
    app.checkbox(key="deid_override_unreviewed").check().run()
    _release_button(app).click().run()
    assert any("Confirm the override" in w.value for w in app.warning)
    assert not any(s.value.startswith("Released") for s in app.success)
    app.checkbox(key="deid_override_confirm").check().run()
    _release_button(app).click().run()
    assert not app.exception and not app.error
    assert any(s.value.startswith("Released") for s in app.success)
    ws = open_project(project_dir, PASSPHRASE)
    try:
        actions = [e.action for e in audit_log(ws).entries]
    finally:
        ws.close()
    assert "deid release unreviewed override" in actions


def test_the_minimums_set_on_the_page_are_sealed_into_the_release(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/review.py")
    app.number_input(key="deid_release_threshold").set_value(7).run()
    app.number_input(key="deid_release_k").set_value(3).run()
    app.checkbox(key="deid_override_unreviewed").check().run()
    app.checkbox(key="deid_override_confirm").check().run()
    _release_button(app).click().run()
    assert not app.exception and any(s.value.startswith("Released") for s in app.success)
    ws = open_project(project_dir, PASSPHRASE)
    try:
        stored = deid_release.latest_release(ws)
    finally:
        ws.close()
    assert stored is not None
    assert stored.payload["minimums"] == {"threshold": 7, "k": 3}
