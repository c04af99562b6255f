"""Shared AppTest plumbing: point the app at a project, sign in, open a page, close the session.

Every page test drives the real `app.py` router on a real encrypted project, so these helpers
go through the same sign-in form a researcher uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest, app_test

from tests.conftest import FAST_KDF, PASSPHRASE, REPO_ROOT
from workbench.services.demo import create_demo
from workbench.services.preferences import LANGUAGE_KEY_PREFIX
from workbench.services.projects import open_project
from workbench.services.workspace import Workspace
from workbench.ui.navigation import router_only

APP = str(REPO_ROOT / "app.py")


class _RouterOnlyPages(PagesManager):
    """AppTest's pages manager with the served app's setting: no legacy ``pages/`` discovery.

    AppTest resets Streamlit's ``pages/`` flag before every run and then builds its pages
    manager, so without this each test run would go through the legacy router that serve_app.py
    switches off (``workbench.ui.navigation.router_only``): pages unknown to ``app.py`` would
    open, and the tests would not see what a browser sees.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        router_only()
        super().__init__(*args, **kwargs)


app_test.PagesManager = _RouterOnlyPages  # type: ignore[misc]


def demo_project(factory: pytest.TempPathFactory, name: str) -> Path:
    """A demo project on SQLite, built once for a test module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        directory = factory.mktemp(name) / "demo"
        create_demo(directory, PASSPHRASE, kdf=FAST_KDF).workspace.close()
    return directory


def serve(directory: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the app (as `workbench serve DIR` would) open ``directory`` on SQLite."""
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    monkeypatch.setenv("WORKBENCH_PROJECT", str(directory))


def new_app(timeout: float = 60) -> AppTest:
    return AppTest.from_file(APP, default_timeout=timeout)


def close(at: AppTest) -> None:
    """Close the session's workspace, if it signed in."""
    if "workspace" in at.session_state:
        at.session_state["workspace"].close()


def sign_in(at: AppTest, secret: str = PASSPHRASE, user: str = "") -> AppTest:
    """Fill the sign-in form (user name, then password or passphrase) and submit it."""
    at.run()
    at.text_input[0].input(user)
    at.text_input[1].input(secret)
    at.button[0].click()
    return at.run()


def open_page(at: AppTest, page: str, user: str = "", secret: str = PASSPHRASE) -> AppTest:
    """Sign in, then switch to ``page`` (which must be one the user's role is offered)."""
    sign_in(at, secret, user)
    at.switch_page(page).run()
    assert not at.exception
    return at


def members_speak(ws: Workspace, language: str) -> None:
    """Set every member's interface language (a Hungarian project otherwise shows Hungarian pages).

    Tests that read English labels on a Hungarian project use this as a build step; the catalogue
    tests use it to see every page in each language.
    """
    with ws.write() as repo:
        for member in repo.users.current():
            repo.settings.set(LANGUAGE_KEY_PREFIX + member.id, language, ws.user.id)


def english_members(ws: Workspace) -> None:
    members_speak(ws, "en")


def interface_language(directory: Path, language: str) -> None:
    """``members_speak`` on a project on disk."""
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        ws = open_project(directory, PASSPHRASE)
        try:
            members_speak(ws, language)
        finally:
            ws.close()


def view_data(at: AppTest) -> tuple[str, dict[str, Any]]:
    """(element id, data) of the Code page's text view (AppTest runs no JavaScript: the data is what it gets)."""
    [element] = at.get("bidi_component")
    proto = element.proto
    data: dict[str, Any] = json.loads(proto.mixed.json if proto.WhichOneof("data") == "mixed" else proto.json)
    return proto.id, data


def send_view_event(at: AppTest, event: str, value: object) -> AppTest:
    """What the browser's ``setTriggerValue(event, value)`` sends, then the rerun it causes."""
    component_id, _ = view_data(at)
    states = at._tree.get_widget_states()
    trigger = WidgetState(id=f"$$STREAMLIT_INTERNAL_KEY_{component_id}__events")
    trigger.json_trigger_value = json.dumps([{"event": event, "value": value}])
    states.widgets.append(trigger)
    return at._run(states)
