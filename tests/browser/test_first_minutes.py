"""A newcomer's first minutes in a real browser: how to sign in, every page explains itself, no tracebacks."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, shoot, sign_in, wait_idle
from workbench.services.demo import demo_password


def test_the_first_screen_says_how_to_sign_in_and_a_wrong_password_is_a_message(page: Page, server: Server) -> None:
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("fictional-anna")).to_be_visible()
    shoot(page, "first-screen")
    page.get_by_role("textbox", name="User name").fill("anna")
    page.get_by_role("textbox", name="Password").fill("not anna's password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("user name or password is wrong")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Traceback")).to_have_count(0)


def test_every_page_a_lead_can_open_explains_itself(page: Page, server: Server) -> None:
    sign_in(page, server, "lena", demo_password("lena"))
    links = page.get_by_test_id("stSidebarNav").get_by_role("link")
    # each link's text is its icon's ligature name, then its title
    titles = [links.nth(i).inner_text().strip().splitlines()[-1].strip() for i in range(links.count())]
    assert {"Overview", "Transcripts", "Codebook", "Audit log", "Account"} <= set(titles)
    for title in titles:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        wait_idle(page)
        expect(page.get_by_role("heading").first).to_be_visible()
        assert page.get_by_test_id("stCaptionContainer").count() > 0, f"page {title} has no caption"
        expect(page.get_by_text("Traceback")).to_have_count(0)
        expect(page.get_by_test_id("stException")).to_have_count(0)
        shoot(page, f"lead-{title.lower().replace(' ', '-')}")
