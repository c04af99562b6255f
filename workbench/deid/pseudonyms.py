"""Replacement text for detected spans: consistent tags, or consistent realistic surrogates.

A project numbers each distinct real entity per type (``[PERSON 3]``, ``[CITY 2]``); the
numbering lives in the encrypted pseudonym map (``store.deid``), so the same entity gets
the same tag in every interview and every export. Surrogates (Faker, ``hu_HU`` or ``en_US``)
are derived from a keyed hash of the tag, so they are stable without being stored and cannot
be recomputed by anyone without the project's de-identification key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from faker import Faker

TAG_ONLY_TYPES = frozenset({"DATE", "AGE", "ID", "OTHER"})


def tag(entity_type: str, number: int) -> str:
    return f"[{entity_type} {number}]"


def surrogate_seed(key: bytes, entity_type: str, number: int) -> int:
    digest = hmac.new(key, f"surrogate|{entity_type}|{number}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def surrogate(entity_type: str, number: int, key: bytes, language: str) -> str:
    """A realistic stand-in for an entity; dates, ages and ids keep their tag (a fake is misleading)."""
    if entity_type in TAG_ONLY_TYPES:
        return tag(entity_type, number)
    fake = Faker("hu_HU" if language == "hu" else "en_US")
    fake.seed_instance(surrogate_seed(key, entity_type, number))
    makers = {
        "PERSON": fake.name,
        "NAME": fake.last_name,
        "CITY": fake.city,
        "PLACE": fake.city,
        "INSTITUTION": lambda: f"{fake.city()} {'Börtön' if language == 'hu' else 'Prison'}",
        "ORGANIZATION": fake.company,
        "ADDRESS": lambda: fake.address().replace("\n", ", "),
        "PHONE": fake.phone_number,
        "EMAIL": fake.email,
        "URL": fake.url,
    }
    maker = makers.get(entity_type)
    return maker() if maker else tag(entity_type, number)


def replace_spans(text: str, replacements: Iterable[tuple[int, int, str]]) -> str:
    """``text`` with each (start, end) range replaced; ranges must not overlap."""
    parts: list[str] = []
    cursor = 0
    for start, end, value in sorted(replacements):
        if start < cursor:
            raise ValueError("overlapping replacement ranges")
        parts += [text[cursor:start], value]
        cursor = end
    parts.append(text[cursor:])
    return "".join(parts)


def replace_with_offsets(text: str, replacements: Iterable[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """The replaced text and, for every offset of the old text (``len(text) + 1`` of them), its new offset.

    An offset inside a replaced range maps to the end of its replacement, so the mapping never
    goes backwards and a selection that covered part of a name now covers its whole tag.
    """
    new_text = replace_spans(text, replacements)
    offsets: list[int] = []
    shift = 0
    cursor = 0
    for start, end, value in sorted(replacements):
        offsets += [i + shift for i in range(cursor, start)]
        offsets.append(start + shift)
        offsets += [start + shift + len(value)] * (end - start - 1)
        shift += len(value) - (end - start)
        cursor = end
    offsets += [i + shift for i in range(cursor, len(text) + 1)]
    return new_text, offsets
