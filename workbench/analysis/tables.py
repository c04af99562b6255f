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

Row = Mapping[str, object]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A value fit for a CSV cell: text that a spreadsheet would evaluate is defused."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(rows: Sequence[Row], columns: Sequence[str] | None = None) -> str:
    """CSV text (with a header) of ``rows``; every text cell passes ``safe_cell``."""
    header = list(columns) if columns is not None else list(rows[0]) if rows else []
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(c) for c in header])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in header])
    return out.getvalue()


PASSAGE_COLUMNS = ("interview", "title", "participant", "wave", "code", "coder", "start", "end", "before",
                   "text", "after", "memo")  # fmt: skip


def passage_rows(passages: Iterable[CodedPassage]) -> list[Row]:
    return [
        {"interview": p.interview_id[:8], "title": p.interview_title, "participant": p.participant_code,
         "wave": p.wave, "code": p.code_name, "coder": p.coder, "start": p.start, "end": p.end,
         "before": p.before, "text": p.text, "after": p.after, "memo": p.memo}
        for p in passages
    ]  # fmt: skip


def frequency_rows(frequencies: Sequence[CodeFrequency]) -> list[Row]:
    coders = sorted({name for f in frequencies for name in f.by_coder})
    return [
        {"code": f.code_name, "key": f.key, "depth": f.depth, "codings": f.codings,
         "with sub-codes": f.codings_with_children, "interviews": f.interviews, "participants": f.participants,
         "characters": f.characters, **{f"coder {name}": f.by_coder.get(name, 0) for name in coders}}
        for f in frequencies
    ]  # fmt: skip


def frequency_columns(frequencies: Sequence[CodeFrequency]) -> list[str]:
    coders = sorted({name for f in frequencies for name in f.by_coder})
    return ["code", "key", "depth", "codings", "with sub-codes", "interviews", "participants", "characters",
            *(f"coder {c}" for c in coders)]  # fmt: skip


def cooccurrence_rows(matrix: CooccurrenceMatrix) -> list[Row]:
    return [
        {"code": name, **dict(zip(matrix.code_names, counts, strict=True))}
        for name, counts in zip(matrix.code_names, matrix.counts, strict=True)
    ]


def attribute_rows(matrix: CodeAttributeMatrix) -> list[Row]:
    """One row per code: codings per attribute value (the participants-per-value row comes first)."""
    rows: list[Row] = [{"code": "(participants)", **dict(zip(matrix.columns, matrix.column_participants, strict=True))}]
    rows += [
        {"code": name, **dict(zip(matrix.columns, counts, strict=True))}
        for name, counts in zip(matrix.code_names, matrix.codings, strict=True)
    ]
    return rows


def progress_rows(progress: Iterable[CodingProgress]) -> list[Row]:
    return [
        {"interview": p.interview_id[:8], "title": p.interview_title, "participant": p.participant_code,
         "coder": p.coder, "codings": p.codings, "coded turns": p.coded_turns, "turns": p.turns}
        for p in progress
    ]  # fmt: skip


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def measure_cells(m: AgreementMeasures) -> dict[str, object]:
    return {"units": m.units, "% agreement": _percent(m.percent), "kappa": _round(m.kappa), "alpha": _round(m.alpha)}


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def agreement_rows(report: AgreementReport) -> list[Row]:
    """Per code and overall: measures over all units, then percent agreement over coded units only."""
    rows: list[Row] = [
        {
            "code": c.code_name,
            **measure_cells(c.with_uncoded),
            "coded units": c.coded_only.units,
            "% agreement, coded only": _percent(c.coded_only.percent),
        }
        for c in report.codes
    ]
    rows.append({"code": "(overall, pooled)", **measure_cells(report.overall_with_uncoded),
                 "coded units": report.overall_coded_only.units,
                 "% agreement, coded only": _percent(report.overall_coded_only.percent)})  # fmt: skip
    return rows
