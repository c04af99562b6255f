"""The team server: two OS processes on one PostgreSQL project, coding at the same time.

A centre scales past one `workbench serve` process by starting a second on the same
database (deploy/README.md). Each process holds its own engine and its own signed-in
workspaces, exactly as two server processes do; ``tests/services/team_worker.py`` is one
such process. Afterwards: every coding applied is stored exactly once (the same member
signed in on both processes applies the same spans there, so one of each pair must be
refused clearly), no memo set by either process is lost, no read or write failed its
integrity check, the audit chain verifies (through the CLI too), and a codebook edit by
the lead in one process is what a coder's next read in the other returns.
"""

from __future__ import annotations

import json
import os
import random
import re
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FAST_KDF, PASSPHRASE, PG_URL, REPO_ROOT, require_postgres
from workbench.services.coding import codebook, interview_codings, open_for_coding
from workbench.services.demo import create_demo, demo_password
from workbench.services.projects import open_project, project_status, verify_audit

pytestmark = pytest.mark.postgres

SPANS_PER_SESSION = 36
SHARED = 24  # of anna's spans, applied by both processes


@pytest.fixture
def pg_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A demo project in a fresh PostgreSQL schema (the worker processes inherit the URL)."""
    require_postgres()
    schema = f"wbt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"{PG_URL}?options=-csearch_path%3D{schema}")
    try:
        result = create_demo(tmp_path / "team", PASSPHRASE, kdf=FAST_KDF)
        result.workspace.close()
        yield tmp_path / "team"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _random_spans(rng: random.Random, lengths: dict[str, int], codes: list[str], n: int,
                  taken: set[tuple[str, str, int, int]]) -> list[list[Any]]:  # fmt: skip
    spans: list[list[Any]] = []
    while len(spans) < n:
        interview_id = rng.choice(sorted(lengths))
        start = rng.randrange(0, lengths[interview_id] - 50)
        key = (interview_id, rng.choice(codes), start, start + rng.randrange(5, 50))
        if key not in taken:
            taken.add(key)
            spans.append(list(key))
    return spans


def _plans(project: Path, work: Path) -> tuple[list[dict[str, Any]], dict[str, list[list[Any]]], str]:
    ws = open_project(project, PASSPHRASE, "admin")
    try:
        lengths = {i.summary.id: len(open_for_coding(ws, i.summary.id).text) for i in project_status(ws).interviews}
        codes = [c.id for c in codebook(ws) if c.codable]
    finally:
        ws.close()
    rng = random.Random(19)  # noqa: S311 - spans to code, not secrets
    taken: set[tuple[str, str, int, int]] = set()
    shared = _random_spans(rng, lengths, codes, SHARED, taken)
    own = {
        name: _random_spans(rng, lengths, codes, SPANS_PER_SESSION, taken)
        for name in ("anna1", "anna2", "bence", "lena")
    }
    edited = codes[0]

    def session(user: str, spans: list[list[Any]]) -> dict[str, Any]:
        return {"user": user, "password": demo_password(user), "spans": spans}

    common = {"project": str(project), "go": str(work / "go"), "edited": str(work / "edited")}
    plans = [
        {**common, "ready": str(work / "ready1"),
         "sessions": [session("anna", shared + own["anna1"]), session("lena", own["lena"])],
         "edit": {"session": 1, "code_id": edited, "name": "Renamed by the lead"}},
        {**common, "ready": str(work / "ready2"),
         "sessions": [session("anna", own["anna2"][:12] + shared + own["anna2"][12:]), session("bence", own["bence"])],
         "watch": {"session": 1, "code_id": edited}},
    ]  # fmt: skip
    expected = {"anna": shared + own["anna1"] + own["anna2"], "bence": own["bence"], "lena": own["lena"]}
    return plans, expected, edited


def _all_codings(project: Path) -> tuple[Counter[tuple[str, str, str, int, int]], dict[str, str | None]]:
    ws = open_project(project, PASSPHRASE, "admin")
    try:
        found: Counter[tuple[str, str, str, int, int]] = Counter()
        memos: dict[str, str | None] = {}
        for item in project_status(ws).interviews:
            for c in interview_codings(ws, item.summary.id).codings:
                found[(c.coder, c.interview_id, c.code_id, c.start, c.end)] += 1
                memos[c.id] = c.memo
        return found, memos
    finally:
        ws.close()


def _run_workers(plans: list[dict[str, Any]], work: Path) -> list[dict[str, Any]]:
    procs = []
    for index, plan in enumerate(plans):
        path = work / f"plan{index}.json"
        path.write_text(json.dumps(plan), encoding="utf-8")
        procs.append(subprocess.Popen(
            [sys.executable, "-m", "tests.services.team_worker", str(path)],
            cwd=REPO_ROOT, env=os.environ.copy(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
    deadline = time.monotonic() + 120
    while not all(Path(p["ready"]).exists() for p in plans):
        if time.monotonic() > deadline or any(p.poll() is not None for p in procs):
            break
        time.sleep(0.05)
    (work / "go").touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def test_two_processes_code_one_postgresql_project(pg_project: Path, tmp_path: Path) -> None:
    before, _ = _all_codings(pg_project)
    plans, expected, edited = _plans(pg_project, tmp_path)

    results = _run_workers(plans, tmp_path)

    sessions = [s for r in results for s in r["sessions"]]
    errors = [e for s in sessions for e in s["errors"]]
    assert errors == [], errors
    anna = [s for s in sessions if s["user"] == "anna"]
    assert sum(s["refused"] for s in anna) == SHARED  # each shared span stored once, the twin refused
    assert sum(s["refused"] for s in sessions if s["user"] != "anna") == 0
    after, memos = _all_codings(pg_project)
    wanted = before + Counter((user, *map(str, span[:2]), span[2], span[3]) for user, spans in expected.items()
                              for span in spans)  # fmt: skip
    assert max(after.values()) == 1  # no duplicate coding
    assert after == wanted  # no lost coding, nothing extra
    written = {cid: memo for s in sessions for cid, memo in s["memos"].items()}
    assert written and all(memos.get(cid) == memo for cid, memo in written.items())  # no lost memo
    assert results[1]["seen_name"] == "Renamed by the lead"

    ws = open_project(pg_project, PASSPHRASE, "admin")
    try:
        assert verify_audit(ws) is None
        assert next(c.name for c in codebook(ws) if c.id == edited) == "Renamed by the lead"
    finally:
        ws.close()
    cli = subprocess.run(
        [str(Path(sys.executable).with_name("workbench")), "audit", "verify", str(pg_project), "--user", "admin"],
        env={**os.environ, "WORKBENCH_PASSWORD": demo_password("admin")}, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert "intact" in cli.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _healthy(port: int, server: subprocess.Popen[bytes], deadline: float) -> bool:
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                return False
            time.sleep(0.5)


def test_two_serve_processes_run_on_one_postgresql_project(pg_project: Path) -> None:
    """The deployment of deploy/README.md: two `workbench serve` processes, one database."""
    ports = [_free_port(), _free_port()]
    workbench = str(Path(sys.executable).with_name("workbench"))
    command = [workbench, "serve", str(pg_project), "--port"]
    quiet = subprocess.DEVNULL
    servers = [
        subprocess.Popen([*command, str(port)], env=os.environ.copy(), stdout=quiet, stderr=quiet) for port in ports
    ]
    try:
        deadline = time.monotonic() + 90
        assert [_healthy(port, server, deadline) for port, server in zip(ports, servers, strict=True)] == [True, True]
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=20)


def test_the_team_proxy_sends_the_same_headers_and_pins_sessions() -> None:
    """deploy/Caddyfile.team keeps the single-process proxy's headers and is sticky over both processes."""
    single = (REPO_ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    team = (REPO_ROOT / "deploy" / "Caddyfile.team").read_text(encoding="utf-8")
    headers = [re.search(r"header \{.*?\n\t\}", text, re.S) for text in (single, team)]
    assert headers[0] is not None and headers[1] is not None
    assert headers[0].group(0) == headers[1].group(0)
    assert re.search(r"reverse_proxy 127\.0\.0\.1:8501 127\.0\.0\.1:8502 \{[^}]*lb_policy cookie", team)
    unit = (REPO_ROOT / "deploy" / "workbench@.service").read_text(encoding="utf-8")
    assert "--port %i --host 127.0.0.1" in unit and "LimitCORE=0" in unit
