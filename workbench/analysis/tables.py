"""Analysis results as flat tables, and CSV that is safe to open in a spreadsheet.

The CLI writes these tables as CSV files and the pages offer them as downloads, so both export the
same columns. Quotes and memos are user text: a cell that starts with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) would run as a formula in Excel or LibreOffice, so such a text cell
gets a leading apostrophe (OWASP "CSV injection"). Numbers are written as numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence

from workbench.domain.analysis import (
    AgreementMeasures,
    AgreementReport,
    CodeAttributeMatrix,
    CodedPassage,
    CodeFrequency,
    CodingProgress,
    CooccurrenceMatrix,
)
from workbench.i18n import N_
from workbench.i18n import gettext as _

Row = Mapping[str, object]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Heading(str):
    """A fixed column name: the CSV header shows it in the current (the exporter's) language.

    Why a ``str``: rows stay plain mappings keyed by the English name (``row["codings"]`` works
    wherever they are read), while :func:`to_csv` can tell a fixed heading, which it translates,
    from a column named after the project's data (a code, an attribute value), which it never does.
    """

    template: str
    fields: dict[str, str]

    def __new__(cls, template: str, **fields: str) -> Heading:
        heading = super().__new__(cls, template.format(**fields))
        heading.template, heading.fields = template, fields
        return heading

    def label(self) -> str:
        """The heading in the current language."""
        return _(self.template).format(**self.fields)


INTERVIEW, TITLE, PARTICIPANT = Heading(N_("interview")), Heading(N_("title")), Heading(N_("participant"))
WAVE, CODE, CODER = Heading(N_("wave")), Heading(N_("code")), Heading(N_("coder"))
START, END, BEFORE = Heading(N_("start")), Heading(N_("end")), Heading(N_("before"))
TEXT, AFTER, MEMO = Heading(N_("text")), Heading(N_("after")), Heading(N_("memo"))
KEY, DEPTH, CODINGS = Heading(N_("key")), Heading(N_("depth")), Heading(N_("codings"))
WITH_SUB_CODES, INTERVIEWS = Heading(N_("with sub-codes")), Heading(N_("interviews"))
PARTICIPANTS, CHARACTERS = Heading(N_("participants")), Heading(N_("characters"))
CODED_TURNS, TURNS, UNITS = Heading(N_("coded turns")), Heading(N_("turns")), Heading(N_("units"))
PERCENT_AGREEMENT, KAPPA, ALPHA = Heading(N_("% agreement")), Heading(N_("kappa")), Heading(N_("alpha"))
CODED_UNITS, PERCENT_CODED_ONLY = Heading(N_("coded units")), Heading(N_("% agreement, coded only"))


def coder_heading(name: str) -> Heading:
    """The column of one coder's codings (the name is data and stays as it is)."""
    return Heading(N_("coder {name}"), name=name)


def heading_text(column: str) -> str:
    """What the header shows for ``column``: a fixed heading translated, a data column as it is."""
    return column.label() if isinstance(column, Heading) else column


def labelled(rows: Sequence[Row], columns: Sequence[str] | None = None) -> list[dict[str, object]]:
    """``rows`` keyed by what their headings say in the current language: a table on a page.

    The rows themselves stay keyed by the English names (the CSV download and the charts read
    them); only the copy handed to ``st.dataframe`` carries the translated headings.
    """
    header = list(columns) if columns is not None else list(rows[0]) if rows else []
    return [{heading_text(c): row.get(c) for c in header} for row in rows]


def safe_cell(value: object) -> object:
    """A value fit for a CSV cell: text that a spreadsheet would evaluate is defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    """CSV text (with a header) of ``rows``; every text cell passes ``safe_cell``.

    Fixed headings (:class:`Heading`) are written in the current language, the exporter's.
    """
    header = list(columns) if columns is not None else list(rows[0]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(heading_text(c)) for c in header])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in header])
    return out.getvalue()


PASSAGE_COLUMNS = (INTERVIEW, TITLE, PARTICIPANT, WAVE, CODE, CODER, START, END, BEFORE, TEXT, AFTER, MEMO)


def passage_rows(passages: Iterable[CodedPassage]) -> list[Row]:
    return [
        {INTERVIEW: p.interview_id[:8], TITLE: p.interview_title, PARTICIPANT: p.participant_code,
         WAVE: p.wave, CODE: p.code_name, CODER: p.coder, START: p.start, END: p.end,
         BEFORE: p.before, TEXT: p.text, AFTER: p.after, MEMO: p.memo}
        for p in passages
    ]  # fmt: skip


def frequency_rows(frequencies: Sequence[CodeFrequency]) -> list[Row]:
    coders = sorted({name for f in frequencies for name in f.by_coder})
    return [
        {CODE: f.code_name, KEY: f.key, DEPTH: f.depth, CODINGS: f.codings,
         WITH_SUB_CODES: f.codings_with_children, INTERVIEWS: f.interviews, PARTICIPANTS: f.participants,
         CHARACTERS: f.characters, **{coder_heading(name): f.by_coder.get(name, 0) for name in coders}}
        for f in frequencies
    ]  # fmt: skip


def frequency_columns(frequencies: Sequence[CodeFrequency]) -> list[str]:
    coders = sorted({name for f in frequencies for name in f.by_coder})
    return [CODE, KEY, DEPTH, CODINGS, WITH_SUB_CODES, INTERVIEWS, PARTICIPANTS, CHARACTERS,
            *(coder_heading(c) for c in coders)]  # fmt: skip


def cooccurrence_rows(matrix: CooccurrenceMatrix) -> list[Row]:
    return [
        {CODE: name, **dict(zip(matrix.code_names, counts, strict=True))}
        for name, counts in zip(matrix.code_names, matrix.counts, strict=True)
    ]


def cooccurrence_columns(matrix: CooccurrenceMatrix) -> list[str]:
    """The code column (a heading), then one column per code (named after the data)."""
    return [CODE, *matrix.code_names]


def attribute_rows(matrix: CodeAttributeMatrix) -> list[Row]:
    """One row per code: codings per attribute value (the participants-per-value row comes first)."""
    rows: list[Row] = [
        {CODE: _("(participants)"), **dict(zip(matrix.columns, matrix.column_participants, strict=True))}
    ]
    rows += [
        {CODE: name, **dict(zip(matrix.columns, counts, strict=True))}
        for name, counts in zip(matrix.code_names, matrix.codings, strict=True)
    ]
    return rows


def attribute_columns(matrix: CodeAttributeMatrix) -> list[str]:
    """The code column (a heading), then one column per attribute value (data)."""
    return [CODE, *matrix.columns]


def progress_rows(progress: Iterable[CodingProgress]) -> list[Row]:
    return [
        {INTERVIEW: p.interview_id[:8], TITLE: p.interview_title, PARTICIPANT: p.participant_code,
         CODER: p.coder, CODINGS: p.codings, CODED_TURNS: p.coded_turns, TURNS: p.turns}
        for p in progress
    ]  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def measure_cells(m: AgreementMeasures) -> dict[str, object]:
    return {UNITS: m.units, PERCENT_AGREEMENT: _percent(m.percent), KAPPA: _round(m.kappa), ALPHA: _round(m.alpha)}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def agreement_rows(report: AgreementReport) -> list[Row]:
    """Per code and overall: measures over all units, then percent agreement over coded units only."""
    rows: list[Row] = [
        {
            CODE: c.code_name,
            **measure_cells(c.with_uncoded),
            CODED_UNITS: c.coded_only.units,
            PERCENT_CODED_ONLY: _percent(c.coded_only.percent),
        }
        for c in report.codes
    ]
    rows.append({CODE: _("(overall, pooled)"), **measure_cells(report.overall_with_uncoded),
                 CODED_UNITS: report.overall_coded_only.units,
                 PERCENT_CODED_ONLY: _percent(report.overall_coded_only.percent)})  # fmt: skip
    return rows
