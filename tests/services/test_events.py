"""Life events through the services: recording, listing, editing, deleting, permissions, proposals."""

from __future__ import annotations

import pytest

from tests.conftest import PASSPHRASE
from tests.services.events_fixtures import MEMO, QUOTE, TEXT_P1, build_events_project
from workbench.domain.events import Direction, EventTime, LifeDomain, Precision, TimeKind
from workbench.domain.models import Code, Role
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.services import events as ev
from workbench.services.codebook.edits import create_code
from workbench.services.participants import add_participants
from workbench.services.projects import audit_log, open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace


def test_an_event_from_a_span_round_trips_with_defaults_and_codebook_version(project: Workspace) -> None:
    a, _ = build_events_project(project)
    start = TEXT_P1.index(QUOTE)
    event = ev.add_event(project, type_ref="extremist_contact", time=EventTime(TimeKind.AGE, 16),
                         interview_ref=a, start=start, end=start + len(QUOTE), memo=MEMO)  # fmt: skip
    assert event.participant_code == "P1" and event.type == "extremist_contact"
    assert event.domain is LifeDomain.RELIGION_IDEOLOGY and event.direction is Direction.TOWARDS
    assert event.anchor is not None and event.anchor.quote == QUOTE and event.anchor.wave == 1
    assert event.memo == MEMO and event.recorder == "alice" and event.codebook_version == 1
    assert [e.id for e in ev.list_events(project, participant_code="P1")] == [event.id]
    assert ev.list_events(project, participant_code="P2") == []
    rows = ev.event_rows(project, ev.list_events(project))
    assert rows[0]["age"] == 16 and rows[0]["year"] == 2006


def test_types_follow_the_codebook_including_a_new_type(project: Workspace) -> None:
    build_events_project(project)
    with pytest.raises(InvalidInputError, match="not a life-event type"):
        ev.add_event(project, type_ref="grievance", time=EventTime(TimeKind.AGE, 10), participant_code="P1")
    family = next(c for c in ev.event_types(project) if c.key == "release").parent_id
    create_code(project, Code("0b7f1c52-8f11-4c7e-9d7e-0d3f6a1c2b9e", "Conversion", parent_id=family, key="conversion"))
    event = ev.add_event(project, type_ref="Conversion", time=EventTime(TimeKind.YEAR, 2012), participant_code="P1")
    assert event.type == "conversion" and event.codebook_version == 2


def test_a_project_without_the_family_gets_a_clear_message(project: Workspace) -> None:
    add_participants(project, [], {"P9": {}})
    with pytest.raises(InvalidInputError, match="no life-event types"):
        ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 30), participant_code="P9")


def test_edit_and_delete_with_relative_times_and_audit(project: Workspace) -> None:
    a, _ = build_events_project(project)
    first = ev.add_event(project, type_ref="incarceration", time=EventTime(TimeKind.YEAR, 2008), interview_ref=a)
    two_after = EventTime(TimeKind.RELATIVE, 2, anchor_event_id=first.id)
    later = ev.add_event(project, type_ref="release", time=two_after, participant_code="P1")
    edited = ev.edit_event(project, later.id[:8], ev.EventChanges(direction=Direction.AWAY, memo="  note  "))
    assert edited.direction is Direction.AWAY and edited.memo == "note" and edited.updated_at is not None
    rows = {r["id"]: r for r in ev.event_rows(project, ev.list_events(project))}
    assert rows[later.id]["age"] == 20  # 2008 - 1990 + 2
    with pytest.raises(InvalidInputError, match="relative to itself"):
        itself = EventTime(TimeKind.RELATIVE, 1, anchor_event_id=later.id)
        ev.edit_event(project, later.id, ev.EventChanges(time=itself))
    ev.delete_event(project, first.id)
    with pytest.raises(NotFoundError):
        ev.get_event(project, first.id)
    actions = [e.action for e in audit_log(project).entries]
    assert {"life event recorded", "life event edited", "life event deleted"} <= set(actions)
    assert "note" not in str([e.detail for e in audit_log(project).entries])


def test_anchor_must_belong_to_the_participant_and_span_must_fit(project: Workspace) -> None:
    a, _ = build_events_project(project)
    with pytest.raises(InvalidInputError, match="belongs to P1"):
        ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 20), participant_code="P2",
                     interview_ref=a)  # fmt: skip
    with pytest.raises(InvalidInputError):
        ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 20), interview_ref=a, start=5,
                     end=10_000)  # fmt: skip


def test_researchers_change_only_their_own_and_writers_read_nothing(project: Workspace) -> None:
    build_events_project(project)
    add_user(project, "rita", Role.RESEARCHER)
    add_user(project, "walt", Role.WRITER)
    mine = ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 30), participant_code="P1")
    rita = open_project(project.location.directory, PASSPHRASE, "rita")
    try:
        own = ev.add_event(rita, type_ref="school_exit", time=EventTime(TimeKind.AGE, 15), participant_code="P1")
        ev.edit_event(rita, own.id, ev.EventChanges(memo="mine"))
        with pytest.raises(PermissionDeniedError, match="only the life events they recorded"):
            ev.edit_event(rita, mine.id, ev.EventChanges(memo="not mine"))
        with pytest.raises(PermissionDeniedError):
            ev.delete_event(rita, mine.id)
    finally:
        rita.close()
    walt = open_project(project.location.directory, PASSPHRASE, "walt")
    try:
        with pytest.raises(PermissionDeniedError):
            ev.list_events(walt)
    finally:
        walt.close()


def test_birth_year_comes_from_the_attribute_or_the_age() -> None:
    import datetime as dt

    from workbench.domain.models import Participant

    assert ev.birth_year_of(Participant("1", "P1", {"birth_year": 1990})) == 1990
    assert ev.birth_year_of(Participant("2", "P2", {"age": 40, "first_interview": dt.date(2025, 3, 1)})) == 1985
    assert ev.birth_year_of(Participant("3", "P3", {"age": 40}), today=dt.date(2026, 1, 1)) == 1986
    assert ev.birth_year_of(Participant("4", "P4", {})) is None


def test_a_time_is_proposed_from_the_span_or_its_turn(project: Workspace) -> None:
    a, b = build_events_project(project)
    start = TEXT_P1.index(QUOTE)
    proposed = ev.propose_time_for_span(project, a, start, start + 10)  # "When I was" only: the turn tells
    assert proposed == EventTime(TimeKind.AGE, 16)
    from tests.services.events_fixtures import TEXT_P2

    at = TEXT_P2.index("ott kezdődött")
    hu = ev.propose_time_for_span(project, b, at, at + 5)
    assert hu is not None and hu.kind is TimeKind.YEAR and hu.value == 2003 and hu.precision is Precision.EXACT
