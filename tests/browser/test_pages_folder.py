"""Only the pages app.py registers exist, from a fresh server's very first request on.

Streamlit would treat the `pages/` folder beside app.py as a legacy multipage app on a
process's first run (every file a page, in a sidebar list, without the router); serve_app.py
switches that off. This module has its own server, so its first test is that process's first run.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, sign_in, wait_idle
from workbench.services.demo import demo_password


def _sidebar_titles(page: Page) -> list[str]:
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    # each link's text is its icon's ligature name, then its title
    return [links.nth(i).inner_text().strip().splitlines()[-1].strip() for i in range(links.count())]


def test_the_first_request_to_a_page_url_gets_the_sign_in_form_and_no_page_list(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/transcripts")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    wait_idle(page)
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)


def test_a_writer_sees_exactly_the_pages_the_router_gives_the_role(page: Page, server: Server) -> None:
    sign_in(page, server, "wanda", demo_password("wanda"))
    # Timeline and Pathways show a writer the release's life paths only (pages/timeline.py, pathways.py).
    assert _sidebar_titles(page) == ["Overview", "Codebook", "Timeline", "Pathways", "Export", "Account"]
