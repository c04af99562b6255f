"""``workbench pii detect``: the identifier detector over a JSON-lines file, without a project.

For benchmarks and batch use; offsets are in code points, end exclusive.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli.common import handled

pii_app = typer.Typer(help="Run the PII detector on files, without a project.", no_args_is_help=True)


@pii_app.command("detect")
def detect(
    source: Annotated[Path, typer.Argument(help='JSON lines: {"id": ..., "text": ...}.')],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSON lines with the spans found.")],
    lang: Annotated[str, typer.Option("--lang", help="en or hu.")] = "hu",
) -> None:
    """Detect identifiers line by line (offsets in code points, end exclusive)."""
    from workbench.services.atomic_file import write_atomically
    from workbench.services.pii import detect_lines

    with handled():
        lines = source.read_text(encoding="utf-8").splitlines()
        write_atomically(
            output, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in detect_lines(lines, lang)).encode()
        )
        typer.echo(f"Wrote {output}.")
