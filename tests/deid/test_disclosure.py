"""Cell suppression (primary and secondary), k-anonymity, generalization rules."""

from __future__ import annotations

import datetime as dt

import pytest

from workbench.deid.disclosure import SuppressedTable, k_anonymity, suppress
from workbench.deid.generalize import Rule, generalize, parse_rules
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import InvalidInputError


def _lines_ok(table: SuppressedTable) -> None:
    """No row or column (with its total) holds exactly one suppressed entry."""
    full = [[*row, total] for row, total in zip(table.cells, table.row_totals, strict=True)]
    full.append([*table.column_totals, table.total])
    for line in [*full, *zip(*full, strict=True)]:
        assert sum(v is None for v in line) != 1, line


def test_primary_and_secondary_suppression_on_a_hand_computed_table() -> None:
    # 10  3  8 | 21        3 is primary; 8 (smallest other non-zero in row 0) hides it in the row,
    #  7 12  9 | 28        12 hides it in column 1, and 9 then hides 8 in column 2.
    table = suppress([[10, 3, 8], [7, 12, 9]], threshold=5)
    assert table.cells == [[10, None, None], [7, None, None]]
    assert table.row_totals == [21, 28] and table.column_totals == [17, 15, 17] and table.total == 49
    assert table.primary == {(0, 1)} and table.secondary == {(0, 2), (1, 1), (1, 2)}
    _lines_ok(table)


def test_a_row_whose_only_count_is_small_hides_its_total() -> None:
    # 2 0 | 2    the small cell has no non-zero partner in its row, so the row total goes,
    # 6 7 | 13   then the totals column needs a second entry: 13 (smallest), then its row needs one.
    table = suppress([[2, 0], [6, 7]], threshold=5)
    assert table.cells[0][0] is None and table.row_totals[0] is None
    assert table.primary == {(0, 0)}
    _lines_ok(table)
    assert suppress([[5, 6], [7, 8]]).cells == [[5, 6], [7, 8]], "nothing below the threshold, nothing hidden"


def test_zeros_are_not_primary_suppressions() -> None:
    table = suppress([[0, 9], [8, 6]], threshold=5)
    assert table.primary == set() and table.cells == [[0, 9], [8, 6]]


def test_k_anonymity_names_the_attributes_to_generalize() -> None:
    pairs = [("20-29", "drug"), ("20-29", "drug"), ("20-29", "violent"), ("30-39", "drug"), ("30-39", "drug"),
             ("30-39", "drug")]  # fmt: skip
    records = [{"age": a, "offence": o} for a, o in pairs]
    check = k_anonymity(records, ["age", "offence"], k=3)
    assert not check.ok and check.smallest_group == 1 and check.participants_at_risk == 3
    message = check.message()
    assert "k=3" in message and "offence" in message and "age" in message
    assert check.advice[0].startswith("offence"), "dropping the offence leaves groups of 3, so it comes first"
    assert k_anonymity(records, ["age"], k=3).ok


def test_generalization_rules_from_settings_and_defaults() -> None:
    defs = [AttributeDef("age", AttributeType.INTEGER), AttributeDef("town", AttributeType.TEXT),
            AttributeDef("first", AttributeType.DATE), AttributeDef("notes", AttributeType.TEXT)]  # fmt: skip
    rules = parse_rules({"town": {"rule": "region", "extra": {"Kisrétfalva": "Dél-Alföld"}}}, defs)
    assert generalize(34, rules["age"]) == "30-39"
    assert generalize(dt.date(2025, 3, 14), rules["first"]) == "2025"
    assert generalize("Szeged", rules["town"]) == "Dél-Alföld"
    assert generalize("kisrétfalva", rules["town"]) == "Dél-Alföld"
    assert generalize("Atlantis", rules["town"]) == "other"
    assert generalize("anything at all", rules["notes"]) is None, "free text is dropped by default"
    assert generalize("Miskolc", Rule("county")) == "Borsod-Abaúj-Zemplén"
    assert generalize(41, Rule("band", 5)) == "40-44"
    with pytest.raises(InvalidInputError, match="age"):
        parse_rules({"age": {"rule": "blur"}}, defs)
