"""``workbench events ...``: record, list, edit, delete and export life events (issue 15).

Assembled into the ``workbench`` app by ``workbench.cli``. The commands call
``services/events.py``, which checks roles and writes the audit log. A time is given as
``--age``, ``--year``, ``--date``, or ``--after EVENT --offset YEARS`` (an event id, or an event
type for the participant's earliest event of that type), each with ``--precision`` and, for a
range, ``--until``; or in words with ``--time "two years later"`` / ``--time "16 évesen"``.
``events seal`` is the admin's one-time repair of a database that got events before event
manifests existed (see ``services.events.seal_event_manifests`` for why it is a command).
Listings and exports hold decrypted quotes and memos: keep their files inside the secure
environment.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from workbench.cli.common import ProjectDir, UserOption, handled, opened

if TYPE_CHECKING:
    from workbench.domain.events import EventTime
    from workbench.services.workspace import Workspace

EventArg = Annotated[str, typer.Argument(help="The event's id (or its first 4+ characters).", show_default=False)]
AgeOpt = Annotated[float | None, typer.Option("--age", help="Age in years when it happened.")]
YearOpt = Annotated[int | None, typer.Option("--year", help="Calendar year.")]
DateOpt = Annotated[str | None, typer.Option("--date", help="Calendar date, YYYY-MM-DD.")]
AfterOpt = Annotated[
    str | None, typer.Option("--after", help="Relative to this event (id) or event type (the earliest of it).")
]
OffsetOpt = Annotated[float, typer.Option("--offset", help="With --after: years after (negative: before).")]
PrecisionOpt = Annotated[str, typer.Option("--precision", help="exact, about, before, after or range.")]
UntilOpt = Annotated[str | None, typer.Option("--until", help="End of a range (same kind as the start).")]
TimeTextOpt = Annotated[str | None, typer.Option("--time", help='The time in words, e.g. "when I was sixteen".')]
DomainOpt = Annotated[
    str | None,
    typer.Option("--domain", help="family, peers, school_work, religion_ideology, prison or state_institutions."),
]
DirectionOpt = Annotated[str | None, typer.Option("--direction", help="towards, away or neutral.")]
MemoOpt = Annotated[str | None, typer.Option("--memo", help="A note on the event (stored encrypted).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]

events_app = typer.Typer(help="Life events: the dated steps of each participant's life.", no_args_is_help=True)


E = TypeVar("E", bound=StrEnum)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue (this module imports ``workbench.i18n`` only when needed)."""
    return message


# What an option names, in English; told in the reader's language when a value does not fit.
_WHAT = {"precision": N_("precision"), "life domain": N_("life domain"), "direction": N_("direction")}


def _enum(kind: type[E], value: str | None, what: str) -> E | None:
    from workbench.errors import InvalidInputError
    from workbench.i18n import gettext as _

    if value is None:
        return None
    try:
        return kind(value.strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in kind)
        message = _(_WHAT[what]) if what in _WHAT else what
        raise InvalidInputError(
            _("{value!r} is not a {what}; choose one of: {choices}.").format(value=value, what=message, choices=choices)
        ) from None


def _time(
    ws: Workspace,
    participant: str | None,
    *,
    age: float | None,
    year: int | None,
    date: str | None,
    after: str | None,
    offset: float,
    precision: str,
    until: str | None,
    text: str | None,
) -> EventTime | None:
    """The EventTime the options describe, or None when none was given."""
    from workbench.domain.events import EventTime, Precision, TimeKind
    from workbench.errors import InvalidInputError
    from workbench.i18n import gettext as _
    from workbench.services.events import time_from_text

    given = [x for x in (age, year, date, after, text) if x is not None]
    if not given:
        return None
    if len(given) > 1:
        raise InvalidInputError(_("Give one of --age, --year, --date, --after or --time."))
    if text is not None:
        if participant is None:
            raise InvalidInputError(_("--time needs --participant (or use --age/--year/--date)."))
        return time_from_text(ws, text, participant_code=participant)
    chosen = _enum(Precision, precision, "precision") or Precision.EXACT
    if until is not None and chosen is Precision.EXACT:
        chosen = Precision.RANGE
    try:
        if date is not None:
            end_date = dt.date.fromisoformat(until) if until else None
            return EventTime(TimeKind.DATE, precision=chosen, date=dt.date.fromisoformat(date), end_date=end_date)
        end = float(until) if until else None
    except ValueError:
        raise InvalidInputError(_("Dates are YYYY-MM-DD and --until is a number (or a date after --date).")) from None
    if age is not None:
        return EventTime(TimeKind.AGE, age, chosen, end=end)
    if year is not None:
        return EventTime(TimeKind.YEAR, float(year), chosen, end=end)
    from workbench.services.events import event_types

    after = after or ""

    is_type = any(after in (c.key, c.name, c.id) for c in event_types(ws))
    return EventTime(TimeKind.RELATIVE, offset, chosen, end=end, anchor_type=after if is_type else None,
                     anchor_event_id=None if is_type else after)  # fmt: skip


def _summary(row: dict[str, object]) -> str:
    when = row["age"] if row["age"] is not None else "?"
    where = f" interview {str(row['interview'])[:8]}" if row["interview"] else ""
    return (f"{str(row['id'])[:8]}  {row['participant']:<8} age {when!s:<6} {row['type']:<20} "
            f"{row['domain']:<18} {row['direction']:<8} {row['recorder']}{where}")  # fmt: skip


def _print_event(ws: Workspace, event_id: str, as_json: bool, verb: str) -> None:
    from workbench.services.events import event_rows, get_event

    row = event_rows(ws, [get_event(ws, event_id)])[0]
    if as_json:
        typer.echo(json.dumps(row, ensure_ascii=False, indent=2))
    else:
        typer.echo(f"{verb} life event {event_id[:8]}: {_summary(row)}")


@events_app.command("add")
def events_add(
    directory: ProjectDir,
    *,
    type_ref: Annotated[str, typer.Option("--type", help="Event type: key, name or id of a life-event code.")],
    participant: Annotated[str | None, typer.Option("--participant", "-p", help="Participant code.")] = None,
    interview: Annotated[str | None, typer.Option("--interview", "-i", help="Interview it was told in.")] = None,
    start: Annotated[int | None, typer.Option("--start", help="Span start (code points).")] = None,
    end: Annotated[int | None, typer.Option("--end", help="Span end (exclusive).")] = None,
    age: AgeOpt = None,
    year: YearOpt = None,
    date: DateOpt = None,
    after: AfterOpt = None,
    offset: OffsetOpt = 0.0,
    precision: PrecisionOpt = "exact",
    until: UntilOpt = None,
    time_text: TimeTextOpt = None,
    domain: DomainOpt = None,
    direction: DirectionOpt = None,
    memo: MemoOpt = None,
    as_json: JsonOpt = False,
    user: UserOption = None,
) -> None:
    """Record a life event of a participant, optionally anchored on a span of one of their interviews."""
    from workbench.domain.events import Direction, LifeDomain
    from workbench.errors import InvalidInputError
    from workbench.i18n import gettext as _
    from workbench.services.events import add_event, propose_time_for_span

    with handled(), opened(directory, user) as ws:
        who = participant or _participant_of(ws, interview)
        time = _time(ws, who, age=age, year=year, date=date, after=after, offset=offset, precision=precision,
                     until=until, text=time_text)  # fmt: skip
        if time is None and interview is not None and start is not None and end is not None:
            time = propose_time_for_span(ws, interview, start, end)
        if time is None:
            raise InvalidInputError(_("Say when it happened: --age, --year, --date, --after or --time."))
        event = add_event(ws, type_ref=type_ref, time=time, participant_code=participant, interview_ref=interview,
                          start=start, end=end, domain=_enum(LifeDomain, domain, "life domain"),
                          direction=_enum(Direction, direction, "direction"), memo=memo or "")  # fmt: skip
        _print_event(ws, event.id, as_json, "Recorded")


def _participant_of(ws: Workspace, interview: str | None) -> str | None:
    if interview is None:
        return None
    from workbench.services.interviews import list_interviews

    with_id = [s for s in list_interviews(ws) if s.id.startswith(interview.strip().lower())]
    return with_id[0].participant_code if len(with_id) == 1 else None


@events_app.command("list")
def events_list(
    directory: ProjectDir,
    *,
    participant: Annotated[str | None, typer.Option("--participant", "-p", help="Only this participant.")] = None,
    interview: Annotated[str | None, typer.Option("--interview", "-i", help="Only events from this interview.")] = None,
    as_json: JsonOpt = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV.")] = False,
    user: UserOption = None,
) -> None:
    """List life events with their resolved ages (JSON and CSV hold the quotes and memos)."""
    from workbench.analysis.tables import to_csv
    from workbench.services.events import EXPORT_COLUMNS, event_rows, list_events

    with handled(), opened(directory, user) as ws:
        rows = event_rows(ws, list_events(ws, participant_code=participant, interview_ref=interview))
        if as_json:
            typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        elif as_csv:
            typer.echo(to_csv(rows, EXPORT_COLUMNS), nl=False)
        elif not rows:
            typer.echo("No life events recorded.")
        else:
            for row in rows:
                typer.echo(_summary(row))


@events_app.command("edit")
def events_edit(
    directory: ProjectDir,
    event: EventArg,
    *,
    type_ref: Annotated[str | None, typer.Option("--type", help="New event type.")] = None,
    age: AgeOpt = None,
    year: YearOpt = None,
    date: DateOpt = None,
    after: AfterOpt = None,
    offset: OffsetOpt = 0.0,
    precision: PrecisionOpt = "exact",
    until: UntilOpt = None,
    time_text: TimeTextOpt = None,
    domain: DomainOpt = None,
    direction: DirectionOpt = None,
    memo: MemoOpt = None,
    as_json: JsonOpt = False,
    user: UserOption = None,
) -> None:
    """Change an event's type, time, domain, direction or memo (an empty --memo clears it)."""
    from workbench.domain.events import Direction, LifeDomain
    from workbench.services.events import EventChanges, edit_event, get_event

    with handled(), opened(directory, user) as ws:
        current = get_event(ws, event)
        time = _time(ws, current.participant_code, age=age, year=year, date=date, after=after, offset=offset,
                     precision=precision, until=until, text=time_text)  # fmt: skip
        changes = EventChanges(type=type_ref, time=time, domain=_enum(LifeDomain, domain, "life domain"),
                               direction=_enum(Direction, direction, "direction"), memo=memo)  # fmt: skip
        updated = edit_event(ws, current.id, changes)
        _print_event(ws, updated.id, as_json, "Edited")


@events_app.command("delete")
def events_delete(directory: ProjectDir, event: EventArg, user: UserOption = None) -> None:
    """Delete one life event."""
    from workbench.services.events import delete_event

    with handled(), opened(directory, user) as ws:
        typer.echo(f"Deleted life event {delete_event(ws, event)[:8]}.")


@events_app.command("export")
def events_export(
    directory: ProjectDir,
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write (.json or .csv).", show_default=False)],
    fmt: Annotated[str | None, typer.Option("--format", help="json or csv (default: from the file name).")] = None,
    participant: Annotated[str | None, typer.Option("--participant", "-p", help="Only this participant.")] = None,
    user: UserOption = None,
) -> None:
    """Write every life event (or one participant's) as JSON or CSV, with resolved ages and years."""
    from workbench.analysis.tables import to_csv
    from workbench.errors import InvalidInputError
    from workbench.i18n import gettext as _
    from workbench.services.atomic_file import write_atomically
    from workbench.services.events import EXPORT_COLUMNS, event_rows, list_events

    with handled():
        chosen = (fmt or output.suffix.lstrip(".") or "json").lower()
        if chosen not in ("json", "csv"):
            raise InvalidInputError(_("The export format is json or csv."))
        with opened(directory, user) as ws:
            rows = event_rows(ws, list_events(ws, participant_code=participant))
            data = json.dumps(rows, ensure_ascii=False, indent=2) + "\n" if chosen == "json" else to_csv(
                rows, EXPORT_COLUMNS)  # fmt: skip
            write_atomically(output, data.encode("utf-8"))
            with ws.write() as repo:
                ws.audit(repo, "life events exported", "life_event", "", count=len(rows), format=chosen)
        typer.echo(f"Wrote {len(rows)} life events to {output}. It holds decrypted quotes and memos: keep it "
                   "inside the secure environment.", err=True)  # fmt: skip


@events_app.command("types")
def events_types(
    directory: ProjectDir,
    install: Annotated[bool, typer.Option("--install", help="Pull the shipped life-event types first.")] = False,
    user: UserOption = None,
) -> None:
    """List the event types of the codebook's life-event family (``--install`` adds the shipped ones)."""
    from workbench.services.events import defaults_for, event_types, install_event_types

    with handled(), opened(directory, user) as ws:
        if install:
            version = install_event_types(ws)
            typer.echo("The life-event types are already in the codebook." if version is None
                       else f"Added the life-event types (codebook version {version}).")  # fmt: skip
        for code in event_types(ws):
            key = code.key or code.id
            domain, direction = defaults_for(key)
            typer.echo(f"{key:<22} {code.name:<36} usually {domain.value}, {direction.value}")


@events_app.command("seal")
def events_seal(
    directory: ProjectDir,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only say which participants would be sealed.")] = False,
    user: UserOption = None,
) -> None:
    """Once, after an upgrade (admins): seal the missing integrity manifests of life events recorded before 0015.

    Only participants whose manifest is missing and whose every event still opens are sealed; a
    manifest that exists but does not match (an event deleted or put back) is never sealed again.
    """
    from workbench.errors import IntegrityError
    from workbench.i18n import gettext as _
    from workbench.i18n import ngettext
    from workbench.services.events import seal_event_manifests

    with handled(), opened(directory, user) as ws:
        result = seal_event_manifests(ws, dry_run=dry_run)
        n = len(result.sealed)
        if dry_run:
            line = ngettext("{n} participant would be sealed", "{n} participants would be sealed", n).format(n=n)
        else:
            line = ngettext("Sealed the life-event manifest of {n} participant", "Sealed the life-event manifests "
                            "of {n} participants", n).format(n=n)  # fmt: skip
        typer.echo(line + (f": {', '.join(result.sealed)}." if n else "."))
        if result.blocked:
            raise IntegrityError(
                _("the life events {events} of {participants} (so their manifests were not sealed)").format(
                    events=", ".join(e[:8] for ids in result.blocked.values() for e in ids),
                    participants=", ".join(result.blocked),
                )
            )
