"""Many coders at once: N browser sessions code one interview for a bounded time against one server.

    .venv/bin/python -m bench.load_bench --sessions 8 --seconds 120
    .venv/bin/python -m bench.load_bench --sessions 8 --seconds 120 --postgres --servers 2

A project (production key derivation) with N researchers, nine codes and one generated
``--words`` transcript is served by the real ``workbench serve`` on 127.0.0.1 (with
``--postgres --servers 2``: two of them on one PostgreSQL schema made for the run and dropped
afterwards, session i on server i mod 2). N Chromium sessions (one browser, a context each,
driven concurrently through Playwright's async API) sign in as their own researcher, open the
interview on the Code page and, until the time is up, code one speaker turn after another the
way a coder does with the keyboard: a click on the turn's speaker selects the turn, typing the
code's number applies it. Measured per coding: from the key press to the turn showing as coded
in that browser (``data-coded="1"``), i.e. the websocket round trip, the server's rerun (apply,
audit, manifest, page rebuild) and the browser's redraw.

Reported: codings applied, p50 and p95 of apply-to-highlight, the errors any page showed (read
after every key press: a message is gone a rerun later), key presses whose turn did not show as
coded within ``WAIT_S`` (with the websocket frames the page sent after the press, so a press the
browser never sent is told from one the server did not apply, and where the focus was), and
afterwards, through the services, whether every coding a session applied is stored exactly once
(each coder's stored spans equal the turns that coder coded, no more, no fewer). The CPU seconds
of the server process(es) and of the browsers (Chromium and Playwright's driver) while coding
say which of them the machine's cores went to. The server's resident memory (``VmRSS``, summed
over the server processes) is read before anyone signs in, with the first session on each
server on the Code page (the app's modules are loaded then), with every session there, and at
the end. Not a test: figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Page, WebSocket, async_playwright, expect

from bench.store_bench import make_transcript
from tests.helpers import free_port, wait_healthy
from workbench.domain.models import Code, Role

PASSPHRASE = "load benchmark passphrase"
CHROMIUM = "/usr/bin/chromium"
PG_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
WORKBENCH = str(Path(sys.executable).with_name("workbench"))
TITLE = "Load interview"
WAIT_S = 60  # a key press whose turn is not coded by then is counted as lost
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

    # English: the sign-in lands on the English pages the locators name (a "hu" project opens in Hungarian).
    ws = init_project(directory, PASSPHRASE, "admin", language="en", name="load bench")
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


FOCUS_JS = """() => {
  const a = document.activeElement, v = document.querySelector('[data-testid=wb-code-view]');
  return { tag: a ? a.tagName : null, cls: a ? String(a.className).slice(0, 40) : null,
    inView: !!(a && v && v.contains(a)), running: document.querySelectorAll('[aria-label="Running..."]').length };
}"""


ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'


async def shown_errors(page: Page) -> list[str]:
    """The error messages the page shows now (they never quote interview text)."""
    return [" ".join(t.split())[:160] for t in await page.locator(ERRORS).all_inner_texts()]


Coded = tuple[list[float], list[int]]  # latencies, and the data-start of each turn coded


@dataclass(frozen=True)
class Run:
    """What one run measured (see the module's docstring)."""

    results: list[Coded]  # per session
    errors: list[str]
    lost: list[dict[str, object]]
    sign_in_s: float
    rss: tuple[float, float, float, float]  # MiB: before sign-in, first session(s), all sessions, end
    cpu: tuple[float, float, float]  # CPU seconds of the servers and of the browsers, wall seconds


@dataclass
class Watch:
    """What one session saw: websocket frames it sent (times), key presses lost, errors shown."""

    coder: str
    sent: list[float] = field(default_factory=list)
    lost: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def code_turns(page: Page, offset: int, deadline: float, watch: Watch, *, burst: bool = False) -> Coded:
    """Code turns (starting at ``offset``) until ``deadline``; (latencies, data-start of each coded turn).

    One at a time (the default): select the turn, wait for the page to settle, type the number,
    wait for the highlight. ``burst``: a coder faster than the server, who types the number and at
    once clicks the next speaker without waiting for anything, so the two messages meet at a
    busy server (which merges them into one rerun request).

    ``watch.sent`` holds the times of the websocket frames the page sent. A key press whose turn
    does not show as coded within ``WAIT_S`` is recorded in ``watch.lost`` with what tells where it
    went: the frames the page sent after it (none: the browser never sent it), where the focus was
    and any error the page showed. Errors are read after every key press (a message shown once is
    gone a rerun later), into ``watch.errors``.
    """
    view = page.get_by_test_id("wb-code-view")
    count = await view.locator(".wbc-turn").count()
    latencies: list[float] = []
    starts: list[int] = []

    async def select(k: int) -> None:
        turn = view.locator(f'.wbc-turn[data-turn="{k}"]')
        await turn.get_by_role("button", name=re.compile(rf"^Select turn {k + 1} ")).click()

    k = offset % count
    if burst:
        await select(k)
        await idle(page)
    while time.monotonic() < deadline and len(starts) < count:
        turn = view.locator(f'.wbc-turn[data-turn="{k}"]')
        if not burst:
            await select(k)
            await idle(page)
            await view.focus()
        focus = await page.evaluate(FOCUS_JS)
        began = time.perf_counter()
        await page.keyboard.type(str(1 + k % 9))
        if burst:
            await select((k + 1) % count)
        try:
            await expect(turn).to_have_attribute("data-coded", "1", timeout=WAIT_S * 1000)
        except AssertionError:
            start = int(await turn.get_attribute("data-start") or "-1")
            watch.lost.append({"coder": watch.coder, "turn": k, "start": start,
                               "focus_before_key": focus, "focus_after": await page.evaluate(FOCUS_JS),
                               "frames_after_key": sum(1 for t in watch.sent if t >= began),
                               "errors": await shown_errors(page)})  # fmt: skip
        else:
            latencies.append(time.perf_counter() - began)
            starts.append(int(await turn.get_attribute("data-start") or "-1"))
        if not burst:
            await idle(page)
        watch.errors.extend(await shown_errors(page))
        k = (k + 1) % count
    if burst:
        await idle(page)
    return latencies, starts


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def browser_cpu_s(servers: list[int]) -> float:
    """CPU seconds of this script's other descendants: Playwright's driver and Chromium's processes."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    mine, total = os.getpid(), 0.0
    for pid in parents:
        if pid in servers:
            continue
        up = parents.get(pid)
        while up is not None and up not in (mine, 0, 1) and up not in servers:
            up = parents.get(up)
        if up == mine:
            total += cpu_s(pid)
    return total


async def drive(urls: list[str], sessions: int, seconds: float, servers: list[int], *, burst: bool = False
                ) -> Run:  # fmt: skip
    """Session i talks to ``urls[i % len(urls)]``; RSS and CPU are summed over ``servers`` (pids)."""

    def rss() -> float:
        return sum(rss_mib(pid) for pid in servers)

    def cpu() -> tuple[float, float]:
        return sum(cpu_s(pid) for pid in servers), browser_cpu_s(servers)

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(sessions)]
        pages = [await c.new_page() for c in contexts]
        watches = [Watch(coder(i)) for i in range(len(pages))]
        for p, watch in zip(pages, watches, strict=True):
            p.set_default_timeout(120_000)
            p.on("websocket", functools.partial(_count_frames, watch=watch))
        rss_before = rss()
        # The first session on each server also loads the app's modules there.
        await asyncio.gather(*(open_code_page(pages[i], urls[i], coder(i)) for i in range(len(urls))))
        rss_first = rss()
        signed = time.perf_counter()
        await asyncio.gather(*(open_code_page(p, urls[i % len(urls)], coder(i))
                               for i, p in enumerate(pages) if i >= len(urls)))  # fmt: skip
        sign_in_s = time.perf_counter() - signed
        rss_open = rss()
        deadline = time.monotonic() + seconds
        cpu_start, wall_start = cpu(), time.perf_counter()
        results = await asyncio.gather(
            *(code_turns(p, 7 * i, deadline, watches[i], burst=burst) for i, p in enumerate(pages))
        )
        cpu_end, wall = cpu(), time.perf_counter() - wall_start
        for p, watch in zip(pages, watches, strict=True):
            watch.errors.extend(await shown_errors(p))
        rss_end = rss()
        await browser.close()
    return Run(results=list(results), errors=[e for w in watches for e in w.errors],
               lost=[x for w in watches for x in w.lost], sign_in_s=sign_in_s,
               rss=(rss_before, rss_first, rss_open, rss_end),
               cpu=(cpu_end[0] - cpu_start[0], cpu_end[1] - cpu_start[1], wall))  # fmt: skip


def _count_frames(socket: WebSocket, *, watch: Watch) -> None:
    socket.on("framesent", lambda _: watch.sent.append(time.perf_counter()))


@contextmanager
def database(postgres: bool) -> Iterator[dict[str, str]]:
    """The servers' environment: SQLite in the project folder, or a fresh PostgreSQL schema (dropped after)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    os.environ.pop("WORKBENCH_DATABASE_URL", None)
    if not postgres:
        yield env
        return
    from sqlalchemy import create_engine, text

    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    env["WORKBENCH_DATABASE_URL"] = os.environ["WORKBENCH_DATABASE_URL"] = f"{PG_URL}?options=-csearch_path%3D{schema}"
    try:
        yield env
    finally:
        os.environ.pop("WORKBENCH_DATABASE_URL", None)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def serve(directory: Path, count: int, env: dict[str, str]) -> tuple[list[str], list[subprocess.Popen[bytes]]]:
    """Start ``count`` `workbench serve` processes on the project; their URLs and processes."""
    ports = [free_port() for _ in range(count)]
    servers = [subprocess.Popen([WORKBENCH, "serve", str(directory), "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for port in ports]  # fmt: skip
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    for url, server in zip(urls, servers, strict=True):
        wait_healthy(url, server)
    return urls, servers


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--words", type=int, default=3000, help="words in the interview being coded")
    parser.add_argument("--postgres", action="store_true", help=f"the project on PostgreSQL ({PG_URL}, a new schema)")
    parser.add_argument("--servers", type=int, default=1, help="`workbench serve` processes; sessions alternate")
    parser.add_argument("--burst", action="store_true", help="type each number and click the next speaker at once")
    args = parser.parse_args(argv)
    if not 1 <= args.servers <= args.sessions:
        parser.error("--servers must be between 1 and --sessions")
    if args.servers > 1 and not args.postgres:
        parser.error("several server processes share one project only on PostgreSQL (--postgres)")
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp, database(args.postgres) as env:
        directory = Path(tmp) / "project"
        interview_id = build(directory, args.sessions, args.words)
        urls, servers = serve(directory, args.servers, env)
        try:
            run = asyncio.run(drive(urls, args.sessions, args.seconds, [s.pid for s in servers], burst=args.burst))
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                server.wait(timeout=60)
        stored = stored_starts(directory, interview_id, args.sessions)
    report(args, run, stored)


def duplicates(values: list[int]) -> list[int]:
    return sorted({v for v in values if values.count(v) > 1})


def report(args: argparse.Namespace, run: Run, stored: dict[str, list[int]]) -> None:
    results = run.results
    latencies = sorted(x for lat, _ in results for x in lat)
    # Exactly once: every turn shown as coded is stored once, nothing stored twice, and nothing
    # stored that was not pressed for (a press whose highlight never came may be stored or not).
    unshown: dict[str, set[int]] = {}
    for item in run.lost:
        unshown.setdefault(str(item.get("coder")), set()).add(int(str(item.get("start"))))
    exact = all(
        not duplicates(stored[coder(i)])
        and set(starts) <= set(stored[coder(i)]) <= set(starts) | unshown.get(coder(i), set())
        for i, (_, starts) in enumerate(results)
    )
    before, first, opened, end = run.rss
    server_cpu, browser_cpu, wall = run.cpu
    p95 = latencies[max(0, round(0.95 * len(latencies)) - 1)] if latencies else float("nan")
    store = "PostgreSQL" if args.postgres else "SQLite"
    served = "one `workbench serve`" if args.servers == 1 else f"{args.servers} `workbench serve` processes"
    pace = "number and next speaker at once (--burst)" if args.burst else "one turn at a time"
    print(f"load benchmark, {time.strftime('%Y-%m-%d')}, {args.sessions} sessions x {args.seconds:.0f} s, {pace}, "
          f"{served} on {store}, load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    first_n = args.servers
    print(f"sign-in and open the Code page, sessions {first_n + 1}..{args.sessions} at once: {run.sign_in_s:.1f} s")
    print(f"codings applied: {len(latencies)} ({', '.join(str(len(s)) for _, s in results)} per session)")
    if latencies:
        print(f"apply-to-highlight: median {statistics.median(latencies):.2f} s, p95 {p95:.2f} s, "
              f"max {latencies[-1]:.2f} s")  # fmt: skip
    print(f"stored exactly once (each coder's stored spans = the turns they coded): {exact}")
    for i, (_, starts) in enumerate(results):
        if sorted(starts) != stored[coder(i)] and set(stored[coder(i)]) - set(starts) - unshown.get(coder(i), set()):
            extra = sorted(set(stored[coder(i)]) - set(starts)) + duplicates(stored[coder(i)])
            print(f"  {coder(i)}: coded {sorted(starts)}, stored {stored[coder(i)]} (extra or twice: {extra})")
    errors = run.errors
    print(f"errors shown in the pages (read after every key press): {len(errors)}")
    for message in sorted(set(errors)):
        print(f"  {errors.count(message)} x {message}")
    lost = run.lost
    late = sum(1 for x in lost if int(str(x.get("start"))) in stored.get(str(x.get("coder")), []))
    print(f"key presses not shown as coded within {WAIT_S} s: {len(lost)} (of them stored all the same: {late})")
    for item in lost:
        print(f"  {item}")
    print(f"CPU while coding ({wall:.0f} s): server process(es) {server_cpu:.0f} s ({server_cpu / wall:.2f} cores), "
          f"browsers (Chromium + Playwright driver) {browser_cpu:.0f} s ({browser_cpu / wall:.2f} cores)")  # fmt: skip
    extra = args.sessions - first_n
    each = (opened - first) / extra if extra else float("nan")
    print(f"server RSS (summed over the processes): {before:.0f} MiB before sign-in, {first:.0f} MiB with the "
          f"first session on each (modules loaded), {opened:.0f} MiB with all {args.sessions} on the Code page "
          f"({each:.1f} MiB per further session), {end:.0f} MiB at the end")  # fmt: skip


if __name__ == "__main__":
    main()
