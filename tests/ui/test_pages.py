"""Every page through streamlit.testing.v1.AppTest, on a real encrypted demo project."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FAST_KDF, PASSPHRASE, REPO_ROOT
from workbench.services.demo import create_demo

APP = str(REPO_ROOT / "app.py")
PAGES = {
    "app_pages/overview.py": "Overview",
    "app_pages/transcripts.py": "Transcripts",
    "app_pages/import_page.py": "Import",
    "app_pages/participants.py": "Participants",
    "app_pages/codebook.py": "Codebook",
    "app_pages/audit.py": "Audit log",
}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        directory = tmp_path_factory.mktemp("ui") / "demo"
        create_demo(directory, PASSPHRASE, kdf=FAST_KDF).workspace.close()
    yield directory


@pytest.fixture
def app(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKBENCH_PROJECT", str(demo_dir))
    at = AppTest.from_file(APP, default_timeout=60)
    yield at
    ws = at.session_state.get("workspace", None)
    if ws is not None:
        ws.close()


def _unlock(at: AppTest, passphrase: str = PASSPHRASE, user: str = "") -> AppTest:
    at.run()
    at.text_input[0].input(user)
    at.text_input[1].input(passphrase)
    at.button[0].click()
    return at.run()


def test_first_screen_explains_how_to_unlock(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "Unlock the project"
    assert "passphrase" in app.caption[0].value and "workbench demo" in app.caption[0].value
    assert [w.label for w in app.text_input] == ["User name", "Passphrase"]


def test_wrong_passphrase_shows_a_message_not_a_traceback(app: AppTest) -> None:
    _unlock(app, "wrong passphrase")
    assert not app.exception
    assert "does not unlock" in app.error[0].value
    assert "workspace" not in app.session_state


def test_unknown_user_is_refused(app: AppTest) -> None:
    _unlock(app, user="mallory")
    assert "not a member" in app.error[0].value


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_after_unlocking(app: AppTest, page: str) -> None:
    _unlock(app)
    assert not app.exception
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == PAGES[page]
    assert app.caption, "every page explains itself with a caption"
    assert not app.error


def test_overview_counts(app: AppTest) -> None:
    _unlock(app)
    app.switch_page("app_pages/overview.py").run()
    metrics = {m.label: m.value for m in app.metric}
    assert metrics == {"Interviews": "6", "Participants": "5", "Codes": "21", "Codings": "122"}


def test_transcript_page_shows_turns_and_highlights(app: AppTest) -> None:
    _unlock(app, user="anna")
    app.switch_page("app_pages/transcripts.py").run()
    html = "".join(str(e.proto) for e in app.get("html"))
    assert "wb-turn" in html and "<mark" in html
    assert "Interviewer" in html


def test_lock_drops_the_workspace(app: AppTest) -> None:
    _unlock(app)
    assert "workspace" in app.session_state
    app.sidebar.button[0].click().run()
    assert "workspace" not in app.session_state
    assert app.title[0].value == "Unlock the project"
    assert "Locked" in app.info[0].value


def test_idle_timeout_locks(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    _unlock(app)
    monkeypatch.setenv("WORKBENCH_IDLE_MINUTES", "0")
    app.run()
    assert "workspace" not in app.session_state
    assert app.title[0].value == "Unlock the project"
    assert "idle" in app.info[0].value


@pytest.mark.parametrize("page", list(PAGES))
def test_a_locked_session_gets_the_unlock_form_on_every_page(app: AppTest, page: str) -> None:
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    assert app.title[0].value == "Unlock the project"
    assert not app.metric and not app.get("html") and not app.dataframe
    app.text_input[1].input(PASSPHRASE)
    app.button[0].click().run()
    assert app.title[0].value == PAGES[page], "after unlocking, the requested page is shown"


def test_audit_page_is_listed_for_leads_but_not_for_researchers(app: AppTest) -> None:
    _unlock(app, user="lena")
    app.switch_page("app_pages/audit.py").run()
    assert app.title[0].value == "Audit log"
    assert "intact" in app.success[0].value
    assert len(app.dataframe[0].value) > 5
    researcher = AppTest.from_file(APP, default_timeout=60)
    _unlock(researcher, user="anna")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        researcher.switch_page("app_pages/audit.py").run()
    researcher.session_state["workspace"].close()
