"""A researcher searches in Hungarian in a real browser and finds an English passage, then opens it on the Code page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, shoot, sign_in, wait_idle
from tests.conftest import PASSPHRASE
from workbench.services.demo import demo_password
from workbench.services.projects import open_project
from workbench.services.search import search


def test_a_hungarian_search_finds_an_english_passage(page: Page, server: Server) -> None:
    ws = open_project(server.project, PASSPHRASE)
    try:  # the sentences' vectors, stored encrypted, as an earlier first search leaves them
        search(ws, "warm the store", limit=1)
    finally:
        ws.close()
    sign_in(page, server, "anna", demo_password("anna"))
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Search", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Search")).to_be_visible()
    page.get_by_role("textbox", name="Look for").fill("kápolna mennyezetét festettük")
    page.get_by_role("button", name="Search").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"\d+ passages of 6 interviews searched"))).to_be_visible(timeout=120_000)
    quote = page.locator("blockquote", has_text="chapel ceiling")
    expect(quote).to_be_visible()
    hit = page.get_by_test_id("stVerticalBlock").filter(has=quote).last  # the innermost: the result's own box
    expect(hit.get_by_text(re.compile(r"#\d+ · "))).to_be_visible()
    shoot(page, "search-hungarian-finds-english")

    hit.get_by_role("link", name="Open").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Code", exact=True)).to_be_visible(timeout=60_000)
    assert "interview=" in page.url
    expect(page.get_by_text(re.compile(r"Selected characters \d+ to \d+"))).to_be_visible()
