"""Codebook edits that reach life events: merging a type moves its events, retiring one in use is refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.services.events_fixtures import build_events_project
from workbench.domain.events import EventTime, TimeKind
from workbench.domain.models import Code
from workbench.errors import InvalidInputError
from workbench.services import events as ev
from workbench.services.codebook.edits import create_code, delete_code, merge_codes, move_code, update_code
from workbench.services.codebook.versions import codebook_history, restore_version
from workbench.services.workspace import Workspace
from workbench.store import schema as s


def _type(ws: Workspace, key: str) -> Code:
    return next(c for c in ev.event_types(ws) if c.key == key)


def _record(ws: Workspace) -> tuple[str, str, str]:
    """Two push-factor events (P1, P2) and one release (P1)."""
    first = ev.add_event(ws, type_ref="push_factor", time=EventTime(TimeKind.AGE, 14), participant_code="P1")
    second = ev.add_event(ws, type_ref="push_factor", time=EventTime(TimeKind.AGE, 30), participant_code="P2")
    other = ev.add_event(ws, type_ref="release", time=EventTime(TimeKind.AGE, 35), participant_code="P1")
    return first.id, second.id, other.id


def _versions(ws: Workspace) -> int:
    return len(codebook_history(ws))


def test_merging_a_type_moves_its_events_to_the_survivor(project: Workspace) -> None:
    build_events_project(project)
    first, second, other = _record(project)
    push, turning = _type(project, "push_factor"), _type(project, "turning_point")
    result = merge_codes(project, push.id, turning.id)
    assert result.events == 2
    after = {e.id: e for e in ev.list_events(project)}
    for moved in (first, second):
        assert after[moved].type == "turning_point" and after[moved].type_code_id == turning.id
        assert after[moved].codebook_version == result.version, "sealed again under the merge's version"
    assert after[other].type == "release", "events of other types are left alone"
    assert "push_factor" not in {c.key for c in ev.event_types(project)}
    history = codebook_history(project)
    assert "2 life events" in history[0].summary
    # Restoring the version before the merge brings the type back; the events keep a valid type.
    restore_version(project, result.version - 1)
    assert {e.type for e in ev.list_events(project)} == {"turning_point", "release"}


def test_merging_a_used_type_into_a_code_outside_the_family_is_refused(project: Workspace) -> None:
    build_events_project(project)
    _record(project)
    outside = create_code(project, Code("2c1d8e3a-7b55-4f0a-9a51-7d8a3c2e1f00", "Family support"))
    push = _type(project, "push_factor")
    versions = _versions(project)
    with pytest.raises(InvalidInputError, match=r"type of 2 life events.*Nothing was changed"):
        merge_codes(project, push.id, outside.id)
    assert _versions(project) == versions and _type(project, "push_factor") == push
    assert [e.type for e in ev.list_events(project)].count("push_factor") == 2


def test_deleting_a_used_type_is_refused_even_when_confirmed(project: Workspace) -> None:
    build_events_project(project)
    _record(project)
    release = _type(project, "release")
    versions = _versions(project)
    with pytest.raises(InvalidInputError, match=r"'Release' is the type of 1 life event, .*events edit"):
        delete_code(project, release.id, confirm=True)
    assert _versions(project) == versions
    assert "release" in {e.type for e in ev.list_events(project)}
    # An unused type is deleted as any code is.
    unused = _type(project, "school_exit")
    delete_code(project, unused.id)
    assert "school_exit" not in {c.key for c in ev.event_types(project)}


def test_a_used_type_cannot_become_a_group_leave_the_family_or_be_restored_away(project: Workspace) -> None:
    build_events_project(project)
    _record(project)
    release = _type(project, "release")
    with pytest.raises(InvalidInputError, match="left without a type"):
        update_code(project, Code(release.id, release.name, parent_id=release.parent_id, key=release.key,
                                  codable=False))  # fmt: skip
    with pytest.raises(InvalidInputError, match="left without a type"):
        move_code(project, release.id, None)
    before_new_type = _versions(project)
    create_code(project, Code("0b7f1c52-8f11-4c7e-9d7e-0d3f6a1c2b9e", "Conversion", parent_id=release.parent_id,
                              key="conversion"))  # fmt: skip
    ev.add_event(project, type_ref="conversion", time=EventTime(TimeKind.AGE, 33), participant_code="P2")
    with pytest.raises(InvalidInputError, match="'Conversion' is the type of 1 life event"):
        restore_version(project, before_new_type)  # a version without the new type
    assert _type(project, "release").parent_id == release.parent_id
    assert _type(project, "conversion").name == "Conversion"
    with project.read() as repo:
        assert repo.conn.execute(select(func.count()).select_from(s.life_event)).scalar_one() == 4
    # Once no event uses it, the same move goes through.
    for event in [e for e in ev.list_events(project) if e.type == "release"]:
        ev.edit_event(project, event.id, ev.EventChanges(type="turning_point"))
    move_code(project, release.id, None)
    assert "release" not in {c.key for c in ev.event_types(project)}
