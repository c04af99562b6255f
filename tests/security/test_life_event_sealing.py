"""Attacks on life events at rest.

1. Someone with the database file reads it raw: no type, time, memo or quote of an event may be
   there in the clear (the types are special-category facts: "first offence", "contact with an
   extremist group").
2. A GDPR erasure: after ``shred_interview`` / ``shred_participant`` the raw file must hold no
   event of that interview or person, not even as ciphertext that a leaked key could open.
3. Someone who can write the database moves an event to another participant or claims another
   recorder: the payload must then refuse to open.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from tests.conftest import PG_URL, Backend
from tests.services.events_fixtures import MEMO, QUOTE, SECRETS, TEXT_P1, build_events_project
from workbench.domain.events import EventTime, Precision, TimeKind
from workbench.errors import IntegrityError
from workbench.services import events as ev
from workbench.services.projects import shred_interview, shred_participant
from workbench.services.workspace import Workspace
from workbench.store import schema as s

# The type keys are in the (clear, shared) codebook, so the scan looks for them as the payload holds them.
TYPE_MARKERS = (b'"type": "extremist_contact"', b'"type": "first_offence"', b'"domain": "religion_ideology"',
                b'"direction": "towards"', b'"kind": "age"')  # fmt: skip


def _stored_bytes(ws: Workspace, backend: Backend) -> bytes:
    ws.store.checkpoint()
    if backend.name == "sqlite":
        directory = Path(ws.location.directory)
        return b"".join(p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file())
    assert backend.schema is not None
    dump = subprocess.run(
        ["pg_dump", "--no-owner", "--schema", backend.schema, PG_URL.replace("postgresql+psycopg", "postgresql")],
        check=True,
        capture_output=True,
    )
    return dump.stdout


def _holds(stored: bytes, sealed: bytes, backend: Backend) -> bool:
    """Whether a ciphertext is in the raw bytes (pg_dump writes bytea as hex)."""
    return (sealed.hex().encode() if backend.name == "postgresql" else sealed) in stored


def _payloads(ws: Workspace) -> list[bytes]:
    with ws.read() as repo:
        return [bytes(b) for b in repo.conn.execute(select(s.life_event.c.payload_enc)).scalars()]


def _record(ws: Workspace, interview_id: str) -> list[str]:
    start = TEXT_P1.index(QUOTE)
    first = ev.add_event(ws, type_ref="extremist_contact", time=EventTime(TimeKind.AGE, 16, Precision.ABOUT),
                         interview_ref=interview_id, start=start, end=start + len(QUOTE), memo=MEMO)  # fmt: skip
    second = ev.add_event(ws, type_ref="first_offence", time=EventTime(TimeKind.YEAR, 2004),
                          participant_code="P1", memo="cardamom biscuits again")  # fmt: skip
    return [first.id, second.id]


def _count(ws: Workspace) -> int:
    with ws.read() as repo:
        return int(repo.conn.execute(select(func.count()).select_from(s.life_event)).scalar_one())


def test_the_raw_database_holds_no_event_plaintext(project: Workspace, backend: Backend) -> None:
    a, _ = build_events_project(project)
    _record(project, a)
    stored = _stored_bytes(project, backend)
    event_secrets = [p.encode() for p in (MEMO, "cardamom biscuits again")] + list(TYPE_MARKERS)
    assert [p for p in event_secrets if p in stored] == []
    assert b"P1" in stored and b"life_event" in stored  # the scan sees clear metadata, so it can fail
    assert b"extremist_contact" in stored  # ... and the type keys, where they belong: in the shared codebook


def test_shredding_the_interview_removes_its_events_from_the_file(project: Workspace, backend: Backend) -> None:
    a, _ = build_events_project(project)
    anchored, loose = _record(project, a)
    with project.read() as repo:
        sealed = bytes(repo.conn.execute(select(s.life_event.c.payload_enc).where(s.life_event.c.id == anchored))
                       .scalar_one())  # fmt: skip
    assert _holds(_stored_bytes(project, backend), sealed, backend)  # the check can fail
    shred_interview(project, a)
    assert [e.id for e in ev.list_events(project)] == [loose]  # the unanchored event is the person's, it stays
    # The audit log still names the event's id (never its content); the ciphertext itself is gone
    # (on SQLite secure_delete overwrites the freed page).
    assert not _holds(_stored_bytes(project, backend), sealed, backend)


def test_shredding_the_participant_removes_every_event(project: Workspace, backend: Backend) -> None:
    a, _ = build_events_project(project)
    _record(project, a)
    sealed = _payloads(project)
    ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 41), participant_code="P2")
    shredded, _ = shred_participant(project, "P1")
    assert shredded == [a]
    assert [e.participant_code for e in ev.list_events(project)] == ["P2"]
    assert _count(project) == 1
    stored = _stored_bytes(project, backend)
    assert [blob for blob in sealed if _holds(stored, blob, backend)] == []


@pytest.mark.parametrize(
    ("column", "value"),
    [("participant_id", "other"), ("recorder_id", "other"), ("revision", 7), ("codebook_version", 99)],
)
def test_moving_an_event_or_changing_its_metadata_makes_it_fail_to_open(
    project: Workspace, column: str, value: object
) -> None:
    a, _ = build_events_project(project)
    anchored, _loose = _record(project, a)
    with project.write() as repo:
        if value == "other":
            table = s.participant if column == "participant_id" else s.app_user
            code_col = s.participant.c.code if column == "participant_id" else s.app_user.c.name
            wanted = "P2" if column == "participant_id" else project.user.name
            value = repo.conn.execute(select(table.c.id).where(code_col == wanted)).scalar_one()
            if column == "recorder_id":  # another member: the project's default user is the only one
                from workbench.domain.models import Role

                value = repo.users.add("mallory", Role.RESEARCHER).id
        repo.conn.execute(update(s.life_event).where(s.life_event.c.id == anchored).values({column: value}))
    with pytest.raises(IntegrityError):
        ev.list_events(project)


def test_secrets_of_the_fixture_are_really_written(project: Workspace) -> None:
    """Guard: the quotes the scans look for are in the transcript the events were recorded from."""
    assert all(any(secret in text for text in (TEXT_P1, MEMO, QUOTE)) or secret == "mézeskalács utcába"
               for secret in SECRETS)  # fmt: skip


def _row(ws: Workspace, event_id: str) -> dict[str, object]:
    with ws.read() as repo:
        return dict(repo.conn.execute(select(s.life_event).where(s.life_event.c.id == event_id)).one()._mapping)


def test_an_older_copy_of_an_event_put_back_whole_is_noticed(project: Workspace) -> None:
    """Attack: roll one event back to an earlier revision (say, before a lead corrected its type)."""
    a, _ = build_events_project(project)
    anchored, _loose = _record(project, a)
    old = _row(project, anchored)
    ev.edit_event(project, anchored, ev.EventChanges(type="turning_point"))
    assert ev.get_event(project, anchored).type == "turning_point"
    with project.write() as repo:
        repo.conn.execute(update(s.life_event).where(s.life_event.c.id == anchored).values(
            {k: v for k, v in old.items() if k != "id"}))  # fmt: skip
    with pytest.raises(IntegrityError, match="life events differ"):
        ev.list_events(project)
    with pytest.raises(IntegrityError, match="life events differ"):
        ev.get_event(project, anchored)
    with pytest.raises(IntegrityError, match="life events differ"):
        ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 30), participant_code="P1")


def test_a_deleted_event_or_one_put_back_after_deletion_is_noticed(project: Workspace) -> None:
    a, _ = build_events_project(project)
    anchored, _loose = _record(project, a)
    # An event deleted through the services, then re-inserted from a copy of the file.
    gone = ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 41), participant_code="P2").id
    copy = _row(project, gone)
    ev.delete_event(project, gone)
    assert ev.list_events(project, participant_code="P2") == []
    with project.write() as repo:
        repo.conn.execute(s.life_event.insert().values(**copy))
    with pytest.raises(IntegrityError, match="life events differ"):
        ev.list_events(project, participant_code="P2")
    with project.write() as repo:
        repo.conn.execute(s.life_event.delete().where(s.life_event.c.id == gone))
    assert ev.list_events(project, participant_code="P2") == [], "back as last written"
    # A raw delete, past the services (hiding an event from the lead's pathways).
    with project.write() as repo:
        repo.conn.execute(s.life_event.delete().where(s.life_event.c.id == anchored))
    with pytest.raises(IntegrityError, match="life events differ"):
        ev.list_events(project, participant_code="P1")
    with pytest.raises(IntegrityError, match="life events differ"):
        ev.list_events(project)  # the whole project's list checks every participant
    assert ev.list_events(project, participant_code="P2") == [], "another participant's events are unaffected"


def test_shredding_is_never_blocked_by_a_tampered_manifest(project: Workspace) -> None:
    a, _ = build_events_project(project)
    _record(project, a)
    with project.write() as repo:
        repo.conn.execute(update(s.participant).values(events_manifest_enc=b"garbage"))
    shred_interview(project, a)
    shred_participant(project, "P1")
    assert _count(project) == 0
