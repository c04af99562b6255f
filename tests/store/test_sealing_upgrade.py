"""A project sealed the old way (version 1 blobs, clear category lists, no manifests, no audit
anchors) opens, is re-sealed in one transaction on the first unlock holding the master key, and
refuses old-format rows afterwards."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from tests.conftest import PASSPHRASE
from tests.helpers import TRANSCRIPT_A, add_codes
from tests.store.old_format import seal_the_old_way
from workbench.crypto.aead import LEGACY_VERSION
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import IntegrityError
from workbench.services.coding import add_coding, add_interview_memo, interview_codings
from workbench.services.interviews import add_transcript, view_transcript
from workbench.services.participants import add_participants, attribute_definitions, list_participants
from workbench.services.projects import audit_log, open_project, verify_audit
from workbench.services.workspace import Workspace
from workbench.store import schema as s


def _build(ws: Workspace) -> tuple[str, str]:
    codes = add_codes(ws)
    add_participants(ws, [AttributeDef("offence", AttributeType.CATEGORY, ("arson at the mill", "other"))],
                     {"P01": {"offence": "arson at the mill"}})  # fmt: skip
    interview = add_transcript(ws, TRANSCRIPT_A, title="Interview A", language="en", participant_code="P01")
    coding = add_coding(ws, interview, codes[1].id, 13, 35, memo="a coding memo")
    add_interview_memo(ws, interview, "an interview memo")
    return interview, coding.id


def test_an_old_format_project_is_resealed_on_first_unlock(project: Workspace) -> None:
    interview, coding_id = _build(project)
    seal_the_old_way(project)
    with project.store.read() as conn:
        old_memo = conn.execute(select(s.coding.c.memo_enc).where(s.coding.c.id == coding_id)).scalar_one()
        assert bytes(old_memo)[:1] == LEGACY_VERSION
        assert {bytes(k)[:1] for k in conn.execute(select(s.data_key.c.wrapped_key)).scalars()} == {LEGACY_VERSION}
        assert "arson at the mill" in conn.execute(select(s.attribute_def.c.categories)).scalar_one()
    project.close()

    ws = open_project(project.location.directory, PASSPHRASE)
    try:
        assert view_transcript(ws, interview).transcript.text == TRANSCRIPT_A
        found = interview_codings(ws, interview)
        assert [c.memo for c in found.codings] == ["a coding memo"]
        assert [m.text for m in found.memos] == ["an interview memo"]
        assert list_participants(ws)[0].attributes == {"offence": "arson at the mill"}
        assert attribute_definitions(ws)[0].categories == ("arson at the mill", "other")
        assert verify_audit(ws) is None
        assert "audit anchored" in [e.action for e in audit_log(ws).entries]
        with ws.store.read() as conn:
            assert conn.execute(select(s.attribute_def.c.categories)).scalar_one() == "[]"
            blobs = [bytes(b)[:1] for b in conn.execute(select(s.segment.c.text_enc)).scalars()]
            blobs += [bytes(b)[:1] for b in conn.execute(select(s.data_key.c.wrapped_key)).scalars()]
            assert blobs and set(blobs) == {b"\x02"}
        # an old-format value put back after the upgrade is refused
        with ws.store.engine.begin() as conn:
            conn.execute(update(s.coding).where(s.coding.c.id == coding_id).values(memo_enc=old_memo))
        with pytest.raises(IntegrityError):
            interview_codings(ws, interview)
    finally:
        ws.close()


def test_reopening_does_not_upgrade_twice(project: Workspace) -> None:
    _build(project)
    project.close()
    for _ in range(2):
        ws = open_project(project.location.directory, PASSPHRASE)
        ws.close()
    ws = open_project(project.location.directory, PASSPHRASE)
    try:
        assert "audit anchored" not in [e.action for e in audit_log(ws).entries]  # new projects are anchored
        assert verify_audit(ws) is None
    finally:
        ws.close()


def test_removing_the_anchors_does_not_make_a_project_look_old(project: Workspace) -> None:
    """Else the next unlock would re-seal, and so bless, rows an attacker planted."""
    interview, _ = _build(project)
    memo_id = add_interview_memo(project, interview, "deleted later")
    with project.store.read() as conn:
        row = dict(conn.execute(select(s.memo).where(s.memo.c.id == memo_id)).mappings().one())
    from workbench.services.coding import delete_interview_memo

    delete_interview_memo(project, memo_id)
    with project.store.engine.begin() as conn:
        conn.execute(s.audit_anchor.delete())
        conn.execute(s.memo.insert().values(**row))
    assert verify_audit(project) is not None
    project.close()
    ws = open_project(project.location.directory, PASSPHRASE)
    try:
        assert "audit anchored" not in [e.action for e in audit_log(ws).entries]
        assert verify_audit(ws) is not None  # the next sign-in does not quietly re-make the anchors
        with pytest.raises(IntegrityError):
            interview_codings(ws, interview)
    finally:
        ws.close()
