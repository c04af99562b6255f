"""CSV export (formula injection), context around passages, overlapping groups."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from workbench.analysis.spans import context, overlapping_groups
from workbench.analysis.tables import PASSAGE_COLUMNS, passage_rows, safe_cell, to_csv
from workbench.domain.analysis import CodedPassage


@pytest.mark.parametrize("cell", ['=HYPERLINK("http://x")', "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_text_a_spreadsheet_would_evaluate_gets_an_apostrophe(cell: str) -> None:
    assert safe_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["plain words", "a = b", "", "3 - 2"])
def test_ordinary_text_is_left_alone(cell: str) -> None:
    assert safe_cell(cell) == cell


def test_numbers_stay_numbers_and_none_is_empty() -> None:
    text = to_csv([{"n": -3, "x": -0.5, "t": None}])
    assert text.splitlines() == ["n,x,t", "-3,-0.5,"]


def test_a_passage_csv_defuses_quotes_and_memos_but_keeps_them_readable() -> None:
    passage = CodedPassage(
        "a" * 32, "=cmd|' /C calc'!A0", "P01", 1, "c1", "Grievance", "anna", 3, 9, "-they said", "before, \"quoted\"",
        "\nafter", "@memo", dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(to_csv(passage_rows([passage]), PASSAGE_COLUMNS))))
    assert rows[0]["title"] == "'=cmd|' /C calc'!A0"
    assert rows[0]["text"] == "'-they said" and rows[0]["memo"] == "'@memo"
    assert rows[0]["before"] == 'before, "quoted"' and rows[0]["after"] == "\nafter"
    assert rows[0]["interview"] == "a" * 8 and rows[0]["coder"] == "anna"


def test_context_is_cut_at_word_boundaries() -> None:
    text = "one two three four five six seven"
    start = text.index("four")
    before, after = context(text, start, start + 4, 9)
    assert before == "three " and after == " five"
    assert context(text, 0, 3, 100) == ("", text[3:])
    assert context(text, 0, 3, 0) == ("", "")


def test_overlapping_groups_chain_through_overlaps() -> None:
    spans = [(30, 40), (0, 10), (5, 20), (19, 25), (25, 28)]
    groups = overlapping_groups(spans, lambda s: s)
    assert groups == [[(0, 10), (5, 20), (19, 25)], [(25, 28)], [(30, 40)]]
