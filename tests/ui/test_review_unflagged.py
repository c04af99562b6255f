"""The review page lists what nothing flagged and protects it with one click (AppTest, real project)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.deid.fixtures import build
from tests.ui.apptest import close, new_app, open_page, serve
from workbench.services import deid
from workbench.services.interviews import add_transcript
from workbench.services.projects import init_project, open_project


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    directory = tmp_path / "project"
    ws = init_project(directory, PASSPHRASE, "lena", language="hu", kdf=FAST_KDF)
    try:
        build(ws)
        add_transcript(ws, "V: A cellám száma 214 volt.", title="Interjú 3", language="hu", participant_code="P01")
        deid.scan(ws)
    finally:
        ws.close()
    return directory


@pytest.fixture
def app(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(project_dir, monkeypatch)
    at = new_app(120)
    yield at
    close(at)


def test_an_unflagged_number_is_listed_and_protected_with_one_click(app: AppTest, project_dir: Path) -> None:
    open_page(app, "app_pages/review.py")
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
