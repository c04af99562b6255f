"""Life-event domain records: validation, round trips and age resolution."""

from __future__ import annotations

import datetime as dt

import pytest

from workbench.domain.events import (
    Direction,
    EventTime,
    LifeDomain,
    LifeEvent,
    Precision,
    TimeKind,
    resolve_ages,
)
from workbench.errors import InvalidInputError

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def event(eid: str, type_: str, time: EventTime) -> LifeEvent:
    return LifeEvent(
        id=eid,
        participant_id="p",
        participant_code="P01",
        type=type_,
        domain=LifeDomain.FAMILY,
        direction=Direction.NEUTRAL,
        time=time,
        recorder="anna",
        created_at=NOW,
    )


def test_times_round_trip_through_dicts() -> None:
    times = [
        EventTime(TimeKind.AGE, 16),
        EventTime(TimeKind.YEAR, 2001, Precision.RANGE, end=2003),
        EventTime(TimeKind.DATE, date=dt.date(2010, 5, 3), precision=Precision.BEFORE),
        EventTime(TimeKind.RELATIVE, 2, anchor_type="incarceration"),
    ]
    for time in times:
        assert EventTime.from_dict(time.to_dict()) == time


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": TimeKind.AGE},
        {"kind": TimeKind.DATE, "value": 3},
        {"kind": TimeKind.RELATIVE, "value": 2},
        {"kind": TimeKind.AGE, "value": 16, "precision": Precision.RANGE},
        {"kind": TimeKind.AGE, "value": 300},
    ],
)
def test_incomplete_times_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(InvalidInputError):
        EventTime(**kwargs)  # type: ignore[arg-type]


def test_resolve_ages_follows_years_and_relative_anchors() -> None:
    events = [
        event("a", "first_offence", EventTime(TimeKind.AGE, 15)),
        event("b", "incarceration", EventTime(TimeKind.YEAR, 2003)),
        event("c", "release", EventTime(TimeKind.RELATIVE, 4, anchor_event_id="b")),
        event("d", "turning_point", EventTime(TimeKind.RELATIVE, -1, anchor_type="incarceration")),
        event("e", "push_factor", EventTime(TimeKind.AGE, 10, Precision.RANGE, end=12)),
    ]
    ages = resolve_ages(events, birth_year=1985)
    assert ages == {"a": 15, "b": 18, "c": 22, "d": 17, "e": 11}
    unknown_birth = resolve_ages(events, birth_year=None)
    assert unknown_birth["a"] == 15 and unknown_birth["b"] is None and unknown_birth["c"] is None


def test_relative_cycles_resolve_to_none() -> None:
    events = [
        event("a", "x", EventTime(TimeKind.RELATIVE, 1, anchor_event_id="b")),
        event("b", "y", EventTime(TimeKind.RELATIVE, 1, anchor_event_id="a")),
    ]
    assert resolve_ages(events, 1990) == {"a": None, "b": None}
