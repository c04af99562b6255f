"""Attack: the report writer lowers the protection.

A report writer runs ``workbench export --k 1 --threshold 1`` (or types 1 into the Export page)
and gets a file with exact per-participant counts, which suppression and k-anonymity were meant
to keep out of reports. The lead fixes the minimums with the release; someone who may not
release can raise them for an export, never lower them: the CLI exits 2 and writes nothing, the
page offers nothing below the minimums and the service refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import built_project, writer_session
from tests.ui.apptest import close, english_members, new_app, open_page, serve
from workbench.cli import app as cli
from workbench.errors import PermissionDeniedError
from workbench.services import deid, deid_release
from workbench.services.exports import ExportOptions, export_to_file
from workbench.services.projects import audit_log, open_project
from workbench.services.workspace import Workspace

runner = CliRunner()


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    # the lead's release, with the default minimums: threshold 5 and k 5
    return built_project(
        tmp_path / "project",
        lambda ws: deid.add_known_entity(ws, "Kovács", "PERSON"),
        deid_release.release,
        english_members,  # the page is read in English
    )


def _export(directory: Path, target: Path, *options: str, user: str = "wanda") -> tuple[int, str]:
    args = ["export", str(directory), "-f", "csv", "-o", str(target), "--lang", "en", *options]  # English notes
    result = runner.invoke(cli, args, env={"WORKBENCH_PASSPHRASE": PASSPHRASE, "WORKBENCH_USER": user})
    return result.exit_code, result.output


def test_a_writer_cannot_lower_the_minimums_on_the_command_line(project_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "counts.csv"
    code, out = _export(project_dir, target, "--k", "1", "--threshold", "1")
    assert code == 2, out
    assert "at least 5" in out and not target.exists()
    assert _export(project_dir, target, "--threshold", "1")[0] == 2 and not target.exists()
    assert _export(project_dir, target, "--k", "4")[0] == 2 and not target.exists()
    code, out = _export(project_dir, target, "--threshold", "7", "--k", "6")
    assert code == 0, "raising them is allowed"
    assert "fewer than 7" in target.read_text(encoding="utf-8-sig")
    target.unlink()
    assert _export(project_dir, target)[0] == 0 and "fewer than 5" in target.read_text(encoding="utf-8-sig")


def test_the_service_refuses_whatever_calls_it(project_dir: Path, tmp_path: Path) -> None:
    ws = open_project(project_dir, PASSPHRASE)
    try:
        writer = writer_session(ws)
        with pytest.raises(PermissionDeniedError, match="at least 5"):
            export_to_file(writer, ExportOptions("csv", threshold=1, k=1), tmp_path / "x.csv")
        assert not (tmp_path / "x.csv").exists()
        deid_release.release(ws, threshold=1, k=1)  # only a new release by the lead lowers them
        export_to_file(writer_session(ws), ExportOptions("csv", threshold=1, k=1), tmp_path / "x.csv")
    finally:
        ws.close()


@pytest.fixture
def page(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(project_dir, monkeypatch)
    at = new_app(120)
    yield at
    close(at)


def test_the_export_page_offers_nothing_below_the_minimums(page: AppTest) -> None:
    open_page(page, "pages/export.py", user="wanda")
    threshold, k = page.number_input[0], page.number_input[1]
    assert (threshold.min, threshold.value, k.min, k.value) == (5, 5, 5, 5)
    threshold.set_value(1)
    k.set_value(1)
    next(b for b in page.button if b.label == "Prepare export").click().run()
    assert not page.exception
    result = page.session_state["export_result"] if "export_result" in page.session_state else None  # noqa: SIM401
    if result is not None:  # the widget kept the minimum: the file must carry it, not the typed 1
        text = result.content.decode("utf-8-sig")
        assert "fewer than 5" in text and "fewer than 1 " not in text, "a file with lowered protection was prepared"
    else:
        assert "at least 5" in page.error[0].value


def test_writers_workspace_is_bound_too(project_dir: Path) -> None:
    ws: Workspace = open_project(project_dir, PASSPHRASE, "wanda")  # a writer signed in with the passphrase
    try:
        with pytest.raises(PermissionDeniedError):
            export_to_file(ws, ExportOptions("csv", threshold=2), project_dir / "y.csv")
    finally:
        ws.close()


def test_the_audit_log_records_the_protection_the_file_was_made_with(project_dir: Path, tmp_path: Path) -> None:
    assert _export(project_dir, tmp_path / "a.csv", "--threshold", "8")[0] == 0
    ws = open_project(project_dir, PASSPHRASE)
    try:
        entry = next(e for e in audit_log(ws).entries if e.action == "anonymized export")
    finally:
        ws.close()
    assert (entry.detail["threshold"], entry.detail["k"]) == (8, 5)
