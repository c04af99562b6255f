"""The Codebook page through AppTest on a real encrypted demo project (a fresh copy per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE, REPO_ROOT
from tests.ui.apptest import close, demo_project, new_app, open_page, serve
from workbench.services.codebook.queries import resolve_code
from workbench.services.codebook.versions import codebook_history
from workbench.services.projects import audit_log, open_project

PAGE = "pages/codebook.py"


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "codebook_ui")


@pytest.fixture
def demo_dir(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "demo"
    shutil.copytree(demo_template, copy)
    serve(copy, monkeypatch)
    return copy


def _open(user: str) -> AppTest:
    return open_page(new_app(), PAGE, user)


def _id(directory: Path, ref: str) -> str:
    ws = open_project(directory, PASSPHRASE, "lena")
    try:
        return resolve_code(ws, ref).id
    finally:
        ws.close()


def test_a_lead_edits_a_code_and_the_history_records_it(demo_dir: Path) -> None:
    at = _open("lena")
    try:
        labels = [e.label for e in at.expander]
        assert any("Grievance" in label and "(group)" in label for label in labels)
        assert any("Personal grievance · " in label and "codings" in label for label in labels)
        at.selectbox(key="edit_code").set_value(_id(demo_dir, "us_vs_them")).run()
        at.text_input(key=None) if False else None
        name_box = next(w for w in at.text_input if w.label == "Name")
        name_box.input("Us and them")
        next(b for b in at.button if b.label == "Save code").click()
        at.run()
        assert not at.exception and not at.error
        assert any(e.label.startswith("Us and them · ") for e in at.expander)
        history = at.dataframe[0].value
        assert history.iloc[0]["Who"] == "lena" and "Us and them" in history.iloc[0]["What changed"]
    finally:
        close(at)


def test_deleting_a_coded_code_needs_confirmation_and_restore_undoes_it(demo_dir: Path) -> None:
    at = _open("lena")
    try:
        turning = _id(demo_dir, "turning_points")
        at.selectbox(key="edit_code").set_value(turning).run()
        at.button(key="delete_button").click().run()
        assert "Confirm" in at.warning[0].value
        at.checkbox(key="delete_confirm").check().run()
        at.button(key="delete_button").click().run()
        assert not at.exception
        assert "restore version" in at.success[0].value
        assert not any("Turning points" in e.label for e in at.expander)
        versions = at.dataframe[0].value
        previous = int(versions.iloc[1]["Version"])
        at.selectbox(key="history_version").set_value(previous).run()
        at.button(key="restore_button").click().run()
        assert "codings back" in at.success[0].value
        assert any("Turning points" in e.label for e in at.expander)
    finally:
        close(at)


def test_a_researcher_browses_but_does_not_edit(demo_dir: Path) -> None:
    at = _open("anna")
    try:
        assert at.title[0].value == "Codebook"
        assert len(at.expander) >= 21
        assert not [b for b in at.button if b.label in ("Save code", "Delete code", "Merge")]
        assert not [b for b in at.button if b.label.startswith("Prepare project")]
    finally:
        close(at)


def test_exchange_tab_compares_with_shared_files_and_prepares_audited_downloads(demo_dir: Path) -> None:
    at = _open("lena")
    try:
        assert "added 'Grievance' under the top level" in at.code[0].value  # life-path.yaml comes first
        at.selectbox(key="shared_file").set_value(REPO_ROOT / "codebooks" / "radicalization-indicators.yaml").run()
        assert any("matches radicalization-indicators.yaml" in s.value for s in at.success)
        at.button(key="prepare_qdc").click().run()
        assert not at.exception
        assert at.get("download_button")
        at.button(key="prepare_qdpx").click().run()
        assert not at.exception and not at.error
    finally:
        close(at)
    ws = open_project(demo_dir, PASSPHRASE, "lena")
    try:
        actions = [e.action for e in audit_log(ws).entries]
        assert "codebook exported" in actions and "project exported" in actions
        assert codebook_history(ws)[0].version == 1  # nothing was edited
    finally:
        ws.close()
