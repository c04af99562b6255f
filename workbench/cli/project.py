"""``workbench init``, ``status``, ``demo``, ``shred`` and ``serve``: a project as a whole.

``init`` creates an encrypted project, ``demo`` a populated fictional one; ``status`` lists
what a project holds (a damaged interview is listed as damaged, with a warning, exit 0);
``shred`` destroys one interview's key for good; ``serve`` becomes the web app's server.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Annotated

import typer

from workbench.cli.common import (
    PASSPHRASE_ENV,
    PROJECT_ENV,
    JsonOption,
    ProjectDir,
    UserOption,
    echo_json,
    handled,
    opened,
    read_secret,
)
from workbench.domain.models import ProjectStatus
from workbench.errors import InvalidInputError
from workbench.paths import APP_DIR, APP_FILE, SERVE_FILE
from workbench.store.store import read_location


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


def status(
    directory: ProjectDir,
    user: UserOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show the project's interviews, participants, codes and codings."""
    from workbench.services.projects import project_status

    with handled():
        with opened(directory, user) as ws:
            report = project_status(ws)
        if as_json:
            echo_json(_status_json(report))
        else:
            typer.echo(_status_text(report))
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


def shred(
    directory: ProjectDir,
    interview: Annotated[str | None, typer.Option("--interview", help="Interview id (or a unique prefix).")] = None,
    participant: Annotated[
        str | None,
        typer.Option("--participant", help="Participant code: all their interviews, life events and attributes."),
    ] = None,
    user: UserOption = None,
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
) -> None:
    """Destroy one interview's or one participant's keys for good (a withdrawal, GDPR erasure)."""
    from workbench.i18n import gettext as _
    from workbench.i18n import ngettext
    from workbench.services.projects import shred_interview, shred_participant

    with handled():
        if (interview is None) == (participant is None):
            raise InvalidInputError(_("Say what to shred: give --interview ID or --participant CODE (one of them)."))
        what = (
            _("interview {ref}").format(ref=interview)
            if interview
            else _("participant {code}").format(code=participant)
        )
        with opened(directory, user) as ws:
            if not yes:
                if not sys.stdin.isatty():
                    raise InvalidInputError("Shredding cannot be undone: confirm with --yes.")
                typer.confirm(_("Shred {what}? This cannot be undone").format(what=what), abort=True)
            if interview is not None:
                interview_id, when = shred_interview(ws, interview)
            else:
                assert participant is not None  # noqa: S101 - checked above
                interviews, when = shred_participant(ws, participant)
        if interview is not None:
            typer.echo(
                f"Interview {interview_id[:8]} shredded at {when:%Y-%m-%d %H:%M} UTC; it can no longer be decrypted."
            )
            return
        typer.echo(
            ngettext(
                "Participant {code} shredded at {when} UTC: {count} interview, their attributes and their life "
                "events can no longer be decrypted (the events are deleted).",
                "Participant {code} shredded at {when} UTC: {count} interviews, their attributes and their life "
                "events can no longer be decrypted (the events are deleted).",
                len(interviews),
            ).format(code=participant, when=f"{when:%Y-%m-%d %H:%M}", count=len(interviews))
        )


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
        if not APP_FILE.is_file() or not SERVE_FILE.is_file():
            raise InvalidInputError(
                f"The app files were not found in {APP_DIR}; the installation is incomplete: reinstall workbench."
            )
        typer.echo(f"Serving {directory} at http://{host}:{port} (Ctrl+C to stop).")
        env = {**os.environ, PROJECT_ENV: str(directory.resolve())}
        command = [
            sys.executable, "-m", "streamlit", "run", str(SERVE_FILE),
            "--server.address", host, "--server.port", str(port), "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--client.showErrorDetails", "none",
            "--client.toolbarMode", "viewer",
        ]  # fmt: skip
        sys.stdout.flush()
        # Become the server (exec, not a child process): Ctrl+C and a supervisor's SIGTERM reach
        # Streamlit directly, and no orphaned server outlives this command.
        # Streamlit reads .streamlit/config.toml from the working directory: the app's folder has it.
        os.chdir(APP_DIR)
        os.execve(sys.executable, command, env)  # noqa: S606 - fixed argument list, no shell
