"""Participants and their attributes: attribute values are sealed under each participant's own data key.

The allowed categories of an attribute are data about people too, so they are sealed
(``categories_enc``); only the attribute's name and type stay in the clear.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, insert, select

from workbench.domain.attributes import AttributeDef, AttributeType, AttributeValue
from workbench.domain.models import Participant
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.keys import create_data_key, new_id, utcnow
from workbench.store.sealing import attribute_bind, open_categories, seal_categories_value

if TYPE_CHECKING:
    from workbench.store.repo import Repo


class ParticipantRepo:
    """Reads and writes of participants and attribute definitions inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    # -- attribute definitions -------------------------------------------------------------

    def define_attribute(self, definition: AttributeDef) -> None:
        existing = self.conn.execute(select(s.attribute_def.c.id).where(s.attribute_def.c.name == definition.name))
        if existing.first() is not None:
            raise InvalidInputError(
                _("The attribute {definition_name!r} is already defined.").format(definition_name=definition.name)
            )
        position = self.conn.execute(select(func.count()).select_from(s.attribute_def)).scalar_one()
        attr_id = new_id()
        sealed = (
            seal_categories_value(self.conn, self.repo.keyring, attr_id, name=definition.name,
                                  type_=definition.type.value, categories=list(definition.categories))
            if definition.type is AttributeType.CATEGORY else None
        )  # fmt: skip
        self.conn.execute(
            insert(s.attribute_def).values(
                id=attr_id,
                name=definition.name,
                type=definition.type.value,
                categories="[]",  # the allowed values are data about people: sealed in categories_enc
                categories_enc=sealed,
                position=position,
            )
        )

    def attribute_defs(self) -> dict[str, tuple[str, AttributeDef]]:
        """Attribute definitions by name, each with its row id, in display order."""
        rows = self.conn.execute(select(s.attribute_def).order_by(s.attribute_def.c.position)).all()
        keyring = self.repo.keyring
        return {
            r.name: (r.id, AttributeDef(r.name, AttributeType(r.type), open_categories(self.conn, keyring, r)))
            for r in rows
        }

    # -- participants ----------------------------------------------------------------------

    def add(self, code: str, attributes: dict[str, object]) -> Participant:
        if self.id_of(code) is not None:
            raise InvalidInputError(_("A participant with the code {code!r} already exists.").format(code=code))
        defs = self.attribute_defs()
        parsed: dict[str, AttributeValue] = {}
        for name, raw in attributes.items():
            if name not in defs:
                raise InvalidInputError(
                    _("{code}: the attribute {name!r} is not defined in this project.").format(code=code, name=name)
                )
            parsed[name] = defs[name][1].parse(raw)
        participant_id = new_id()
        key_id = create_data_key(self.conn, self.repo.keyring, "participant")
        self.conn.execute(
            insert(s.participant).values(id=participant_id, code=code, data_key_id=key_id, created_at=utcnow())
        )
        cipher = self.repo.keyring.cipher(self.conn, key_id, f"participant {code}")
        for name, value in parsed.items():
            attr_id, definition = defs[name]
            row_id = f"{participant_id}:{attr_id}"
            self.conn.execute(
                insert(s.participant_attribute).values(
                    participant_id=participant_id,
                    attribute_id=attr_id,
                    value_enc=cipher.seal(
                        "participant_attribute", row_id, "value", definition.encode(value), attribute_bind(code)
                    ),
                )
            )
        return Participant(participant_id, code, dict(parsed))

    def set_attributes(self, code: str, values: Mapping[str, object]) -> None:
        """Replace some attribute values of an existing participant; ``None`` removes a value.

        Each value is sealed again under the participant's own data key, so a
        shredded participant cannot be written to.
        """
        row = self.conn.execute(select(s.participant).where(s.participant.c.code == code)).one_or_none()
        if row is None:
            raise NotFoundError(_("There is no participant {code!r} in this project.").format(code=code))
        defs = self.attribute_defs()
        unknown = sorted(set(values) - set(defs))
        if unknown:
            raise InvalidInputError(
                _("{code}: the attribute {unknown!r} is not defined in this project.").format(
                    code=code, unknown=unknown[0]
                )
            )
        cipher = self.repo.keyring.cipher(self.conn, row.data_key_id, f"participant {code}")
        for name, raw in values.items():
            attr_id, definition = defs[name]
            self.conn.execute(
                delete(s.participant_attribute).where(
                    s.participant_attribute.c.participant_id == row.id,
                    s.participant_attribute.c.attribute_id == attr_id,
                )
            )
            if raw is None:
                continue
            value = definition.parse(raw)
            self.conn.execute(
                insert(s.participant_attribute).values(
                    participant_id=row.id,
                    attribute_id=attr_id,
                    value_enc=cipher.seal("participant_attribute", f"{row.id}:{attr_id}", "value",
                                          definition.encode(value), attribute_bind(code)),
                )
            )  # fmt: skip

    def id_of(self, code: str) -> str | None:
        value = self.conn.execute(select(s.participant.c.id).where(s.participant.c.code == code)).scalar_one_or_none()
        return str(value) if value is not None else None

    def key_of(self, code: str) -> tuple[str, str] | None:
        """(participant id, data key id) of a participant, or None when there is no such code."""
        row = self.conn.execute(
            select(s.participant.c.id, s.participant.c.data_key_id).where(s.participant.c.code == code)
        ).one_or_none()
        return None if row is None else (str(row.id), str(row.data_key_id))

    def erase_attributes(self, participant_id: str) -> None:
        """Delete a participant's attribute values (shredding them; the code stays, pseudonymous)."""
        self.conn.execute(
            delete(s.participant_attribute).where(s.participant_attribute.c.participant_id == participant_id)
        )

    def _interview_counts(self) -> Counter[str]:
        rows = self.conn.execute(select(s.interview.c.participant_id).where(s.interview.c.participant_id.is_not(None)))
        return Counter(r.participant_id for r in rows)

    def codes(self) -> list[Participant]:
        """Participants with their interview counts, without decrypting any attribute."""
        counts = self._interview_counts()
        rows = self.conn.execute(select(s.participant.c.id, s.participant.c.code).order_by(s.participant.c.code))
        return [Participant(r.id, r.code, {}, counts.get(r.id, 0)) for r in rows]

    def all(self) -> list[Participant]:
        """Participants with their decrypted attributes."""
        defs_by_id = dict(self.attribute_defs().values())
        counts = self._interview_counts()
        values: dict[str, list[tuple[str, bytes]]] = {}
        for row in self.conn.execute(select(s.participant_attribute)):
            values.setdefault(row.participant_id, []).append((row.attribute_id, row.value_enc))
        result = []
        participants = self.conn.execute(select(s.participant).order_by(s.participant.c.code)).all()
        self.repo.keyring.preload(self.conn, (p.data_key_id for p in participants if p.id in values))
        for p in participants:
            attrs: dict[str, object] = {}
            pairs = values.get(p.id, [])
            if pairs:
                cipher = self.repo.keyring.cipher(self.conn, p.data_key_id, f"participant {p.code}")
                for attr_id, blob in pairs:
                    definition = defs_by_id[attr_id]
                    stored = cipher.open(
                        "participant_attribute", f"{p.id}:{attr_id}", "value", blob, attribute_bind(p.code)
                    )
                    attrs[definition.name] = definition.decode(stored)
            result.append(Participant(p.id, p.code, attrs, counts.get(p.id, 0)))
        return result
