"""The admin's one-time sealing of life-event manifests missing since migration 0014, and attacks on it.

A database that got events under 0014 has events but no manifest (0015 added the column empty).
It is simulated here by building a project through the services and setting the column to NULL
in SQL, which is also exactly what an attacker with write access to the database could do.

1. Missing manifest: reading the events fails with a message that names ``workbench events
   seal``; after ``seal_event_manifests`` they read again, and the run is audited.
2. A manifest that exists but does not match (an event row deleted): never re-sealed, the events
   keep failing with the tampering message.
3. An event whose ciphertext was altered blocks sealing its participant (the others are sealed).
4. Only admins may run it.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.services.events_fixtures import build_events_project
from workbench.domain.events import EventTime, Precision, TimeKind
from workbench.domain.models import Role
from workbench.errors import IntegrityError, ManifestMissingError, PermissionDeniedError
from workbench.services import events as ev
from workbench.services.projects import open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import audit
from workbench.store import schema as s

PASSWORD = "a long researcher password 42"


def _events(ws: Workspace) -> dict[str, list[str]]:
    """Two events of P1 and one of P2, recorded through the services; their ids by participant code."""
    a, _b = build_events_project(ws)
    first = ev.add_event(ws, type_ref="extremist_contact", time=EventTime(TimeKind.AGE, 16, Precision.ABOUT),
                         interview_ref=a, start=0, end=11)  # fmt: skip
    second = ev.add_event(ws, type_ref="first_offence", time=EventTime(TimeKind.YEAR, 2004), participant_code="P1")
    third = ev.add_event(ws, type_ref="release", time=EventTime(TimeKind.AGE, 41), participant_code="P2")
    return {"P1": [first.id, second.id], "P2": [third.id]}


def _as_0014(ws: Workspace, *codes: str) -> None:
    """Clear the manifests of these participants (all when none given), as a 0014 database has none."""
    with ws.write() as repo:
        query = update(s.participant)
        if codes:
            query = query.where(s.participant.c.code.in_(codes))
        repo.conn.execute(query.values(events_manifest_enc=None))


def _manifests(ws: Workspace) -> dict[str, bytes | None]:
    with ws.read() as repo:
        rows = repo.conn.execute(select(s.participant.c.code, s.participant.c.events_manifest_enc))
        return {r.code: (bytes(r.events_manifest_enc) if r.events_manifest_enc is not None else None) for r in rows}


def test_missing_manifests_fail_with_the_way_out_and_sealing_them_makes_events_readable(project: Workspace) -> None:
    ids = _events(project)
    assert len(ev.list_events(project)) == 3
    _as_0014(project)
    for read in (lambda: ev.list_events(project), lambda: ev.list_events(project, participant_code="P2"),
                 lambda: ev.get_event(project, ids["P1"][0])):  # fmt: skip
        with pytest.raises(ManifestMissingError, match="workbench events seal DIR") as caught:
            read()
        assert "differ from those last written" not in str(caught.value)
    with pytest.raises(ManifestMissingError):  # a write checks the manifest first, too
        ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 30), participant_code="P1")

    planned = ev.seal_event_manifests(project, dry_run=True)
    assert planned.sealed == ("P1", "P2") and planned.blocked == {}
    assert set(_manifests(project).values()) == {None}, "a dry run seals nothing"

    result = ev.seal_event_manifests(project)
    assert result.sealed == ("P1", "P2") and result.blocked == {}
    assert sorted(e.id for e in ev.list_events(project)) == sorted(ids["P1"] + ids["P2"])
    with project.read() as repo:
        entry = audit.entries(repo.conn, limit=1)[0]
    assert entry.action == "life-event manifests sealed" and entry.actor == project.user.name
    assert entry.detail["sealed"] == ["P1", "P2"] and entry.detail["count"] == 2
    assert ev.seal_event_manifests(project).sealed == (), "a second run finds nothing to seal"


def test_a_manifest_that_exists_but_does_not_match_is_never_sealed_again(project: Workspace) -> None:
    """Attack: delete one event row past the services (P1's manifest then mismatches), run the command."""
    ids = _events(project)
    _as_0014(project, "P2")  # P2 is a genuine pre-manifest participant, so the command has work to do
    with project.write() as repo:
        repo.conn.execute(s.life_event.delete().where(s.life_event.c.id == ids["P1"][1]))
    tampered = _manifests(project)["P1"]
    assert tampered is not None
    result = ev.seal_event_manifests(project)
    assert result.sealed == ("P2",) and result.blocked == {}
    assert _manifests(project)["P1"] == tampered, "the mismatching manifest was left as it was"
    with pytest.raises(IntegrityError, match="life events differ from those last written") as caught:
        ev.list_events(project, participant_code="P1")
    assert not isinstance(caught.value, ManifestMissingError) and "events seal" not in str(caught.value)
    assert [e.id for e in ev.list_events(project, participant_code="P2")] == ids["P2"]


def test_an_event_whose_ciphertext_was_altered_blocks_sealing_its_participant(project: Workspace) -> None:
    """Attack: with the manifest cleared, alter one payload (or forge one) and hope the command seals over it."""
    ids = _events(project)
    _as_0014(project)
    with project.write() as repo:
        blob = bytearray(repo.conn.execute(
            select(s.life_event.c.payload_enc).where(s.life_event.c.id == ids["P1"][0])).scalar_one())  # fmt: skip
        blob[-1] ^= 0x01
        repo.conn.execute(update(s.life_event).where(s.life_event.c.id == ids["P1"][0]).values(payload_enc=bytes(blob)))
    result = ev.seal_event_manifests(project)
    assert result.blocked == {"P1": [ids["P1"][0]]} and result.sealed == ("P2",)
    assert _manifests(project)["P1"] is None, "P1 stays unsealed"
    with pytest.raises(ManifestMissingError):
        ev.list_events(project, participant_code="P1")
    assert [e.id for e in ev.list_events(project, participant_code="P2")] == ids["P2"]
    with project.read() as repo:
        assert audit.entries(repo.conn, limit=1)[0].detail["blocked"] == ["P1"]


def test_only_an_admin_may_seal(project: Workspace) -> None:
    _events(project)
    _as_0014(project)
    for name, role in (("rita", Role.RESEARCHER), ("lea", Role.LEAD)):
        add_user(project, name, role, PASSWORD)
        other = open_project(project.location.directory, PASSWORD, name)
        try:
            with pytest.raises(PermissionDeniedError):
                ev.seal_event_manifests(other)
            with pytest.raises(PermissionDeniedError):
                ev.seal_event_manifests(other, dry_run=True)
        finally:
            other.close()
    assert set(_manifests(project).values()) == {None}


def test_the_missing_manifest_message_is_translated(project: Workspace) -> None:
    from workbench import i18n

    _events(project)
    _as_0014(project, "P1")
    with i18n.use_language("hu"), pytest.raises(ManifestMissingError) as caught:
        ev.list_events(project, participant_code="P1")
    assert "nincs sértetlenségi jegyzéke" in str(caught.value) and "`workbench events seal DIR`" in str(caught.value)
