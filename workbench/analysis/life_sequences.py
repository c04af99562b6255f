"""From recorded life events to the dated state changes that pathway analysis reads (pure).

Events are momentary ("first sentence", "a turning point"); a state sequence needs conditions
that last ("in prison"). The rule that turns one into the other is :data:`STATE_OF_TYPE`:

* a *state-setting* type starts a state that holds until the next state-setting event
  (family rupture, school exit, first offence, extremist contact, incarceration, release,
  exit trigger);
* the *marker* types (cognitive opening, turning point, push factor, pull factor) and any
  type a project adds to the codebook leave the state as it was, except that a marker whose
  direction is *away* from extremism starts ``disengaging``: a turning point out is a change
  of course, a turning point in is already told by the contact or the offence that follows.

Alignment: by age (``anchor=None``), or by years since the participant's first event of an
anchor type (``incarceration``: years since the first incarceration, negative before it). A
participant without a resolvable age for an event, or without the anchor event, is left out
and counted, never placed at a guessed time.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from workbench.analysis.pathways import Grid, Mark
from workbench.domain.events import Direction, EventType, LifeEvent, resolve_ages
from workbench.errors import InvalidInputError

DISENGAGING = "disengaging"
STATE_OF_TYPE: Mapping[str, str] = {
    EventType.FAMILY_RUPTURE: "family rupture",
    EventType.SCHOOL_EXIT: "out of school",
    EventType.FIRST_OFFENCE: "offending",
    EventType.EXTREMIST_CONTACT: "extremist contact",
    EventType.INCARCERATION: "prison",
    EventType.RELEASE: "released",
    EventType.EXIT_TRIGGER: DISENGAGING,
}
FIXED_STATES = frozenset({*STATE_OF_TYPE.values(), DISENGAGING})
"""Every state the rule can produce, frozen at import: the sequence exports' leak check allows
exactly these labels (besides the baseline and the merged state), whatever changes later."""
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
    raise InvalidInputError(f"Align by one of {names} (or first-TYPE for another event type), not {align!r}.")


def state_of(event_type: str, direction: str) -> str | None:
    """The state an event starts, or ``None`` when it leaves the state unchanged (the rule above)."""
    if event_type in STATE_OF_TYPE:
        return STATE_OF_TYPE[event_type]
    return DISENGAGING if direction == Direction.AWAY else None


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
        marks += [Mark(life.label, d.age - zero, state) for d in dated
                  if (state := state_of(d.type, d.direction)) is not None]  # fmt: skip
    return Aligned(marks, ends, placed, left_out)


MAX_BANDS = 60


def grid_for(aligned: Aligned, anchor: str | None, width: int = 2) -> Grid:
    """A grid covering every placed life: from age 10 (or 10 years before the anchor) to the last end.

    Earlier marks still count (they set the state of the first band); the grid is capped at
    :data:`MAX_BANDS` bands so a stray age cannot make the distance computation explode.
    """
    if width < 1:
        raise InvalidInputError("The band width must be at least one year.")
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
