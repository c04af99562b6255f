"""The De-identification review page and the Export page, through AppTest on a real encrypted project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import built_project
from tests.ui.apptest import close, english_members, new_app, open_page, serve
from workbench.services import deid, deid_release
from workbench.services.projects import open_project


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    return built_project(
        tmp_path / "project", lambda ws: deid.add_known_entity(ws, "Kovács", "PERSON"), english_members
    )


@pytest.fixture
def app(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(project_dir, monkeypatch)
    at = new_app(120)
    yield at
    close(at)


def _button(at: AppTest, label: str) -> object:
    return next(b for b in at.button if b.label == label)


def _release(project_dir: Path) -> None:
    ws = open_project(project_dir, PASSPHRASE)
    try:
        deid_release.release(ws)
    finally:
        ws.close()


def test_review_page_scans_and_applies_decisions_project_wide(app: AppTest) -> None:
    open_page(app, "pages/review.py")
    assert app.title[0].value == "De-identification review" and app.caption
    assert "No pending detections" in app.info[0].value
    _button(app, "Scan all interviews").click().run()  # type: ignore[attr-defined]
    assert not app.exception and "Scanned 2 interviews" in app.success[0].value
    rows = app.data_editor[0].value.to_dict("records")
    assert {r["decision"] for r in rows} == {"undecided"}, "an open decision is a word, not an empty (None) cell"
    assert all(r["interview"].endswith(")") and "(" in r["interview"] for r in rows), "by title (short id)"
    trabant = next(i for i, r in enumerate(rows) if "⟦Trabant⟧" in r["context"])
    assert any("⟦Trabanttal⟧" in r["context"] for r in rows)
    app.session_state["deid_review_editor"] = {"edited_rows": {trabant: {"decision": "reject"}},
                                               "added_rows": [], "deleted_rows": []}  # fmt: skip
    app.run()
    _button(app, "Apply decisions").click().run()  # type: ignore[attr-defined]
    assert not app.exception
    contexts = [r["context"] for r in app.data_editor[0].value.to_dict("records")]
    assert not any("⟦Trabant" in c for c in contexts), "the inflected form was rejected with it"
    _button(app, "Release to report writers").click().run()  # type: ignore[attr-defined]
    assert "Released 2 de-identified quotes" in app.success[0].value


def test_writer_exports_from_the_release_and_gets_a_download(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/export.py", user="wanda")
    assert app.title[0].value == "Export" and "Nothing has been released yet" in app.info[0].value
    _release(project_dir)
    app.run()
    assert app.radio[0].options == ["csv", "xlsx", "docx"], "a writer cannot make a .qdpx"
    app.radio[0].set_value("xlsx")
    _button(app, "Prepare export").click().run()  # type: ignore[attr-defined]
    assert not app.exception
    assert "recorded in the audit log" in app.success[0].value
    assert app.get("download_button")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("pages/review.py").run()


def test_export_page_explains_a_k_anonymity_failure(app: AppTest, project_dir: Path) -> None:
    _release(project_dir)
    open_page(app, "pages/export.py")
    app.multiselect[1].set_value(["age"])
    app.number_input[1].set_value(2)
    _button(app, "Prepare export").click().run()  # type: ignore[attr-defined]
    assert not app.exception
    assert "k-anonymity check failed (k=2)" in app.error[0].value and "age" in app.error[0].value
    assert not app.get("download_button")
