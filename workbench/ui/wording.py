"""Counted nouns for captions: "1 passage", "2 passages" (never "1 passages")."""

from __future__ import annotations


def count(n: int, noun: str, plural: str | None = None) -> str:
    """``n`` and the noun in the number it needs; ``plural`` for nouns not made with an s."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
