"""``workbench pathways``: life paths as state sequences, their groups and typical sequences.

Assembled into the ``workbench`` app by ``workbench.cli``; error handling and opening a project
come from ``workbench.cli.common``.

Two sources, two audiences:

* the project (researchers, leads, admins): every participant's sequence by participant code,
  the group it falls in and each group's typical sequence, as text, JSON or CSV (STS rows);
* ``--release`` (anyone who may export, report writers included): the latest release's life
  paths under sequence disclosure control (banded ages, rare states merged, sequences shared
  by fewer than k participants suppressed) as an STS or SPELL table in CSV or XLSX, audited.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli.common import LangOption, ProjectDir, UserOption, export_language, handled, opened

if TYPE_CHECKING:
    from workbench.services.pathways import PathwayView


def pathways_command(
    directory: ProjectDir,
    *,
    align: Annotated[
        str, typer.Option(help="age, first-incarceration, first-contact, or first-TYPE for another event type.")
    ] = "age",
    fmt: Annotated[str, typer.Option("--format", help="text, json or csv; with --release: csv or xlsx.")] = "text",
    width: Annotated[int | None, typer.Option(help="Band width in years (default 2; with --release 5).")] = None,
    groups: Annotated[int, typer.Option(help="How many pathway groups to find.")] = 4,
    costs: Annotated[str, typer.Option(help="Substitution costs: constant (2, indel 1) or trate.")] = "constant",
    release: Annotated[
        bool, typer.Option("--release", help="The released, disclosure-controlled sequences (report writers).")
    ] = False,
    table: Annotated[str, typer.Option(help="With --release: sts (wide) or spell.")] = "sts",
    attribute: Annotated[
        list[str] | None, typer.Option("--attribute", help="With --release: a released attribute to add (repeatable).")
    ] = None,
    k: Annotated[int | None, typer.Option(help="With --release: k (default: the release's minimum).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
    lang: LangOption = None,
    user: UserOption = None,
) -> None:
    """Participants' life paths as state sequences by age band (or years since an anchor event), grouped."""
    from workbench.errors import InvalidInputError

    with handled():
        if release:
            _release(directory, user, align=align, fmt=fmt, width=width, table=table,
                     attributes=attribute or [], k=k, output=output, lang=lang)  # fmt: skip
            return
        if fmt not in ("text", "json", "csv"):
            raise InvalidInputError(f"--format must be text, json or csv, not {fmt!r} (xlsx needs --release).")
        from workbench.services.pathways import project_pathways

        with opened(directory, user) as ws, export_language(ws, lang):
            view = project_pathways(ws, align_by=align, width=width or 2, groups=groups, scheme=costs)
            text = _render(view, fmt)
        _emit(text, output)
        if view.left_out:
            typer.echo(f"{len(view.left_out)} participant(s) left out (no known age for the alignment): "
                       f"{', '.join(view.left_out)}.", err=True)  # fmt: skip


def _render(view: PathwayView, fmt: str) -> str:
    from workbench.analysis.tables import to_csv
    from workbench.services.pathways import view_json, view_rows

    if fmt == "json":
        return json.dumps(view_json(view), indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        columns, rows = view_rows(view)
        return to_csv(rows, columns)
    return _text(view)


def _text(view: PathwayView) -> str:
    result = view.result
    if result is None:
        return "No participant could be placed on this axis (no dated events, or no anchor event).\n"
    lines = [f"{len(result.sequences)} lives by {view.axis_title}, bands {result.grid.label(0)} .. "
             f"{result.grid.label(result.grid.size - 1)}; optimal matching ({result.scheme}, indel "
             f"{result.indel:g}), Ward + PAM: {len(result.groups)} groups."]  # fmt: skip
    group_of = result.group_of()
    for group in result.groups:
        typical = result.sequences[group.medoid]
        members = ", ".join(result.sequences[m].participant for m in group.members)
        lines.append(f"Group {group.number} ({len(group.members)}): {members}")
        lines.append(f"  typical ({typical.participant}): {_spells(typical.states, result)}")
    lines.append("")
    for seq in result.sequences:
        lines.append(f"{seq.participant} [G{group_of[seq.participant]}]: {_spells(seq.states, result)}")
    return "\n".join(lines) + "\n"


def _spells(states: tuple[str, ...], result: object) -> str:
    from workbench.analysis.pathways import Pathways, spells

    assert isinstance(result, Pathways)  # noqa: S101 - internal helper
    grid = result.grid
    return " > ".join(f"{state} ({grid.lower(a - 1)} to {_upper(grid, b - 1)})" for a, b, state in spells(states))


def _upper(grid: object, index: int) -> str:
    from workbench.analysis.pathways import Grid

    assert isinstance(grid, Grid)  # noqa: S101 - internal helper
    return str(min(grid.lower(index) + grid.width, grid.stop) - 1)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        typer.echo(text, nl=False)
        return
    from workbench.services.atomic_file import write_atomically

    write_atomically(output, text.encode("utf-8"))
    typer.echo(f"Wrote {output}. It names participants by code: keep it inside the secure environment.", err=True)


def _release(directory: Path, user: str | None, *, align: str, fmt: str, width: int | None, table: str,
             attributes: list[str], k: int | None, output: Path | None, lang: str | None) -> None:  # fmt: skip
    from workbench.errors import InvalidInputError
    from workbench.services.sequence_exports import (
        SequenceExportOptions,
        export_to_file,
        sequence_export_for_download,
    )

    options = SequenceExportOptions("csv" if fmt == "text" else fmt, table, align, tuple(attributes), width, k)
    with opened(directory, user) as ws, export_language(ws, lang):
        if output is None:
            if options.format != "csv":
                raise InvalidInputError("An XLSX export needs --output FILE.xlsx.")
            export = sequence_export_for_download(ws, options)  # audited like a download
            typer.echo(export.content.decode("utf-8-sig"), nl=False)
            return
        export = export_to_file(ws, options, output)
    typer.echo(f"Wrote {output} ({export.rows} sequence rows; {export.note})", err=True)
