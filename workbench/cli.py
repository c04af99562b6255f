"""The ``workbench`` command: every job the app does, for automation and scripting.

Secrets come from an interactive prompt or the environment (never a command-line option,
which other users could read in the process list): your own password from
``WORKBENCH_PASSWORD``, or the project passphrase from ``WORKBENCH_PASSPHRASE``; the
acting user comes from ``--user`` or ``WORKBENCH_USER``. Errors print one line
and exit non-zero: 2 for a wrong password, user or paused sign-in, 3 when another process
holds the project, 1 for other problems. Unexpected errors print only their
type, because a message or traceback could hold transcript text; set
``WORKBENCH_DEBUG=1`` to see the traceback on your own terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
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

from workbench.domain.models import ProjectStatus, Role
from workbench.errors import InvalidInputError, NotAProjectError, WorkbenchError
from workbench.paths import APP_FILE, REPO_ROOT
from workbench.store.store import read_location

if TYPE_CHECKING:
    from workbench.services.workspace import Workspace

PASSPHRASE_ENV = "WORKBENCH_PASSPHRASE"  # noqa: S105 - a variable name, not a secret
NEW_PASSPHRASE_ENV = "WORKBENCH_NEW_PASSPHRASE"  # noqa: S105 - a variable name
PASSWORD_ENV = "WORKBENCH_PASSWORD"  # noqa: S105 - a variable name
NEW_PASSWORD_ENV = "WORKBENCH_NEW_PASSWORD"  # noqa: S105 - a variable name
USER_ENV = "WORKBENCH_USER"
PROJECT_ENV = "WORKBENCH_PROJECT"

# Rich tracebacks would print local variables, which may hold decrypted text or keys.
app = typer.Typer(
    help="Encrypted qualitative research workbench for sensitive interview data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
passphrase_app = typer.Typer(help="Manage the project passphrase.", no_args_is_help=True)
audit_app = typer.Typer(help="Inspect the tamper-evident audit log.", no_args_is_help=True)
app.add_typer(passphrase_app, name="passphrase")
app.add_typer(audit_app, name="audit")
user_app = typer.Typer(help="Manage project members and their roles (admins).", no_args_is_help=True)
app.add_typer(user_app, name="user")

ProjectDir = Annotated[Path, typer.Argument(help="The project directory.", show_default=False)]
UserOption = Annotated[
    str | None, typer.Option("--user", "-u", envvar=USER_ENV, help="Acting user (default: the project's creator).")
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
        _quiet_broken_pipe()
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


def read_secret(env: str, prompt: str, *, confirm: bool = False) -> str:
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


@app.command()
def init(
    directory: ProjectDir,
    lang: Annotated[str, typer.Option("--lang", help="Project language: hu or en.")] = "hu",
    user: UserOption = None,
    name: Annotated[str | None, typer.Option(help="Project name (default: the directory name).")] = None,
) -> None:
    """Create a new encrypted project in DIRECTORY (SQLite, or PostgreSQL if WORKBENCH_DATABASE_URL is set)."""
    from workbench.services.projects import init_project

    with handled():
        passphrase = read_secret(PASSPHRASE_ENV, "New project passphrase", confirm=True)
        ws = init_project(directory, passphrase, user or getpass.getuser(), language=lang, name=name)
        typer.echo(
            f"Created project {ws.project.name!r} in {directory} ({ws.location.backend}); admin: {ws.user.name}."
        )
        ws.close()


@app.command()
def status(
    directory: ProjectDir,
    user: UserOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """Show the project's interviews, participants, codes and codings."""
    from workbench.services.projects import project_status

    with handled():
        with opened(directory, user) as ws:
            report = project_status(ws)
        typer.echo(json.dumps(_status_json(report), indent=2, ensure_ascii=False) if as_json else _status_text(report))
        _warn_damaged(report)


def _warn_damaged(report: ProjectStatus) -> None:
    """One damaged interview does not hide the rest: it is listed as damaged, with a warning (exit 0)."""
    from workbench.store.interviews import DAMAGED_TITLE

    damaged = [i.summary.short_id for i in report.interviews if i.summary.title == DAMAGED_TITLE]
    if damaged:
        typer.secho(
            f"Warning: {len(damaged)} interview(s) failed the integrity check ({', '.join(damaged)}); "
            "restore them from a backup. The others are intact.",
            err=True,
        )


def _status_json(report: ProjectStatus) -> dict[str, object]:
    from workbench.store.interviews import DAMAGED_TITLE

    return {
        "project": {"id": report.project.id, "name": report.project.name, "language": report.project.language,
                    "backend": report.project.backend},
        "users": [{"name": u.name, "role": u.role.value} for u in report.users],
        "participants": [{"code": p.code, "interviews": p.interview_count} for p in report.participants],
        "interviews": [
            {"id": i.summary.id, "title": i.summary.title, "participant": i.summary.participant_code,
             "language": i.summary.language, "wave": i.summary.wave, "turns": i.segment_count,
             "codings": i.coding_count, "shredded": i.summary.shredded_at is not None,
             "damaged": i.summary.title == DAMAGED_TITLE}
            for i in report.interviews
        ],
        "codes": report.code_count,
        "codebook_version": report.codebook_version,
        "codings": report.coding_count,
        "codings_by_coder": report.codings_by_coder,
    }  # fmt: skip


def _status_text(report: ProjectStatus) -> str:
    p = report.project
    lines = [
        f"Project: {p.name} (id {p.id[:8]}, language {p.language}, {p.backend})",
        "Users: " + ", ".join(f"{u.name} ({u.role.value})" for u in report.users),
        f"Participants: {len(report.participants)}"
        + (": " + ", ".join(pt.code for pt in report.participants) if report.participants else ""),
        f"Interviews: {len(report.interviews)}",
    ]
    if report.interviews:
        lines.append(f"  {'ID':<8}  {'PART.':<6} {'WAVE':<4} {'LANG':<4} {'TURNS':>5} {'CODINGS':>7}  TITLE")
        for i in report.interviews:
            s = i.summary
            title = f"SHREDDED {s.shredded_at:%Y-%m-%d}" if s.shredded_at else s.title
            lines.append(
                f"  {s.short_id:<8}  {s.participant_code or '-':<6} {s.wave or '-'!s:<4} {s.language:<4} "
                f"{i.segment_count:>5} {i.coding_count:>7}  {title}"
            )
    lines.append(f"Codes: {report.code_count} (codebook version {report.codebook_version})")
    by_coder = ", ".join(f"{name} {n}" for name, n in sorted(report.codings_by_coder.items()))
    lines.append(f"Codings: {report.coding_count}" + (f" ({by_coder})" if by_coder else ""))
    return "\n".join(lines)


@app.command()
def demo(
    directory: ProjectDir,
    lang: Annotated[str, typer.Option("--lang", help="Language of the codebook texts: en or hu.")] = "en",
) -> None:
    """Create a populated demo project (fictional transcripts in English and Hungarian)."""
    from workbench.services.demo import DEMO_ADMIN, DEMO_MEMBERS, DEMO_PASSPHRASE, create_demo, demo_password

    with handled():
        passphrase = os.environ.get(PASSPHRASE_ENV) or DEMO_PASSPHRASE
        typer.echo("Creating the demo project (fictional interviews, codings and a de-identified release)...")
        result = create_demo(directory, passphrase, language=lang, release_for_writers=True)
        result.workspace.close()
        typer.echo(
            f"Demo project created in {directory}: {result.interviews} interviews, {result.participants} "
            f"participants, {result.codes} codes, {result.codings} codings."
        )
        shown = "the passphrase from WORKBENCH_PASSPHRASE" if os.environ.get(PASSPHRASE_ENV) else repr(passphrase)
        members = ", ".join(f"{n} ({r.value}, password {demo_password(n)!r})" for n, r in DEMO_MEMBERS)
        typer.echo(
            f"Sign in as user {DEMO_ADMIN!r} (admin) with password {demo_password(DEMO_ADMIN)!r}, or as {members}."
        )
        typer.echo(f"The project passphrase (admins' recovery secret) is {shown}.")


@passphrase_app.command("change")
def passphrase_change(directory: ProjectDir, user: UserOption = None) -> None:
    """Change the project passphrase (re-wraps the master key; no data is re-encrypted)."""
    from workbench.services.projects import change_passphrase

    with handled():
        with opened(directory, user) as ws:
            new = read_secret(NEW_PASSPHRASE_ENV, "New passphrase", confirm=True)
            change_passphrase(ws, new)
        typer.echo("Passphrase changed. The old passphrase no longer unlocks this project.")


@app.command()
def shred(
    directory: ProjectDir,
    interview: Annotated[str, typer.Option("--interview", help="Interview id (or a unique prefix).")],
    user: UserOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Destroy one interview's key for good (a participant's withdrawal, GDPR erasure)."""
    from workbench.services.projects import shred_interview

    with handled():
        with opened(directory, user) as ws:
            if not yes:
                if not sys.stdin.isatty():
                    raise InvalidInputError("Shredding cannot be undone: confirm with --yes.")
                typer.confirm(f"Shred interview {interview}? This cannot be undone", abort=True)
            interview_id, when = shred_interview(ws, interview)
        typer.echo(
            f"Interview {interview_id[:8]} shredded at {when:%Y-%m-%d %H:%M} UTC; it can no longer be decrypted."
        )


@audit_app.command("verify")
def audit_verify(directory: ProjectDir, user: UserOption = None) -> None:
    """Check the audit log's HMAC chain and name the first broken entry."""
    from workbench.services.projects import verify_audit

    with handled():
        with opened(directory, user) as ws:
            broken = verify_audit(ws)
        if broken is not None:
            typer.secho(f"Audit log broken at entry {broken}: it was edited, deleted or reordered.", err=True)
            raise typer.Exit(4)
        typer.echo("Audit log intact.")


@audit_app.command("show")
def audit_show(
    directory: ProjectDir,
    user: UserOption = None,
    since: Annotated[str | None, typer.Option(help="Only entries from this date on (YYYY-MM-DD).")] = None,
    actor: Annotated[str | None, typer.Option(help="Only entries by this user.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON lines instead of a table.")] = False,
) -> None:
    """List audit entries, newest first (who did what, when; never transcript text)."""
    from workbench.services.projects import audit_log

    with handled():
        since_at = _parse_day(since) if since else None
        with opened(directory, user) as ws:
            report = audit_log(ws, since=since_at, actor=actor)
        for e in report.entries:
            if as_json:
                row = {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "action": e.action,
                       "object_type": e.object_type, "object_id": e.object_id, "detail": e.detail}  # fmt: skip
                typer.echo(json.dumps(row, ensure_ascii=False))
            else:
                typer.echo(f"{e.seq:>6}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<12} {e.action:<22} {e.object_id[:8]}")
        if report.first_broken is not None:
            typer.secho(f"Warning: the audit chain is broken at entry {report.first_broken}.", err=True)
            raise typer.Exit(4)


def _parse_day(value: str) -> dt.datetime:
    try:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
    except ValueError:
        raise InvalidInputError(f"--since expects a date as YYYY-MM-DD, got {value!r}.") from None


@user_app.command("add")
def user_add(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The new member's user name.")],
    role: Annotated[Role, typer.Option(help="admin, lead, researcher or writer.")] = Role.RESEARCHER,
    user: UserOption = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="Add without a password: they sign in with the project passphrase.")
    ] = False,
) -> None:
    """Add a member with their own password and key slot (needs an admin).

    The new member's first password comes from WORKBENCH_NEW_PASSWORD or a prompt; tell it to
    them in person and let them change it with `workbench user passwd`.
    """
    from workbench.services.users import add_user

    with handled():
        with opened(directory, user) as ws:
            password = None if no_password else read_secret(NEW_PASSWORD_ENV, f"Password for {name}", confirm=True)
            added = add_user(ws, name, role, password)
        typer.echo(f"Added {added.name} ({added.role.value}).")


@user_app.command("passwd")
def user_passwd(
    directory: ProjectDir,
    name: Annotated[
        str | None, typer.Argument(help="Whose password (default: your own; others need an admin).")
    ] = None,
    user: UserOption = None,
) -> None:
    """Change a password: yours after signing in with the current one, or anyone's as an admin.

    The new password comes from WORKBENCH_NEW_PASSWORD or a prompt. Only that member's key slot
    is re-wrapped; nobody else's access changes.
    """
    from workbench.services.users import set_password

    with handled():
        with opened(directory, user) as ws:
            target = name or ws.user.name
            set_password(ws, target, read_secret(NEW_PASSWORD_ENV, f"New password for {target}", confirm=True))
        typer.echo(f"Password of {target} changed.")


@user_app.command("remove")
def user_remove(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The member to remove.")],
    user: UserOption = None,
) -> None:
    """Remove a member; their codings stay attributed to them (needs an admin)."""
    from workbench.services.users import remove_user

    with handled():
        with opened(directory, user) as ws:
            remove_user(ws, name)
        typer.echo(f"Removed {name}.")


@user_app.command("link")
def user_link(
    directory: ProjectDir,
    name: Annotated[str, typer.Argument(help="The member.")],
    email: Annotated[str, typer.Argument(help="Their organisation account's e-mail address (single sign-on).")],
    user: UserOption = None,
) -> None:
    """Let an organisation (OIDC) account sign in to the app as this member (needs an admin).

    Single sign-on only fills in who is signing in; the member's password still unlocks the keys.
    """
    from workbench.services.sso import link_sso

    with handled():
        with opened(directory, user) as ws:
            link_sso(ws, name, email)
        typer.echo(f"{email} now signs in as {name}.")


@user_app.command("list")
def user_list(directory: ProjectDir, user: UserOption = None) -> None:
    """List the project's members and their roles."""
    from workbench.services.users import list_users

    with handled():
        with opened(directory, user) as ws:
            members = list_users(ws)
        for member in members:
            typer.echo(f"{member.name}\t{member.role.value}")


@app.command()
def serve(
    directory: ProjectDir,
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless behind a TLS proxy.")] = "127.0.0.1",
) -> None:
    """Start the web app for DIRECTORY at http://HOST:PORT (localhost only by default).

    It runs ``serve_app.py``: ``app.py`` inside Streamlit's ASGI app with the security headers
    of ``workbench.ui.headers`` (a CSP forbidding other origins, no framing, nosniff, no referrer).
    """
    with handled():
        read_location(directory)
        if not APP_FILE.is_file() or not (REPO_ROOT / "serve_app.py").is_file():
            raise InvalidInputError("The app files were not found; run `workbench serve` from a source checkout.")
        typer.echo(f"Serving {directory} at http://{host}:{port} (Ctrl+C to stop).")
        env = {**os.environ, PROJECT_ENV: str(directory.resolve())}
        command = [
            sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "serve_app.py"),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "none",
            "--client.toolbarMode", "viewer",
        ]  # fmt: skip
        sys.stdout.flush()
        # Become the server (exec, not a child process): Ctrl+C and a supervisor's SIGTERM reach
        # Streamlit directly, and no orphaned server outlives this command.
        os.chdir(REPO_ROOT)
        os.execve(sys.executable, command, env)  # noqa: S606 - fixed argument list, no shell


from workbench.cli_import import register as _register_import  # noqa: E402

_register_import(app)
from workbench.cli_analysis import register as _register_analysis  # noqa: E402

_register_analysis(app)
from workbench.cli_deid import register as _register_deid  # noqa: E402

_register_deid(app)
from workbench.cli_codebook import register as _register_codebook  # noqa: E402

_register_codebook(app)
from workbench.cli_themes import register as _register_themes  # noqa: E402

_register_themes(app)


def _quiet_broken_pipe() -> NoReturn:
    """The reader of our output has gone (``| head``): stop quietly, as other Unix tools do.

    Standard output is pointed at /dev/null first, so the interpreter's final flush does not
    report the broken pipe again; the exit status is the shell's for SIGPIPE (128 + 13).
    """
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    raise SystemExit(141)


def main() -> None:
    try:
        app()
    except BrokenPipeError:
        _quiet_broken_pipe()


if __name__ == "__main__":
    main()
