"""Attack: the next person at the same browser reads what the last one decrypted.

The Codebook page kept the prepared decrypted ``.qdpx`` bytes in session state and
offered them, after sign-out, to whoever signed in next in that browser, report
writers included; suggestions and export results stayed too. Sign-out and the idle
lock must clear all session state except a small allow-list of non-sensitive UI
keys (an allow-list, so pages written later are covered too).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import close, demo_project, new_app, open_page, serve, sign_in
from workbench.ui.session import KEEP_ON_LOCK

PAGE = "pages/codebook.py"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "signout")


def _prepare_qdpx(at: AppTest) -> None:
    next(b for b in at.button if b.label == "Prepare project (.qdpx)").click()
    at.run()
    assert not at.exception
    assert "codebook_download" in at.session_state or any("qdpx" in str(k) for k in _keys(at))


def _keys(at: AppTest) -> list[str]:
    """Session keys, less the sign-in form's own submit button (the form on screen after locking)."""
    return [str(k) for k in at.session_state if not str(k).startswith("FormSubmitter:unlock-")]


def _offers_download(at: AppTest) -> bool:
    return any("Download" in str(getattr(w, "label", "")) for w in at.get("download_button"))


def _sign_out(at: AppTest) -> None:
    next(b for b in at.sidebar.button if b.label == "Sign out").click()
    at.run()
    assert "workspace" not in at.session_state


def test_sign_out_then_a_writer_signs_in_and_is_offered_nothing(
    demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serve(demo_dir, monkeypatch)
    at = open_page(new_app(), PAGE, "admin")
    try:
        _prepare_qdpx(at)
        assert _offers_download(at)
        _sign_out(at)
        leftover = [k for k in _keys(at) if k not in KEEP_ON_LOCK]
        assert leftover == [], leftover
        sign_in(at, "fictional-wanda", "wanda")
        assert at.session_state["workspace"].user.name == "wanda"
        at.switch_page(PAGE).run()
        assert not at.exception
        assert not _offers_download(at)
        assert not any(isinstance(at.session_state[k], tuple) for k in _keys(at) if k != "workspace")
    finally:
        close(at)


def test_the_idle_lock_drops_everything_too(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    serve(demo_dir, monkeypatch)
    at = open_page(new_app(), PAGE, "admin")
    try:
        _prepare_qdpx(at)
        monkeypatch.setenv("WORKBENCH_IDLE_MINUTES", "0")  # the next run finds the session idle
        at.run()
        assert "workspace" not in at.session_state
        leftover = [k for k in _keys(at) if k not in KEEP_ON_LOCK]
        assert leftover == [], leftover
    finally:
        close(at)


def test_the_allow_list_is_small_and_holds_no_data() -> None:
    assert len(KEEP_ON_LOCK) <= 5
    assert "workspace" not in KEEP_ON_LOCK
