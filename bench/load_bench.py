"""Many coders at once: N browser sessions code one interview for a bounded time against one server.

    .venv/bin/python -m bench.load_bench --sessions 8 --seconds 120

A project (production key derivation) with N researchers, nine codes and one generated
``--words`` transcript is served by the real ``workbench serve`` on 127.0.0.1. N Chromium
sessions (one browser, a context each, driven concurrently through Playwright's async API) sign
in as their own researcher, open the interview on the Code page and, until the time is up, code
one speaker turn after another the way a coder does with the keyboard: a click on the turn's
speaker selects the turn, typing the code's number applies it. Measured per coding: from the key
press to the turn showing as coded in that browser (``data-coded="1"``), i.e. the websocket
round trip, the server's rerun (apply, audit, manifest, page rebuild) and the browser's redraw.
Reported: codings applied, p50 and p95 of apply-to-highlight, errors shown in any page, and
afterwards, through the services, whether every coding a session applied is stored exactly once
(each coder's stored spans equal the turns that coder coded, no more, no fewer). The server's
resident memory (``VmRSS`` of the ``workbench serve`` process) is read before anyone signs in,
with the first session on the Code page (the app's modules are loaded then), with every session
there, and at the end. Not a test: figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from playwright.async_api import Page, async_playwright, expect

from bench.store_bench import make_transcript
from tests.helpers import free_port, wait_healthy
from workbench.domain.models import Code, Role

PASSPHRASE = "load benchmark passphrase"
CHROMIUM = "/usr/bin/chromium"
WORKBENCH = str(Path(sys.executable).with_name("workbench"))
TITLE = "Load interview"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def coder(i: int) -> str:
    return f"coder{i + 1}"


def password(name: str) -> str:
    return f"load-bench-{name}-pw"


def build(directory: Path, sessions: int, words: int) -> str:
    """The project, through the app's services; returns the interview id."""
    from workbench.services.codebook.sync import install_codebook
    from workbench.services.interviews import add_transcript
    from workbench.services.projects import init_project
    from workbench.services.users import add_user

    ws = init_project(directory, PASSPHRASE, "admin", language="hu", name="load bench")
    try:
        for i in range(sessions):
            add_user(ws, coder(i), Role.RESEARCHER, password(coder(i)))
        install_codebook(ws, [Code(str(uuid.uuid4()), f"Code {n}") for n in range(1, 10)], "load bench codes")
        return add_transcript(ws, make_transcript(words, seed=8), title=TITLE, language="hu")
    finally:
        ws.close()


def stored_starts(directory: Path, interview_id: str, sessions: int) -> dict[str, list[int]]:
    """Each coder's stored coding starts on the interview (a list: a duplicate would show twice)."""
    from workbench.services.projects import open_project

    ws = open_project(directory, PASSPHRASE, "admin")
    try:
        with ws.read() as repo:
            found = repo.codings.verified_meta([interview_id])[interview_id]
    finally:
        ws.close()
    return {coder(i): sorted(c.start for c in found if c.coder == coder(i)) for i in range(sessions)}


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def idle(page: Page) -> None:
    await page.wait_for_timeout(200)
    await expect(page.get_by_role("img", name="Running...")).to_have_count(0, timeout=120_000)


async def open_code_page(page: Page, url: str, name: str) -> None:
    await page.goto(url)
    await expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=120_000)
    await page.get_by_role("textbox", name="User name").fill(name)
    await page.get_by_role("textbox", name="Password").fill(password(name))
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=120_000)
    await idle(page)
    await page.get_by_test_id("stSidebarNav").get_by_role("link", name="Code", exact=True).click()
    await idle(page)
    box = page.get_by_role("combobox", name="Interview")
    await box.click()
    await box.press_sequentially(TITLE)
    await page.get_by_role("option", name=TITLE).first.click()
    await idle(page)
    await expect(page.get_by_test_id("wb-code-view").locator(".wbc-turn").first).to_be_visible(timeout=120_000)


async def code_turns(page: Page, offset: int, deadline: float) -> tuple[list[float], list[int]]:
    """Code turns (starting at ``offset``) until ``deadline``; (latencies, data-start of each coded turn)."""
    view = page.get_by_test_id("wb-code-view")
    count = await view.locator(".wbc-turn").count()
    latencies: list[float] = []
    starts: list[int] = []
    k = offset % count
    while time.monotonic() < deadline and len(starts) < count:
        turn = view.locator(f'.wbc-turn[data-turn="{k}"]')
        await turn.get_by_role("button", name=re.compile(rf"^Select turn {k + 1} ")).click()
        await idle(page)
        await view.focus()
        began = time.perf_counter()
        await page.keyboard.type(str(1 + k % 9))
        await expect(turn).to_have_attribute("data-coded", "1", timeout=120_000)
        latencies.append(time.perf_counter() - began)
        starts.append(int(await turn.get_attribute("data-start") or "-1"))
        await idle(page)
        k = (k + 1) % count
    return latencies, starts


async def drive(url: str, sessions: int, seconds: float, server_pid: int) -> dict[str, object]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(sessions)]
        pages = [await c.new_page() for c in contexts]
        for p in pages:
            p.set_default_timeout(120_000)
        rss_before = rss_mib(server_pid)
        await open_code_page(pages[0], url, coder(0))  # the first session also loads the app's modules
        rss_first = rss_mib(server_pid)
        signed = time.perf_counter()
        await asyncio.gather(*(open_code_page(p, url, coder(i)) for i, p in enumerate(pages) if i))
        sign_in_s = time.perf_counter() - signed
        rss_open = rss_mib(server_pid)
        deadline = time.monotonic() + seconds
        results = await asyncio.gather(*(code_turns(p, 7 * i, deadline) for i, p in enumerate(pages)))
        errors = 0
        for p in pages:
            errors += await p.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count()
        rss_end = rss_mib(server_pid)
        await browser.close()
    return {"results": results, "errors": errors, "sign_in_s": sign_in_s,
            "rss": (rss_before, rss_first, rss_open, rss_end)}  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--words", type=int, default=3000, help="words in the interview being coded")
    args = parser.parse_args(argv)
    os.environ.pop("WORKBENCH_DATABASE_URL", None)
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        directory = Path(tmp) / "project"
        interview_id = build(directory, args.sessions, args.words)
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
        server = subprocess.Popen([WORKBENCH, "serve", str(directory), "--port", str(port)], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            wait_healthy(url, server)
            run = asyncio.run(drive(url, args.sessions, args.seconds, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=60)
        stored = stored_starts(directory, interview_id, args.sessions)
    results: list[tuple[list[float], list[int]]] = run["results"]  # type: ignore[assignment]
    latencies = sorted(x for lat, _ in results for x in lat)
    exact = all(sorted(starts) == stored[coder(i)] for i, (_, starts) in enumerate(results))
    before, first, opened, end = run["rss"]  # type: ignore[misc]
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else float("nan")
    print(f"load benchmark, {time.strftime('%Y-%m-%d')}, {args.sessions} sessions x {args.seconds:.0f} s, "
          f"one `workbench serve` on SQLite, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"sign-in and open the Code page, sessions 2..{args.sessions} at once: {run['sign_in_s']:.1f} s")
    print(f"codings applied: {len(latencies)} ({', '.join(str(len(s)) for _, s in results)} per session)")
    if latencies:
        print(f"apply-to-highlight: median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, "
              f"max {latencies[-1]:.2f} s")  # fmt: skip
    print(f"stored exactly once (each coder's stored spans = the turns they coded): {exact}")
    print(f"errors shown in the pages: {run['errors']}")
    each = (opened - first) / max(1, args.sessions - 1)
    print(f"server RSS: {before:.0f} MiB before sign-in, {first:.0f} MiB with one session on the Code page "
          f"(modules loaded), {opened:.0f} MiB with {args.sessions} ({each:.1f} MiB per further session), "
          f"{end:.0f} MiB at the end")  # fmt: skip


if __name__ == "__main__":
    main()
