"""`workbench import` and `workbench participants`, run as a user would run them (a real subprocess)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.importers.samples import ENGLISH, HUNGARIAN, docx_bytes, pdf_bytes, zip_bomb_docx

WORKBENCH = str(Path(sys.executable).parent / "workbench")
PASSPHRASE = "cli import passphrase"


def run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environ["WORKBENCH_PASSPHRASE"] = PASSPHRASE
    environ.update(env)
    return subprocess.run(
        [WORKBENCH, *map(str, args)], capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=120
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    created = run("init", directory, "--lang", "hu", "--user", "lena")
    assert created.returncode == 0, created.stderr
    return directory


def _status(project: Path) -> dict[str, list[dict[str, object]]]:
    result = run("status", project, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("command", [["import"], ["participants"]], ids=" ".join)
def test_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0 and "Usage" in result.stdout


def test_participants_then_a_folder_import_with_bad_files(project: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("code,age,offence:category\nP07,34,drug\nP08,41,violent\n", encoding="utf-8")
    added = run("participants", project, "--attributes", sheet)
    assert added.returncode == 0, added.stderr
    assert added.stdout.splitlines() == [
        "people.csv: 2 participants added, 0 updated.",
        "  new attribute age (integer)",
        "  new attribute offence (category: drug, violent)",
    ]

    folder = tmp_path / "wave1"
    folder.mkdir()
    (folder / "a-hu.txt").write_bytes(HUNGARIAN.encode("cp1250"))
    (folder / "b-en.docx").write_bytes(docx_bytes(ENGLISH.split("\n\n")))
    (folder / "c-bomb.docx").write_bytes(zip_bomb_docx())
    (folder / "d-scan.pdf").write_bytes(pdf_bytes([None]))
    (folder / "e-empty.txt").write_bytes(b"")
    (folder / "consent.jpg").write_bytes(b"\xff\xd8\xff")  # not a transcript: passed over in a folder
    result = run("import", project, folder, "--participant", "P07", "--wave", "1")
    assert result.returncode == 1, result.stderr
    out = result.stdout.splitlines()
    assert out[0] == "Imported 2 files:"
    hu_words, en_words = len(HUNGARIAN.split()), len(ENGLISH.split())
    assert re.fullmatch(rf"  wave1/a-hu\.txt -> interview [0-9a-f]{{8}} \(txt, {hu_words} words\)", out[1])
    assert re.fullmatch(rf"  wave1/b-en\.docx -> interview [0-9a-f]{{8}} \(docx, {en_words} words\)", out[2])
    assert out[3] == "Skipped 3:"
    assert out[4].startswith("  wave1/c-bomb.docx: ") and "zip bomb" in out[4]
    assert out[5].startswith("  wave1/d-scan.pdf: ") and "needs OCR" in out[5]
    assert out[6] == "  wave1/e-empty.txt: the file is empty."
    assert "imported wave1/a-hu.txt" in result.stderr and "skipped  wave1/c-bomb.docx" in result.stderr
    assert "fűzfás" not in result.stdout + result.stderr  # no transcript text on the terminal

    report = _status(project)
    assert [(i["title"], i["participant"], i["wave"], i["language"]) for i in report["interviews"]] == [
        ("a-hu", "P07", 1, "hu"), ("b-en", "P07", 1, "hu"),
    ]  # fmt: skip
    assert {"code": "P07", "interviews": 2} in report["participants"]


def test_a_clean_import_exits_0(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "english.txt"
    source.write_text(ENGLISH, encoding="utf-8")
    result = run("import", project, source, "--lang", "en")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Imported 1 file:\n  english.txt -> interview ")
    assert _status(project)["interviews"][0]["language"] == "en"


def test_size_limit_option_and_environment(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "big.txt"
    source.write_text(ENGLISH * 10, encoding="utf-8")
    by_option = run("import", project, source, "--max-mb", "0.001")
    assert by_option.returncode == 1 and "above the import limit of 1.0 KB" in by_option.stdout
    by_env = run("import", project, source, WORKBENCH_MAX_IMPORT_MB="0.001")
    assert by_env.returncode == 1 and "above the import limit" in by_env.stdout
    assert _status(project)["interviews"] == []


def test_batch_problems_stop_before_anything_is_imported(project: Path, tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(ENGLISH, encoding="utf-8")
    unknown = run("import", project, source, "--participant", "P99")
    assert unknown.returncode == 1 and "no participant 'P99'" in unknown.stderr
    missing = run("import", project, tmp_path / "nowhere.txt")
    assert missing.returncode == 1 and "nowhere.txt: no such file or folder." in missing.stdout
    assert _status(project)["interviews"] == []


def test_a_bad_participant_sheet_stores_nothing(project: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "people.csv"
    sheet.write_text("code,age:integer\nP01,34\nP02,harminc\n", encoding="utf-8")
    result = run("participants", project, "--attributes", sheet)
    assert result.returncode == 1
    assert "people.csv: 1 problem found; nothing from this file was stored." in result.stderr
    assert "line 3: age: expected a whole number." in result.stderr and "harminc" not in result.stderr
    assert _status(project)["participants"] == []
    absent = run("participants", project, "--attributes", tmp_path / "none.csv")
    assert absent.returncode == 1 and "none.csv: no such file." in absent.stderr
