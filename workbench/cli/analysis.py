"""``workbench agreement``, ``retrieve``, ``frequencies``, ``cooccurrence``, ``comparison``: analysis.

Tables are written as CSV (to ``-o FILE`` or standard output) through ``analysis.tables.to_csv``,
which defuses cells a spreadsheet would run as formulas. A CSV of passages holds decrypted
interview text, so the command says so on stderr; keep such files inside the secure environment.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar, cast

import typer

from workbench.cli.common import (
    JsonOption,
    LangOption,
    ProjectDir,
    UserOption,
    echo_json,
    export_language,
    handled,
    opened,
)

if TYPE_CHECKING:
    from workbench.analysis.agreement import Level, ReliabilityData
    from workbench.domain.analysis import AgreementMeasures, AgreementReport

OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the CSV to this file (default: standard output).")
]
MAX_MATRIX_BYTES = 20 * 1024 * 1024
E = TypeVar("E", bound=StrEnum)

comparison_app = typer.Typer(
    help="Blind coding: open or close the coders' comparison (leads and admins).", no_args_is_help=True
)


def agreement_command(
    directory: Annotated[
        Path | None, typer.Argument(help="The project directory (or give --matrix).", show_default=False)
    ] = None,
    *,
    coders: Annotated[
        str | None, typer.Option(help="Comma-separated coder names (default: everyone with codings).")
    ] = None,
    unit: Annotated[str, typer.Option(help="segment (turns or sentences) or character.")] = "segment",
    segments: Annotated[str, typer.Option(help="For --unit segment: turn or sentence.")] = "turn",
    matrix: Annotated[
        Path | None,
        typer.Option(help="A reliability matrix as CSV: a header row of coders, a row per unit, empty = missing."),
    ] = None,
    level: Annotated[str, typer.Option(help="For --matrix: nominal, ordinal, interval or ratio.")] = "nominal",
    as_json: JsonOption = False,
    user: UserOption = None,
) -> None:
    """Inter-coder agreement (percent, Cohen's kappa, Krippendorff's alpha) of a project or of a matrix."""
    from workbench.domain.analysis import AgreementUnit
    from workbench.domain.models import SegmentKind
    from workbench.errors import InvalidInputError
    from workbench.services.agreement import agreement_report

    with handled():
        if (directory is None) == (matrix is None):
            raise InvalidInputError("Give either a project directory or --matrix FILE.csv (not both).")
        if matrix is not None:
            chosen_level = _level(level)
            _print_matrix(_read_matrix(matrix, chosen_level), chosen_level, as_json=as_json)
            return
        unit_value = _choice(AgreementUnit, unit, "--unit")
        kind = _choice(SegmentKind, segments, "--segments")
        names = [c.strip() for c in coders.split(",")] if coders else None
        with opened(cast("Path", directory), user) as ws:
            report = agreement_report(ws, coders=names, unit=unit_value, segment_kind=kind)
        if as_json:
            echo_json(_report_json(report))
        else:
            typer.echo(_report_text(report))


def _choice(enum: type[E], value: str, option: str) -> E:
    from workbench.errors import InvalidInputError

    try:
        return enum(value.strip().lower())
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidInputError(f"{option} must be one of {allowed}, not {value!r}.") from None


def _level(value: str) -> Level:
    from workbench.analysis.agreement import LEVELS
    from workbench.errors import InvalidInputError

    if value not in LEVELS:
        raise InvalidInputError(f"--level must be one of {', '.join(LEVELS)}, not {value!r}.")
    return cast("Level", value)


def _read_matrix(path: Path, level: Level) -> ReliabilityData:
    from workbench.analysis.agreement import parse_matrix_csv
    from workbench.errors import InvalidInputError

    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file.")
    if path.stat().st_size > MAX_MATRIX_BYTES:
        raise InvalidInputError(f"{path.name}: larger than {MAX_MATRIX_BYTES // 2**20} MB; is this a matrix?")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path.name}: not UTF-8 text; save the matrix as UTF-8 CSV.") from None
    return parse_matrix_csv(text, level)


def _print_matrix(data: ReliabilityData, level: Level, *, as_json: bool) -> None:
    from workbench.analysis.agreement import measures

    result = measures(data.data, level)
    units = int(data.data.shape[1])
    if as_json:
        payload = {"coders": list(data.coders), "units": units, "level": level, **_measures_json(result)}
        typer.echo(json.dumps(payload, indent=2))
        return
    typer.echo(f"Coders: {', '.join(data.coders)}; units: {units} ({result.units} judged by two or more)")
    typer.echo(f"Percent agreement:              {_pct(result.percent)}")
    typer.echo(f"Cohen's kappa (nominal):        {_num(result.kappa)}")
    typer.echo(f"Krippendorff's alpha ({level}): {_num(result.alpha)}")


def _pct(value: float | None) -> str:
    return "undefined" if value is None else f"{100 * value:.1f}%"


def _num(value: float | None) -> str:
    return "undefined" if value is None else f"{value:.3f}"


def _measures_json(m: AgreementMeasures) -> dict[str, object]:
    return {"pairable_units": m.units, "percent_agreement": m.percent, "cohen_kappa": m.kappa,
            "krippendorff_alpha": m.alpha}  # fmt: skip


def _report_json(report: AgreementReport) -> dict[str, object]:
    return {
        "unit": report.unit.value, "segments": report.segment_kind, "coders": list(report.coders),
        "interviews": report.interviews,
        "overall": {"with_uncoded": _measures_json(report.overall_with_uncoded),
                    "coded_only": _measures_json(report.overall_coded_only)},
        "codes": [{"id": c.code_id, "name": c.code_name, "with_uncoded": _measures_json(c.with_uncoded),
                   "coded_only": _measures_json(c.coded_only)} for c in report.codes],
    }  # fmt: skip


def _report_text(report: AgreementReport) -> str:
    what = f"{report.segment_kind}s" if report.segment_kind else "characters"
    lines = [
        f"Agreement of {', '.join(report.coders)} over {report.interviews} interviews; unit: {what}.",
        "All units: every unit of the interviews; coded only: units somebody coded with the code.",
        f"{'CODE':<36} {'UNITS':>8} {'%':>6} {'KAPPA':>7} {'ALPHA':>7}   {'CODED':>7} {'%':>6}",
    ]
    rows = [(c.code_name, c.with_uncoded, c.coded_only) for c in report.codes]
    rows.append(("(overall, pooled)", report.overall_with_uncoded, report.overall_coded_only))
    for name, every, coded in rows:
        lines.append(
            f"{name[:36]:<36} {every.units:>8} {_pct(every.percent):>6} {_num(every.kappa):>7} "
            f"{_num(every.alpha):>7}   {coded.units:>7} {_pct(coded.percent):>6}"
        )
    return "\n".join(lines)


def _write(csv_text: str, output: Path | None, *, sensitive: bool) -> None:
    if output is None:
        typer.echo(csv_text, nl=False)
        return
    from workbench.services.atomic_file import write_atomically

    write_atomically(output, csv_text.encode("utf-8"))
    note = " It holds decrypted interview text: keep it inside the secure environment." if sensitive else ""
    typer.echo(f"Wrote {output}.{note}", err=True)


def retrieve_command(
    directory: ProjectDir,
    code: Annotated[str, typer.Option("--code", help="The code's key, short id or name.", show_default=False)],
    *,
    coder: Annotated[list[str] | None, typer.Option("--coder", help="Only this coder's codings (repeatable).")] = None,
    where: Annotated[
        list[str] | None, typer.Option("--where", help="Participant attribute filter ATTR=VALUE (repeatable).")
    ] = None,
    no_children: Annotated[bool, typer.Option("--no-children", help="Leave out the code's sub-codes.")] = False,
    context: Annotated[int, typer.Option(help="Characters of context before and after.")] = 200,
    output: OutputOption = None,
    lang: LangOption = None,
    user: UserOption = None,
) -> None:
    """Every coded passage of a code (and its sub-codes) across interviews, with context, as CSV."""
    from workbench.analysis.tables import PASSAGE_COLUMNS, passage_rows, to_csv
    from workbench.services.retrieval import coded_passages, find_code

    with handled():
        filters = _filters(where or [])
        with opened(directory, user) as ws, export_language(ws, lang):
            found = find_code(ws, code)
            passages = coded_passages(ws, found.id, include_children=not no_children, coders=coder or None,
                                      participant_filter=filters, context_chars=context)  # fmt: skip
            text = to_csv(passage_rows(passages), PASSAGE_COLUMNS)
        _write(text, output, sensitive=True)
        typer.echo(f"{len(passages)} passages of {found.name!r}.", err=True)


def _filters(where: list[str]) -> dict[str, object]:
    from workbench.errors import InvalidInputError

    filters: dict[str, list[str]] = {}
    for item in where:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInputError(f"--where expects ATTRIBUTE=VALUE, got {item!r}.")
        filters.setdefault(name.strip(), []).append(value.strip())
    return dict(filters)


def frequencies_command(
    directory: ProjectDir,
    *,
    by: Annotated[
        str | None, typer.Option("--by", help="A participant attribute: a code-by-attribute matrix instead.")
    ] = None,
    output: OutputOption = None,
    lang: LangOption = None,
    user: UserOption = None,
) -> None:
    """Code frequencies (codings, interviews, participants, per coder) as CSV, or a code-by-attribute matrix."""
    from workbench.analysis.tables import attribute_columns, attribute_rows, frequency_columns, frequency_rows, to_csv
    from workbench.services.retrieval import code_by_attribute, code_frequencies

    with handled():
        with opened(directory, user) as ws, export_language(ws, lang):
            if by:
                table = code_by_attribute(ws, by)
                text = to_csv(attribute_rows(table), attribute_columns(table))
            else:
                rows = code_frequencies(ws)
                text = to_csv(frequency_rows(rows), frequency_columns(rows))
        _write(text, output, sensitive=False)


def cooccurrence_command(
    directory: ProjectDir, *, output: OutputOption = None, lang: LangOption = None, user: UserOption = None
) -> None:
    """The code co-occurrence matrix (speaker turns two codes share) as CSV."""
    from workbench.analysis.tables import cooccurrence_columns, cooccurrence_rows, to_csv
    from workbench.services.retrieval import cooccurrence

    with handled():
        with opened(directory, user) as ws, export_language(ws, lang):
            matrix = cooccurrence(ws)
            text = to_csv(cooccurrence_rows(matrix), cooccurrence_columns(matrix))
        _write(text, output, sensitive=False)


def _set_comparison(directory: Path, user: str | None, *, opened_: bool) -> None:
    from workbench.services.visibility import set_comparison_open

    with handled():
        with opened(directory, user) as ws:
            set_comparison_open(ws, opened=opened_)
        state = "open: researchers now see each other's codings" if opened_ else "closed: researchers code blind"
        typer.echo(f"Comparison {state}.")


@comparison_app.command("open")
def comparison_open(directory: ProjectDir, user: UserOption = None) -> None:
    """Let researchers see each other's codings (after independent coding is done)."""
    _set_comparison(directory, user, opened_=True)


@comparison_app.command("close")
def comparison_close(directory: ProjectDir, user: UserOption = None) -> None:
    """Back to blind coding: each researcher sees only their own codings."""
    _set_comparison(directory, user, opened_=False)
