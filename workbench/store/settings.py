"""Project settings: small JSON values keyed by a dotted name, such as ``themes.model``.

Settings configure the project (models, thresholds, generalization rules, blind coding); they
must never hold participant data, because they are stored unencrypted.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.keys import utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo

_MAX_VALUE_CHARS = 64_000


class SettingsRepo:
    """Reads and writes of ``project_setting`` inside the transaction of ``repo`` (no keys needed)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    def get(self, key: str, default: Any = None) -> Any:
        """The stored value, or ``default`` when the setting was never written."""
        raw = self.conn.execute(
            select(s.project_setting.c.value).where(s.project_setting.c.key == key)
        ).scalar_one_or_none()
        return default if raw is None else json.loads(raw)

    def all(self) -> dict[str, Any]:
        rows = self.conn.execute(
            select(s.project_setting.c.key, s.project_setting.c.value).order_by(s.project_setting.c.key)
        )
        return {row.key: json.loads(row.value) for row in rows}

    def set(self, key: str, value: Any, user_id: str | None) -> None:
        """Write (or overwrite) one setting inside the caller's write transaction."""
        raw = json.dumps(value, ensure_ascii=False, sort_keys=True)
        if len(raw) > _MAX_VALUE_CHARS:
            raise InvalidInputError(
                _("The setting {key!r} is too large to store ({n_raw} characters).").format(key=key, n_raw=len(raw))
            )
        table = s.project_setting
        exists = self.conn.execute(select(table.c.key).where(table.c.key == key)).first() is not None
        values = {"value": raw, "updated_at": utcnow(), "updated_by": user_id}
        if exists:
            self.conn.execute(table.update().where(table.c.key == key).values(**values))
        else:
            self.conn.execute(table.insert().values(key=key, **values))
