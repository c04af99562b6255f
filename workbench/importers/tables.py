"""Participant spreadsheets (CSV or XLSX): read the rows, type the columns, validate every row.

Layout: a header row with a ``code`` column (the pseudonymous participant code,
e.g. P07) and one column per attribute. A header may name its type,
``age:integer`` or ``offence:category`` (types: text, integer, date, category);
a category's allowed values are those that appear in the file. A column the
project already defines uses that definition. Any other column is typed
conservatively from its values: integer if every value is a whole number
without a leading zero (so ``007`` stays text), date if every value is an ISO
date (YYYY-MM-DD) or a spreadsheet date, text otherwise.

Every row is checked before anything is stored, and all failures are reported
with their line (CSV) or row (XLSX) number; messages name the column and the
reason, never the value, because attribute values are confidential.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import PurePath

import openpyxl

from workbench.domain.attributes import AttributeDef, AttributeType, AttributeValue
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.i18n import ngettext
from workbench.importers.encoding import decode_text
from workbench.importers.safety import check_size, check_xml_parts, open_zip

CODE_COLUMN = "code"
_CODE = re.compile(r"[^\W_][\w.\-]{0,31}")
_INTEGER = re.compile(r"[+-]?\d+")
_PLAIN_INTEGER = re.compile(r"[+-]?(?:0|[1-9]\d*)")  # for inference: "007" is an identifier, not 7
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_REPORTED = 15
XLSX = "Excel (.xlsx)"


@dataclass(frozen=True)
class Row:
    """One data row: where it is (``line 4`` / ``row 4``) and its cells (str, int, float, date or None)."""

    where: str
    cells: tuple[object, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[Row]


@dataclass
class ParticipantSheet:
    """A validated sheet: attributes to define, and each code's typed values (empty cells left out)."""

    new_definitions: list[AttributeDef] = field(default_factory=list)
    participants: dict[str, dict[str, AttributeValue]] = field(default_factory=dict)


def read_table(name: str, data: bytes, *, language: str, max_bytes: int) -> Table:
    """The first sheet of an XLSX file, or a CSV file separated by commas, semicolons or tabs."""
    check_size(name, len(data), max_bytes)
    suffix = PurePath(name).suffix.lower()
    if suffix == ".csv":
        return _read_csv(name, data, language)
    if suffix == ".xlsx":
        try:
            return _read_xlsx(name, data)
        except InvalidInputError:
            raise
        except Exception as exc:
            raise InvalidInputError(
                _("{name}: could not be read as an Excel workbook; it may be damaged ({name2}).").format(
                    name=name, name2=type(exc).__name__
                )
            ) from None
    raise InvalidInputError(_("{name}: participant attributes are read from .csv or .xlsx files.").format(name=name))


def _read_csv(name: str, data: bytes, language: str) -> Table:
    text = decode_text(name, data, language).text
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)  # Excel writes ';' where ',' is the decimal mark
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, [])
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            rows.append(Row(f"line {line}", tuple(cells)))
            line = reader.line_num + 1
    except csv.Error:
        raise InvalidInputError(
            _("{name} line {line_num}: the CSV quoting is broken.").format(name=name, line_num=reader.line_num)
        ) from None
    return Table(tuple(header), rows)


def _read_xlsx(name: str, data: bytes) -> Table:
    with open_zip(name, data, XLSX) as archive:
        check_xml_parts(name, archive, XLSX)
    with warnings.catch_warnings():  # openpyxl warns about styles and extensions it ignores
        warnings.simplefilter("ignore")
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        values = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    if not values:
        return Table((), [])
    header = tuple("" if v is None else str(v) for v in values[0])
    rows = [Row(f"row {number}", tuple(cells)) for number, cells in enumerate(values[1:], start=2)]
    return Table(header, rows)


def parse_participants(name: str, table: Table, existing: Mapping[str, AttributeDef]) -> ParticipantSheet:
    """Type the columns and validate every row; raises one error listing every bad row."""
    columns = _columns(name, table, existing)
    errors: list[str] = []
    sheet = ParticipantSheet(new_definitions=[d for d in columns[1:] if d is not None and d.name not in existing])
    first_seen: dict[str, str] = {}
    for row in table.rows:
        cells = [clean_cell(c) for c in row.cells]
        if all(c is None for c in cells):
            continue
        if len(cells) > len(columns) and any(c is not None for c in cells[len(columns) :]):
            errors.append(f"{row.where}: more cells than the header has columns.")
            continue
        code = _code(cells[0] if cells else None, row.where, first_seen, errors)
        values = _row_values(columns, cells, row.where, errors)
        if code is not None and values is not None:
            sheet.participants[code] = values
    if errors:
        shown = errors[:_MAX_REPORTED]
        more = len(errors) - len(shown)
        raise InvalidInputError(
            ngettext(
                "{name}: {count} problem found; nothing from this file was stored.",
                "{name}: {count} problems found; nothing from this file was stored.",
                len(errors),
            ).format(name=name, count=len(errors))
            + "\n"
            + "\n".join(f"  {e}" for e in shown)
            + ("\n  " + _("... and {more} more.").format(more=more) if more else "")
        )
    if not sheet.participants:
        raise InvalidInputError(_("{name}: the file has a header but no participant rows.").format(name=name))
    return sheet


def _columns(name: str, table: Table, existing: Mapping[str, AttributeDef]) -> list[AttributeDef | None]:
    """One definition per column (``None`` for the code column)."""
    header = [h.strip() for h in table.header]
    while header and not header[-1]:
        header.pop()
    if not header or header[0].lower() != CODE_COLUMN:
        raise InvalidInputError(
            _("{name}: the first column of the header row must be '{CODE_COLUMN}' (e.g. P07).").format(
                name=name, CODE_COLUMN=CODE_COLUMN
            )
        )
    columns: list[AttributeDef | None] = [None]
    seen: set[str] = set()
    for index, raw in enumerate(header[1:], start=2):
        if not raw:
            raise InvalidInputError(
                _("{name}: column {index} of the header row has no name.").format(name=name, index=index)
            )
        attr, declared = _split_header(raw)
        if attr in seen:
            raise InvalidInputError(
                _("{name}: the column {attr!r} appears twice in the header row.").format(name=name, attr=attr)
            )
        seen.add(attr)
        values = [clean_cell(r.cells[index - 1]) for r in table.rows if len(r.cells) >= index]
        columns.append(_definition(name, attr, declared, existing.get(attr), values))
    return columns


def _split_header(raw: str) -> tuple[str, AttributeType | None]:
    attr, _, kind = raw.rpartition(":")
    if attr.strip() and kind.strip().lower() in set(AttributeType):
        return attr.strip(), AttributeType(kind.strip().lower())
    return raw, None


def _definition(
    name: str, attr: str, declared: AttributeType | None, known: AttributeDef | None, values: Sequence[object]
) -> AttributeDef:
    if known is not None:
        if declared is not None and declared is not known.type:
            raise InvalidInputError(
                _("{name}: the column {attr!r} says {declared}, but the project defines it as {type}.").format(
                    name=name, attr=attr, declared=declared.value, type=known.type.value
                )
            )
        return known
    present = [v for v in values if v is not None]
    if declared is AttributeType.CATEGORY:
        return AttributeDef(attr, declared, tuple(dict.fromkeys(str(v).strip() for v in present)))
    if declared is not None:
        return AttributeDef(attr, declared)
    return AttributeDef(attr, _infer(present))


def _infer(values: Sequence[object]) -> AttributeType:
    if values and all(_as_integer(v) is not None and not _leading_zero(v) for v in values):
        return AttributeType.INTEGER
    if values and all(_as_date(v) is not None for v in values):
        return AttributeType.DATE
    return AttributeType.TEXT


def clean_cell(cell: object) -> object:
    """Empty cells become ``None``; whole-number floats from spreadsheets become ints.

    A value unequal to itself is a NaN or NaT, which is how tables mark an empty cell.
    """
    if _is_blank(cell):
        return None
    if isinstance(cell, str):
        return cell.strip() or None
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    return cell


def _is_blank(cell: object) -> bool:
    if cell is None:
        return True
    try:
        return bool(cell != cell)  # noqa: PLR0124 - NaN and NaT are the values unequal to themselves
    except TypeError:  # pandas.NA refuses to be compared: it is itself the "missing" marker
        return True


def _leading_zero(value: object) -> bool:
    return isinstance(value, str) and not _PLAIN_INTEGER.fullmatch(value)


def _as_integer(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INTEGER.fullmatch(value):
        return int(value)
    return None


def _as_date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


CODE_RULE = "a participant code is a short pseudonym such as P07 (letters, digits, '.', '-' or '_', no spaces)."


def is_valid_code(code: str) -> bool:
    """Codes are stored in the clear, so they must look like pseudonyms, not names."""
    return _CODE.fullmatch(code) is not None


def _code(cell: object, where: str, first_seen: dict[str, str], errors: list[str]) -> str | None:
    if cell is None:
        errors.append(f"{where}: the participant code is missing.")
        return None
    code = str(cell).strip()
    if not is_valid_code(code):
        errors.append(f"{where}: {CODE_RULE}")
        return None
    if code in first_seen:
        errors.append(f"{where}: {code} appears again (first on {first_seen[code]}).")
        return None
    first_seen[code] = where
    return code


def _row_values(
    columns: Sequence[AttributeDef | None], cells: Sequence[object], where: str, errors: list[str]
) -> dict[str, AttributeValue] | None:
    values: dict[str, AttributeValue] = {}
    ok = True
    for definition, cell in zip(columns[1:], cells[1:], strict=False):
        if definition is None or cell is None:
            continue
        value = parse_value(definition, cell)
        if value is None:
            errors.append(f"{where}: {definition.name}: {expectation(definition)}.")
            ok = False
        else:
            values[definition.name] = value
    return values if ok else None


def parse_value(definition: AttributeDef, cell: object) -> AttributeValue | None:
    """A typed value, or ``None`` if the cell does not fit the definition (no message: it would quote the value)."""
    if definition.type is AttributeType.INTEGER:
        return _as_integer(cell)
    if definition.type is AttributeType.DATE:
        return _as_date(cell)
    text = cell.isoformat() if isinstance(cell, dt.datetime | dt.date) else str(cell).strip()
    if definition.type is AttributeType.CATEGORY and text not in definition.categories:
        return None
    return text


def expectation(definition: AttributeDef) -> str:
    """What a value of this attribute must look like, for messages."""
    if definition.type is AttributeType.INTEGER:
        return "expected a whole number"
    if definition.type is AttributeType.DATE:
        return "expected a date as YYYY-MM-DD"
    if definition.type is AttributeType.CATEGORY:
        return f"expected one of the categories ({', '.join(definition.categories)})"
    return "expected text"
