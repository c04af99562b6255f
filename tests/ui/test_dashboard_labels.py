"""The Dashboard's theme quotes (participant, interview, link to the Code page) and renaming, through AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import demo_project, sign_in
from workbench.services.demo import demo_password
from workbench.services.projects import open_project
from workbench.services.themes import latest_themes, run_themes


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = demo_project(tmp_path_factory, "dashboard-labels")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        ws = open_project(directory, PASSPHRASE)
        run_themes(ws)
        ws.close()
    return directory


def test_quotes_name_their_source_and_a_lead_renames_a_theme(app: AppTest, demo_dir: Path) -> None:
    sign_in(app, demo_password("lena"), "lena")
    app.switch_page("pages/dashboard.py").run()
    assert not app.exception and not app.error
    sources = [c.value for c in app.caption if c.value.startswith("Participant ")]
    assert sources and all(" · " in s and "wave" in s for s in sources)
    names = [t for t in app.text_input if t.label == "Theme name"]
    assert names and names[0].value == ""
    names[0].input("Family and visits")
    rename = next(b for b in app.button if b.label == "Rename theme")
    rename.click().run()
    assert not app.exception and not app.error
    assert any("Family and visits" in e.label for e in app.expander)
    ws = open_project(demo_dir, PASSPHRASE)
    try:
        report = latest_themes(ws)
        assert report is not None and report.themes[0].name == "Family and visits"
    finally:
        ws.close()
