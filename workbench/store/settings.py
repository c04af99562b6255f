"""Project settings: small JSON values keyed by a dotted name, such as ``themes.model``.

Settings configure the project (models, thresholds, generalization rules, blind coding); they
must never hold participant data, because they are stored unencrypted.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, select

from workbench.errors import InvalidInputError
from workbench.store import schema as s
from workbench.store.keys import utcnow

_MAX_VALUE_CHARS = 64_000


def get_setting(conn: Connection, key: str, default: Any = None) -> Any:
    """The stored value, or ``default`` when the setting was never written."""
    raw = conn.execute(select(s.project_setting.c.value).where(s.project_setting.c.key == key)).scalar_one_or_none()
    return default if raw is None else json.loads(raw)


def all_settings(conn: Connection) -> dict[str, Any]:
    rows = conn.execute(select(s.project_setting.c.key, s.project_setting.c.value).order_by(s.project_setting.c.key))
    return {row.key: json.loads(row.value) for row in rows}


def set_setting(conn: Connection, key: str, value: Any, user_id: str | None) -> None:
    """Write (or overwrite) one setting inside the caller's write transaction."""
    raw = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if len(raw) > _MAX_VALUE_CHARS:
        raise InvalidInputError(f"The setting {key!r} is too large to store ({len(raw)} characters).")
    table = s.project_setting
    exists = conn.execute(select(table.c.key).where(table.c.key == key)).first() is not None
    values = {"value": raw, "updated_at": utcnow(), "updated_by": user_id}
    if exists:
        conn.execute(table.update().where(table.c.key == key).values(**values))
    else:
        conn.execute(table.insert().values(key=key, **values))
