"""``workbench qdpx import|export``: whole projects exchanged as REFI-QDA ``.qdpx`` files.

With NVivo, ATLAS.ti, MAXQDA and QualCoder. An export is decrypted (leads and admins only,
audited with its SHA-256); an import is all or nothing and prints what the file held that
could not be imported, and how positions were read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import ProjectDir, UserOption, echo_warnings, handled, opened
from workbench.i18n import ngettext

qdpx_app = typer.Typer(help="Exchange whole projects with NVivo, ATLAS.ti, MAXQDA, QualCoder (.qdpx).",
                       no_args_is_help=True)  # fmt: skip


@qdpx_app.command("export")
def export(
    directory: ProjectDir,
    output: Annotated[Path, typer.Option("--output", "-o", help="The .qdpx file to write.", show_default=False)],
    crlf: Annotated[
        bool, typer.Option("--crlf", help="CR LF line ends in the text sources (MAXQDA expects them).")
    ] = False,
    user: UserOption = None,
) -> None:
    """Export the whole project, decrypted, as REFI-QDA .qdpx (leads and admins; audited with its SHA-256)."""
    from workbench.services.refi_export import export_qdpx

    with handled():
        with opened(directory, user) as ws:
            report = export_qdpx(ws, output, crlf=crlf)
        echo_warnings(report.warnings)
        typer.echo(f"Wrote {output}: {report.sources} transcripts, {report.codes} codes, {report.cases} cases, "
                   f"{report.codings} codings, {report.notes} notes. The file is NOT encrypted.")  # fmt: skip
        typer.echo(f"SHA-256 {report.sha256}")


@qdpx_app.command("import")
def import_(
    directory: ProjectDir,
    file: Annotated[Path, typer.Argument(help="A .qdpx project from NVivo, ATLAS.ti, MAXQDA, QualCoder ...")],
    split_names: Annotated[
        str | None,
        typer.Option(
            "--split-names", help="Restore a code tree flattened into names, e.g. '::' for ATLAS.ti's 'Parent::Child'."
        ),
    ] = None,
    user: UserOption = None,
) -> None:
    """Import a REFI-QDA project (codes, cases, transcripts, codings, notes), all or nothing."""
    from workbench.errors import InvalidInputError
    from workbench.refi.safety import default_limits
    from workbench.services.refi_import import import_qdpx

    with handled():
        if not file.is_file():
            raise InvalidInputError(f"{file}: no such file.")
        limit = default_limits().max_archive
        if file.stat().st_size > limit:
            raise InvalidInputError(f"{file.name}: larger than the {limit // 2**20} MB limit (WORKBENCH_MAX_QDPX_MB).")
        with opened(directory, user) as ws:
            report = import_qdpx(ws, file.name, file.read_bytes(), split_names=split_names)
        echo_warnings(report.warnings)
        for line in report.coders:
            typer.echo(f"coders: {line}")
        standard = len([p for p in report.positions if ": code points (" in p])
        if standard:
            typer.echo(f"positions: {standard} {'source' if standard == 1 else 'sources'} read as the standard "
                       "defines (code points).")  # fmt: skip
        for line in (p for p in report.positions if ": code points (" not in p):
            typer.echo(f"positions: {line}")
        typer.echo(f"Imported {file.name}: {report.codes_added} codes, {report.participants_added} participants "
                   f"({report.participants_updated} updated), {report.interviews} transcripts, {report.codings} "
                   f"codings, {report.memos} memos.")  # fmt: skip
        typer.echo(
            ngettext("{count} life event imported (they travel in the workbench's own .qdpx exports).",
                     "{count} life events imported (they travel in the workbench's own .qdpx exports).",
                     report.life_events).format(count=report.life_events)
        )  # fmt: skip
        typer.echo(f"In the file: {report.summary()}.")
