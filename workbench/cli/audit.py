"""``workbench audit verify`` and ``audit show``: the tamper-evident audit log.

Both exit 4 when the HMAC chain is broken, so a script notices an edited, deleted or
reordered entry; entries never hold transcript text.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer

from workbench.cli.common import ProjectDir, UserOption, handled, opened
from workbench.errors import InvalidInputError

audit_app = typer.Typer(help="Inspect the tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(directory: ProjectDir, user: UserOption = None) -> None:
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
def show(
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
