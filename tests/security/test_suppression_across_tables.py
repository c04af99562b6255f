"""Attack: undoing small-cell suppression with the rest of the same file.

A reader of one anonymized export sees ``*`` for a code in the Codes table, then counts that
code's rows in the Quotes table of the same file (with their participant pseudonyms and
attributes) and recovers the suppressed participant and passage counts; or subtracts a
code-by-attribute table's published cells and totals from the Codes table's numbers. Suppression
must hold across every table and sheet of one export, and the CSV must say what ``*`` means.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.deid.fixtures import build, writer_session
from workbench.services import deid, deid_release
from workbench.services.exports import ExportOptions, ExportTable, build_tables, export_to_file
from workbench.services.workspace import Workspace

STAR = "*"


def _release() -> dict[str, Any]:
    """Released material: ten participants in two age bands and four codes of different reach."""
    participants = [{"pseudonym": f"Participant {n}", "attributes": {"age": "20-29" if n <= 5 else "30-39"}}
                    for n in range(1, 11)]  # fmt: skip

    def quote(code: str, n: int, i: int) -> dict[str, str]:
        return {"code_id": code, "code": code, "participant": f"Participant {n}", "quote": f"{code} {n}.{i}"}

    quotes = [quote("Family", n, 0) for n in range(1, 9)]  # 8 people: 5 aged 20-29, 3 aged 30-39
    quotes += [quote("Gang", 1, i) for i in range(6)]  # one person, six passages
    quotes += [quote("Work", n, i) for n in range(1, 11) for i in range(2)]
    quotes += [quote("Prison", n, i) for n in range(1, 11) for i in range(3)]
    codes = [{"id": c, "name": c, "parent_id": None} for c in ("Family", "Gang", "Prison", "Work")]
    return {"version": 2, "codes": codes, "attributes": {"age": "10-year bands"}, "participants": participants,
            "quotes": quotes, "transcripts": [], "minimums": {"threshold": 5, "k": 1}}  # fmt: skip


def _by_key(tables: list[ExportTable]) -> dict[str, ExportTable]:
    return {t.key: t for t in tables}


def test_counting_quote_rows_recovers_no_suppressed_count() -> None:
    tables = _by_key(build_tables(_release(), ExportOptions("xlsx", attributes=("age",), threshold=5, k=1))[0])
    quotes = [dict(zip(tables["quotes"].columns, row, strict=True)) for row in tables["quotes"].rows]
    rows_per_code = Counter(q["code"] for q in quotes)
    rows_per_cell = Counter((q["code"], q["age"]) for q in quotes)
    codes = {row[0]: row for row in tables["codes"].rows}
    assert codes["Gang"][1:] == [STAR, STAR], "one participant: suppressed"
    assert rows_per_code["Prison"] == 30, "quotes of counts that are published stay in the export"
    for code, participants, passages in codes.values():
        if STAR in (participants, passages):
            assert rows_per_code[code] == 0, f"the Quotes table gives away the suppressed counts of {code}"
    by_age = tables["code_by_age"]
    values = by_age.columns[1:-1]
    for row in by_age.rows[:-1]:
        code, cells, total = row[0], row[1:-1], row[-1]
        for value, cell in zip(values, cells, strict=True):
            if cell == STAR:
                assert rows_per_cell[(code, value)] == 0, f"quotes give away the suppressed cell {code}/{value}"
            else:
                assert rows_per_cell[(code, value)] in (0, cell)
        shown = codes[code][2]
        if shown != STAR:
            assert total == shown, f"the Codes table publishes the row total of {code} that Codes by age withholds"
        hidden = [c for c in [*cells, total if shown == STAR else 0] if c == STAR]
        assert len(hidden) != 1, f"row {code} can be recovered by subtraction"


def test_every_line_of_a_count_table_hides_none_or_at_least_two() -> None:
    tables = _by_key(build_tables(_release(), ExportOptions("csv", attributes=("age",), threshold=5, k=1))[0])
    grid = [row[1:] for row in tables["code_by_age"].rows]
    for line in [*grid, *zip(*grid, strict=True)]:
        assert sum(1 for v in line if v == STAR) != 1, f"a line with one suppressed entry: {line}"


def test_the_export_file_as_a_reader_sees_it(project: Workspace, tmp_path: Path) -> None:
    build(project)
    deid.add_known_entity(project, "Kovács", "PERSON")
    deid_release.release(project)
    writer = writer_session(project)
    path = tmp_path / "report.xlsx"
    export_to_file(writer, ExportOptions("xlsx"), path)
    book = load_workbook(path)
    suppressed = {r[0] for r in book["Codes"].iter_rows(min_row=2, values_only=True) if r[1] == STAR}
    assert suppressed == {"Grievance", "Turning point"}
    listed = {r[0] for r in book["Quotes"].iter_rows(min_row=2, values_only=True) if r[0] in suppressed}
    assert listed == set(), "the Quotes sheet lists the quotes of codes the Codes sheet suppresses"
    csv_path = tmp_path / "report.csv"
    export_to_file(writer, ExportOptions("csv"), csv_path)
    lines = [row[0] for row in csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8-sig"))) if row]
    assert any(line.startswith(f"{STAR} = fewer than 5") for line in lines), "the CSV has no legend for *"
