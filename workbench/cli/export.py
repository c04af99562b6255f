"""``workbench export``: anonymized tables, reports or a ``.qdpx`` from the latest release.

Refused (exit 1, nothing written) when a disclosure check fails, or exit 2 when the acting
user may not do what was asked (a ``.qdpx`` by a writer, a threshold or k below the
release's minimums).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import ProjectDir, UserOption, handled, opened


def export_command(
    directory: ProjectDir,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, xlsx, docx or qdpx.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The file to write.", show_default=False)],
    *,
    threshold: Annotated[
        int | None, typer.Option(help="Suppress counts below this (default and minimum: the release's).")
    ] = None,
    k: Annotated[
        int | None, typer.Option("--k", help="k-anonymity of exported attributes (default, minimum: the release's).")
    ] = None,
    table: Annotated[list[str] | None, typer.Option("--table", help="quotes, codes, code_by_attribute.")] = None,
    attribute: Annotated[
        list[str] | None, typer.Option("--attribute", "-a", help="Participant attribute to include.")
    ] = None,
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Language of the headings and notes: en or hu (default: your interface language)."),
    ] = None,
    user: UserOption = None,
) -> None:
    """Write an anonymized export of the latest release; refused (nothing written) if a check fails."""
    from workbench.errors import InvalidInputError
    from workbench.i18n import LANGUAGES, use_language
    from workbench.services.exports import TABLES, ExportOptions, export_to_file
    from workbench.services.preferences import interface_language

    with handled():
        if lang is not None and lang not in LANGUAGES:
            raise InvalidInputError(f"Unknown language {lang!r} for --lang; use one of {', '.join(LANGUAGES)}.")
        options = ExportOptions(fmt.lower(), tuple(table or TABLES), tuple(attribute or ()), threshold, k)
        with opened(directory, user) as ws, use_language(lang or interface_language(ws)):
            export = export_to_file(ws, options, output)
        typer.echo(f"Wrote {output} ({', '.join(export.tables)}; sha256 {export.sha256[:16]}…).")
        if export.check:
            typer.echo(export.check)
