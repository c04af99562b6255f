"""From recorded life events to the dated state changes that pathway analysis reads (pure).

Events are momentary ("first sentence", "a turning point"); a state sequence needs conditions
that last ("in prison"). A life is followed on two channels at once, and a band's state names
both, because where someone is and where they are heading are different questions (a
turning point inside prison must not erase the prison, nor the prison the turning point):

* the *course* (:data:`COURSE_OF_TYPE`): family rupture, out of school, offending, extremist
  contact, disengaging. A course-setting event starts its course, which holds until the next
  one. The marker types (cognitive opening, turning point, push factor, pull factor) and any
  type a project adds leave the course as it was, except that a marker whose direction is
  *away* from extremism starts ``disengaging`` (a turning point out is a change of course; a
  turning point in is already told by the contact or offence that follows). An exit trigger
  starts ``disengaging`` too.
* the *custody*: an incarceration puts the life in prison until a release, after which it is
  after prison (until the next incarceration).

The state is the course alone while never in prison ("offending"), ``prison/COURSE`` inside
("prison/extremist contact"), ``after prison/COURSE`` after a release; ``prison`` or ``after
prison`` alone while the course is still :data:`~workbench.analysis.pathways.BASELINE`.
Events after the end of observation (the age at the interview: a release still to come) are
not part of the sequence.

Alignment: by age (``anchor=None``), or by years since the participant's first event of an
anchor type (``incarceration``: years since the first incarceration, negative before it). A
participant without a resolvable age for an event, or without the anchor event, is left out
and counted, never placed at a guessed time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.analysis.pathways import BASELINE, Grid, Mark
from workbench.domain.events import Direction, EventType, LifeEvent, resolve_ages
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

DISENGAGING = "disengaging"
PRISON = "prison"
AFTER_PRISON = "after prison"
COURSE_OF_TYPE: Mapping[str, str] = {
    EventType.FAMILY_RUPTURE: "family rupture",
    EventType.SCHOOL_EXIT: "out of school",
    EventType.FIRST_OFFENCE: "offending",
    EventType.EXTREMIST_CONTACT: "extremist contact",
    EventType.EXIT_TRIGGER: DISENGAGING,
}
COURSES = (BASELINE, *dict.fromkeys([*COURSE_OF_TYPE.values(), DISENGAGING]))
FIXED_STATES = frozenset(
    {*COURSES, PRISON, AFTER_PRISON} | {f"{where}/{c}" for where in (PRISON, AFTER_PRISON) for c in COURSES[1:]}
)
"""Every state the rule can produce, frozen at import: the sequence exports' leak check allows
exactly these labels (besides the merged state), whatever changes later."""
ALIGN_CHOICES = {"age": None, "first-incarceration": EventType.INCARCERATION.value,
                 "first-contact": EventType.EXTREMIST_CONTACT.value}  # fmt: skip
"""``--align`` names; ``first-TYPE`` (any event type key, hyphens for underscores) works too."""


def anchor_of(align: str) -> str | None:
    """The event type key an ``--align`` value names (``None``: by age)."""
    value = align.strip().lower()
    if value in ALIGN_CHOICES:
        return ALIGN_CHOICES[value]
    if value.startswith("first-") and len(value) > len("first-"):
        return value.removeprefix("first-").replace("-", "_")
    names = ", ".join(ALIGN_CHOICES)
    raise InvalidInputError(
        _("Align by one of {names} (or first-TYPE for another event type), not {align!r}.").format(
            names=names, align=align
        )
    )


def course_of(event_type: str, direction: str) -> str | None:
    """The course an event starts, or ``None`` when it leaves the course unchanged (the rule above)."""
    if event_type in COURSE_OF_TYPE:
        return COURSE_OF_TYPE[event_type]
    if event_type in (EventType.INCARCERATION, EventType.RELEASE):
        return None
    return DISENGAGING if direction == Direction.AWAY else None


def state_label(custody: str | None, course: str) -> str:
    if custody is None:
        return course
    return custody if course == BASELINE else f"{custody}/{course}"


def states_of(events: Sequence[DatedEvent]) -> list[tuple[float, str]]:
    """(age, state) at each event that changes the state, events taken in age order."""
    custody: str | None = None
    course = BASELINE
    changes: list[tuple[float, str]] = []
    for event in sorted(events, key=lambda d: d.age):
        if event.type == EventType.INCARCERATION:
            custody = PRISON
        elif event.type == EventType.RELEASE and custody == PRISON:
            custody = AFTER_PRISON
        course = course_of(event.type, event.direction) or course
        state = state_label(custody, course)
        if not changes or changes[-1][1] != state:
            changes.append((event.age, state))
    return changes


@dataclass(frozen=True)
class DatedEvent:
    """What sequences need of an event: its age (resolved), type key and direction."""

    age: float
    type: str
    direction: str


def dated_events(events: Sequence[LifeEvent], birth_year: int | None) -> list[DatedEvent]:
    """The events whose age is known (``resolve_ages``: years need the birth year), in age order."""
    ages = resolve_ages(events, birth_year)
    found = [DatedEvent(a, e.type, e.direction.value) for e in events if (a := ages.get(e.id)) is not None]
    return sorted(found, key=lambda d: d.age)


@dataclass(frozen=True)
class Life:
    """One participant's dated events and their age at the interview (``label`` is what tables show)."""

    label: str
    events: Sequence[DatedEvent]
    age_at_interview: float | None = None


@dataclass(frozen=True)
class Aligned:
    marks: list[Mark]
    ends: dict[str, float]
    participants: list[str]
    """Everyone placed on the axis (lives with no state-setting event included)."""
    left_out: list[str]
    """Lives with no known age for the anchor (or, by age, no known age at all)."""


def align(lives: Sequence[Life], anchor: str | None) -> Aligned:
    """Every life's state changes on the chosen axis (ages, or years since the first anchor event)."""
    marks: list[Mark] = []
    ends: dict[str, float] = {}
    placed: list[str] = []
    left_out: list[str] = []
    for life in lives:
        dated = sorted(life.events, key=lambda d: d.age)
        zero = 0.0
        if anchor is not None:
            anchors = [d.age for d in dated if d.type == anchor]
            if not anchors:
                left_out.append(life.label)
                continue
            zero = anchors[0]
        end = life.age_at_interview if life.age_at_interview is not None else (dated[-1].age if dated else None)
        if end is None:
            left_out.append(life.label)
            continue
        placed.append(life.label)
        ends[life.label] = end - zero
        marks += [Mark(life.label, age - zero, state) for age, state in states_of(dated) if age <= end]
    return Aligned(marks, ends, placed, left_out)


MAX_BANDS = 60


def grid_for(aligned: Aligned, anchor: str | None, width: int = 2) -> Grid:
    """A grid covering every placed life: from age 10 (or 10 years before the anchor) to the last end.

    Earlier marks still count (they set the state of the first band); the grid is capped at
    :data:`MAX_BANDS` bands so a stray age cannot make the distance computation explode.
    """
    if width < 1:
        raise InvalidInputError(_("The band width must be at least one year."))
    start = -10 if anchor is not None else 10
    times = [*aligned.ends.values(), *(m.time for m in aligned.marks)]
    last = max(times, default=start + width)
    stop = max(int(last // width + 1) * width, start + width)
    return Grid(start, min(stop, start + MAX_BANDS * width), width, "t" if anchor is not None else "")


@dataclass(frozen=True)
class TimelinePoint:
    """One event as the timeline draws it (``quote`` already pseudonymized where the viewer needs it)."""

    event_id: str
    x: float
    lane: str
    type: str
    direction: str
    wave: int | None
    quote: str
    time_text: str
