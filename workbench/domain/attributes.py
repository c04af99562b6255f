"""Typed participant attributes: parsing and validation of raw values.

Values are validated here, before encryption, because once encrypted the
database cannot check them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from workbench.errors import N_, InvalidInputError

AttributeValue = str | int | dt.date


class AttributeType(StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DATE = "date"
    CATEGORY = "category"


@dataclass(frozen=True)
class AttributeDef:
    name: str
    type: AttributeType
    categories: tuple[str, ...] = ()

    def parse(self, raw: object) -> AttributeValue:
        """Turn a raw value (from YAML, CSV, a form) into a checked typed value."""
        if self.type is AttributeType.INTEGER:
            return _parse_int(self.name, raw)
        if self.type is AttributeType.DATE:
            return _parse_date(self.name, raw)
        text = str(raw).strip()
        if self.type is AttributeType.CATEGORY and text not in self.categories:
            allowed = ", ".join(self.categories)
            raise InvalidInputError.about(
                N_("{name}: {text!r} is not one of the categories ({allowed})."),
                name=self.name,
                text=text,
                allowed=allowed,
            )
        return text

    def encode(self, value: AttributeValue) -> str:
        """The canonical text stored (encrypted) for a parsed value."""
        return value.isoformat() if isinstance(value, dt.date) else str(value)

    def decode(self, stored: str) -> AttributeValue:
        return self.parse(stored) if self.type is not AttributeType.CATEGORY else stored


def _parse_int(name: str, raw: object) -> int:
    if isinstance(raw, bool):
        raise InvalidInputError.about(N_("{name}: expected a whole number, got a yes/no value."), name=name)
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        raise InvalidInputError.about(
            N_("{name}: expected a whole number, got {raw!r}."), name=name, raw=str(raw)[:20]
        ) from None


def _parse_date(name: str, raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInputError.about(
            N_("{name}: expected a date as YYYY-MM-DD, got {raw!r}."), name=name, raw=str(raw)[:20]
        ) from None
