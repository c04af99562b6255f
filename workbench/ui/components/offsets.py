"""Browser selections to code-point offsets.

JavaScript strings count UTF-16 code units; the workbench counts Unicode code points over the
NFC text (REFI-QDA). A character outside the Basic Multilingual Plane (an emoji, a rare CJK
ideograph) is one code point but two UTF-16 units, so the two counts drift apart after it.
The text view therefore reports each end of a selection as *(code-point start of the piece of
text it lies in, UTF-16 offset inside that piece)*, and this module converts that to a code
point offset by walking the piece. Every value comes from the browser and is checked: a wrong
type, a negative number or an offset past the text is refused with ``InvalidInputError``.
"""

from __future__ import annotations

from workbench.domain.text import check_span
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

Point = tuple[int, int]
"""(code-point offset of a piece of the text, UTF-16 units into that piece)."""


def utf16_length(text: str) -> int:
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def to_code_point(text: str, point: Point, *, round_up: bool) -> int:
    """The code-point offset of a point; one inside a surrogate pair rounds to a whole character.

    A start rounds down and an end rounds up, so a selection never cuts an astral character.
    """
    piece_start, units = point
    if not 0 <= piece_start <= len(text) or units < 0:
        raise InvalidInputError(_("The selection does not lie inside the transcript; select the text again."))
    offset = piece_start
    counted = 0
    while counted < units:
        if offset >= len(text):
            raise InvalidInputError(_("The selection runs past the end of the transcript; select the text again."))
        width = 2 if ord(text[offset]) > 0xFFFF else 1
        if counted + width > units:  # the point splits a surrogate pair
            return offset + 1 if round_up else offset
        counted += width
        offset += 1
    return offset


def parse_point(value: object) -> Point:
    """A point as the browser sent it: a list of two non-negative integers."""
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise InvalidInputError(_("The text view sent a selection in an unexpected form; select the text again."))
    return int(value[0]), int(value[1])


def selection_span(text: str, start: object, end: object) -> tuple[int, int]:
    """Code-point ``[start, end)`` of a browser selection, validated against the text."""
    a = to_code_point(text, parse_point(start), round_up=False)
    b = to_code_point(text, parse_point(end), round_up=True)
    if b < a:
        a, b = b, a
    check_span(len(text), a, max(b, a + 1))
    return trim_span(text, a, b)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Leave out white space at either end (a double-click often takes the space after a word)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        raise InvalidInputError(_("The selection holds no text; select some words first."))
    return start, end
