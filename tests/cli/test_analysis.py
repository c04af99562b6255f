"""`workbench agreement|retrieve|frequencies|cooccurrence|comparison`.

Most tests invoke the typer app in-process (a subprocess costs seconds of imports each); the
first test runs the installed console script for real, as a user would.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import FAST_KDF
from workbench.cli import app
from workbench.services.demo import DEMO_PASSPHRASE, create_demo

WORKBENCH = str(Path(sys.executable).parent / "workbench")
UNITS = ["1,1,,1", "2,2,3,2", "3,3,3,3", "3,3,3,3", "2,2,2,2", "1,2,3,4", "4,4,4,4", "1,1,2,1", "2,2,2,2",
         ",5,5,5", ",,1,1", ",3,,"]  # fmt: skip
EXAMPLE_C = "A,B,C,D\n" + "\n".join(UNITS) + "\n"  # Krippendorff (2011), example C


def run(*args: str | Path, user: str | None = None) -> Result:
    env = {k: None for k in os.environ if k.startswith("WORKBENCH_")}
    env |= {"WORKBENCH_PASSPHRASE": DEMO_PASSPHRASE, "WORKBENCH_USER": user}
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("cli_analysis") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        create_demo(directory, DEMO_PASSPHRASE, kdf=FAST_KDF).workspace.close()
    return directory


def test_the_console_script_computes_alpha_of_a_matrix(tmp_path: Path) -> None:
    matrix = tmp_path / "matrix.csv"
    matrix.write_text(EXAMPLE_C, encoding="utf-8")
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    result = subprocess.run(
        [WORKBENCH, "agreement", "--matrix", str(matrix), "--json"],
        capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["krippendorff_alpha"] == pytest.approx(0.743, abs=5e-4)


@pytest.mark.parametrize(
    "command", [["agreement"], ["retrieve"], ["frequencies"], ["cooccurrence"], ["comparison", "open"]], ids=" ".join
)
def test_every_analysis_command_has_help(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.exit_code == 0, result.stderr
    assert "Usage" in result.stdout


def test_agreement_of_the_demo_as_text_and_json(demo_dir: Path) -> None:
    text = run("agreement", demo_dir, "--user", "lena")
    assert text.exit_code == 0, text.stderr
    assert "Agreement of anna, bence over 6 interviews; unit: turns." in text.stdout
    assert "(overall, pooled)" in text.stdout
    report = json.loads(run("agreement", demo_dir, "--unit", "character", "--coders", "anna,bence", "--json").stdout)
    assert report["unit"] == "character" and report["coders"] == ["anna", "bence"]
    every, coded = report["overall"]["with_uncoded"], report["overall"]["coded_only"]
    assert 0 < coded["percent_agreement"] < every["percent_agreement"] <= 1
    assert -1 <= every["krippendorff_alpha"] <= 1 and coded["cohen_kappa"] is None
    names = {c["name"] for c in report["codes"]}
    assert "Us versus them" in names and len(names) == len(report["codes"])
    sentences = json.loads(run("agreement", demo_dir, "--segments", "sentence", "--json").stdout)
    assert sentences["segments"] == "sentence"
    assert sentences["overall"]["with_uncoded"]["pairable_units"] > 0


def test_agreement_refusals(demo_dir: Path, tmp_path: Path) -> None:
    researcher = run("agreement", demo_dir, "--user", "anna")
    assert researcher.exit_code == 2 and "may not view inter-coder agreement" in researcher.stderr
    neither = run("agreement")
    assert neither.exit_code == 1 and "either a project directory or --matrix" in neither.stderr
    bad_unit = run("agreement", demo_dir, "--unit", "word")
    assert bad_unit.exit_code == 1 and "--unit must be one of segment, character" in bad_unit.stderr
    matrix = tmp_path / "m.csv"
    matrix.write_text(EXAMPLE_C, encoding="utf-8")
    both = run("agreement", demo_dir, "--matrix", matrix)
    assert both.exit_code == 1


@pytest.mark.parametrize(("level", "alpha"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)])
def test_agreement_of_a_matrix_file(tmp_path: Path, level: str, alpha: float) -> None:
    matrix = tmp_path / "matrix.csv"
    matrix.write_text(EXAMPLE_C, encoding="utf-8")
    result = run("agreement", "--matrix", matrix, "--level", level, "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["coders"] == ["A", "B", "C", "D"] and report["units"] == 12 and report["pairable_units"] == 11
    assert report["krippendorff_alpha"] == pytest.approx(alpha, abs=5e-4) and report["cohen_kappa"] is None
    text = run("agreement", "--matrix", matrix, "--level", level)
    assert f"Krippendorff's alpha ({level}): {alpha:.3f}" in text.stdout


def test_a_bad_matrix_is_explained(tmp_path: Path) -> None:
    matrix = tmp_path / "matrix.csv"
    matrix.write_text("A,B\nlow,high\n", encoding="utf-8")
    result = run("agreement", "--matrix", matrix, "--level", "interval")
    assert result.exit_code == 1 and "Row 2, column 'A' is not a number" in result.stderr
    missing = run("agreement", "--matrix", tmp_path / "nope.csv")
    assert missing.exit_code == 1 and "no such file" in missing.stderr
    matrix.write_bytes(b"A,B\n\xff\xfe,1\n")
    assert "not UTF-8" in run("agreement", "--matrix", matrix).stderr


def test_retrieve_writes_passages_as_csv(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "passages.csv"
    result = run("retrieve", demo_dir, "--code", "grievance", "--coder", "anna", "--where", "offence_category=violent",
                 "-o", out)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "decrypted interview text" in result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {r["coder"] for r in rows} == {"anna"}
    assert all(r["text"] and r["participant"] for r in rows)
    assert {r["code"] for r in rows} <= {"Personal grievance", "Group grievance", "Institutional injustice"}
    unknown = run("retrieve", demo_dir, "--code", "nonsense")
    assert unknown.exit_code == 1 and "no code 'nonsense'" in unknown.stderr
    bad = run("retrieve", demo_dir, "--code", "grievance", "--where", "age")
    assert bad.exit_code == 1 and "ATTRIBUTE=VALUE" in bad.stderr


def test_frequencies_cooccurrence_and_code_by_attribute_as_csv(demo_dir: Path) -> None:
    freq = list(csv.DictReader(io.StringIO(run("frequencies", demo_dir).stdout)))
    assert freq[0]["code"] == "Grievance" and int(freq[0]["with sub-codes"]) > 0
    assert {"coder anna", "coder bence"} <= set(freq[0])
    by = list(csv.reader(io.StringIO(run("frequencies", demo_dir, "--by", "offence_category").stdout)))
    assert by[0][:2] == ["code", "violent"] and by[1][0] == "(participants)"
    co = list(csv.reader(io.StringIO(run("cooccurrence", demo_dir).stdout)))
    assert co[0][0] == "code" and len(co) == len(co[0]) and co[1][1] != "0"


def test_comparison_open_and_close(demo_dir: Path) -> None:
    opened = run("comparison", "open", demo_dir, "--user", "lena")
    assert opened.exit_code == 0 and "researchers now see each other's codings" in opened.stdout
    assert run("comparison", "close", demo_dir, "--user", "lena").exit_code == 0
    refused = run("comparison", "open", demo_dir, "--user", "anna")
    assert refused.exit_code == 2
