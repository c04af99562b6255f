"""A project sealed the old way (version 1 blobs, clear category lists, no manifests, no audit
anchors) opens, is re-sealed in one transaction on the first unlock holding the master key, and
refuses old-format rows afterwards."""

from __future__ import annotations

import json
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Connection, select, update

from tests.conftest import PASSPHRASE
from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.crypto.aead import LEGACY_VERSION, Aad, seal
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.errors import IntegrityError
from workbench.services.coding import add_coding, add_interview_memo, interview_codings
from workbench.services.interviews import add_transcript, view_transcript
from workbench.services.participants import add_participants, attribute_definitions, list_participants
from workbench.services.projects import audit_log, open_project, verify_audit
from workbench.services.workspace import Workspace
from workbench.store import audit
from workbench.store import schema as s
from workbench.store.keys import Keyring
from workbench.store.sealing import attribute_bind, coding_bind, interview_bind, memo_bind, segment_bind

OLD_COLUMNS = {
    s.interview: ("title", "text"),
    s.segment: ("speaker", "text"),
    s.coding: ("text", "memo"),
    s.memo: ("text",),
}
BINDS = {s.interview: interview_bind, s.segment: segment_bind, s.coding: coding_bind, s.memo: memo_bind}


def _key_of(conn: Connection, table: Any, row: Any) -> str:
    interview_id = row.id if table is s.interview else row.interview_id
    return str(conn.execute(select(s.interview.c.data_key_id).where(s.interview.c.id == interview_id)).scalar_one())


def _seal_the_old_way(ws: Workspace) -> None:
    """What the workbench before 0009 stored: unbound version 1 blobs and clear category lists."""
    categories = {d.name: list(d.categories) for d in attribute_definitions(ws)}
    with ws.store.migration_transaction() as conn:
        command.downgrade(ws.store._alembic_config(conn), "0008_user_key_slots")
    keyring: Keyring = ws.keyring
    with ws.store.write() as conn:
        for name, values in categories.items():
            conn.execute(update(s.attribute_def).where(s.attribute_def.c.name == name)
                         .values(categories=json.dumps(values, ensure_ascii=False)))  # fmt: skip
        for table, fields in OLD_COLUMNS.items():
            columns = [c for c in table.c if c.name != "manifest_enc"]
            for row in conn.execute(select(*columns)).all():
                cipher = keyring.cipher(conn, _key_of(conn, table, row), "test")
                values = {}
                for field in fields:
                    blob = getattr(row, f"{field}_enc")
                    if blob is not None:
                        plain = cipher.open(table.name, row.id, field, blob, BINDS[table](row._mapping))
                        values[f"{field}_enc"] = cipher.seal(table.name, row.id, field, plain)
                conn.execute(update(table).where(table.c.id == row.id).values(**values))
        _old_data_keys(conn, keyring)
        _old_audit_log(conn, keyring)
        pa = s.participant_attribute
        for row in conn.execute(select(pa, s.participant.c.code, s.participant.c.data_key_id)
                                .join(s.participant, s.participant.c.id == pa.c.participant_id)).all():  # fmt: skip
            cipher = keyring.cipher(conn, row.data_key_id, "test")
            row_id = f"{row.participant_id}:{row.attribute_id}"
            plain = cipher.open("participant_attribute", row_id, "value", row.value_enc, attribute_bind(row.code))
            where = (pa.c.participant_id == row.participant_id) & (pa.c.attribute_id == row.attribute_id)
            sealed = cipher.seal("participant_attribute", row_id, "value", plain)
            conn.execute(update(pa).where(where).values(value_enc=sealed))


def _old_data_keys(conn: Connection, keyring: Keyring) -> None:
    for row in conn.execute(select(s.data_key).where(s.data_key.c.wrapped_key.is_not(None))).all():
        key = keyring.data_key(conn, row.id, "test")
        aad = Aad("data_key", row.id, "wrapped_key", f"mk:v{row.master_key_version}")
        wrapped = seal(keyring.require_master(), key, aad)
        conn.execute(update(s.data_key).where(s.data_key.c.id == row.id).values(wrapped_key=wrapped))


def _old_audit_log(conn: Connection, keyring: Keyring) -> None:
    """The log as older projects have it: a creation entry without the sealing marker, no anchors."""
    prev = audit.GENESIS
    for row in conn.execute(select(s.audit_event).order_by(s.audit_event.c.seq)).all():
        detail = "{}" if row.seq == 1 else row.detail
        fields = (row.actor, row.action, row.object_type, row.object_id, detail)
        mac = keyring.mac(audit._message(prev, row.seq, row.at, fields))
        conn.execute(update(s.audit_event).where(s.audit_event.c.seq == row.seq).values(detail=detail, mac=mac))
        prev = mac


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
    _seal_the_old_way(project)
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
