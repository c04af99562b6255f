"""The ``workbench`` command: every job the app does, for automation and scripting.

Each command's logic lives in the module named after it (a group's subcommands with it):

=============================================================  ==========================
command                                                         module (``workbench.cli.``)
=============================================================  ==========================
``init``, ``status``, ``demo``, ``shred``, ``serve``             ``project``
``passphrase change``                                            ``passphrase``
``audit verify|show``                                            ``audit``
``user add|passwd|remove|link|list``                             ``users``
``import``, ``participants``                                     ``imports``
``codebook ...``                                                 ``codebook``
``qdpx import|export``                                           ``qdpx``
``agreement``, ``retrieve``, ``frequencies``, ``cooccurrence``,  ``analysis``
``comparison open|close``
``themes run|cluster|model``                                     ``themes``
``search``                                                       ``search``
``deid ...``                                                     ``deid``
``export``                                                       ``export``
``pii detect``                                                   ``pii``
``events add|list|edit|delete|export|types``                     ``events``
``pathways``                                                     ``pathways``
=============================================================  ==========================

``common`` holds what they share (signing in, secrets, errors and exit statuses, output).
This module only assembles the app; no command module imports it, so there is no cycle.
Services are imported inside the commands, so a command loads only what it uses: none but
``deid``, ``pii``, ``themes run|cluster``, ``search`` and ``demo`` load spaCy, Presidio or torch.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated

import typer

from workbench.cli import (
    analysis,
    audit,
    codebook,
    deid,
    events,
    export,
    imports,
    passphrase,
    pathways,
    pii,
    project,
    qdpx,
    search,
    themes,
    users,
)
from workbench.cli.common import quiet_broken_pipe

# Rich tracebacks would print local variables, which may hold decrypted text or keys.
app = typer.Typer(
    help="Encrypted qualitative research workbench for sensitive interview data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"workbench {version('workbench')}")
        except PackageNotFoundError:  # run from a tree that was never installed
            typer.echo("workbench (not installed: no version)")
        raise typer.Exit


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_print_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    # The options every command accepts before its name; typer needs a function to hold them.
    pass


for command in (project.init, project.status, project.demo, project.shred):
    app.command()(command)
app.add_typer(passphrase.passphrase_app, name="passphrase")
app.add_typer(audit.audit_app, name="audit")
app.add_typer(users.user_app, name="user")
app.command("import")(imports.import_command)
app.command("participants")(imports.participants_command)
app.add_typer(codebook.codebook_app, name="codebook")
app.add_typer(qdpx.qdpx_app, name="qdpx")
app.command("agreement")(analysis.agreement_command)
app.command("retrieve")(analysis.retrieve_command)
app.command("frequencies")(analysis.frequencies_command)
app.command("cooccurrence")(analysis.cooccurrence_command)
app.add_typer(analysis.comparison_app, name="comparison")
app.add_typer(themes.themes_app, name="themes")
app.command("search")(search.search_command)
app.add_typer(deid.deid_app, name="deid")
app.command("export")(export.export_command)
app.add_typer(pii.pii_app, name="pii")
app.add_typer(events.events_app, name="events")
app.command("pathways")(pathways.pathways_command)
app.command()(project.serve)


def main() -> None:
    """The console script: the app, with a closed output pipe ending quietly (exit 141)."""
    try:
        app()
    except BrokenPipeError:
        quiet_broken_pipe()


__all__ = ["app", "main"]
