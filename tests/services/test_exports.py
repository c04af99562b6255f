"""Anonymized exports: files opened back, suppression, k-anonymity, leak check, audit, writers."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.deid.fixtures import build, writer_session
from workbench.domain.models import Code
from workbench.errors import DisclosureRiskError, LeakDetectedError, NotFoundError
from workbench.services import deid, deid_release
from workbench.services.codebook.sync import install_codebook
from workbench.services.exports import ExportOptions, export_to_file, file_texts
from workbench.services.projects import audit_log
from workbench.services.workspace import Workspace


@pytest.fixture
def released(project: Workspace) -> Workspace:
    build(project)
    deid.add_known_entity(project, "Kovács", "PERSON")
    deid.add_known_entity(project, "Szeged", "CITY")
    deid.add_missed(project, "bandi", "PERSON")
    deid_release.release(project)
    return project


def _all_text(fmt: str, path: Path) -> str:
    return "\n".join(file_texts(fmt, path.read_bytes()))


def test_nothing_to_export_before_a_release(project: Workspace, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="released"):
        export_to_file(project, ExportOptions("csv"), tmp_path / "x.csv")


def test_xlsx_has_one_formatted_sheet_per_table_with_pseudonyms_only(released: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    export_to_file(released, ExportOptions("xlsx", attributes=("age",), k=1, threshold=1), path)
    book = load_workbook(path)
    assert book.sheetnames == ["Quotes", "Codes", "Codes by age"]
    quotes = book["Quotes"]
    assert [c.value for c in quotes[1]] == ["code", "quote", "participant", "age"]
    assert quotes["A1"].font.bold and quotes.freeze_panes == "A2"
    rows = [[c.value for c in row] for row in quotes.iter_rows(min_row=2, max_row=3)]
    assert rows == [["Grievance", "[PERSON 1] dolgoztam, később [PERSON 1] költöztem", "Participant 1", "30-39"],
                    ["Turning point", "[PERSON 1], és a [PERSON 2]", "Participant 2", "20-29"]]  # fmt: skip
    text = _all_text("xlsx", path)
    assert "[PERSON 1]" in text and not any(name in text for name in ("Kovács", "Szeged", "bandi", "P01"))


def test_docx_report_has_tables_and_a_chart_and_no_real_names(released: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    export_to_file(released, ExportOptions("docx", threshold=1), path)
    document = Document(str(path))
    assert [t.rows[0].cells[0].text for t in document.tables] == ["code", "code"]
    assert document.tables[0].rows[1].cells[1].text == "[PERSON 1] dolgoztam, később [PERSON 1] költöztem"
    assert len(document.inline_shapes) == 1, "the code frequencies chart, embedded as a PNG"
    text = _all_text("docx", path)
    assert "Participant 2" in text and not any(name in text for name in ("Kovács", "Szeged", "bandi"))


def test_small_counts_are_suppressed(released: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "codes.csv"
    export_to_file(released, ExportOptions("csv", tables=("codes",)), path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    header, *counts, legend = rows
    assert header == ["code", "participants", "coded passages"]
    assert counts == [["Grievance", "*", "*"], ["Turning point", "*", "*"]]
    assert legend[0].startswith("* = fewer than 5 participants"), "the CSV has the legend too"


def test_k_anonymity_failure_names_the_attribute_and_writes_nothing(released: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "out" / "out.csv"
    path.parent.mkdir()
    with pytest.raises(DisclosureRiskError, match=r"k-anonymity check failed \(k=2\).*age \(2 distinct values\)"):
        export_to_file(released, ExportOptions("csv", attributes=("age",), k=2), path)
    assert list(path.parent.iterdir()) == []


def test_a_name_that_slipped_through_is_refused(released: Workspace, tmp_path: Path) -> None:
    before = deid_release.latest_release(released)
    slipped = Code(str(uuid.uuid4()), "Kovácsék ügye", color="#123456")
    install_codebook(released, [slipped], "a code named after a person")
    with released.write() as repo:
        interview = repo.interviews.summaries()[0].id
        repo.codings.add(repo.interviews.transcript(interview), slipped.id, released.user.id, 0, 2)
    with pytest.raises(LeakDetectedError, match=r"release was refused.*1 in code names.*Nothing was released") as no:
        deid_release.release(released)
    assert "Kovács" not in str(no.value)
    after = deid_release.latest_release(released)
    assert before is not None and after is not None and after.id == before.id, "the earlier release stays"
    deid.add_missed(released, "dolgoztam", "PERSON")  # a name known only after the release was made
    out = tmp_path / "out"
    out.mkdir()
    for fmt in ("csv", "xlsx", "docx"):
        path = out / f"leak.{fmt}"
        with pytest.raises(LeakDetectedError, match="Nothing was written") as refused:
            export_to_file(released, ExportOptions(fmt, threshold=1), path)
        assert "dolgoztam" not in str(refused.value)
    assert list(out.iterdir()) == [], "no file and no temporary file"


def test_csv_cells_cannot_become_formulas(released: Workspace, tmp_path: Path) -> None:
    code = Code(str(uuid.uuid4()), "=HYPERLINK(1)", color="#123456")
    install_codebook(released, [code], "hostile code name")
    with released.write() as repo:
        interview = repo.interviews.summaries()[1].id
        repo.codings.add(repo.interviews.transcript(interview), code.id, released.user.id, 0, 2)
    deid_release.release(released)
    path = tmp_path / "q.csv"
    export_to_file(released, ExportOptions("csv", tables=("quotes",), threshold=1), path)
    assert "'=HYPERLINK(1)" in [row[0] for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))]


def test_every_export_is_audited_with_its_sha256(released: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    export = export_to_file(released, ExportOptions("csv"), path)
    assert export.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    entry = next(e for e in audit_log(released).entries if e.action == "anonymized export")
    assert entry.actor == released.user.name and entry.detail["sha256"] == export.sha256
    assert entry.detail["file"] == "a.csv" and entry.detail["format"] == "csv"


def test_a_writer_exports_released_material_with_the_release_key_alone(released: Workspace, tmp_path: Path) -> None:
    deid_release.release(released, threshold=1, k=1)
    writer = writer_session(released)
    path = tmp_path / "writer.xlsx"
    export_to_file(writer, ExportOptions("xlsx"), path)
    text = _all_text("xlsx", path)
    assert "[PERSON 1]" in text and "Kovács" not in text
    with pytest.raises(Exception, match="lead or an admin"):
        export_to_file(writer, ExportOptions("qdpx"), tmp_path / "w.qdpx")


def test_anonymized_qdpx_for_leads(released: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "project.qdpx"
    export_to_file(released, ExportOptions("qdpx"), path)
    text = _all_text("qdpx", path)
    assert "[PERSON 1]" in text and "[CITY 1]" in text
    assert not any(name in text for name in ("Kovács", "Szeged", "szegedi", "bandi"))
