"""The fast unit tables (issue 19) equal the per-character ones they replaced, for every reading.

``unit_table`` now copies the runs between line ends and astral characters whole, and
``_newline_map`` returns at once for text without CR; random texts full of CR, LF, CR LF,
emoji, combining marks and astral letters are compared with the loops written out here.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from workbench.refi import positions
from workbench.refi.positions import READINGS, Reading, normalized_positions, unit_table


def _old_table(raw: str, reading: Reading, to_normalized: Sequence[int]) -> list[int]:
    table: list[int] = []
    previous = ""
    for i, ch in enumerate(raw):
        width = 2 if reading.utf16 and ord(ch) > 0xFFFF else 1
        if reading.newlines == "CRLF as two" and ch == "\n" and previous != "\r":
            width += 1
        elif reading.newlines == "CRLF as one" and ch == "\r" and raw[i + 1 : i + 2] == "\n":
            width = 0
        table.extend([to_normalized[i]] * width)
        previous = ch
    table.append(to_normalized[len(raw)])
    return table


def _old_newline_map(raw: str) -> tuple[str, list[int]]:
    positions_ = [0] * (len(raw) + 1)
    out: list[str] = []
    i = 0
    while i < len(raw):
        positions_[i] = len(out)
        if raw[i] == "\r":
            out.append("\n")
            if i + 1 < len(raw) and raw[i + 1] == "\n":
                positions_[i + 1] = len(out) - 1
                i += 1
        else:
            out.append(raw[i])
        i += 1
    positions_[len(raw)] = len(out)
    return "".join(out), positions_


def test_tables_equal_the_per_character_loops() -> None:
    rng = random.Random(3)  # noqa: S311 - test texts, not secrets
    alphabet = ["a", "b", " ", "\n", "\r", "\r\n", "😀", "é", "e\u0301", "𝄞", "ő"]
    checked = 0
    for n in range(3000):
        raw = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        if n % 4 == 0:
            raw = raw.replace("\r", "")
        assert positions._newline_map(raw) == _old_newline_map(raw)
        try:
            _, to_normalized = normalized_positions(raw)
        except ValueError:
            continue
        for reading in READINGS:
            assert unit_table(raw, reading, to_normalized) == _old_table(raw, reading, to_normalized)
        checked += 1
    assert checked > 2000
