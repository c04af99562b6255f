"""``workbench import`` and ``workbench participants``: bringing a project's material in.

A batch import prints one line per file as it goes (above a progress bar on
stderr), then a summary; it exits 1 if any file was skipped, so a script notices.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from workbench.cli.common import ProjectDir, UserOption, handled, opened

if TYPE_CHECKING:  # services are imported by the commands that use them (start-up time)
    from workbench.services.imports import Imported, ImportReport, Skipped

MaxMbOption = Annotated[
    float | None,
    typer.Option(
        "--max-mb",
        help="Refuse files above this many megabytes (default: WORKBENCH_MAX_IMPORT_MB, else 50).",
        show_default=False,
    ),
]


def import_command(
    directory: ProjectDir,
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Transcript files or folders (.txt .md .docx .odt .rtf .pdf .vtt .srt).", show_default=False
        ),
    ],
    *,
    participant: Annotated[
        str | None, typer.Option("--participant", "-p", help="Participant code the interviews belong to, e.g. P07.")
    ] = None,
    wave: Annotated[int | None, typer.Option("--wave", help="Interview wave (1, 2, ...).")] = None,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Transcript language, hu or en (default: the project's).")
    ] = None,
    max_mb: MaxMbOption = None,
    user: UserOption = None,
) -> None:
    """Import transcripts; a bad file is skipped with its reason and the rest goes on (exit 1 if any was skipped)."""
    from workbench.services.imports import collect_paths, import_files

    with handled():
        sources, missing = collect_paths(paths)
        with opened(directory, user) as ws, _Progress(len(sources)) as progress:
            report = import_files(ws, sources, language=lang, participant_code=participant, wave=wave,
                                  max_mb=max_mb, on_progress=progress.advance)  # fmt: skip
        report.skipped[:0] = missing
        typer.echo(_summary(report))
        if report.skipped:
            raise typer.Exit(1)


class _Progress:
    """A progress bar on stderr, with one line per finished file printed above it."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
            console=Console(stderr=True),
        )  # fmt: skip
        self._task = self._progress.add_task("import", total=total)

    def __enter__(self) -> _Progress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def advance(self, done: int, total: int, outcome: Imported | Skipped) -> None:
        from workbench.services.imports import Imported

        mark = "imported" if isinstance(outcome, Imported) else "skipped "
        self._progress.console.print(f"{mark} {outcome.name}", markup=False, highlight=False)
        self._progress.update(self._task, completed=done, total=total)


def _summary(report: ImportReport) -> str:
    lines = [f"Imported {len(report.imported)} file{'' if len(report.imported) == 1 else 's'}"
             + (":" if report.imported else ".")]  # fmt: skip
    lines += [f"  {i.name} -> interview {i.interview_id[:8]} ({i.source_format}, {i.words:,} words)"
              for i in report.imported]  # fmt: skip
    if report.skipped:
        lines.append(f"Skipped {len(report.skipped)}:")
        lines += [f"  {s.reason}" for s in report.skipped]
    return "\n".join(lines)


def participants_command(
    directory: ProjectDir,
    attributes: Annotated[
        Path,
        typer.Option(
            "--attributes",
            "-a",
            help="CSV or XLSX: a 'code' column, then one column per attribute.",
            show_default=False,
        ),
    ],
    *,
    max_mb: MaxMbOption = None,
    user: UserOption = None,
) -> None:
    """Add or update participants and their attributes from a spreadsheet, all rows or none."""
    from workbench.errors import InvalidInputError
    from workbench.importers.safety import check_size, max_import_bytes
    from workbench.services.participants import import_participants

    with handled():
        if not attributes.is_file():
            raise InvalidInputError(f"{attributes}: no such file.")
        check_size(attributes.name, attributes.stat().st_size, max_import_bytes(max_mb))
        with opened(directory, user) as ws:
            result = import_participants(ws, attributes.name, attributes.read_bytes(), max_mb=max_mb)
        typer.echo(f"{attributes.name}: {len(result.added)} participants added, {len(result.updated)} updated.")
        for definition in result.defined:
            kind = definition.type.value
            if definition.categories:
                kind += f": {', '.join(definition.categories)}"
            typer.echo(f"  new attribute {definition.name} ({kind})")
