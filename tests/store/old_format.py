"""Turn a project made by the current code into what the workbench before 0009 stored.

Unbound version 1 blobs, data keys wrapped without the sealing format, clear category lists, a
creation entry without the sealing marker, no manifests and no audit anchors (schema 0008).
"""

from __future__ import annotations

import json
from typing import Any

from alembic import command
from sqlalchemy import Connection, select, update

from workbench.crypto.aead import Aad, seal
from workbench.services.participants import attribute_definitions
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


def seal_the_old_way(ws: Workspace) -> None:
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
