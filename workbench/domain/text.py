"""Text normalisation and offsets, as REFI-QDA defines them.

Transcripts are normalised to NFC once, when they enter the project; from then on
every offset is a count of Unicode code points (Python ``str`` indices) over that
text, end exclusive.
"""

from __future__ import annotations

import unicodedata

from workbench.errors import N_, InvalidInputError


def normalize(text: str) -> str:
    """NFC, with CRLF and lone CR line ends turned into LF."""
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def check_span(text_length: int, start: int, end: int) -> None:
    """Reject a span that does not lie inside a text of ``text_length`` code points."""
    if not (0 <= start < end <= text_length):
        raise InvalidInputError.about(
            N_(
                "The span {start}-{end} does not lie inside the text (0-{length}); "
                "offsets are code points, start inclusive, end exclusive."
            ),
            start=start,
            end=end,
            length=text_length,
        )


def word_count(text: str) -> int:
    return len(text.split())
