"""The Search page through AppTest on the real demo: a Hungarian search, coding in place, more like this, roles."""

from __future__ import annotations

import gc
import weakref
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PASSPHRASE
from tests.ui.apptest import demo_project, sign_in
from workbench.services.coding import interview_codings
from workbench.services.demo import demo_password
from workbench.services.interviews import list_interviews
from workbench.services.projects import audit_log, open_project
from workbench.services.search import search
from workbench.ui.interview_url import passage_link

PAGE = "pages/search.py"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = demo_project(tmp_path_factory, "search-page")
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        ws = open_project(directory, PASSPHRASE)
        search(ws, "warm the store", limit=1)  # the sentences' vectors, stored encrypted, as a first search leaves them
        ws.close()
    return directory


def _search(app: AppTest, user: str, query: str) -> AppTest:
    sign_in(app, demo_password(user), user)
    app.switch_page(PAGE).run()
    assert not app.exception and app.title[0].value == "Search" and app.caption
    assert "press Search" in app.info[0].value
    app.text_input[0].input(query)
    next(b for b in app.button if b.label == "Search").click().run()
    assert not app.exception and not app.error
    return app


def test_a_hungarian_search_shows_the_english_passage_with_rank_band_and_source(app: AppTest) -> None:
    _search(app, "anna", "kápolna mennyezetét festettük")
    shown = [m.value for m in app.markdown]
    assert any("chapel ceiling" in m for m in shown), shown
    headers = [m for m in shown if m.startswith("**#")]
    assert headers[0].startswith("**#1** · ") and "participant" in headers[0]
    assert not any("0.8" in h or "0.9" in h for h in headers), "no raw cosines"
    assert "passages of 6 interviews searched" in " ".join(c.value for c in app.caption)


def test_a_result_is_coded_in_place_and_more_like_this_follows(app: AppTest, demo_dir: Path) -> None:
    _search(app, "anna", "kápolna mennyezetét festettük")
    picker = app.multiselect[0]
    picker.set_value([picker.options[0]]).run()
    next(b for b in app.button if b.label == "Code").click().run()
    assert not app.exception and not app.error
    assert app.success[0].value == "Coded: 1 coding(s) added."
    next(b for b in app.button if b.label == "Search").click().run()  # the codes on the hits are read again
    assert any(b.label == "More like this" for b in app.button)
    next(b for b in app.button if b.label == "More like this").click().run()
    assert not app.exception and not app.error
    assert [m.value for m in app.markdown if m.value.startswith("**#")]
    ws = open_project(demo_dir, PASSPHRASE)
    actions = [e.action for e in audit_log(ws).entries]
    ws.close()
    assert {"semantic search", "more like this", "coding added"} <= set(actions)


def test_report_writers_are_not_offered_the_page(app: AppTest) -> None:
    sign_in(app, demo_password("wanda"), "wanda")
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(PAGE).run()


def test_more_like_this_from_the_code_page_link(app: AppTest, demo_dir: Path) -> None:
    ws = open_project(demo_dir, demo_password("anna"), "anna")
    try:
        first = list_interviews(ws)[0]
        coding = interview_codings(ws, first.id).codings[0]
    finally:
        ws.close()
    sign_in(app, demo_password("anna"), "anna")
    app.query_params["like"] = coding.id
    app.switch_page(PAGE).run()
    assert not app.exception and not app.error
    headers = [m.value for m in app.markdown if m.value.startswith("**#")]
    assert headers and headers[0].startswith("**#1** · ")
    assert all(coding.text not in m.value for m in app.markdown), "the passage itself is not its own result"


def test_a_passage_link_selects_the_passage_on_the_code_page(app: AppTest, demo_dir: Path) -> None:
    ws = open_project(demo_dir, demo_password("anna"), "anna")
    try:
        hit = search(ws, "vending machine exact change", limit=1).hits[0]
    finally:
        ws.close()
    sign_in(app, demo_password("anna"), "anna")
    app.query_params.update(passage_link(hit.short_id, hit.start, hit.end))
    app.switch_page("pages/code.py").run()
    assert not app.exception and not app.error
    assert f"Selected characters {hit.start} to {hit.end} ({hit.end - hit.start}):" in [t.value for t in app.text]


def test_sign_out_drops_the_decrypted_index(app: AppTest) -> None:
    _search(app, "anna", "kápolna mennyezetét festettük")
    ws = app.session_state["workspace"]
    index = weakref.ref(ws._semantic_search_index)
    results = weakref.ref(ws._search_page_results)
    del ws
    gc.collect()
    assert index() is not None and results() is not None
    next(b for b in app.button if b.label == "Sign out").click().run()
    gc.collect()
    assert index() is None, "the decrypted sentences and vectors outlived the session"
    # The page's callbacks (kept in Streamlit's widget state) hold its globals, and so the results.
    assert results() is None, "the decrypted search results outlived the session"
