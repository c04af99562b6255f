"""Participant sheets: reading CSV and XLSX, typing columns, validating rows (no database needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.importers.samples import replace_member, xlsx_bytes
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import InvalidInputError
from workbench.importers.tables import ParticipantSheet, Table, parse_participants, read_table

LIMIT = 1024 * 1024
AGE = AttributeDef("age", AttributeType.INTEGER)
OFFENCE = AttributeDef("offence", AttributeType.CATEGORY, ("violent", "drug", "property"))


def sheet(name: str, data: bytes, existing: dict[str, AttributeDef] | None = None) -> tuple[Table, ParticipantSheet]:
    table = read_table(name, data, language="hu", max_bytes=LIMIT)
    return table, parse_participants(name, table, existing or {})


def test_csv_columns_are_typed_conservatively() -> None:
    csv = (
        "code,age,institution,first_interview,prison_no,offence:category,sentence_months:integer\n"
        "P01,34,Szeged,2025-03-14,007,drug,18\n"
        "P02,,Vác,2025-04-01,120,violent,\n"
    )
    _, parsed = sheet("people.csv", csv.encode())
    assert parsed.new_definitions == [
        AttributeDef("age", AttributeType.INTEGER),
        AttributeDef("institution", AttributeType.TEXT),
        AttributeDef("first_interview", AttributeType.DATE),
        AttributeDef("prison_no", AttributeType.TEXT),  # "007" is an identifier, not the number 7
        AttributeDef("offence", AttributeType.CATEGORY, ("drug", "violent")),
        AttributeDef("sentence_months", AttributeType.INTEGER),
    ]
    assert parsed.participants == {
        "P01": {"age": 34, "institution": "Szeged", "first_interview": dt.date(2025, 3, 14), "prison_no": "007",
                "offence": "drug", "sentence_months": 18},
        "P02": {"institution": "Vác", "first_interview": dt.date(2025, 4, 1), "prison_no": "120", "offence": "violent"},
    }  # fmt: skip


def test_semicolon_csv_in_cp1250_from_hungarian_excel() -> None:
    csv = "code;intézet;életkor\r\nP03;Győri Fegyház;41\r\nP04;Márianosztra;29\r\n"
    _, parsed = sheet("résztvevők.csv", csv.encode("cp1250"))
    assert parsed.participants == {
        "P03": {"intézet": "Győri Fegyház", "életkor": 41},
        "P04": {"intézet": "Márianosztra", "életkor": 29},
    }


def test_xlsx_native_cells() -> None:
    data = xlsx_bytes([
        ["code", "age", "first_interview", "offence"],
        ["P01", 34, dt.datetime(2025, 3, 14), "drug"],
        [None, None, None, None],
        ["P02", 41.0, dt.datetime(2025, 4, 1), "property"],
    ])  # fmt: skip
    table, parsed = sheet("people.xlsx", data, {"offence": OFFENCE})
    assert [r.where for r in table.rows] == ["row 2", "row 3", "row 4"]
    assert [d.name for d in parsed.new_definitions] == ["age", "first_interview"]
    assert parsed.participants["P02"] == {"age": 41, "first_interview": dt.date(2025, 4, 1), "offence": "property"}


def test_every_bad_row_is_reported_with_its_line_and_no_value() -> None:
    csv = (
        "code,age,offence,first_interview\n"
        "P01,34,drug,2025-03-14\n"
        "P02,thirty-four,drug,2025-03-14\n"
        "P03,40,arson,2025-03-14\n"
        "Kovács János,40,drug,2025-03-14\n"
        "P01,41,drug,2025-03-14\n"
        ",41,drug,2025-03-14\n"
        "P06,41,drug,14/03/2025,extra\n"
    )
    existing = {"age": AGE, "offence": OFFENCE, "first_interview": AttributeDef("first_interview", AttributeType.DATE)}
    with pytest.raises(InvalidInputError) as caught:
        sheet("people.csv", csv.encode(), existing)
    message = str(caught.value)
    assert message.splitlines() == [
        "people.csv: 6 problems found; nothing from this file was stored.",
        "  line 3: age: expected a whole number.",
        "  line 4: offence: expected one of the categories (violent, drug, property).",
        "  line 5: a participant code is a short pseudonym such as P07 (letters, digits, '.', '-' or '_', no spaces).",
        "  line 6: P01 appears again (first on line 2).",
        "  line 7: the participant code is missing.",
        "  line 8: more cells than the header has columns.",
    ]
    for value in ("thirty-four", "arson", "Kovács", "14/03/2025"):
        assert value not in message


def test_a_multiline_quoted_cell_keeps_later_line_numbers_right() -> None:
    csv = 'code,notes,age\nP01,"two\nlines",30\nP02,x,old\n'
    with pytest.raises(InvalidInputError, match=r"line 4: age: expected a whole number"):
        sheet("p.csv", csv.encode(), {"age": AGE})


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("age,code\nP01,3\n", "first column of the header row must be 'code'"),
        ("code,age,\nP01,3,x\n", "more cells than the header"),
        ("code,,age\nP01,3,4\n", "column 2 of the header row has no name"),
        ("code,age,age\nP01,3,4\n", "'age' appears twice"),
        ("code,age:text\nP01,3\n", "'age' says text, but the project defines it as integer"),
        ("code,age\n", "no participant rows"),
    ],
)
def test_header_problems(csv: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        sheet("p.csv", csv.encode(), {"age": AGE})


def test_hostile_or_wrong_files() -> None:
    with pytest.raises(InvalidInputError, match=r"p\.ods: participant attributes are read from \.csv or \.xlsx"):
        sheet("p.ods", b"code\nP01\n")
    with pytest.raises(InvalidInputError, match="not a valid Excel"):
        sheet("p.xlsx", b"code,age\nP01,3\n")
    data = xlsx_bytes([["code"], ["P01"]])
    hostile = replace_member(data, "xl/bomb.xml", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>')
    with pytest.raises(InvalidInputError, match="DOCTYPE or entities"):
        sheet("p.xlsx", hostile)
    with pytest.raises(InvalidInputError, match="NUL bytes"):
        sheet("p.csv", bytes(range(256)) * 4)
    with pytest.raises(InvalidInputError, match="above the import limit"):
        sheet("p.csv", b"code\n" + b"P01\n" * LIMIT)
