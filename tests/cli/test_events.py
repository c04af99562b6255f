"""`workbench events ...`, run as a user would (real subprocesses, on the demo)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.cli.console import run

SUBCOMMANDS = ["add", "list", "edit", "delete", "export", "types", "seal"]


def test_every_events_command_is_listed_with_help() -> None:
    result = run("events", "--help")
    assert result.returncode == 0, result.stderr
    listed = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("│ ") and len(line.split()) > 2}
    assert set(SUBCOMMANDS) <= listed
    for command in SUBCOMMANDS:
        assert run("events", command, "--help").returncode == 0


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("eventscli") / "demo"
    assert run("demo", directory).returncode == 0
    return directory


def test_add_list_edit_export_and_delete(demo_dir: Path, tmp_path: Path) -> None:
    listed = json.loads(run("events", "list", demo_dir, "--participant", "P03", "--json").stdout)
    assert len(listed) >= 7 and {r["participant"] for r in listed} == {"P03"}
    added = run("events", "add", demo_dir, "--type", "turning_point", "-p", "P03", "--time", "két évvel később",
                "--direction", "away", "--memo", "CLI test memo", "--json", "--user", "anna")  # fmt: skip
    assert added.returncode == 0, added.stderr
    row = json.loads(added.stdout)
    assert row["time_kind"] == "relative" and row["anchor_event"] and row["recorder"] == "anna"
    assert row["age"] is not None  # relative to P03's latest event, which has an age
    by_age = run("events", "add", demo_dir, "--type", "release", "-p", "P03", "--age", "38", "--precision", "about",
                 "--user", "anna")  # fmt: skip
    assert by_age.returncode == 0 and "Recorded life event" in by_age.stdout
    short = row["id"][:8]
    edited = run("events", "edit", demo_dir, short, "--year", "2030", "--json", "--user", "anna")
    assert edited.returncode == 0 and json.loads(edited.stdout)["year"] == 2030
    refused = run("events", "edit", demo_dir, short, "--memo", "x", "--user", "bence")
    assert refused.returncode == 2 and "only the life events they recorded" in refused.stderr
    out = tmp_path / "events.csv"
    exported = run("events", "export", demo_dir, "-o", out)
    assert exported.returncode == 0 and "secure environment" in exported.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == len(json.loads(run("events", "list", demo_dir, "--json").stdout))
    assert any(r["memo"] == "CLI test memo" for r in rows)
    table = run("events", "list", demo_dir, "--csv").stdout
    assert table.splitlines()[0].startswith("id,participant,type")
    assert run("events", "delete", demo_dir, short, "--user", "anna").returncode == 0
    assert short not in run("events", "list", demo_dir).stdout


def test_bad_input_gets_a_clear_error_and_changes_nothing(demo_dir: Path) -> None:
    before = run("events", "list", demo_dir, "--json").stdout
    cases = [
        (["--type", "nonsense", "-p", "P01", "--age", "3"], "not a life-event type"),
        (["--type", "release", "-p", "P01"], "Say when it happened"),
        (["--type", "release", "-p", "P01", "--age", "3", "--year", "2001"], "Give one of"),
        (["--type", "release", "-p", "P01", "--age", "300"], "between 0 and 120"),
        (["--type", "release", "-p", "P01", "--age", "3", "--direction", "up"], "not a direction"),
        (["--type", "release", "-p", "P01", "--time", "we talked about football"], "No time was recognised"),
        (["--type", "release", "-p", "P99", "--age", "3"], "no participant"),
    ]
    for args, message in cases:
        result = run("events", "add", demo_dir, *args)
        assert result.returncode != 0 and message in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert run("events", "list", demo_dir, "--json").stdout == before
    writer = run("events", "list", demo_dir, "--user", "wanda")
    assert writer.returncode == 2


def test_codebook_edits_of_a_life_event_type_take_its_events_along(demo_dir: Path) -> None:
    def types() -> list[str]:
        return [r["type"] for r in json.loads(run("events", "list", demo_dir, "--json").stdout)]

    before = types()
    assert before.count("push_factor") == 4
    refused = run("codebook", "delete", demo_dir, "push_factor", "--yes")
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "'Push factor' is the type of 4 life events" in refused.stderr and "events edit" in refused.stderr
    assert types() == before, "a refused delete changes nothing"
    merged = run("codebook", "merge", demo_dir, "push_factor", "pull_factor")
    assert merged.returncode == 0, merged.stderr
    assert "4 life events now have the type 'Pull factor'" in merged.stdout
    after = types()
    assert "push_factor" not in after and after.count("pull_factor") == before.count("pull_factor") + 4
    assert len(after) == len(before)
