"""`workbench init|status|demo|shred|serve`, `passphrase` and `audit`, run as a user would (a real subprocess)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.cli.console import WORKBENCH, run
from workbench.services.demo import DEMO_PASSPHRASE

COMMANDS = [[], ["init"], ["status"], ["demo"], ["passphrase"], ["passphrase", "change"], ["shred"], ["serve"],
            ["audit"], ["audit", "verify"], ["audit", "show"], ["user"], ["user", "add"], ["user", "remove"],
            ["user", "list"], ["user", "passwd"], ["user", "link"]]  # fmt: skip


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cli") / "demo"
    result = run("demo", directory, passphrase=None)
    assert result.returncode == 0, result.stderr
    assert repr(DEMO_PASSPHRASE) in result.stdout and "'admin'" in result.stdout
    return directory


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "Usage" in result.stdout


def test_demo_then_status_shows_interviews_participants_codes_and_codings(demo_dir: Path) -> None:
    result = run("status", demo_dir)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Interviews: 6" in out and "Participants: 5" in out
    assert "Life-path interview" in out  # titles are decrypted for display
    assert "anna" in out and "bence" in out
    report = json.loads(run("status", demo_dir, "--json").stdout)
    assert len(report["interviews"]) == 6 and report["codes"] > 15 and report["codings"] > 60
    assert {p["code"] for p in report["participants"]} == {"P01", "P02", "P03", "P04", "P05"}
    assert set(report["codings_by_coder"]) == {"anna", "bence"}
    assert {i["language"] for i in report["interviews"]} == {"en", "hu"}


def _rows(database: Path, sql: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(database)) as conn:
        return conn.execute(sql).fetchall()


def test_wrong_passphrase_exits_2_with_a_clear_message(demo_dir: Path) -> None:
    database = demo_dir / "project.sqlite3"
    audit_before = _rows(database, "SELECT seq, mac FROM audit_event")
    result = run("status", demo_dir, passphrase="wrong passphrase!")
    assert result.returncode == 2
    assert "password is wrong" in result.stderr and "Traceback" not in result.stderr
    assert _rows(database, "SELECT seq, mac FROM audit_event") == audit_before
    assert ("admin", "cli") in _rows(database, "SELECT user_name, client FROM login_failure WHERE folded_at IS NULL")


def test_missing_passphrase_without_a_terminal(demo_dir: Path) -> None:
    result = run("status", demo_dir, passphrase=None)
    assert result.returncode != 0 and "WORKBENCH_PASSPHRASE" in result.stderr


def test_unknown_user_exits_2_without_naming_the_members(demo_dir: Path) -> None:
    result = run("status", demo_dir, "--user", "nobody")
    assert result.returncode == 2 and "user name or password is wrong" in result.stderr
    assert "lena" not in result.stderr


def test_not_a_project(tmp_path: Path) -> None:
    result = run("status", tmp_path)
    assert result.returncode == 1 and "not a workbench project" in result.stderr


def test_init_status_passphrase_change_shred_and_audit(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--lang", "en", "--user", "zoe", passphrase="first passphrase").returncode == 0
    assert "zoe (admin)" in run("status", project, passphrase="first passphrase").stdout
    changed = run("passphrase", "change", project, passphrase="first passphrase",
                  WORKBENCH_NEW_PASSPHRASE="second passphrase")  # fmt: skip
    assert changed.returncode == 0, changed.stderr
    assert run("status", project, passphrase="first passphrase").returncode == 2
    assert run("status", project, passphrase="second passphrase").returncode == 0
    assert run("audit", "verify", project, passphrase="second passphrase").stdout.strip() == "Audit log intact."
    lines = run("audit", "show", project, "--json", passphrase="second passphrase").stdout.splitlines()
    actions = [json.loads(line)["action"] for line in lines]
    assert [a for a in actions if a != "login"] == ["failed login", "passphrase changed", "project created"]
    assert actions.count("login") == 5  # every command signs in, and each sign-in is recorded
    assert all(json.loads(line)["actor"] == "zoe" for line in lines)  # the failure names zoe too
    bad_since = run("audit", "show", project, "--since", "yesterday", passphrase="second passphrase")
    assert bad_since.returncode == 1 and "YYYY-MM-DD" in bad_since.stderr


def test_shred_needs_confirmation_then_reports_the_interview_as_shredded(tmp_path: Path) -> None:
    project = tmp_path / "demo"
    assert run("demo", project).returncode == 0
    first = json.loads(run("status", project, "--json").stdout)["interviews"][0]["id"]
    refused = run("shred", project, "--interview", first[:8])
    assert refused.returncode == 1 and "--yes" in refused.stderr
    done = run("shred", project, "--interview", first[:8], "--yes")
    assert done.returncode == 0, done.stderr
    report = json.loads(run("status", project, "--json").stdout)
    assert [i["shredded"] for i in report["interviews"]] == [True] + [False] * 5
    assert "SHREDDED" in run("status", project).stdout


_BLOB_QUERIES = {
    "events": "SELECT payload_enc FROM life_event WHERE participant_id = :p",
    "attributes": "SELECT value_enc FROM participant_attribute WHERE participant_id = :p",
    "transcripts": "SELECT text_enc FROM interview WHERE participant_id = :p",
    "keys": "SELECT wrapped_key FROM data_key WHERE id IN (SELECT data_key_id FROM participant WHERE id = :p"
            " UNION SELECT data_key_id FROM interview WHERE participant_id = :p)",
}  # fmt: skip


def _blobs(database: Path, participant: str) -> dict[str, list[bytes]]:
    """The participant's ciphertexts and wrapped keys as they lie in the file (an attacker's copy)."""
    with closing(sqlite3.connect(database)) as conn:
        (pid,) = conn.execute("SELECT id FROM participant WHERE code = ?", (participant,)).fetchone()
        return {name: [bytes(r[0]) for r in conn.execute(sql, {"p": pid}) if r[0] is not None]
                for name, sql in _BLOB_QUERIES.items()}  # fmt: skip


def test_shred_a_participant_leaves_nothing_of_them_in_the_file(tmp_path: Path) -> None:
    """Attack: after `shred --participant`, someone with the database file and the passphrase finds nothing."""
    project = tmp_path / "demo"
    assert run("demo", project).returncode == 0
    database = project / "project.sqlite3"
    before = _blobs(database, "P01")
    assert all(before.values()), "P01 has events, attributes, transcripts and keys to lose (the test can fail)"
    listed = json.loads(run("events", "list", project, "--participant", "P01", "--json").stdout)
    assert listed
    assert run("shred", project, "--participant", "P01").returncode == 1, "refused without --yes"
    both = run("shred", project, "--participant", "P01", "--interview", "abcd", "--yes")
    assert both.returncode == 1 and "one of them" in both.stderr
    assert _blobs(database, "P01") == before, "a refusal changes nothing"
    done = run("shred", project, "--participant", "P01", "--yes")
    assert done.returncode == 0, done.stderr
    assert "Participant P01 shredded" in done.stdout and "life events" in done.stdout
    after = _blobs(database, "P01")
    assert after == {"events": [], "attributes": [], "transcripts": after["transcripts"], "keys": []}
    raw = b"".join(p.read_bytes() for p in project.iterdir() if p.name.startswith("project.sqlite3"))
    lingering = {name: sum(blob in raw for blob in blobs) for name, blobs in before.items()
                 if name != "transcripts"}  # fmt: skip
    assert lingering == {"events": 0, "attributes": 0, "keys": 0}, "freed pages are overwritten (secure_delete)"
    # With the passphrase, the transcripts' ciphertext (still in the file) opens for nobody.
    gone = run("events", "list", project, "--participant", "P01", "--json")
    assert gone.returncode == 0 and json.loads(gone.stdout) == []
    status = json.loads(run("status", project, "--json").stdout)
    mine = [i for i in status["interviews"] if i.get("participant") == "P01"]
    assert mine and all(i["shredded"] for i in mine)
    others = run("events", "list", project, "--participant", "P02", "--json")
    assert others.returncode == 0 and json.loads(others.stdout), "other participants keep their events"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_starts_the_app_on_localhost(demo_dir: Path) -> None:
    port = _free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    server = subprocess.Popen([WORKBENCH, "serve", str(demo_dir), "--port", str(port)], env=environ,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=20)
        assert server.stdout is not None
        server.stdout.close()
    with pytest.raises(OSError):  # the server itself stopped: nothing orphaned still listens
        urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2)
