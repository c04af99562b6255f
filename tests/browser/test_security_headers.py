"""Attack: load something from another origin into the app, or frame it from another site.

A Markdown image in a user field made the browser fetch ``http://beacon.example/...``,
and nothing told the browser the app may not be framed or may not load other origins.
Streamlit has no header setting, but ``st.App`` takes ASGI middleware: ``workbench serve``
runs ``serve_app.py``, which adds a Content-Security-Policy forbidding other origins,
``frame-ancestors 'none'`` and ``X-Frame-Options``, ``nosniff`` and ``no-referrer`` to
every response. ``deploy/Caddyfile`` sends the same headers from a TLS proxy. In Chromium,
a code whose definition carries a beacon image and whose name is a phishing link shows
as text: no ``<img>`` or ``<a>`` from it, and the browser contacts no other host.
"""

from __future__ import annotations

import re
import urllib.request
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import Server, sign_in, wait_idle
from tests.conftest import PASSPHRASE, REPO_ROOT
from workbench.domain.models import Code
from workbench.services.codebook.sync import install_codebook
from workbench.services.projects import open_project
from workbench.ui.headers import CONTENT_SECURITY_POLICY, SECURITY_HEADERS

BEACON = "![x](http://beacon.example/b.png)"
LINK = "[re-enter your password](http://evil.example/login)"


def _headers(url: str) -> dict[str, str]:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - our own local server
        return {k.lower(): v for k, v in response.headers.items()}


@pytest.mark.parametrize("path", ["/", "/_stcore/health"])
def test_every_response_carries_the_security_headers(server: Server, path: str) -> None:
    got = _headers(server.url + path)
    for name, value in SECURITY_HEADERS.items():
        assert got.get(name.lower()) == value, name
    policy = dict(d.strip().split(" ", 1) for d in got["content-security-policy"].split(";"))
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    for directive in ("img-src", "connect-src", "script-src", "style-src", "font-src", "frame-src"):
        assert "http:" not in policy[directive] and "https:" not in policy[directive] and "*" not in policy[directive]


def test_the_caddy_configuration_sends_the_same_headers() -> None:
    text = (REPO_ROOT / "deploy" / "Caddyfile").read_text()
    block = re.search(r"header \{(.*?)\n\t\}", text, re.S)
    assert block is not None
    configured = dict(re.findall(r'^\s*([A-Za-z-]+) "([^"]*)"', block.group(1), re.M))
    for name, value in SECURITY_HEADERS.items():
        assert configured.get(name) == value, name
    assert configured["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert re.search(r"^\s*reverse_proxy 127\.0\.0\.1:8501$", text, re.M)


@pytest.fixture
def hostile_server(server: Server) -> Iterator[Server]:
    ws = open_project(server.project, PASSPHRASE, "admin")
    try:
        code = Code(str(uuid.uuid4()), LINK, definition=f"{BEACON} {LINK}", examples=(BEACON,), color="#112233")
        install_codebook(ws, [code], "hostile")
    finally:
        ws.close()
    yield server


def test_chromium_shows_hostile_fields_as_text_and_fetches_nothing(
    hostile_server: Server, page: Page, browser: Browser
) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    sign_in(page, hostile_server, "admin", "fictional-admin")
    page.get_by_role("link", name="Codebook").click()
    wait_idle(page)
    expander = page.get_by_text("[re-enter your password](http").first
    expect(expander).to_be_visible()
    expander.click()
    wait_idle(page)
    expect(page.get_by_text("beacon.example/b.png").first).to_be_visible()
    assert page.locator("img[src*='beacon.example']").count() == 0
    links = page.locator("a[href*='evil.example']")
    assert links.count() == 0, [links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())]
    assert not [u for u in requests if "beacon.example" in u or "evil.example" in u]
