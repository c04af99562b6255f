"""Transcript HTML with coding highlights, escaped and self-contained (no network).

Highlights carry the code's colour *and* a bracketed number, so they can be told
apart without colour; overlapping codings show as stacked underlines.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Sequence

from workbench.domain.models import Code, Coding, Segment
from workbench.i18n import gettext as _
from workbench.services.codebook.names import shown_name

STYLE = """
<style>
.wb-turn { margin: 0 0 0.8em 0; line-height: 1.7; }
.wb-speaker { font-weight: 600; margin-right: 0.4em; }
.wb-role { font-size: 0.75em; color: #555; margin-right: 0.4em; }
.wb-hl { padding: 0.05em 0; }
.wb-tag { font-size: 0.7em; vertical-align: super; font-weight: 600; }
</style>
"""


_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


def safe_color(value: str | None) -> str:
    """A colour fit for a style attribute; codes may come from imported (untrusted) projects, or have none."""
    return value if value and _COLOR.match(value) else "#DDDDDD"


def _pieces(text: str, offset: int, codings: Sequence[Coding]) -> list[tuple[str, list[Coding]]]:
    """Split ``text`` (starting at ``offset``) at coding boundaries; each piece lists its codings."""
    cuts = {0, len(text)}
    for c in codings:
        cuts.update(x - offset for x in (c.start, c.end) if 0 < x - offset < len(text))
    ordered = sorted(cuts)
    return [
        (text[a:b], [c for c in codings if c.start < offset + b and c.end > offset + a])
        for a, b in itertools.pairwise(ordered)
    ]


def _numbers(codes: dict[str, Code]) -> dict[str, int]:
    """The Code page's numbers (codable codes in tree order), so a code has one number everywhere."""
    from workbench.ui.components.markup import code_numbers  # markup imports safe_color from here

    return {code_id: n.number for code_id, n in code_numbers(list(codes.values())).items()}


def transcript_html(text: str, turns: Sequence[Segment], codings: Sequence[Coding], codes: dict[str, Code]) -> str:
    numbers = _numbers(codes)
    parts = [STYLE]
    for turn in turns:
        inside = [c for c in codings if c.start < turn.end and c.end > turn.start]
        body = []
        for piece, active in _pieces(text[turn.start : turn.end], turn.start, inside):
            escaped = html.escape(piece).replace("\n", "<br>")
            if not active:
                body.append(escaped)
                continue
            first = codes.get(active[0].code_id)
            color = safe_color(first.color) if first else "#DDDDDD"
            lines = ", ".join(f"{codes[c.code_id].name if c.code_id in codes else '?'} ({c.coder})" for c in active)
            underline = f"box-shadow: 0 {2 * len(active)}px 0 0 rgba(0,0,0,0.45);" if len(active) > 1 else ""
            body.append(
                f'<mark class="wb-hl" style="background:{color}55;{underline}" title="{html.escape(lines)}">'
                f"{escaped}</mark>"
            )
        ends = sorted({c.code_id for c in inside if turn.start < c.end <= turn.end})
        tags = "".join(f'<span class="wb-tag">[{numbers.get(code_id, "?")}]</span>' for code_id in ends)
        speaker = html.escape(turn.speaker or "")
        parts.append(
            f'<p class="wb-turn"><span class="wb-speaker">{speaker}</span>'
            f'<span class="wb-role">({turn.role.value})</span>{"".join(body)}{tags}</p>'
        )
    return "\n".join(parts)


def legend_html(codes: dict[str, Code], used: set[str]) -> str:
    """The numbered legend of the codes used in a transcript, escaped like the transcript."""
    numbers = _numbers(codes)
    rows = [
        f'<div><span style="background:{safe_color(code.color)}55">&nbsp;[{numbers.get(code_id, "?")}]&nbsp;</span> '
        f"{html.escape(shown_name(code))}</div>"
        for code_id, code in sorted(codes.items(), key=lambda item: numbers.get(item[0], 0))
        if code_id in used
    ]
    return "\n".join(rows) or "<div>" + html.escape(_("No codings yet.")) + "</div>"
