"""Anonymized exports: quote tables, code frequencies and code-by-attribute tables.

Every table is built from the latest *release* (``services.deid_release.release``), decrypted with
the release key alone, so a report writer's export never touches a transcript. Before any
byte is written the export passes three gates:

1. small-cell suppression with secondary suppression (``deid.disclosure.suppress``), held
   across every table of the export: a count withheld in one table is withheld in all, and
   the quote table leaves out the quotes of a withheld count, so counting its rows (or
   subtracting one table from another) cannot recover it,
2. a k-anonymity check over the exported participant attributes, failing with a message
   that names the attributes to generalize (``DisclosureRiskError``),
3. the leak check over the finished file (each cell of a CSV or XLSX, each paragraph and
   table cell of a DOCX, each member of a ``.qdpx``; ``LeakDetectedError``). The release was
   leak-checked as a whole when a lead made it, so in any session the check proves that
   every text of the file is a text of that release or one of the export's own labels; a
   session that may see the real names also scans the file for the fingerprints of the
   names known now. Writers hold no fingerprint, so they cannot test guessed names.

The lead fixes the minimum threshold and k with the release; an export by someone who may
not release can raise them, never lower them (``BelowReleaseMinimumError``).

A refused export writes nothing. A written file goes to a temporary file beside the target
and is renamed into place once the export is in the audit log with its SHA-256. Cells that a
spreadsheet would evaluate as a formula are defused with a leading apostrophe.

The anonymized ``.qdpx`` needs the full project (it re-exports transcripts through the
REFI-QDA exporter's text transform), so only leads and admins can make one (exit 2 for others).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from workbench.deid.disclosure import (
    DEFAULT_K,
    DEFAULT_THRESHOLD,
    KAnonymity,
    SuppressedTable,
    k_anonymity,
    suppress,
)
from workbench.deid.leaks import count_leaks
from workbench.domain.permissions import Action, allowed, require
from workbench.domain.records import StoredRelease
from workbench.errors import (
    BelowReleaseMinimumError,
    DisclosureRiskError,
    InvalidInputError,
    LeakDetectedError,
    NotFoundError,
    PermissionDeniedError,
)
from workbench.i18n import N_, format_date
from workbench.i18n import gettext as _
from workbench.services.atomic_file import staged
from workbench.services.deid_release import check_key, current_fingerprints
from workbench.services.workspace import Workspace
from workbench.store.keys import release_key_id_readonly

FORMATS = ("csv", "xlsx", "docx", "qdpx")
TABLES = ("quotes", "codes", "code_by_attribute")
SUPPRESSED = "*"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MEDIA = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "qdpx": "application/zip",
}
_DOCX_TITLE = N_("Anonymized report tables")
ProgressFn = Callable[[str], None]


@dataclass(frozen=True)
class ExportOptions:
    format: str
    tables: tuple[str, ...] = TABLES
    attributes: tuple[str, ...] = ()
    threshold: int | None = None
    """Suppress counts below this; ``None``: the release's minimum."""
    k: int | None = None
    """k-anonymity over the exported attributes; ``None``: the release's minimum."""


@dataclass(frozen=True)
class ExportTable:
    key: str
    title: str
    columns: list[str]
    rows: list[list[object]]
    note: str = ""
    chart: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class ExportFile:
    name: str
    content: bytes
    sha256: str
    media_type: str
    tables: tuple[str, ...]
    check: str
    threshold: int | None = None
    """The threshold and k the export was made with (the release's minimums unless raised)."""
    k: int | None = None


@dataclass(frozen=True)
class ExportChoices:
    """What the export page offers: the release it would read and its attributes."""

    release_id: str | None
    released_at: dt.datetime | None
    released_by: str | None
    attributes: dict[str, str]
    formats: tuple[str, ...]
    quotes: int
    minimums: tuple[int, int] = (DEFAULT_THRESHOLD, DEFAULT_K)
    """The release's minimum (threshold, k)."""
    may_lower: bool = False
    """Whether this user may go below them (a lead, who could release again with lower ones)."""


# -- choices and tables --------------------------------------------------------------------------


def export_choices(ws: Workspace) -> ExportChoices:
    require(ws.user, Action.EXPORT)
    release = _latest(ws, required=False)
    formats = FORMATS if _may_export_qdpx(ws) else FORMATS[:3]
    if release is None:
        return ExportChoices(None, None, None, {}, formats, 0)
    payload = release.payload
    return ExportChoices(release.id, release.created_at, release.created_by, dict(payload.get("attributes", {})),
                         formats, len(payload.get("quotes", [])), release_minimums(payload),
                         allowed(ws.user, Action.RELEASE))  # fmt: skip


def release_minimums(release: Mapping[str, Any]) -> tuple[int, int]:
    """The (threshold, k) the lead fixed with the release (the defaults for an older release)."""
    minimums = release.get("minimums", {})
    return int(minimums.get("threshold", DEFAULT_THRESHOLD)), int(minimums.get("k", DEFAULT_K))


def effective_options(ws: Workspace, release: Mapping[str, Any], options: ExportOptions) -> ExportOptions:
    """The options with the release's minimums filled in; refused when they would go below them."""
    low_threshold, low_k = release_minimums(release)
    threshold = low_threshold if options.threshold is None else options.threshold
    k = low_k if options.k is None else options.k
    if (threshold < low_threshold or k < low_k) and not allowed(ws.user, Action.RELEASE):
        raise BelowReleaseMinimumError(
            _(
                "The release fixes the protection: suppress counts below at least {low_threshold} and k of at "
                "least {low_k}, and this export asked for {threshold} and {k}. Raise them or leave them out; only "
                "a lead can lower them, by releasing again. Nothing was written."
            ).format(low_threshold=low_threshold, low_k=low_k, threshold=threshold, k=k)
        )
    return replace(options, threshold=threshold, k=k)


def _may_export_qdpx(ws: Workspace) -> bool:
    return allowed(ws.user, Action.RELEASE) and ws.keyring.full


def _latest(ws: Workspace, *, required: bool = True) -> StoredRelease | None:
    with ws.read() as repo:
        release = repo.deid.latest_release() if release_key_id_readonly(repo.conn) else None
    if release is None and required:
        raise NotFoundError(
            _(
                "Nothing has been released yet: a lead reviews the de-identification and releases it "
                "(`workbench deid release DIR`, or Release on the Review page)."
            )
        )
    return release


def build_tables(release: Mapping[str, Any], options: ExportOptions) -> tuple[list[ExportTable], KAnonymity]:
    """The requested tables from released material, after suppression and the k-anonymity check.

    Unset minimums are the release's (``effective_options`` also enforces them per role).
    """
    low_threshold, low_k = release_minimums(release)
    threshold = low_threshold if options.threshold is None else options.threshold
    k = low_k if options.k is None else options.k
    _check_options(release, options, threshold, k)
    participants = {p["pseudonym"]: p["attributes"] for p in release.get("participants", [])}
    quotes = list(release.get("quotes", []))
    quoted = sorted({q["participant"] for q in quotes if q["participant"] in participants})
    records = [{a: str(participants[p].get(a, "unknown")) for a in options.attributes} for p in quoted]
    check = (
        k_anonymity(records, list(options.attributes), k)
        if options.attributes
        else KAnonymity(True, k, len(quoted), 0, ())
    )
    if not check.ok:
        raise DisclosureRiskError(check.message() + " " + _("Nothing was written."))
    plan = _suppression(quotes, participants, options.attributes, threshold)
    tables: list[ExportTable] = []
    if "quotes" in options.tables:
        tables.append(_quote_table([q for q in quotes if plan.shows(q)], participants, options.attributes))
    if "codes" in options.tables:
        tables.append(_code_table(plan))
    if "code_by_attribute" in options.tables:
        tables += [_code_by_attribute(plan, name) for name in options.attributes]
    return tables, check


def _value(participants: Mapping[str, Mapping[str, str]], participant: str, attribute: str) -> str:
    return str(participants.get(participant, {}).get(attribute, "unknown"))


@dataclass(frozen=True)
class _Suppression:
    """One suppression decision for every table of an export.

    ``hidden`` codes have fewer than ``threshold`` participants, or their number of coded
    passages is withheld in a code-by-attribute table (it is the same number as that table's
    row total): they show ``*`` in the codes table, their row totals are suppressed in every
    code-by-attribute table (with secondary suppression around them), and none of their quotes
    is listed. A quote is also left out when its (code, attribute value) cell is suppressed.
    """

    threshold: int
    codes: list[str]
    people: dict[str, int]
    passages: dict[str, int]
    hidden: frozenset[str]
    by_attribute: dict[str, tuple[list[str], SuppressedTable]]
    participants: Mapping[str, Mapping[str, str]]

    def shows(self, quote: Mapping[str, Any]) -> bool:
        if quote["code"] in self.hidden:
            return False
        row = self.codes.index(quote["code"])
        for attribute, (values, table) in self.by_attribute.items():
            if table.cells[row][values.index(_value(self.participants, quote["participant"], attribute))] is None:
                return False
        return True


def _suppression(quotes: list[dict[str, Any]], participants: Mapping[str, Mapping[str, str]],
                 attributes: Sequence[str], threshold: int) -> _Suppression:  # fmt: skip
    people: dict[str, set[str]] = defaultdict(set)
    passages: Counter[str] = Counter()
    for q in quotes:
        people[q["code"]].add(q["participant"])
        passages[q["code"]] += 1
    codes = sorted(people)
    grids: dict[str, tuple[list[str], list[list[int]]]] = {}
    for attribute in attributes:
        values = sorted({_value(participants, p, attribute) for p in participants}
                        | {_value(participants, q["participant"], attribute) for q in quotes})  # fmt: skip
        counts = [[0] * len(values) for _ in codes]
        for q in quotes:
            counts[codes.index(q["code"])][values.index(_value(participants, q["participant"], attribute))] += 1
        grids[attribute] = (values, counts)
    hidden = {code for code in codes if len(people[code]) < threshold}
    while True:  # a row total withheld in one table is withheld in all, until nothing changes
        rows = [codes.index(code) for code in hidden]
        tables = {a: (values, suppress(counts, threshold, hidden_rows=rows)) for a, (values, counts) in grids.items()}
        more = {codes[i] for _, table in tables.values() for i, total in enumerate(table.row_totals) if total is None}
        if more <= hidden:
            break
        hidden |= more
    return _Suppression(threshold, codes, {c: len(people[c]) for c in codes}, dict(passages), frozenset(hidden),
                        tables, participants)  # fmt: skip


def _check_options(release: Mapping[str, Any], options: ExportOptions, threshold: int, k: int) -> None:
    if options.format not in FORMATS:
        raise InvalidInputError(
            _("Unknown format {format!r}; use one of {FORMATS}.").format(
                format=options.format, FORMATS=", ".join(FORMATS)
            )
        )
    unknown = sorted(set(options.tables) - set(TABLES))
    if unknown or not options.tables:
        raise InvalidInputError(
            _("Choose tables among {tables} (not {unknown}).").format(
                tables=", ".join(TABLES), unknown=", ".join(unknown)
            )
            if unknown
            else _("Choose tables among {tables}.").format(tables=", ".join(TABLES))
        )
    missing = sorted(set(options.attributes) - set(release.get("attributes", {})))
    if missing:
        raise InvalidInputError(
            _("Not in the released material (dropped by the generalization rules or unknown): {missing}.").format(
                missing=", ".join(missing)
            )
        )
    if threshold < 1 or k < 1:
        raise InvalidInputError(_("The suppression threshold and k must be at least 1."))


def _quote_table(quotes: list[dict[str, Any]], participants: Mapping[str, Mapping[str, str]],
                 attributes: Sequence[str]) -> ExportTable:  # fmt: skip
    rows: list[list[object]] = [
        [q["code"], q["quote"], q["participant"], *(participants.get(q["participant"], {}).get(a, _("unknown"))
                                                    for a in attributes)]
        for q in sorted(quotes, key=lambda q: (q["code"], q["participant"]))
    ]  # fmt: skip
    note = _(
        "Identifiers are replaced by consistent tags such as [PERSON 3]; attributes are generalized. Quotes of a "
        "code or cell whose count is suppressed ({suppressed}) are left out, so counting rows cannot recover it."
    ).format(suppressed=SUPPRESSED)
    columns = [_("code"), _("quote"), _("participant"), *attributes]
    return ExportTable("quotes", _("Quotes"), columns, rows, note)


def _code_table(plan: _Suppression) -> ExportTable:
    rows: list[list[object]] = []
    chart: list[tuple[str, int]] = []
    for code in plan.codes:
        hidden = code in plan.hidden
        rows.append([code, SUPPRESSED if hidden else plan.people[code], SUPPRESSED if hidden else plan.passages[code]])
        if not hidden:
            chart.append((code, plan.people[code]))
    note = _("{suppressed} = fewer than {threshold} participants, or withheld so that another table of this "
             "export cannot reveal a suppressed count (suppressed).").format(suppressed=SUPPRESSED,
                                                                            threshold=plan.threshold)  # fmt: skip
    columns = [_("code"), _("participants"), _("coded passages")]
    return ExportTable("codes", _("Codes"), columns, rows, note, chart)


def _code_by_attribute(plan: _Suppression, attribute: str) -> ExportTable:
    values, table = plan.by_attribute[attribute]

    def shown(value: int | None) -> object:
        return SUPPRESSED if value is None else value

    rows: list[list[object]] = [[code, *(shown(v) for v in table.cells[i]), shown(table.row_totals[i])]
                                for i, code in enumerate(plan.codes)]  # fmt: skip
    rows.append([_("total"), *(shown(v) for v in table.column_totals), shown(table.total)])
    chart = [(v, t) for v, t in zip(values, table.column_totals, strict=True) if t is not None]
    note = _("Coded passages by {attribute}. {suppressed} = fewer than {threshold} (primary) or suppressed so "
             "that the totals or another table cannot reveal such a cell (secondary).").format(
        attribute=attribute, suppressed=SUPPRESSED, threshold=plan.threshold)  # fmt: skip
    title = _("Codes by {attribute}").format(attribute=attribute)
    return ExportTable(f"code_by_{attribute}", title, [_("code"), *values, _("total")], rows, note, chart)


# -- rendering -------------------------------------------------------------------------------


def _guard(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(tables: Sequence[ExportTable]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([f"# {table.title}"])
        writer.writerow([_guard(c) for c in table.columns])
        writer.writerows([[_guard(v) for v in row] for row in table.rows])
        if table.note:  # the same legend as in XLSX and DOCX: what * means
            writer.writerow([_guard(table.note)])
    return buffer.getvalue().encode("utf-8-sig")


def _sheet_title(title: str, taken: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in title)[:28] or "table"
    name, n = clean, 2
    while name in taken:
        name, n = f"{clean[:25]} {n}", n + 1
    taken.add(name)
    return name


def render_xlsx(tables: Sequence[ExportTable]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    book = Workbook()
    book.remove(book.active) if book.active is not None else None
    taken: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, taken))
        sheet.append([_guard(c) for c in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="305496")
        for row in table.rows:
            sheet.append([_guard(v) for v in row])
        sheet.freeze_panes = "A2"
        for index, column in enumerate(table.columns, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            wide = column == "quote"
            sheet.column_dimensions[letter].width = 80 if wide else max(12, min(40, len(str(column)) + 4))
            if wide:
                for cell in sheet[letter][1:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        if table.note:
            sheet.append([])
            sheet.append([_guard(table.note)])
            sheet.cell(row=sheet.max_row, column=1).font = Font(italic=True)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _chart_png(table: ExportTable) -> bytes | None:
    if not table.chart:
        return None
    from matplotlib.figure import Figure  # the object API: no pyplot state, Agg canvas, in memory

    labels = [label for label, _ in table.chart]
    values = [value for _, value in table.chart]
    figure = Figure(figsize=(7, max(2.0, 0.35 * len(labels) + 1)), dpi=120)
    axes = figure.add_subplot()
    axes.barh(labels[::-1], values[::-1], color="#305496")
    axes.set_xlabel("participants" if table.key == "codes" else "coded passages")
    axes.set_title(table.title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def render_docx(tables: Sequence[ExportTable], intro: str) -> bytes:
    from docx import Document
    from docx.shared import Inches, Pt

    document = Document()
    document.core_properties.author = "workbench"
    document.core_properties.comments = ""  # python-docx's template says "generated by python-docx"
    document.core_properties.title = _(_DOCX_TITLE)
    document.add_heading(_(_DOCX_TITLE), level=0)
    document.add_paragraph(intro)
    for table in tables:
        document.add_heading(table.title, level=1)
        grid = document.add_table(rows=1, cols=len(table.columns))
        grid.style = "Table Grid"
        for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
            cell.text = str(column)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in table.rows:
            cells = grid.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                cell.text = str(value)
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(9)
        if table.note:
            document.add_paragraph().add_run(table.note).italic = True
        png = _chart_png(table)
        if png is not None:
            document.add_picture(io.BytesIO(png), width=Inches(6))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# -- text of a finished file, for the leak check ------------------------------------------------


def file_texts(fmt: str, content: bytes) -> Iterator[str]:
    """Every piece of text a reader of the file could see (cells, paragraphs, archive members)."""
    if fmt == "csv":
        yield content.decode("utf-8-sig")
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            yield sheet.title
            for row in sheet.iter_rows(values_only=True):
                yield "\n".join(str(v) for v in row if v is not None)
    elif fmt == "docx":
        from docx import Document

        document = Document(io.BytesIO(content))
        yield "\n".join(p.text for p in document.paragraphs)
        for table in document.tables:
            yield "\n".join(cell.text for row in table.rows for cell in row.cells)
        props = document.core_properties
        yield "\n".join(str(v) for v in (props.title, props.author, props.subject, props.keywords, props.comments) if v)
    else:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            for member in archive.namelist():
                yield member
                yield archive.read(member).decode("utf-8", errors="replace")


def file_units(fmt: str, content: bytes) -> Iterator[str]:
    """Each separate text of a finished CSV, XLSX or DOCX: cells, sheet titles, paragraphs, properties."""
    if fmt == "csv":
        for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))):
            yield from (cell for cell in row if cell)
    elif fmt == "xlsx":
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        for sheet in book.worksheets:
            yield sheet.title
            for values in sheet.iter_rows(values_only=True):
                yield from (str(v) for v in values if v is not None and v != "")
    else:
        from docx import Document

        document = Document(io.BytesIO(content))
        yield from (p.text for p in document.paragraphs if p.text)
        for table in document.tables:
            yield from (cell.text for row in table.rows for cell in row.cells if cell.text)
        props = document.core_properties
        yield from (str(v) for v in (props.title, props.author, props.subject, props.keywords, props.comments) if v)


def _release_strings(release: Mapping[str, Any]) -> set[str]:
    """Every text the verified release holds that a table may show."""
    found = {str(c["name"]) for c in release.get("codes", [])} | set(release.get("attributes", {}))
    for p in release.get("participants", []):
        found.add(str(p["pseudonym"]))
        found |= {str(v) for v in p["attributes"].values()}
    for q in release.get("quotes", []):
        found |= {str(q["code"]), str(q["participant"]), str(q["quote"])}
    return found


def unverified_texts(release: Mapping[str, Any], tables: Sequence[ExportTable], intro: str, fmt: str,
                     content: bytes) -> int:  # fmt: skip
    """How many texts of a finished file are neither a text of the release nor one of the export's labels.

    The release was leak-checked against every protected name when the lead made it, so a file
    made only of its texts, counts and the export's fixed labels holds no protected name; this
    needs no name and no fingerprint, so it runs in a writer's session too.
    """
    data = _release_strings(release) | {SUPPRESSED, "total", "unknown", "unassigned", _("total"), _("unknown")}
    labels = {_DOCX_TITLE, _(_DOCX_TITLE), "workbench", intro}
    taken: set[str] = set()
    for table in tables:
        labels |= {table.title, f"# {table.title}", table.note, _sheet_title(table.title, taken)}
        labels |= {str(c) for c in table.columns}
    allowed = data | labels
    allowed |= {str(_guard(text)) for text in allowed}
    return sum(1 for text in file_units(fmt, content) if text not in allowed and not text.isdigit())


def leak_count(ws: Workspace, fmt: str, content: bytes, *, include_codes: bool = True) -> int:
    """Occurrences of protected names in a finished export, in a session that may see the names (else 0).

    The fingerprints are made here, in memory, from the names known now (which may be more than
    when the release was made), under a key writers do not hold.
    """
    if not (ws.keyring.full and allowed(ws.user, Action.REVIEW_DEID)):
        return 0
    with ws.read() as repo:
        key = check_key(repo)
        prints = current_fingerprints(repo, key, include_codes=include_codes)
    return sum(count_leaks(text, prints, key) for text in file_texts(fmt, content))


# -- the export itself --------------------------------------------------------------------------


def build_export(ws: Workspace, options: ExportOptions, *, on_progress: ProgressFn | None = None) -> ExportFile:
    """Render an export in memory after every check; nothing is written or audited here."""
    require(ws.user, Action.EXPORT)
    note = on_progress or (lambda _: None)
    release = _latest(ws)
    assert release is not None  # noqa: S101 - _latest raised otherwise
    if options.format == "qdpx":
        return _qdpx_export(ws, note)
    if "verified" not in release.payload:
        raise LeakDetectedError(
            _(
                "The export was refused: this release was made before releases were leak-checked as a whole. "
                "Ask a lead to release again (`workbench deid release DIR`). Nothing was written."
            )
        )
    options = effective_options(ws, release.payload, options)
    note(_("Building tables"))
    tables, check = build_tables(release.payload, options)
    note(_("Rendering"))
    intro = ""
    if options.format == "csv":
        content = render_csv(tables)
    elif options.format == "xlsx":
        content = render_xlsx(tables)
    else:
        intro = _("De-identified material released on {date}. Identifiers are replaced by consistent tags; counts "
                  "below {threshold} are suppressed (with secondary suppression); exported attributes are "
                  "{attributes} (k = {k}).").format(date=format_date(release.created_at), threshold=options.threshold,
                                                    attributes=", ".join(options.attributes) or _("none"),
                                                    k=options.k)  # fmt: skip
        content = render_docx(tables, intro)
    note(_("Leak check"))
    foreign = unverified_texts(release.payload, tables, intro, options.format, content)
    if foreign:
        raise LeakDetectedError(
            _(
                "The export was refused: {foreign} text(s) in the finished file are not texts of the leak-checked "
                "release. Nothing was written. Report this as a bug."
            ).format(foreign=foreign)
        )
    leaks = leak_count(ws, options.format, content)
    if leaks:
        raise LeakDetectedError(
            _(
                "The export was refused: the final leak check found {leaks} occurrence(s) of a known name or an "
                "accepted detection in it (table cells, code names or texts). Nothing was written. Review the "
                "de-identification, rename the code if a name is in it, and release again."
            ).format(leaks=leaks)
        )
    name = f"anonymized-export.{options.format}"
    return ExportFile(name, content, hashlib.sha256(content).hexdigest(), _MEDIA[options.format],
                      tuple(t.key for t in tables), check.message(), options.threshold, options.k)  # fmt: skip


def _audit(ws: Workspace, export: ExportFile, options: ExportOptions, target: str) -> dict[str, object]:
    return {"file": target, "format": options.format, "sha256": export.sha256, "tables": list(export.tables),
            "attributes": list(options.attributes), "threshold": export.threshold, "k": export.k}  # fmt: skip


def export_for_download(ws: Workspace, options: ExportOptions, *, on_progress: ProgressFn | None = None) -> ExportFile:
    """Build an export for a browser download and record it in the audit log."""
    export = build_export(ws, options, on_progress=on_progress)
    with ws.write() as repo:
        ws.audit(repo, "anonymized export", "export", export.sha256[:16], **_audit(ws, export, options, "(download)"))
    return export


def export_to_file(ws: Workspace, options: ExportOptions, path: Path, *,
                   on_progress: ProgressFn | None = None) -> ExportFile:  # fmt: skip
    """Build, check and write an export atomically; audited before the file appears."""
    export = build_export(ws, options, on_progress=on_progress)
    with staged(path) as file:
        file.stream.write(export.content)
        if file.digest() != export.sha256:
            raise InvalidInputError(
                _("{path_name}: the file on disk does not match the export; nothing was written.").format(
                    path_name=path.name
                )
            )
        with ws.write() as repo:
            ws.audit(repo, "anonymized export", "export", export.sha256[:16], **_audit(ws, export, options, path.name))
            file.commit()
    return export


# -- anonymized .qdpx -------------------------------------------------------------------------


def _qdpx_export(ws: Workspace, note: ProgressFn) -> ExportFile:
    if not _may_export_qdpx(ws):
        raise PermissionDeniedError(
            _("An anonymized .qdpx re-exports the transcripts, so only a lead or an admin can make one.")
        )
    from workbench.refi.qdpx import write_qdpx
    from workbench.services.deid_release import qdpx_hooks
    from workbench.services.refi_export import build_exchange

    note(_("Building the project"))
    with ws.write() as repo:
        project, _hooks, _files = build_exchange(ws, repo, qdpx_hooks(ws, repo))
    buffer = io.BytesIO()
    write_qdpx(buffer, project)
    content = buffer.getvalue()
    note(_("Leak check"))
    leaks = leak_count(ws, "qdpx", content, include_codes=False)
    if leaks:
        raise LeakDetectedError(
            _(
                "The export was refused: the final leak check found {leaks} occurrence(s) of a known name or an "
                "accepted detection in the .qdpx (transcripts, memos, code names or attributes). Nothing was "
                "written."
            ).format(leaks=leaks)
        )
    return ExportFile("anonymized-project.qdpx", content, hashlib.sha256(content).hexdigest(), _MEDIA["qdpx"],
                      ("project",), "")  # fmt: skip
