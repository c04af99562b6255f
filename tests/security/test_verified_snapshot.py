"""Attack: verify once per page must not let a change made after the check, or another user's view, through.

A page that runs several counting calls takes one ``snapshot(ws)`` (every manifest checked once)
and hands it to each call; Retrieve verifies the project and then reads the chosen code's quotes
in one transaction, comparing each row with the entry it verified instead of checking the whole
manifest again. These tests attack both: a database edit after a snapshot is refused by the next
one, a snapshot is never used by another user or after the visibility changed, quotes are never
taken from a snapshot, and rows changed inside the transaction after the check are refused.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from sqlalchemy import select, text, update

from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.models import Role
from workbench.errors import IntegrityError, PermissionDeniedError
from workbench.services.agreement import agreement_report, compare_coders
from workbench.services.coding import add_coding, set_coding_memo
from workbench.services.interviews import add_transcript
from workbench.services.participants import add_participants
from workbench.services.retrieval import (
    code_by_attribute,
    code_frequencies,
    coded_passages,
    coding_progress,
    cooccurrence,
    snapshot,
)
from workbench.services.users import add_user
from workbench.services.visibility import set_blind_coding, set_comparison_open
from workbench.services.workspace import Workspace
from workbench.store import schema as s


def _sql(ws: Workspace, statement: str, **params: Any) -> None:
    """Run SQL as the attacker does: straight at the database, holding no key."""
    with ws.store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _setup(ws: Workspace) -> tuple[str, str, list[str], Workspace]:
    """alice (admin) and bob (researcher) code one interview; returns (interview, alice's coding, codes, bob's ws)."""
    codes = add_codes(ws)
    interview = add_transcript(ws, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(ws, interview, codes[1].id, 13, 35)
    add_coding(ws, interview, codes[2].id, 60, 90)
    add_user(ws, "bob", Role.RESEARCHER)
    with ws.read() as repo:
        bob = repo.users.by_name("bob")
    assert bob is not None
    bob_ws = dataclasses.replace(ws, user=bob)
    add_coding(bob_ws, interview, codes[1].id, 13, 40)
    return interview, coding.id, [c.id for c in codes], bob_ws


def test_a_snapshot_gives_the_same_figures_as_each_call_alone(project: Workspace) -> None:
    _, _, codes, _ = _setup(project)
    verified = snapshot(project)
    assert code_frequencies(project, snapshot=verified) == code_frequencies(project)
    assert cooccurrence(project, snapshot=verified) == cooccurrence(project)
    assert coding_progress(project, snapshot=verified) == coding_progress(project)
    assert agreement_report(project, snapshot=verified) == agreement_report(project)
    assert coded_passages(project, codes[1], snapshot=verified) == coded_passages(project, codes[1])
    assert compare_coders(project, codes[1], snapshot=verified) == compare_coders(project, codes[1])
    assert coded_passages(project, codes[1], coders=["bob"], snapshot=verified) == coded_passages(
        project, codes[1], coders=["bob"]
    )


def test_a_database_edit_after_a_snapshot_is_refused_by_the_next_page_run(project: Workspace) -> None:
    _, coding, codes, _ = _setup(project)
    snapshot(project)
    _sql(project, "UPDATE coding SET code_id = :other WHERE id = :coding", other=codes[2], coding=coding)
    with pytest.raises(IntegrityError):
        snapshot(project)


def test_quotes_are_never_taken_from_a_snapshot(project: Workspace) -> None:
    """Retrieve with a snapshot still checks the manifest of every interview whose quotes it opens."""
    _, coding, codes, _ = _setup(project)
    verified = snapshot(project)
    _sql(project, "DELETE FROM coding WHERE id = :coding", coding=coding)
    with pytest.raises(IntegrityError):
        coded_passages(project, codes[1], snapshot=verified)
    with pytest.raises(IntegrityError):
        compare_coders(project, codes[1], snapshot=verified)


def test_a_snapshot_is_never_used_by_another_user(project: Workspace) -> None:
    """bob codes blind: the admin's snapshot (everyone's codings) handed to his calls must show him only his own."""
    _, _, codes, bob = _setup(project)
    set_blind_coding(project, blind=True)
    everyone = snapshot(project)
    assert code_frequencies(bob, snapshot=everyone) == code_frequencies(bob)
    own = {f.code_id: f.by_coder for f in code_frequencies(bob, snapshot=everyone)}
    assert own[codes[1]] == {"bob": 1}
    assert {p.coder for p in coded_passages(bob, codes[1], snapshot=everyone)} == {"bob"}
    assert {r.coder for r in coding_progress(bob, snapshot=everyone)} == {"bob"}


def test_a_member_who_may_not_count_gets_no_snapshot_and_cannot_use_one(project: Workspace) -> None:
    _setup(project)
    add_user(project, "wendy", Role.WRITER)
    with project.read() as repo:
        wendy = repo.users.by_name("wendy")
    assert wendy is not None
    writer = dataclasses.replace(project, user=wendy)
    with pytest.raises(PermissionDeniedError):
        snapshot(writer)
    with pytest.raises(PermissionDeniedError):
        code_frequencies(writer, snapshot=snapshot(project))


def test_a_snapshot_taken_before_the_visibility_changed_is_not_used(project: Workspace) -> None:
    _, _, codes, bob = _setup(project)
    set_blind_coding(project, blind=True)
    blind = snapshot(bob)
    set_comparison_open(project, opened=True)
    seen = {f.code_id: f.by_coder for f in code_frequencies(bob, snapshot=blind)}
    assert seen[codes[1]] == {"alice": 1, "bob": 1}


def test_code_by_attribute_takes_the_snapshot_too(project: Workspace) -> None:
    _setup(project)
    add_participants(project, [AttributeDef("group", AttributeType.CATEGORY, ("a", "b"))], {"P01": {"group": "a"}})
    verified = snapshot(project)
    assert code_by_attribute(project, "group", snapshot=verified) == code_by_attribute(project, "group")


# -- Retrieve's second look inside one transaction ---------------------------------------------


def _older_memo(ws: Workspace, coding: str) -> bytes:
    """A memo ciphertext that was really written for this coding, then replaced by a newer one."""
    set_coding_memo(ws, coding, "first thoughts")
    with ws.read() as repo:
        old = repo.conn.execute(select(s.coding.c.memo_enc).where(s.coding.c.id == coding)).scalar_one()
    set_coding_memo(ws, coding, "second thoughts")
    return bytes(old)


def test_a_row_put_back_after_the_check_in_the_same_transaction_is_refused(project: Workspace) -> None:
    """The rows read for the quotes are compared with the verified entries, not trusted for being there."""
    interview, coding, codes, _ = _setup(project)
    old = _older_memo(project, coding)
    with project.read() as repo:
        repo.codings.verified_meta([interview])
        repo.conn.execute(update(s.coding).where(s.coding.c.id == coding).values(memo_enc=old))
        with pytest.raises(IntegrityError):
            repo.codings.of_interview(interview, {codes[1]})


def test_a_row_deleted_after_the_check_in_the_same_transaction_is_refused(project: Workspace) -> None:
    interview, coding, codes, _ = _setup(project)
    with project.read() as repo:
        repo.codings.verified_meta([interview])
        repo.conn.execute(text("DELETE FROM coding WHERE id = :coding"), {"coding": coding})
        with pytest.raises(IntegrityError):
            repo.codings.of_interview(interview, {codes[1]})


def test_unchanged_rows_after_the_check_are_read(project: Workspace) -> None:
    interview, coding, codes, _ = _setup(project)
    with project.read() as repo:
        repo.codings.verified_meta([interview])
        found = repo.codings.of_interview(interview, {codes[1]})
    assert coding in {c.id for c in found} and len(found) == 2
