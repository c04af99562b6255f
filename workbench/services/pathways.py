"""Pathways and timelines: the use cases behind the Pathways and Timeline pages and ``workbench pathways``.

Events are read through the life-event service (``services.events``), so the same permission
checks apply (researchers, leads and admins read events; report writers read only the release,
see ``services.sequence_exports``). The analysis itself is ``analysis.pathways`` (sequences,
optimal matching, Ward groups) fed by ``analysis.life_sequences`` (the event-to-state rule and
the alignment by age or anchor event).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.analysis.life_sequences import (
    ALIGN_CHOICES,
    Life,
    TimelinePoint,
    align,
    anchor_of,
    dated_events,
    grid_for,
)
from workbench.analysis.pathways import Pathways, SubstitutionScheme, pathways, sequences
from workbench.domain.events import DOMAIN_LABELS, LifeDomain, LifeEvent, resolve_ages
from workbench.domain.models import Participant
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError
from workbench.i18n import current_language
from workbench.i18n import gettext as _
from workbench.services.workspace import Workspace

AGE_ATTRIBUTE = "age"
MAX_GROUPS = 12


@dataclass(frozen=True)
class PathwayView:
    """The pathways of a project on one axis, and who could not be placed on it."""

    result: Pathways | None
    """``None`` when no life could be placed."""
    align: str
    anchor: str | None
    left_out: list[str]
    axis_title: str


def age_at_interview(participant: Participant) -> float | None:
    """The ``age`` attribute: the end of observation of the life (the sequence ends there)."""
    value = participant.attributes.get(AGE_ATTRIBUTE)
    return float(value) if isinstance(value, int | float) and 0 < value < 120 else None


def lives_of(participants: Sequence[Participant], events: Sequence[LifeEvent]) -> list[Life]:
    """One ``Life`` per participant (by code), events dated through their birth year."""
    from workbench.services.events import birth_year_of

    by_participant: dict[str, list[LifeEvent]] = {}
    for event in events:
        by_participant.setdefault(event.participant_code, []).append(event)
    return [
        Life(p.code, dated_events(by_participant.get(p.code, []), birth_year_of(p)), age_at_interview(p))
        for p in sorted(participants, key=lambda p: p.code)
    ]


def axis_title(anchor: str | None) -> str:
    if anchor is None:
        return _("age (years)")
    return _("years since first {anchor}").format(anchor=anchor.replace("_", " "))


def _check(groups: int, width: int, scheme: str) -> None:
    if not 1 <= groups <= MAX_GROUPS:
        raise InvalidInputError(
            _("The number of groups must be between 1 and {MAX_GROUPS}, not {groups}.").format(
                MAX_GROUPS=MAX_GROUPS, groups=groups
            )
        )
    if not 1 <= width <= 10:
        raise InvalidInputError(_("The band width must be between 1 and 10 years, not {width}.").format(width=width))
    if scheme not in ("constant", "trate"):
        raise InvalidInputError(
            _("The substitution costs must be constant or trate, not {scheme!r}.").format(scheme=scheme)
        )


def pathway_view(lives: Sequence[Life], *, align_by: str = "age", width: int = 2, groups: int = 4,
                 scheme: str = "constant") -> PathwayView:  # fmt: skip
    """Sequences, distances and groups of ``lives`` on the chosen axis (pure; the services feed it)."""
    _check(groups, width, scheme)
    anchor = anchor_of(align_by)
    placed = align(lives, anchor)
    if not placed.participants:
        return PathwayView(None, align_by, anchor, placed.left_out, axis_title(anchor))
    grid = grid_for(placed, anchor, width)
    seqs = sequences(placed.marks, grid, ends=placed.ends, participants=placed.participants)
    chosen: SubstitutionScheme = "trate" if scheme == "trate" else "constant"
    return PathwayView(pathways(seqs, grid, groups=groups, scheme=chosen), align_by, anchor, placed.left_out,
                       axis_title(anchor))  # fmt: skip


def project_pathways(ws: Workspace, *, align_by: str = "age", width: int = 2, groups: int = 4,
                     scheme: str = "constant") -> PathwayView:  # fmt: skip
    """The project's pathways (participant codes as labels: for members who may read the events)."""
    from workbench.services.events import list_events
    from workbench.services.participants import list_participants

    require(ws.user, Action.READ_TRANSCRIPTS)
    _check(groups, width, scheme)
    anchor_of(align_by)  # a bad --align is refused before anything is decrypted
    events = list_events(ws)
    return pathway_view(lives_of(list_participants(ws), events), align_by=align_by, width=width, groups=groups,
                        scheme=scheme)  # fmt: skip


def align_choices() -> list[str]:
    return list(ALIGN_CHOICES)


# -- machine-readable forms (CLI --format json|csv) -----------------------------------------


def view_json(view: PathwayView) -> dict[str, object]:
    result = view.result
    if result is None:
        return {"align": view.align, "axis": view.axis_title, "participants": [], "groups": [],
                "left_out": view.left_out}  # fmt: skip
    group_of = result.group_of()
    return {
        "align": view.align,
        "axis": view.axis_title,
        "bands": result.grid.labels(),
        "costs": {"substitution": result.scheme, "indel": result.indel},
        "participants": [{"id": s.participant, "group": group_of[s.participant], "states": list(s.states)}
                         for s in result.sequences],
        "groups": [{"group": g.number, "size": len(g.members),
                    "typical": result.sequences[g.medoid].participant,
                    "typical_states": list(result.sequences[g.medoid].states)} for g in result.groups],
        "left_out": view.left_out,
    }  # fmt: skip


def view_rows(view: PathwayView) -> tuple[list[str], list[dict[str, object]]]:
    """STS rows with the group and whether the row is its group's typical sequence."""
    from workbench.analysis.pathways import sts_rows

    if view.result is None:
        return ["id", "group", "typical"], []
    result = view.result
    group_of = result.group_of()
    medoids = {result.sequences[g.medoid].participant for g in result.groups}
    columns, rows = sts_rows(result.sequences, result.grid)
    for row in rows:
        row["group"] = group_of[str(row["id"])]
        row["typical"] = "yes" if row["id"] in medoids else ""
    return ["id", "group", "typical", *columns[1:]], rows


# -- timeline ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timeline:
    participant: str
    points: list[TimelinePoint]
    lanes: list[str]
    axis_title: str
    undated: int
    """Events with no age (or year) to place them by (a year without a birth year, say)."""
    anchors: dict[str, tuple[str, int, int]]
    """Event id -> (interview id, start, end) of the passage it was recorded from."""


def lane_names(language: str) -> dict[LifeDomain, str]:
    lang = language if language in ("en", "hu") else "en"
    return {domain: labels[lang] for domain, labels in DOMAIN_LABELS.items()}


def _time_text(event: LifeEvent, age: float | None, calendar: bool, birth_year: int | None) -> str:
    time = event.time
    told = time.precision.value if time.precision.value != "exact" else ""
    if calendar:
        when = f"{age + birth_year:.0f}" if age is not None and birth_year is not None else "?"
        return f"{told} {when}".strip()
    return f"{told} age {age:.0f}".strip() if age is not None else "?"


def timeline_points(events: Sequence[LifeEvent], birth_year: int | None, language: str, *,
                    calendar: bool = False, type_names: Mapping[str, str] | None = None,
                    quote_of: Mapping[str, str] | None = None) -> tuple[list[TimelinePoint], int]:  # fmt: skip
    """The marks of one life: x is the age (or calendar year), y the life domain's lane.

    ``quote_of`` replaces an event's quote (a pseudonymized one for writers); events without a
    resolvable time are counted, not drawn at a guessed place.
    """
    ages = resolve_ages(events, birth_year)
    lanes = lane_names(language)
    names = type_names or {}
    points, undated = [], 0
    for event in events:
        age = ages.get(event.id)
        if age is None or (calendar and birth_year is None):
            undated += 1
            continue
        quote = (quote_of or {}).get(event.id, event.anchor.quote if event.anchor else "")
        points.append(TimelinePoint(event.id, age + birth_year if calendar and birth_year is not None else age,
                                    lanes[event.domain], names.get(event.type, event.type.replace("_", " ")),
                                    event.direction.value, event.anchor.wave if event.anchor else None,
                                    quote, _time_text(event, age, calendar, birth_year)))  # fmt: skip
    return sorted(points, key=lambda p: p.x), undated


def participant_timeline(ws: Workspace, participant_code: str, *, calendar: bool = False) -> Timeline:
    """One participant's events on an age (or calendar) axis, for members who may read them."""
    from workbench.services.events import birth_year_of, event_types, list_events
    from workbench.services.participants import list_participants

    require(ws.user, Action.READ_TRANSCRIPTS)
    participant = next((p for p in list_participants(ws) if p.code == participant_code), None)
    if participant is None:
        raise InvalidInputError(
            _("There is no participant {participant_code!r} in this project.").format(participant_code=participant_code)
        )
    events = list_events(ws, participant_code=participant_code)
    names = {c.key: c.name for c in event_types(ws) if c.key}
    points, undated = timeline_points(events, birth_year_of(participant), current_language(), calendar=calendar,
                                      type_names=names)  # fmt: skip
    anchors = {e.id: (e.anchor.interview_id, e.anchor.start, e.anchor.end) for e in events
               if e.anchor is not None and e.anchor.start is not None and e.anchor.end is not None}  # fmt: skip
    return Timeline(participant_code, points, list(lane_names(current_language()).values()),
                    "year" if calendar else "age (years)", undated, anchors)  # fmt: skip


def released_timeline_participants(ws: Workspace) -> list[str]:
    """The pseudonyms a writer can pick on the Timeline page (from the latest release; [] before one)."""
    from workbench.services.deid_release import latest_release
    from workbench.services.life_release import released_participants

    release = latest_release(ws)
    return [] if release is None else released_participants(release.payload)


def released_participant_timeline(ws: Workspace, pseudonym: str) -> Timeline:
    """A report writer's timeline: one pseudonymized participant from the release, de-identified quotes.

    Ages are whole years, there is no calendar axis (the birth year is not released) and no
    passage to open (writers do not read transcripts).
    """
    from workbench.services.deid_release import latest_release
    from workbench.services.life_release import released_timeline

    require(ws.user, Action.EXPORT)
    release = latest_release(ws)
    if release is None:
        raise InvalidInputError(_("Nothing has been released yet: a lead releases the de-identified material first."))
    lanes = lane_names(current_language())
    points = released_timeline(release.payload, pseudonym, lanes)
    return Timeline(pseudonym, points, list(lanes.values()), axis_title(None), 0, {})
