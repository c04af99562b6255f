"""`workbench deid`, `workbench export` and `workbench pii detect` through the real command (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.deid.fixtures import build
from workbench.cli import app
from workbench.services.projects import init_project

runner = CliRunner()
ENV = {"WORKBENCH_PASSPHRASE": PASSPHRASE, "WORKBENCH_USER": "lena"}


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    directory = tmp_path / "project"
    ws = init_project(directory, PASSPHRASE, "lena", language="hu", kdf=FAST_KDF)
    try:
        build(ws)
    finally:
        ws.close()
    return directory


def invoke(*args: str | Path, user: str = "lena") -> tuple[int, str]:
    result = runner.invoke(app, [str(a) for a in args], env={**ENV, "WORKBENCH_USER": user})
    return result.exit_code, result.output


def test_review_release_and_export_from_the_command_line(project_dir: Path, tmp_path: Path) -> None:
    assert invoke("deid", "entities", "add", project_dir, "Kovács", "--type", "PERSON", "-p", "P01") == (
        0, "Protected as [PERSON 1].\n")  # fmt: skip
    code, out = invoke("deid", "scan", project_dir)
    assert code == 0 and out.startswith("Scanned 2 interview(s)")
    code, out = invoke("deid", "review", "list", project_dir)
    assert code == 0 and "Trabant" in out
    trabant = next(line.split()[0] for line in out.splitlines() if "[Trabant]" in line)
    assert invoke("deid", "review", "reject", project_dir, trabant)[0] == 0
    assert "[Trabant" not in invoke("deid", "review", "list", project_dir)[1]
    code, out = invoke("deid", "entities", "list", project_dir)
    assert code == 0 and "[PERSON 1]" in out and "Kovács" in out
    code, out = invoke("deid", "release", project_dir, "--threshold", "1", "--k", "1")  # two participants only
    assert code == 0 and out.startswith("Released 2 quotes")

    target = tmp_path / "export.csv"
    code, out = invoke("export", project_dir, "--format", "csv", "-o", target, "--table", "quotes", user="wanda")
    assert code == 0, out
    assert "[PERSON 1] dolgoztam" in target.read_text(encoding="utf-8-sig")

    refused = tmp_path / "refused.csv"
    code, out = invoke("export", project_dir, "-f", "csv", "-o", refused, "-a", "age", "--k", "2", "--lang", "en")
    assert code == 1 and "k-anonymity check failed" in out and "age" in out and not refused.exists()
    assert invoke("deid", "release", project_dir, user="wanda")[0] == 2, "writers may not release"


def test_pii_detect_reads_and_writes_json_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    text = "Hívja Kiss Dénest a +36 30 123 4567 számon."
    source.write_text(json.dumps({"id": "a1", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    code, out = invoke("pii", "detect", source, "-o", output, "--lang", "hu")
    assert code == 0, out
    record = json.loads(output.read_text(encoding="utf-8"))
    found = {text[s["start"] : s["end"]]: s["type"] for s in record["spans"]}
    assert record["id"] == "a1" and found["+36 30 123 4567"] == "PHONE" and "Kiss Dénest" in found
    source.write_text("not json\n", encoding="utf-8")
    assert invoke("pii", "detect", source, "-o", output)[0] == 1


def test_unflagged_words_block_the_release_until_dismissed_or_overridden(project_dir: Path) -> None:
    from workbench.services.interviews import add_transcript
    from workbench.services.projects import audit_log, open_project

    ws = open_project(project_dir, PASSPHRASE)
    try:
        third = add_transcript(ws, "V: A cellám száma 214 volt.", title="Interjú 3", language="hu",
                               participant_code="P01")  # fmt: skip
    finally:
        ws.close()
    assert invoke("deid", "scan", project_dir)[0] == 0
    code, out = invoke("deid", "unflagged", project_dir, "--json")
    assert code == 0
    assert [json.loads(line) for line in out.splitlines()] == [
        {"interview": third, "text": "214", "kind": "number", "count": 1}
    ]
    code, out = invoke("deid", "release", project_dir, "--threshold", "1", "--k", "1")
    assert code == 1 and "release was refused" in out and f"Interjú 3 ({third[:8]}): 1" in out
    assert "214" not in out, "the refusal never quotes the words"
    assert invoke("deid", "dismiss", project_dir, "Kovács")[0] == 1, "only candidates can be dismissed"
    assert invoke("deid", "release", project_dir, "--override-unreviewed", user="wanda")[0] == 2
    code, out = invoke("deid", "release", project_dir, "--threshold", "1", "--k", "1", "--override-unreviewed")
    assert code == 0 and out.startswith("Released")
    assert invoke("deid", "dismiss", project_dir, "214") == (0, "Dismissed 1; not listed again in any interview.\n")
    assert invoke("deid", "unflagged", project_dir) == (0, "0 unreviewed candidate(s).\n")
    assert invoke("deid", "release", project_dir, "--threshold", "1", "--k", "1")[0] == 0
    ws = open_project(project_dir, PASSPHRASE)
    try:
        overrides = [e for e in audit_log(ws).entries if e.action.startswith("deid release unreviewed override")]
    finally:
        ws.close()
    assert [e.detail for e in overrides] == [{"interviews": 1, "candidates": 1}]


def test_export_contents_follow_lang_or_the_exporters_language(project_dir: Path, tmp_path: Path) -> None:
    """Issue 21: headings and notes in --lang, else in the exporting member's interface language."""
    from workbench.services.preferences import set_interface_language
    from workbench.services.projects import open_project

    assert invoke("deid", "scan", project_dir)[0] == 0
    assert invoke("deid", "release", project_dir, "--threshold", "1", "--k", "1", "--override-unreviewed")[0] == 0

    def export(*extra: str) -> str:
        target = tmp_path / f"codes-{len(list(tmp_path.iterdir()))}.csv"
        code, out = invoke("export", project_dir, "-f", "csv", "-o", target, "--table", "codes", *extra)
        assert code == 0, out
        return target.read_text(encoding="utf-8-sig")

    assert "kódolt szakaszok" in export("--lang", "hu") and "coded passages" not in export("--lang", "hu")
    assert "coded passages" in export("--lang", "en")
    assert "kódolt szakaszok" in export(), "a Hungarian project: its members default to Hungarian"
    ws = open_project(project_dir, PASSPHRASE, "lena")
    try:
        set_interface_language(ws, "en")
    finally:
        ws.close()
    assert "coded passages" in export(), "lena chose English on the Account page"
    refused = tmp_path / "refused.csv"
    code, out = invoke("export", project_dir, "-f", "csv", "-o", refused, "--lang", "de")
    assert code == 1 and "--lang" in out and not refused.exists()
