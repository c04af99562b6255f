"""Text-based transcript formats: plain text, Markdown, and WebVTT/SubRip subtitles.

Markdown is reduced to the text a reader sees (``**Interviewer:**`` becomes
``Interviewer:``), so that speaker labels are recognised and coded passages hold
no markup. Subtitles become one line per turn, ``[00:12:31] Speaker: text``, so
the timestamp travels with the turn through the ordinary turn detection.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from workbench.i18n import gettext as _

if TYPE_CHECKING:
    from markdown_it.token import Token

# webvtt and markdown-it are imported by the function for their format (start-up time, issue 17).

from workbench.errors import InvalidInputError


def markdown_text(source: str) -> str:
    """The visible text of a Markdown document, one block per paragraph.

    Ordered-list numbers are kept: a Hungarian answer that starts with a year,
    ``2003. januárban ...``, is an ordered list to CommonMark, and dropping the
    number would silently change what the participant said.
    """
    from markdown_it import MarkdownIt

    blocks: list[str] = []
    prefix = ""
    for token in MarkdownIt("commonmark").parse(source):
        if token.type == "list_item_open" and token.info:
            prefix = f"{token.info}{token.markup} "
        elif token.type == "inline":
            blocks.append(prefix + _inline_text(token.children or []))
            prefix = ""
        elif token.type in ("code_block", "fence", "html_block"):
            blocks.append(token.content.rstrip("\n"))
    return "\n\n".join(block for block in blocks if block.strip())


def _inline_text(children: Sequence[Token]) -> str:
    parts: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "image":
            parts.append(_inline_text(child.children or []))
    return "".join(parts)


@dataclass
class _Block:
    seconds: int
    speaker: str | None
    parts: list[str] = field(default_factory=list)

    def line(self) -> str:
        hours, rest = divmod(self.seconds, 3600)
        stamp = f"[{hours:02d}:{rest // 60:02d}:{rest % 60:02d}]"
        body = " ".join(self.parts)
        return f"{stamp} {self.speaker}: {body}" if self.speaker else f"{stamp} {body}"


def subtitle_text(name: str, source: str, kind: Literal["vtt", "srt"]) -> str:
    """Cues as ``[HH:MM:SS] Speaker: text`` paragraphs.

    The speaker comes from a WebVTT voice tag (``<v Anna>``); consecutive cues of
    the same voice form one turn, stamped with its first cue's start. Cues
    without a voice stay one paragraph each, and a ``Name:`` they begin with is
    picked up by the ordinary turn detection. Line wraps inside a cue are for
    display only and become spaces.
    """
    import webvtt

    label = "WebVTT" if kind == "vtt" else "SubRip (.srt)"
    try:
        captions = webvtt.from_buffer(io.StringIO(source), format=kind).captions
    except Exception:
        raise InvalidInputError(
            _("{name}: this is not a valid {label} subtitle file (no cue could be read).").format(
                name=name, label=label
            )
        ) from None
    blocks: list[_Block] = []
    for caption in captions:
        body = " ".join(line.strip() for line in caption.text.splitlines() if line.strip())
        if kind == "vtt":
            body = html.unescape(body)
        if not body:
            continue
        speaker = caption.voice.strip() if caption.voice else None
        if speaker and blocks and blocks[-1].speaker == speaker:
            blocks[-1].parts.append(body)
        else:
            blocks.append(_Block(caption.start_time.in_seconds(), speaker, [body]))
    if not blocks:
        raise InvalidInputError(
            _("{name}: the {label} file holds no captions with text.").format(name=name, label=label)
        )
    return "\n\n".join(block.line() for block in blocks)
