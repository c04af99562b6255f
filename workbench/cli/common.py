"""What every ``workbench`` command shares: signing in, secrets, errors, output.

Secrets come from an interactive prompt or the environment (never a command-line option,
which other users could read in the process list): your own password from
``WORKBENCH_PASSWORD``, or the project passphrase from ``WORKBENCH_PASSPHRASE``; the
acting user comes from ``--user`` or ``WORKBENCH_USER``. Errors print one line
and exit non-zero: 2 for a wrong password, user or paused sign-in, 3 when another process
holds the project, 1 for other problems. Unexpected errors print only their
type, because a message or traceback could hold transcript text; set
``WORKBENCH_DEBUG=1`` to see the traceback on your own terminal.

This module imports no service at the top: the services are imported by the commands that
use them, so a command loads only what it needs (``tests/cli/test_startup.py``).
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import sqlalchemy.exc
import typer

from workbench.errors import InvalidInputError, NotAProjectError, WorkbenchError
from workbench.store.store import read_location

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

PASSPHRASE_ENV = "WORKBENCH_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "WORKBENCH_NEW_PASSPHRASE"  # noqa: S105 - a variable name
PASSWORD_ENV = "WORKBENCH_PASSWORD"  # noqa: S105 - a variable name
NEW_PASSWORD_ENV = "WORKBENCH_NEW_PASSWORD"  # noqa: S105 - a variable name
USER_ENV = "WORKBENCH_USER"
PROJECT_ENV = "WORKBENCH_PROJECT"

ProjectDir = Annotated[Path, typer.Argument(help="The project directory.", show_default=False)]
UserOption = Annotated[
    str | None, typer.Option("--user", "-u", envvar=USER_ENV, help="Acting user (default: the project's creator).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
LangOption = Annotated[
    str | None,
    typer.Option("--lang", help="Language of the headings and notes: en or hu (default: your interface language)."),
]


@contextmanager
def handled() -> Iterator[None]:
    """Turn errors into one readable line and an exit status, never a traceback with data."""
    try:
        yield
    except WorkbenchError as exc:
        typer.secho(f"error: {exc}", err=True, fg=typer.colors.RED)
        raise typer.Exit(exc.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("interrupted; the last transaction was rolled back.", err=True)
        raise typer.Exit(130) from None
    except (typer.Exit, typer.Abort):
        raise
    except BrokenPipeError:
        quiet_broken_pipe()
    except (sqlite3.DatabaseError, sqlalchemy.exc.DatabaseError) as exc:
        if os.environ.get("WORKBENCH_DEBUG") == "1":
            raise
        typer.secho(
            f"error: the project database is damaged or not a workbench database ({type(exc).__name__}). "
            "Restore the project from a backup; nothing was changed.",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(NotAProjectError.exit_code) from None
    except Exception as exc:
        if os.environ.get("WORKBENCH_DEBUG") == "1":
            raise
        typer.secho(
            f"internal error ({type(exc).__name__}); no project data was printed. "
            "Rerun with WORKBENCH_DEBUG=1 to see the traceback on this terminal.",
            err=True,
            fg=typer.colors.RED,
        )
        raise typer.Exit(70) from None


def quiet_broken_pipe() -> NoReturn:
    """The reader of our output has gone (``| head``): stop quietly, as other Unix tools do.

    Standard output is pointed at /dev/null first, so the interpreter's final flush does not
    report the broken pipe again; the exit status is the shell's for SIGPIPE (128 + 13).
    """
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(141)


def read_secret(env: str, prompt: str, *, confirm: bool = False) -> str:
    """A password or passphrase from ``env``, else from a prompt that does not echo it."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise InvalidInputError(f"No password or passphrase given: set {env} or run the command in a terminal.")
    first = getpass.getpass(f"{prompt}: ")
    if confirm and getpass.getpass("Repeat it: ") != first:
        raise InvalidInputError("The two entries differ; nothing was changed.")
    return first


@contextmanager
def opened(directory: Path, user: str | None) -> Iterator[Workspace]:
    """The unlocked project for one command, closed whatever happens."""
    from workbench.services.projects import open_project

    read_location(directory)  # a clear "not a project" before asking for a passphrase
    env = PASSWORD_ENV if os.environ.get(PASSWORD_ENV) else PASSPHRASE_ENV
    ws = open_project(directory, read_secret(env, "Your password (or the project passphrase)"), user)
    try:
        yield ws
    finally:
        ws.close()


@contextmanager
def export_language(ws: Workspace, lang: str | None) -> Iterator[str]:
    """Write an export's headings and notes in ``lang``, else in the acting member's interface language.

    Why: an export takes the language of the person exporting (issue 21), as on the pages; the
    CLI's own messages stay English.
    """
    from workbench.i18n import LANGUAGES, use_language
    from workbench.services.preferences import interface_language

    if lang is not None and lang not in LANGUAGES:
        raise InvalidInputError(f"Unknown language {lang!r} for --lang; use one of {', '.join(LANGUAGES)}.")
    with use_language(lang or interface_language(ws)) as chosen:
        yield chosen


def echo_json(data: object) -> None:
    """One JSON document on standard output, non-ASCII letters kept readable."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def echo_warnings(warnings: list[str]) -> None:
    """Warnings about an input file on stderr, one a line, so stdout stays the result."""
    for warning in warnings:
        typer.secho(f"warning: {warning}", err=True, fg=typer.colors.YELLOW)
