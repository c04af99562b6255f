"""Pathways in the browser: from clicking *Pathways* until both plots are drawn, for 200 lives.

``bench/pathways_bench.py`` measures building the figures in Python; this measures what a lead
waits for. A demo project (its users, codebook and 5 participants) gets 200 synthetic
participants with their life events through the services (``add_participants``,
``add_event``): the lives of ``workbench.analysis.synthetic_lives`` (4 templates, seed 1), each
state change recorded as the life event that sets it (offending = first offence, prison =
incarceration, released = release, disengaging = exit trigger), and the age at the interview
as the participant's ``age``. ``workbench serve`` serves it; Debian's Chromium (Playwright,
``/usr/bin/chromium``) signs in as the lead, then, ``--runs`` times, goes to Overview and clicks
*Pathways* in the sidebar; the clock runs from the click until both plotly figures hold every
life (205 rows in the grouped view) and Streamlit's run has finished. Each visit also reports when
the page's websocket last received a message before the plots were drawn: the server's part of
the wait (the script run and its messages); the rest is the browser's (plotly laying out and
drawing). The first visit after the
server started and finished its background warm-up (with nothing in the browser's cache) is
reported apart; then a second session in
the same browser (Streamlit's chart code is content-hashed and cached: a returning lead's first
visit), then a session in a fresh browser visits ``--runs`` times (its first visit, and the median).

Goal (issue 15): under 2 s for 200 participants.

Run: ``.venv/bin/python -m bench.pathways_browser_bench [--runs 5]`` (about a minute to build).
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect, sync_playwright

from workbench.analysis import synthetic_lives
from workbench.crypto.kdf import KdfParams
from workbench.domain.events import EventTime, TimeKind
from workbench.services.demo import create_demo, demo_password
from workbench.services.events import add_event
from workbench.services.participants import add_participants

CHROMIUM = "/usr/bin/chromium"
LEAD = "lena"
LIVES = 200
PASSPHRASE = "bench passphrase 123"
_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)  # the bench measures the page, not unlocking
EVENT_OF_STATE = {
    "family rupture": "family_rupture", "offending": "first_offence", "prison": "incarceration",
    "extremist contact": "extremist_contact", "released": "release", "disengaging": "exit_trigger",
}  # fmt: skip


def build(directory: Path) -> int:
    """The demo project plus 200 synthetic lives; the number of participants with a life."""
    ws = create_demo(directory, PASSPHRASE, kdf=_KDF).workspace
    try:
        lives = synthetic_lives.draw(LIVES, 1)
        add_participants(ws, [], {life.participant: {"age": int(life.end)} for life in lives})
        for life in lives:
            for mark in life.marks:
                add_event(ws, type_ref=EVENT_OF_STATE[mark.state], participant_code=life.participant,
                          time=EventTime(TimeKind.AGE, round(mark.time, 1)))  # fmt: skip
    finally:
        ws.close()
    return LIVES + 5


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_settled(pid: int, seconds: float = 120) -> float:
    """Wait until the server has used no CPU for a second (its background warm-up done); the wait in seconds.

    A server runs for hours before a lead opens Pathways; the first visit is timed after the
    warm-up, not racing it. (Linux only: it reads /proc.)
    """
    began = time.monotonic()
    before = _cpu_seconds(pid)
    while time.monotonic() - began < seconds:
        time.sleep(1.0)
        now = _cpu_seconds(pid)
        if now - before < 0.05:
            break
        before = now
    return time.monotonic() - began


def _wait_healthy(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310 - local http
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"workbench serve did not answer within {seconds:.0f} s")


def _idle(page: Page) -> None:
    page.wait_for_timeout(100)
    expect(page.get_by_role("img", name="Running...")).to_have_count(0, timeout=90_000)


def _nav(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()


def _drawn(page: Page, rows: int) -> None:
    """Both plotly figures laid out and drawn (plotly's SVG in each) and the grouped view holds every life."""
    try:
        _wait_drawn(page, rows)
    except Exception:
        state = page.evaluate("""() => [...document.querySelectorAll('.js-plotly-plot')].map(p => ({
            layout: !!p._fullLayout, svg: !!p.querySelector('.main-svg'), traces: (p.data || []).length,
            rows: p.data && p.data[0] && p.data[0].y ? p.data[0].y.length : null}))""")
        raise SystemExit(f"the plots were not drawn as expected: {state}") from None


def _wait_drawn(page: Page, rows: int) -> None:
    page.wait_for_function(
        """rows => {
            const plots = document.querySelectorAll('.js-plotly-plot');
            if (plots.length !== 2) return false;
            for (const p of plots) {
                if (!p._fullLayout || !p._fullData || !p.querySelector('.main-svg')) return false;
            }
            const all = plots[1].data && plots[1].data[0];
            return !!all && all.y && all.y.length === rows;
        }""",
        arg=rows,
        timeout=60_000,
    )


def _sign_in(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible(timeout=60_000)
    page.get_by_role("textbox", name="User name").fill(LEAD)
    page.get_by_role("textbox", name="Password").fill(demo_password(LEAD))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=60_000)
    _idle(page)


class Frames:
    """When the page's websocket last received a message from the server: where the server's part ends."""

    def __init__(self, page: Page) -> None:
        self.last = 0.0
        page.on("websocket", lambda ws: ws.on("framereceived", self._seen))

    def _seen(self, _payload: object) -> None:
        self.last = time.perf_counter()


@dataclass(frozen=True)
class Visit:
    """One visit: seconds until both plots were drawn, and until the server's last message before that."""

    drawn: float
    server: float

    def __str__(self) -> str:
        return f"{self.drawn:.2f} s (server's last message at {self.server:.2f} s)"


def _visit(page: Page, frames: Frames, rows: int) -> Visit:
    """From the click on *Pathways* (coming from Overview) until both plots are drawn."""
    _nav(page, "Overview")
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    _idle(page)
    began = time.perf_counter()
    _nav(page, "Pathways")
    _drawn(page, rows)
    drawn = time.perf_counter() - began
    server = max(frames.last - began, 0.0)
    _idle(page)
    return Visit(drawn, min(server, drawn))


def _session(context: BrowserContext, url: str) -> tuple[Page, Frames]:
    page = context.new_page()
    frames = Frames(page)
    _sign_in(page, url)
    return page, frames


def measure(url: str, rows: int, runs: int) -> tuple[Visit, Visit, list[Visit]]:
    """Seconds per visit: (the first after the server started, in a browser with nothing cached;
    a new session's first in that same browser, as a returning lead's is: Streamlit's chart code is
    content-hashed and cached by the browser; then the visits of a session in a fresh browser,
    its first, with nothing cached, and the others)."""
    with sync_playwright() as playwright:
        args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        first_page, frames = _session(context, url)
        cold = _visit(first_page, frames, rows)
        first_page.close()
        again, frames = _session(context, url)  # a new Streamlit session (its own sign-in), the browser's cache kept
        returning = _visit(again, frames, rows)
        context.close()
        page, frames = _session(browser.new_context(viewport={"width": 1400, "height": 1000}), url)
        visits = [_visit(page, frames, rows) for _ in range(runs)]
        browser.close()
    return cold, returning, visits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "project"
        began = time.perf_counter()
        rows = build(directory)
        built = time.perf_counter() - began
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
        serve = str(Path(sys.executable).parent / "workbench")
        process = subprocess.Popen([serve, "serve", str(directory), "--port", str(port)], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url)
            settled = _wait_settled(process.pid)
            measure_out = measure(url, rows, args.runs)
        finally:
            process.terminate()
            process.wait(timeout=30)
    cold, returning, visits = measure_out
    times = [v.drawn for v in visits]
    print(f"project built in {built:.0f} s ({rows} participants, {LIVES} synthetic lives with their events); "
          f"the server's warm-up done {settled:.0f} s after it answered")  # fmt: skip
    print(f"Pathways page, click to both plots drawn: first visit after the server started {cold}; "
          f"a new session's first visit in the same browser (chart code cached) {returning}; "
          f"a new session's first visit in a fresh browser {visits[0]}; "
          f"median of {len(times)} visits of that session {statistics.median(times):.2f} s "
          f"(range {min(times):.2f}-{max(times):.2f}; server's last message at median "
          f"{statistics.median(v.server for v in visits):.2f} s); goal under 2 s; "
          f"load average {os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
