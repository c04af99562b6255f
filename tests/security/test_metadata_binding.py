"""Attack: an outsider with the database file edits or replays clear-text metadata.

``UPDATE coding SET code_id=...`` moves a coded quote to another code, ``UPDATE interview SET
participant_id=...`` gives an interview to another participant, and writing an older ``memo_enc``
back (or re-inserting a deleted memo row) brings back a memo that was changed or deleted. None of
these needs a key. Each must make the read fail with the integrity message instead of showing
the altered meaning.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import IntegrityError
from workbench.services.coding import (
    add_coding,
    add_interview_memo,
    delete_interview_memo,
    interview_codings,
    set_coding_memo,
)
from workbench.services.interviews import add_transcript, view_transcript
from workbench.services.participants import add_participants
from workbench.services.workspace import Workspace


def _sql(ws: Workspace, statement: str, **params: Any) -> list[Any]:
    """Run SQL as the attacker does: straight at the database, holding no key."""
    with ws.store.engine.begin() as conn:
        result = conn.execute(text(statement), params)
        return list(result.mappings()) if result.returns_rows else []


def _reinsert(ws: Workspace, table: str, row: dict[str, Any]) -> None:
    """Put a row copied earlier back, column for column."""
    columns = ", ".join(f'"{c}"' for c in row)
    values = ", ".join(":" + c for c in row)
    _sql(ws, f"INSERT INTO {table} ({columns}) VALUES ({values})", **row)  # noqa: S608 - names from the row


def test_moving_a_coding_to_another_code_is_detected(project: Workspace) -> None:
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(project, interview, codes[1].id, 13, 35)
    assert interview_codings(project, interview).codings[0].code_id == codes[1].id
    _sql(project, "UPDATE coding SET code_id = :c WHERE id = :i", c=codes[2].id, i=coding.id)
    with pytest.raises(IntegrityError):
        interview_codings(project, interview)


def test_moving_a_coded_span_is_detected(project: Workspace) -> None:
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(project, interview, codes[1].id, 13, 35)
    _sql(project, 'UPDATE coding SET start = 0, "end" = 40 WHERE id = :i', i=coding.id)
    with pytest.raises(IntegrityError):
        interview_codings(project, interview)


def test_reassigning_an_interview_to_another_participant_is_detected(project: Workspace) -> None:
    add_participants(project, [AttributeDef("age", AttributeType.INTEGER)], {"P01": {"age": 30}, "P02": {"age": 41}})
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en", participant_code="P01")
    assert view_transcript(project, interview).transcript.summary.participant_code == "P01"
    other = _sql(project, "SELECT id FROM participant WHERE code = 'P02'")[0]["id"]
    _sql(project, "UPDATE interview SET participant_id = :p WHERE id = :i", p=other, i=interview)
    with pytest.raises(IntegrityError):
        view_transcript(project, interview)


def test_an_older_memo_written_back_is_detected(project: Workspace) -> None:
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(project, interview, codes[1].id, 13, 35, memo="first thoughts, later withdrawn")
    old = _sql(project, "SELECT memo_enc FROM coding WHERE id = :i", i=coding.id)[0]["memo_enc"]
    set_coding_memo(project, coding.id, None)  # the memo is deleted
    assert interview_codings(project, interview).codings[0].memo is None
    _sql(project, "UPDATE coding SET memo_enc = :m WHERE id = :i", m=old, i=coding.id)
    with pytest.raises(IntegrityError):
        interview_codings(project, interview)


def test_a_replaced_memo_written_back_is_detected(project: Workspace) -> None:
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(project, interview, codes[1].id, 13, 35, memo="first version")
    old = _sql(project, "SELECT memo_enc FROM coding WHERE id = :i", i=coding.id)[0]["memo_enc"]
    set_coding_memo(project, coding.id, "second version")
    _sql(project, "UPDATE coding SET memo_enc = :m WHERE id = :i", m=old, i=coding.id)
    with pytest.raises(IntegrityError):
        interview_codings(project, interview)


def test_a_deleted_interview_memo_inserted_again_is_detected(project: Workspace) -> None:
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    memo_id = add_interview_memo(project, interview, "a memo the author deleted on purpose")
    row = _sql(project, "SELECT * FROM memo WHERE id = :i", i=memo_id)[0]
    delete_interview_memo(project, memo_id)
    assert interview_codings(project, interview).memos == []
    _reinsert(project, "memo", dict(row))
    with pytest.raises(IntegrityError):
        interview_codings(project, interview)


def test_a_deleted_coding_inserted_again_is_detected(project: Workspace) -> None:
    from workbench.services.coding import remove_coding

    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(project, interview, codes[1].id, 13, 35)
    row = _sql(project, "SELECT * FROM coding WHERE id = :i", i=coding.id)[0]
    remove_coding(project, coding.id)
    _reinsert(project, "coding", dict(row))
    with pytest.raises(IntegrityError):
        interview_codings(project, interview)


def test_untouched_rows_still_read(project: Workspace) -> None:
    """The checks above fail because of the attack, not because reading is broken."""
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(project, interview, codes[1].id, 13, 35, memo="kept")
    set_coding_memo(project, coding.id, "kept, edited")
    add_interview_memo(project, interview, "an interview memo")
    found = interview_codings(project, interview)
    assert [c.memo for c in found.codings] == ["kept, edited"]
    assert [m.text for m in found.memos] == ["an interview memo"]


def test_swapping_participant_codes_is_detected(project: Workspace) -> None:
    """Attribute values are bound to their participant's code: renaming P01 to P02 and back fails."""
    from workbench.services.participants import list_participants

    add_participants(project, [AttributeDef("age", AttributeType.INTEGER)], {"P01": {"age": 30}, "P02": {"age": 41}})
    _sql(project, "UPDATE participant SET code = 'P99' WHERE code = 'P01'")
    _sql(project, "UPDATE participant SET code = 'P01' WHERE code = 'P02'")
    _sql(project, "UPDATE participant SET code = 'P02' WHERE code = 'P99'")
    with pytest.raises(IntegrityError):
        list_participants(project)


def test_relabelling_a_speaker_role_is_detected(project: Workspace) -> None:
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    _sql(project, "UPDATE segment SET speaker_role = 'interviewer' WHERE speaker_role = 'participant'")
    with pytest.raises(IntegrityError):
        view_transcript(project, interview)
