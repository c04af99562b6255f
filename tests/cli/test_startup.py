"""Start-up cost: commands that need no embeddings or de-identification load no torch.

Importing torch, transformers, Presidio or spaCy (which imports torch through thinc) costs
seconds before a command does any work; `workbench import` of one file took 7.5 s, 0.3 s of it
the import itself. Each command runs in a fresh interpreter that reports, as it exits, which
of those modules it loaded. `deid unflagged`, which needs spaCy, is the control: it shows the
report would name them. The app server's first page (sign-in) is checked the same way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FAST_KDF, REPO_ROOT
from tests.importers.samples import HUNGARIAN
from workbench.services.demo import DEMO_PASSPHRASE, create_demo

HEAVY = ("torch", "transformers", "presidio_analyzer", "presidio_anonymizer", "sentence_transformers", "spacy", "thinc")
MARK = "HEAVY-MODULES "


def _report(modules: tuple[str, ...]) -> str:
    return f"""
import atexit, json, sys
def report():
    sys.stderr.write({MARK!r} + json.dumps(sorted(m for m in {modules!r} if m in sys.modules)) + "\\n")
atexit.register(report)
"""


REPORT = _report(HEAVY)
MAIN = 'sys.argv = ["workbench", *sys.argv[1:]]\nfrom workbench.cli import main\nmain()\n'
CLI = REPORT + MAIN
APP = (
    REPORT
    + f"""
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(REPO_ROOT / "app.py")!r}, default_timeout=120).run()
assert not at.exception and len(at.text_input) == 2, "the sign-in form did not render"
"""
)


def _run(code: str, *args: str | Path) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environ["WORKBENCH_PASSPHRASE"] = DEMO_PASSPHRASE
    result = subprocess.run(
        [sys.executable, "-c", code, *map(str, args)],
        capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=300, cwd=REPO_ROOT,
    )  # fmt: skip
    reports = [line.removeprefix(MARK) for line in result.stderr.splitlines() if line.startswith(MARK)]
    assert len(reports) == 1, result.stderr
    return result, json.loads(reports[0])


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("startup") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        create_demo(directory, DEMO_PASSPHRASE, kdf=FAST_KDF, release_for_writers=True).workspace.close()
    return directory


LIGHT_COMMANDS = [
    ["--help"], ["status", "{dir}"], ["codebook", "list", "{dir}"],
    ["agreement", "{dir}"], ["retrieve", "{dir}", "--code", "grievance"], ["frequencies", "{dir}"],
    ["user", "list", "{dir}"], ["audit", "verify", "{dir}"], ["themes", "model", "{dir}"],
    ["qdpx", "export", "{dir}", "-o", "{tmp}/project.qdpx"],
    ["export", "{dir}", "--format", "csv", "-o", "{tmp}/t.csv"],
    ["import", "{dir}", "{tmp}/interview.txt", "--participant", "P01"], ["init", "{tmp}/new"],
]  # fmt: skip


@pytest.mark.parametrize("command", LIGHT_COMMANDS, ids=lambda c: " ".join(w for w in c if "{" not in w))
def test_commands_without_embeddings_or_deid_load_no_torch(command: list[str], demo_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "interview.txt").write_text(HUNGARIAN, encoding="utf-8")
    args = [word.format(dir=demo_dir, tmp=tmp_path) for word in command]
    result, heavy = _run(CLI, *args)
    assert result.returncode == 0, result.stderr
    assert heavy == [], f"`workbench {' '.join(command)}` imported {heavy}"


def test_a_projects_agreement_loads_no_numpy(demo_dir: Path, tmp_path: Path) -> None:
    """The report counts units (``agreement_counts``); NumPy is for ``--matrix`` only (~0.1 s of start-up)."""
    result, loaded = _run(_report(("numpy",)) + MAIN, "agreement", demo_dir)
    assert result.returncode == 0, result.stderr
    assert loaded == []
    (tmp_path / "m.csv").write_text("A,B\n1,1\n0,1\n", encoding="utf-8")
    result, loaded = _run(_report(("numpy",)) + MAIN, "agreement", "--matrix", tmp_path / "m.csv")
    assert result.returncode == 0, result.stderr
    assert loaded == ["numpy"], "the control: the report would name NumPy"


def test_the_report_names_the_modules_when_a_command_needs_them(demo_dir: Path) -> None:
    result, heavy = _run(CLI, "deid", "unflagged", demo_dir)
    assert result.returncode == 0, result.stderr
    assert {"spacy", "thinc"} <= set(heavy)
    # De-identification keeps spaCy's and Presidio's optional torch imports out (deid/lean_imports.py).
    assert "torch" not in heavy


def test_the_app_servers_sign_in_page_loads_no_torch(demo_dir: Path) -> None:
    environ_project = {"WORKBENCH_PROJECT": str(demo_dir)}
    code = "import os\nos.environ.update(" + repr(environ_project) + ")\n" + APP
    result, heavy = _run(code)
    assert result.returncode == 0, result.stderr
    assert heavy == []
