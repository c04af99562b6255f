"""Real-browser fixtures: `workbench serve` on 127.0.0.1 driven by Debian's Chromium via Playwright.

The browser is the system's `/usr/bin/chromium` (installed by `./dev test` with apt-get when
missing); Playwright never downloads one. Screenshots of the key screens go to
`test-artifacts/browser/` so a failing journey can be looked at afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import FAST_KDF, PASSPHRASE, REPO_ROOT
from tests.helpers import free_port, wait_healthy
from workbench.services.demo import create_demo

CHROMIUM = "/usr/bin/chromium"
expect.set_options(timeout=30_000)
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
WORKBENCH = str(Path(sys.executable).parent / "workbench")
# No background traffic: the journeys also prove the app needs no network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@dataclass
class Server:
    url: str
    project: Path


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `./dev test` installs it with apt-get (Debian package chromium).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A fresh demo project served by the real `workbench serve` command."""
    directory = tmp_path_factory.mktemp("browser") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        create_demo(directory, PASSPHRASE, kdf=FAST_KDF, release_for_writers=True).workspace.close()
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    process = subprocess.Popen(
        [WORKBENCH, "serve", str(directory), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process)
        yield Server(url, directory)
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh browser context; any request that leaves this machine fails the test (offline rule)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.set_default_timeout(30_000)
    external: list[str] = []
    context.on("request", lambda r: external.append(r.url) if _leaves_machine(r.url) else None)
    opened = context.new_page()
    yield opened
    if getattr(request.node, "rep_call_failed", False):
        shoot(opened, f"{request.node.name}-failure")
    context.close()
    assert external == [], f"the app made the browser contact other hosts: {sorted(set(external))[:5]}"


def _leaves_machine(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("127.0.0.1", "localhost")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if call.when == "call" and report.failed:  # type: ignore[attr-defined]
        item.rep_call_failed = True  # type: ignore[attr-defined]
    return report


def shoot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current script run (its "Running..." indicator is gone)."""
    page.wait_for_timeout(300)  # let a rerun triggered by the last action start
    expect(page.get_by_role("img", name="Running...")).to_have_count(0, timeout=90_000)


def sign_in(page: Page, server: Server, user: str, password: str) -> None:
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="User name").fill(user)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    wait_idle(page)
