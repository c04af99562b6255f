"""Life events: what happened in a participant's life, and when (plain dataclasses, no I/O).

A life-path interview tells a life; an event is one dated step of it (a family
rupture, a first offence, a release), usually anchored on a coded span of one of
the participant's interviews. Several interviews and waves feed one life, so an
event belongs to the *participant* and only points at the passage it came from.

The event's type is a code of the shipped, editable *life-event* family in the
codebook; ``LifeEvent.type`` holds that code's key (a stable slug, ``EventType``
lists the shipped ones) and ``type_code_id`` its GUID, so a renamed type keeps
its events. Timelines and pathway analysis read these records only; the store
encrypts everything in them that is about the person.

Times come as people tell them: an age ("when I was sixteen"), a year ("in
2003"), a date, or a position relative to another event ("two years after my
first sentence"), each with a precision. ``resolve_ages`` turns all of them into
ages where the participant's birth year (or the anchor chain) allows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from workbench.errors import N_, InvalidInputError

LIFE_EVENT_FAMILY_KEY = "life_event"
"""Key of the codebook grouping node whose codes are the event types."""


class TimeKind(StrEnum):
    """What the number in an ``EventTime`` counts."""

    AGE = "age"  # value: age in years
    YEAR = "year"  # value: calendar year
    DATE = "date"  # date: calendar date
    RELATIVE = "relative"  # value: signed offset in years from the anchor event


class Precision(StrEnum):
    """How sure the narrator was: exact, about, before/after a bound, or a range ``value``..``end``."""

    EXACT = "exact"
    ABOUT = "about"
    BEFORE = "before"
    AFTER = "after"
    RANGE = "range"


class Direction(StrEnum):
    """Whether the event moves the narrator towards or away from extremism."""

    TOWARDS = "towards"
    AWAY = "away"
    NEUTRAL = "neutral"


class LifeDomain(StrEnum):
    """The part of a life the event belongs to (one timeline lane each)."""

    FAMILY = "family"
    PEERS = "peers"
    SCHOOL_WORK = "school_work"
    RELIGION_IDEOLOGY = "religion_ideology"
    PRISON = "prison"
    STATE_INSTITUTIONS = "state_institutions"


class EventType(StrEnum):
    """Keys of the shipped event types (codes under the ``life_event`` family).

    Projects may add their own types in the codebook, so ``LifeEvent.type`` is a
    plain ``str``; these are the keys the shipped family and the demo use.
    """

    FAMILY_RUPTURE = "family_rupture"
    SCHOOL_EXIT = "school_exit"
    FIRST_OFFENCE = "first_offence"
    INCARCERATION = "incarceration"
    EXTREMIST_CONTACT = "extremist_contact"
    COGNITIVE_OPENING = "cognitive_opening"
    TURNING_POINT = "turning_point"
    PUSH_FACTOR = "push_factor"
    PULL_FACTOR = "pull_factor"
    EXIT_TRIGGER = "exit_trigger"
    RELEASE = "release"


DOMAIN_LABELS: Mapping[LifeDomain, Mapping[str, str]] = {
    LifeDomain.FAMILY: {"en": "Family", "hu": "Család"},
    LifeDomain.PEERS: {"en": "Peers", "hu": "Kortársak"},
    LifeDomain.SCHOOL_WORK: {"en": "School and work", "hu": "Iskola és munka"},
    LifeDomain.RELIGION_IDEOLOGY: {"en": "Religion and ideology", "hu": "Vallás és ideológia"},
    LifeDomain.PRISON: {"en": "Prison", "hu": "Börtön"},
    LifeDomain.STATE_INSTITUTIONS: {"en": "State and institutions", "hu": "Állam és intézmények"},
}
"""Lane names for the timeline, in both project languages."""


@dataclass(frozen=True)
class EventTime:
    """When an event happened, as told.

    ``value`` is an age (AGE), a calendar year (YEAR) or a signed offset in years
    from the anchor event (RELATIVE); ``date`` is used for DATE. With precision
    BEFORE/AFTER the value is the bound; with RANGE, ``value``..``end`` (or
    ``date``..``end_date``). A RELATIVE time names its anchor by event id
    (``anchor_event_id``) or, when that event is not recorded yet, by type key
    (``anchor_type``, e.g. ``"incarceration"``: the participant's earliest one).
    """

    kind: TimeKind
    value: float | None = None
    precision: Precision = Precision.EXACT
    end: float | None = None
    date: dt.date | None = None
    end_date: dt.date | None = None
    anchor_event_id: str | None = None
    anchor_type: str | None = None

    def __post_init__(self) -> None:
        if self.kind is TimeKind.DATE:
            if self.date is None:
                raise InvalidInputError.about(N_("A date time needs a date (YYYY-MM-DD)."))
        elif self.value is None:
            raise InvalidInputError.about(N_("A time of kind {kind} needs a number."), kind=self.kind.value)
        if self.kind is TimeKind.RELATIVE and not (self.anchor_event_id or self.anchor_type):
            raise InvalidInputError.about(N_("A relative time needs the event it is relative to."))
        if self.precision is Precision.RANGE and self.end is None and self.end_date is None:
            raise InvalidInputError.about(N_("A range needs an end as well as a start."))
        if self.kind is TimeKind.AGE and self.value is not None and not 0 <= self.value <= 120:
            raise InvalidInputError.about(N_("An age must be between 0 and 120 years."))

    def midpoint(self) -> float | None:
        """The single number a timeline plots: the middle of a range, else the value (year for a date)."""
        if self.kind is TimeKind.DATE and self.date is not None:
            start = self.date.year + (self.date.timetuple().tm_yday - 1) / 365.25
            if self.end_date is not None:
                stop = self.end_date.year + (self.end_date.timetuple().tm_yday - 1) / 365.25
                return (start + stop) / 2
            return start
        if self.value is None:
            return None
        if self.precision is Precision.RANGE and self.end is not None:
            return (self.value + self.end) / 2
        return self.value

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (sealed in the store, written by exports)."""
        return {
            "kind": self.kind.value,
            "value": self.value,
            "precision": self.precision.value,
            "end": self.end,
            "date": self.date.isoformat() if self.date else None,
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "anchor_event_id": self.anchor_event_id,
            "anchor_type": self.anchor_type,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> EventTime:
        def num(name: str) -> float | None:
            raw = data.get(name)
            return None if raw is None else float(str(raw))

        def day(name: str) -> dt.date | None:
            raw = data.get(name)
            return None if raw in (None, "") else dt.date.fromisoformat(str(raw))

        def text(name: str) -> str | None:
            raw = data.get(name)
            return None if raw in (None, "") else str(raw)

        try:
            return cls(
                kind=TimeKind(str(data["kind"])),
                value=num("value"),
                precision=Precision(str(data.get("precision") or "exact")),
                end=num("end"),
                date=day("date"),
                end_date=day("end_date"),
                anchor_event_id=text("anchor_event_id"),
                anchor_type=text("anchor_type"),
            )
        except (KeyError, ValueError) as exc:
            raise InvalidInputError.about(
                N_("The event time is not valid ({problem})."), problem=exc.__class__.__name__
            ) from None


@dataclass(frozen=True)
class EventAnchor:
    """The passage an event was recorded from: interview, span (code points, end exclusive) and wave."""

    interview_id: str
    start: int | None = None
    end: int | None = None
    wave: int | None = None
    quote: str = ""


@dataclass(frozen=True)
class LifeEvent:
    """One event in a participant's life (decrypted; lives only in the current user's memory)."""

    id: str
    participant_id: str
    participant_code: str
    type: str
    domain: LifeDomain
    direction: Direction
    time: EventTime
    recorder: str
    created_at: dt.datetime
    type_code_id: str | None = None
    memo: str = ""
    anchor: EventAnchor | None = None
    updated_at: dt.datetime | None = None
    codebook_version: int | None = None
    """Codebook version in force when the event was recorded or last edited."""


def year_to_age(year: float, birth_year: int | None) -> float | None:
    return None if birth_year is None else year - birth_year


def resolve_ages(events: Sequence[LifeEvent], birth_year: int | None) -> dict[str, float | None]:
    """Each event's age (midpoint) for one participant, following relative times through their anchors.

    Years and dates need the birth year; a relative time needs its anchor's age
    (an anchor given by type is the participant's earliest event of that type).
    Cycles and missing anchors give None rather than a guess.
    """
    by_id = {e.id: e for e in events}
    ages: dict[str, float | None] = {}

    def first_of_type(key: str, exclude: str) -> LifeEvent | None:
        found = [e for e in events if e.type == key and e.id != exclude and e.time.kind is not TimeKind.RELATIVE]
        dated = [(age_of(e, set()), e) for e in found]
        known = [(a, e) for a, e in dated if a is not None]
        return min(known, key=lambda pair: pair[0])[1] if known else None

    def age_of(event: LifeEvent, seen: set[str]) -> float | None:
        if event.id in ages:
            return ages[event.id]
        if event.id in seen:
            return None
        seen = seen | {event.id}
        time = event.time
        mid = time.midpoint()
        result: float | None
        if time.kind is TimeKind.AGE:
            result = mid
        elif time.kind in (TimeKind.YEAR, TimeKind.DATE):
            result = None if mid is None else year_to_age(mid, birth_year)
        else:
            anchor = by_id.get(time.anchor_event_id or "")
            if anchor is None and time.anchor_type:
                anchor = first_of_type(time.anchor_type, event.id)
            base = None if anchor is None else age_of(anchor, seen)
            result = None if base is None or mid is None else base + mid
        ages[event.id] = result
        return result

    for event in events:
        age_of(event, set())
    return ages
