"""`workbench themes`, run as a user would run it (a real subprocess, the real model)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services.test_themes import RECRUITMENT, TRAINING, VISITS

WORKBENCH = str(Path(sys.executable).parent / "workbench")
PASSPHRASE = "cli themes passphrase"


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environ["WORKBENCH_PASSPHRASE"] = PASSPHRASE
    return subprocess.run(
        [WORKBENCH, *map(str, args)], capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=300
    )


def test_cluster_arbitrary_texts(tmp_path: Path) -> None:
    texts = VISITS + RECRUITMENT + TRAINING
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps({"id": f"t{i}", "text": t}) for i, t in enumerate(texts)) + "\n\n")
    out = tmp_path / "out.jsonl"
    result = run("themes", "cluster", source, "-o", out)
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [f"t{i}" for i in range(len(texts))]
    assert all(isinstance(r["theme"], int) and r["theme"] >= -1 for r in rows)
    assert len({r["theme"] for r in rows} - {-1}) >= 2
    assert "themes in 12 texts" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [('{"id": 1, "text": "fine"}\n{"id": 2, "text": ', "line 2: not valid JSON"),
     ('{"id": 1, "body": "x"}', 'line 1: expected {"id"'),
     ('{"id": 1, "text": "a"}\n{"id": 1, "text": "b"}', "two lines share an id"),
     ('{"id": 1, "text": "too few"}', "at least 5 texts")],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_written(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("themes", "cluster", source, "-o", out)
    assert result.returncode == 1 and message in result.stderr and not out.exists()
    assert "Traceback" not in result.stderr


def test_themes_run_on_a_project(tmp_path: Path) -> None:
    directory = tmp_path / "project"
    assert run("init", directory, "--lang", "en", "--user", "lena").returncode == 0
    folder = tmp_path / "transcripts"
    folder.mkdir()
    groups = (VISITS, RECRUITMENT, TRAINING)
    for number in range(3):
        answers = [group[(number + k) % 4] for group in groups for k in range(2)]
        body = "\n\n".join(f"Interviewer: Go on.\n\nParticipant: {a}" for a in answers)
        (folder / f"interview{number}.txt").write_text(body, encoding="utf-8")
    assert run("import", directory, folder).returncode == 0
    assert run("themes", "model", directory).stdout.strip() == "all-MiniLM-L6-v2"
    bad = run("themes", "model", directory, "no-such-model")
    assert bad.returncode == 1 and "Unknown embedding model" in bad.stderr
    out = tmp_path / "themes.json"
    first = run("themes", "run", directory, "--json", out)
    assert first.returncode == 0, first.stderr
    assert "participant turns" in first.stdout and "18 texts newly embedded" in first.stdout
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["items"]) == 18 and data["themes"] and data["model"] == "all-MiniLM-L6-v2"
    assert all(len(t["quotes"]) >= 1 for t in data["themes"])
    second = run("themes", "run", directory)
    assert second.returncode == 0 and "0 texts newly embedded" in second.stdout
    assert VISITS[0] not in second.stdout, "quotes are printed only with --quotes"
    missing = run("themes", "run", directory, "--code-family", "nothing")
    assert missing.returncode == 1 and "no code family" in missing.stderr


HU_TEXTS = [
    "A lányom minden második vasárnap meglátogat, és ez tartja bennem a lelket.",
    "A börtönben néhány rab megígérte, hogy szabadulás után munkát adnak nekem.",
    "Hegesztő tanfolyamra járok, hogy kint el tudjak helyezkedni valahol.",
    "Amikor a fiam bejön a beszélőre, újra embernek érzem magam.",
    "A csoport tagjai védelmet ígértek bent, és munkát kint, ha csatlakozom.",
    "Villanyszerelő vizsgát akarok tenni, mielőtt kiszabadulok a börtönből.",
]


def test_hungarian_texts_pick_the_multilingual_model_and_english_only_is_warned(tmp_path: Path) -> None:
    source = tmp_path / "hu.jsonl"
    source.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in enumerate(HU_TEXTS)), encoding="utf-8")
    chosen = run("themes", "cluster", source, "-o", tmp_path / "a.jsonl")
    assert chosen.returncode == 0, chosen.stderr
    assert "model multilingual-e5-small (languages: hu 100%)" in chosen.stdout and "Warning" not in chosen.stderr
    forced = run("themes", "cluster", source, "-o", tmp_path / "b.jsonl", "--model", "all-MiniLM-L6-v2")
    assert forced.returncode == 0, forced.stderr
    assert "model all-MiniLM-L6-v2" in forced.stdout
    assert "Warning: The theme model all-MiniLM-L6-v2 does not cover Hungarian (100%)" in " ".join(
        forced.stderr.split()
    )
