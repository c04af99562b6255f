"""Shared AppTest fixtures: a module defines ``demo_dir`` (its project) and gets ``app``, served from it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import close, new_app, serve


@pytest.fixture
def app(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app (signed out) serving this module's ``demo_dir``; closed, and its session dropped, afterwards."""
    serve(demo_dir, monkeypatch)
    at = new_app(120)  # the first run of a page may build a large figure on a busy machine
    yield at
    close(at)
