"""What the audit log records, who may read it, and that it never holds interview text."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.conftest import PASSPHRASE
from tests.helpers import SECRET_PHRASES, add_codes, add_two_transcripts
from workbench.domain.models import Role
from workbench.errors import PermissionDeniedError
from workbench.services.coding import add_coding
from workbench.services.interviews import view_transcript
from workbench.services.projects import audit_log, open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace


def test_actions_are_recorded_with_actor_and_object(project: Workspace) -> None:
    codes = add_codes(project)
    a, _ = add_two_transcripts(project)
    view_transcript(project, a)
    add_coding(project, a, codes[1].id, 13, 35)
    actions = [(e.actor, e.action, e.object_id) for e in reversed(audit_log(project).entries)]
    assert actions[0] == ("alice", "project created", project.project.id)
    assert ("alice", "transcript viewed", a) in actions
    assert ("alice", "codebook changed", "1") in actions
    assert [x[1] for x in actions].count("transcript imported") == 2
    assert actions[-1][1] == "coding added"
    assert audit_log(project).first_broken is None


def test_filters_by_actor_and_time(project: Workspace) -> None:
    add_user(project, "bob", Role.RESEARCHER)
    bob = open_project(project.location.directory, PASSPHRASE, "bob")
    add_two_transcripts(bob)
    bob.close()
    assert {e.actor for e in audit_log(project, actor="bob").entries} == {"bob"}
    assert [e.action for e in reversed(audit_log(project, actor="bob").entries)] == [
        "login",
        "transcript imported",
        "transcript imported",
    ]
    tomorrow = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    assert audit_log(project, since=tomorrow).entries == []


def test_no_interview_text_reaches_the_log(project: Workspace) -> None:
    a, b = add_two_transcripts(project)
    view_transcript(project, a)
    view_transcript(project, b)
    dumped = repr(audit_log(project).entries)
    assert [p for p in SECRET_PHRASES if p in dumped] == []


@pytest.mark.parametrize("role", [Role.RESEARCHER, Role.WRITER])
def test_only_admins_and_leads_read_the_log(project: Workspace, role: Role) -> None:
    add_user(project, "someone", role)
    other = open_project(project.location.directory, PASSPHRASE, "someone")
    try:
        with pytest.raises(PermissionDeniedError, match="may not view the audit log"):
            audit_log(other)
    finally:
        other.close()
