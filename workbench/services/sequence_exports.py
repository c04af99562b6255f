"""Sequence tables for life-course researchers (STS wide, SPELL long), from the release only.

Report writers never read life events themselves: a lead's release (``services.deid_release.release``)
carries each released participant's dated event types and directions under their release
pseudonym (``services.life_release``), and this module turns them into state
sequences (``analysis.life_sequences``) and passes them through sequence disclosure control
(``deid.sequences.protect``: bands of at least 5 years, rare states merged, sequences shared by
fewer than k participants suppressed). The file states what was done:

* CSV: a first line ``# Disclosure control: ...``, then the table. Read it with
  ``read.csv(file, comment.char = "#")`` (then TraMineR ``seqdef(data, 2:ncol(data))`` for
  STS, ``seqformat(data, from = "SPELL", to = "STS", id = "id", begin = "start", end = "end",
  status = "state", process = FALSE)`` for SPELL) or ``pandas.read_csv(file, comment="#")``;
* XLSX: the table on the first sheet, the statement on a sheet named ``About``.

Every text in the finished file must be a fixed label (states, bands, column names), a number,
or a released attribute value (``_foreign_texts``); a session that may see names also runs the
fingerprint leak check of ``services.exports``. The export is audited before a file appears.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.analysis.life_sequences import FIXED_STATES, align, anchor_of, grid_for
from workbench.analysis.pathways import BASELINE, Grid, sequences, spell_rows, sts_rows
from workbench.deid.sequences import MIN_BAND_WIDTH, OTHER, ProtectedSequences, protect
from workbench.domain.permissions import Action, allowed, require
from workbench.errors import BelowReleaseMinimumError, InvalidInputError, LeakDetectedError, NotFoundError
from workbench.i18n import gettext as _
from workbench.services.atomic_file import staged
from workbench.services.life_release import LIFE_PATHS, released_lives
from workbench.services.workspace import Workspace

FORMATS = ("csv", "xlsx")
TABLES = ("sts", "spell")
ABOUT_SHEET = "About"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MEDIA = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# -- the export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SequenceExportOptions:
    format: str = "csv"
    table: str = "sts"
    align: str = "age"
    attributes: tuple[str, ...] = ()
    width: int | None = None
    """Band width in years; ``None``: :data:`MIN_BAND_WIDTH`, never less."""
    k: int | None = None
    """``None``: the release's minimum k; only a lead may go below it."""


@dataclass(frozen=True)
class SequenceExport:
    name: str
    content: bytes
    sha256: str
    media_type: str
    rows: int
    suppressed: int
    note: str
    k: int


def _check(options: SequenceExportOptions) -> None:
    if options.format not in FORMATS:
        raise InvalidInputError(_("A sequence export is CSV or XLSX, not {format!r}.").format(format=options.format))
    if options.table not in TABLES:
        raise InvalidInputError(
            _("The sequence table is sts (one column per band) or spell, not {table!r}.").format(table=options.table)
        )
    if options.width is not None and not MIN_BAND_WIDTH <= options.width <= 20:
        raise InvalidInputError(
            _("Released sequences use bands of {MIN_BAND_WIDTH} to 20 years, not {width}.").format(
                MIN_BAND_WIDTH=MIN_BAND_WIDTH, width=options.width
            )
        )


def _k(ws: Workspace, release: Mapping[str, Any], asked: int | None) -> int:
    from workbench.services.exports import release_minimums

    low = release_minimums(release)[1]
    k = low if asked is None else asked
    if k < 1:
        raise InvalidInputError(_("k must be at least 1."))
    if k < low and not allowed(ws.user, Action.RELEASE):
        raise BelowReleaseMinimumError(
            _(
                "The release fixes k of at least {low} and this export asked for {k}; only a lead can lower it, by "
                "releasing again. Nothing was written."
            ).format(low=low, k=k)
        )
    return k


def protected_sequences(release: Mapping[str, Any], options: SequenceExportOptions, k: int) -> ProtectedSequences:
    """The release's sequences on the chosen axis after disclosure control (pure: no session needed)."""
    _check(options)
    if LIFE_PATHS not in release:
        raise NotFoundError(
            _(
                "This release has no life paths (it was made before life events were released). Ask a lead to "
                "release again (`workbench deid release DIR`)."
            )
        )
    released_attributes = release.get("attributes", {})
    unknown = [a for a in options.attributes if a not in released_attributes]
    if unknown:
        names = ", ".join(sorted(released_attributes)) or "none"
        raise InvalidInputError(
            _("Not a released attribute: {unknown} (released: {names}).").format(
                unknown=", ".join(unknown), names=names
            )
        )
    anchor = anchor_of(options.align)
    placed = align(released_lives(release), anchor)
    width = options.width or MIN_BAND_WIDTH
    grid = grid_for(placed, anchor, width) if placed.participants else Grid(10, 10 + width, width)
    seqs = sequences(placed.marks, grid, ends=placed.ends, participants=placed.participants)
    attributes = {p["pseudonym"]: {a: str(v) for a, v in p["attributes"].items()}
                  for p in release.get("participants", [])}  # fmt: skip
    return protect(seqs, grid, attributes, options.attributes, k)


def table_of(protected: ProtectedSequences, options: SequenceExportOptions) -> tuple[list[str], list[list[object]]]:
    rows_of = sts_rows if options.table == "sts" else spell_rows
    columns, rows = rows_of(protected.sequences, protected.grid, protected.attributes, options.attributes)
    return columns, [[row.get(c, "") for c in columns] for row in rows]


def _guard(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(columns: Sequence[str], rows: Sequence[Sequence[object]], note: str) -> bytes:
    out = io.StringIO()
    out.write(f"# {note}\n")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([_guard(c) for c in columns])
    writer.writerows([[_guard(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8-sig")


def render_xlsx(columns: Sequence[str], rows: Sequence[Sequence[object]], note: str, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has a sheet
    sheet.title = title
    sheet.append([_guard(c) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_guard(v) for v in row])
    sheet.freeze_panes = "A2"
    about = book.create_sheet(ABOUT_SHEET)
    about.append([_guard(note)])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _file_texts(fmt: str, content: bytes) -> list[str]:
    from workbench.services.exports import file_units

    if fmt == "csv":
        text = content.decode("utf-8-sig")
        first, _, rest = text.partition("\n")
        return [first.removeprefix("# "), *file_units("csv", rest.encode("utf-8"))]
    return list(file_units("xlsx", content))


def _foreign_texts(release: Mapping[str, Any], protected: ProtectedSequences, columns: Sequence[str], title: str,
                   *, fmt: str, content: bytes) -> int:  # fmt: skip
    """Texts in the file that are neither fixed labels nor released attribute values (should be 0)."""
    states = {BASELINE, OTHER, *FIXED_STATES}
    values = {str(v) for p in release.get("participants", []) for v in p["attributes"].values()} | {"unknown"}
    allowed_texts = states | values | set(columns) | set(protected.grid.labels()) | {protected.note(), title,
                                                                                       ABOUT_SHEET}  # fmt: skip
    allowed_texts |= {str(_guard(t)) for t in allowed_texts}
    return sum(1 for t in _file_texts(fmt, content) if t not in allowed_texts and not _number(t))


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def build_sequence_export(ws: Workspace, options: SequenceExportOptions) -> SequenceExport:
    """Render a sequence export in memory after every check; nothing is written or audited here."""
    from workbench.services.exports import _latest, leak_count

    require(ws.user, Action.EXPORT)
    stored = _latest(ws)
    assert stored is not None  # noqa: S101 - _latest raised otherwise
    release = stored.payload
    k = _k(ws, release, options.k)
    protected = protected_sequences(release, options, k)
    columns, rows = table_of(protected, options)
    title = "STS" if options.table == "sts" else "SPELL"
    note = protected.note()
    content = (render_csv(columns, rows, note) if options.format == "csv"
               else render_xlsx(columns, rows, note, title))  # fmt: skip
    if _foreign_texts(release, protected, columns, title, fmt=options.format, content=content):
        raise LeakDetectedError(_("The export was refused: the file holds a text that is not a released value or a "
                                "fixed label. Nothing was written. Report this as a bug."))  # fmt: skip
    if leak_count(ws, options.format, content):
        raise LeakDetectedError(
            _(
                "The export was refused: the final leak check found a known name in it (an attribute value). "
                "Nothing was written. Review the de-identification and release again."
            )
        )
    name = f"sequences-{options.table}.{options.format}"
    return SequenceExport(name, content, hashlib.sha256(content).hexdigest(), _MEDIA[options.format],
                          len(protected.sequences), protected.suppressed, note, k)  # fmt: skip


def _audit_fields(export: SequenceExport, options: SequenceExportOptions, target: str) -> dict[str, object]:
    return {"file": target, "format": options.format, "table": options.table, "align": options.align,
            "attributes": list(options.attributes), "k": export.k, "rows": export.rows,
            "suppressed": export.suppressed, "sha256": export.sha256}  # fmt: skip


def sequence_export_for_download(ws: Workspace, options: SequenceExportOptions) -> SequenceExport:
    """Build a sequence export for a browser download (or standard output), recorded in the audit log."""
    export = build_sequence_export(ws, options)
    with ws.write() as repo:
        ws.audit(repo, "sequence export", "export", export.sha256[:16], **_audit_fields(export, options, "(download)"))
    return export


def export_to_file(ws: Workspace, options: SequenceExportOptions, path: Path) -> SequenceExport:
    """Build, check and write a sequence export atomically; audited before the file appears."""
    export = build_sequence_export(ws, options)
    with staged(path) as file:
        file.stream.write(export.content)
        with ws.write() as repo:
            ws.audit(repo, "sequence export", "export", export.sha256[:16], **_audit_fields(export, options, path.name))
            file.commit()
    return export
