"""Project lead's journey in a real browser: themes on the dashboard, agreement between two coders."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import Server, shoot, sign_in, wait_idle
from workbench.services.demo import demo_password


def test_lead_sees_themes_and_the_agreement_between_two_coders(page: Page, server: Server) -> None:
    sign_in(page, server, "lena", demo_password("lena"))
    nav = page.get_by_test_id("stSidebarNav")

    nav.get_by_role("link", name="Dashboard", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Run theme clustering").click()
    expect(page.get_by_text(re.compile(r"\d+ themes; \d+ texts newly embedded"))).to_be_visible(timeout=240_000)
    wait_idle(page)
    expect(page.get_by_role("heading", name="Map of passages")).to_be_visible()
    themes = page.get_by_test_id("stMetric").filter(has_text="Themes").get_by_test_id("stMetricValue")
    assert int(themes.inner_text()) >= 1
    expect(page.locator(".js-plotly-plot").first).to_be_visible()
    shoot(page, "lead-dashboard-themes")

    nav.get_by_role("link", name="Agreement", exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Agreement")).to_be_visible()
    expect(page.get_by_text("anna, bence")).to_be_visible()
    alpha = page.get_by_test_id("stMetric").filter(has_text="Krippendorff's alpha").get_by_test_id("stMetricValue")
    value = float(alpha.inner_text())
    assert 0.0 < value <= 1.0, "two coders of the demo agree well but not perfectly"
    expect(page.get_by_role("heading", name="Where the coders disagree")).to_be_visible()
    shoot(page, "lead-agreement")
