"""The text view's markup: speaker turns, coding highlights and badges, all escaped.

Built on the server so it can be tested without a browser, then handed to the component as
data. Transcript text, speaker names and code names are untrusted (imported files, imported
codebooks) and are escaped with ``html.escape``; colours go through ``safe_color``.

Each run of text between two coding boundaries is one ``<span class="wbc-t" data-s="N">``,
where ``N`` is the code-point offset of its first character: the browser reports a selection
relative to these pieces (see ``offsets``). Text is kept verbatim (``white-space: pre-wrap``)
so the characters in the browser are exactly the characters of the transcript. Overlapping
codings show as stacked underline bands (one per coding, separated by a gap, so their number
shows without colour), and every coding starts with a numbered badge; ``title`` and
``aria-label`` attributes name the codes and coders in words.
"""

from __future__ import annotations

import bisect
import html
import itertools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from workbench.domain.models import Code, Coding, Segment
from workbench.i18n import gettext as _
from workbench.services.codebook.names import shown_name
from workbench.ui.render import safe_color

MAX_BANDS = 6


@dataclass(frozen=True)
class Numbered:
    """A code as the Code page shows it: its keyboard number, name and colour."""

    number: int
    code: Code

    @property
    def label(self) -> str:
        return f"{self.number} · {shown_name(self.code)}"


def code_tree(codes: Sequence[Code]) -> list[tuple[Code, int]]:
    """The codes depth-first in codebook order, each with its depth (a code whose parent is gone is top level).

    Every page that numbers or lists codes walks this one order, so a code has the same number
    on the Code page, the Transcripts page and in every legend.
    """
    known = {c.id for c in codes}
    children: dict[str | None, list[Code]] = defaultdict(list)
    for code in codes:
        children[code.parent_id if code.parent_id in known and code.parent_id != code.id else None].append(code)
    ordered: list[tuple[Code, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            if code.id not in seen:  # an imported codebook might hold a cycle
                seen.add(code.id)
                ordered.append((code, depth))
                walk(code.id, depth + 1)

    walk(None, 0)
    return ordered


def code_numbers(codes: Sequence[Code]) -> dict[str, Numbered]:
    """Number the codable codes 1, 2, ... in tree order: the keys a coder types, on every page.

    Grouping codes get no number: they cannot be applied, so a number for them would only
    shift the numbers of the codes that can.
    """
    codable = [c for c, _ in code_tree(codes) if c.codable]
    return {c.id: Numbered(i + 1, c) for i, c in enumerate(codable)}


def _attr(value: object) -> str:
    return html.escape(str(value), quote=True)


def _display(text: str) -> str:
    """Escaped text; a NUL (which an HTML parser drops) becomes U+FFFD so offsets stay aligned."""
    return html.escape(text.replace("\x00", "\ufffd"), quote=False)


def _coding_label(coding: Coding, numbers: dict[str, Numbered]) -> str:
    numbered = numbers.get(coding.code_id)
    name = numbered.label if numbered else _("(code no longer in the codebook)")
    return f"{name} ({coding.coder})"


def _style(active: Sequence[Coding], numbers: dict[str, Numbered]) -> str:
    colours = [safe_color(numbers[c.code_id].code.color) if c.code_id in numbers else "#999999" for c in active]
    bands = []
    for i, colour in enumerate(colours[:MAX_BANDS]):
        bands.append(f"0 {3 * i + 2}px 0 {colour}")
        bands.append(f"0 {3 * i + 3}px 0 var(--wbc-gap)")
    return f"background-color:{colours[0]}33;box-shadow:{','.join(bands)};--wbc-depth:{min(len(active), MAX_BANDS)}"


def _badge(coding: Coding, numbers: dict[str, Numbered], read_only: bool = False) -> str:
    """A coding's numbered badge; a coding with a memo shows a pencil (✎) and says so in words."""
    numbered = numbers.get(coding.code_id)
    colour = safe_color(numbered.code.color) if numbered else "#999999"
    label = _coding_label(coding, numbers)
    number = str(numbered.number) if numbered else "?"
    memo = bool(coding.memo)
    classes = "wbc-badge wbc-has-memo" if memo else "wbc-badge"
    if memo:
        label = _("{label}, with a memo").format(label=label)
        number += "✎"
    static_label = _("Coding {label}").format(label=label)
    if read_only:  # the Transcripts page: the same badge, but nothing to click
        return (
            f'<span class="{classes} wbc-static" style="border-color:{colour}" title="{_attr(label)}" '
            f'aria-label="{_attr(static_label)}">{number}</span>'
        )
    action = _("open it and its memo beside the text") if memo else _("open it beside the text")
    button_label = _("Coding {label}: {action}").format(label=label, action=action)
    return (
        f'<span class="{classes}" role="button" tabindex="-1" data-coding="{_attr(coding.id)}" '
        f'style="border-color:{colour}" title="{_attr(label)}" '
        f'aria-label="{_attr(button_label)}">'
        f"{number}</span>"
    )


class _Sweep:
    """Walks the text once, in order, keeping the set of codings that cover the current point."""

    def __init__(self, codings: Sequence[Coding]) -> None:
        self.starts: dict[int, list[Coding]] = defaultdict(list)
        self.ends: dict[int, list[Coding]] = defaultdict(list)
        for c in codings:
            self.starts[c.start].append(c)
            self.ends[c.end].append(c)
        self.active: dict[str, Coding] = {}

    def move_to(self, position: int) -> list[Coding]:
        """Codings starting at ``position`` (after dropping those that end there)."""
        for c in self.ends.get(position, ()):
            self.active.pop(c.id, None)
        started = self.starts.get(position, [])
        for c in started:
            self.active[c.id] = c
        return started


def view_html(
    text: str,
    turns: Sequence[Segment],
    codings: Sequence[Coding],
    numbers: dict[str, Numbered],
    *,
    pending: tuple[int, int] | None = None,
    read_only: bool = False,
) -> str:
    """The markup of the whole transcript; ``pending`` is the selection waiting to be coded.

    ``read_only`` (the Transcripts page) keeps the badges and underline bands, which tell
    overlapping codings apart without colour, but drops the buttons a reader cannot use.
    """
    cuts = {c.start for c in codings} | {c.end for c in codings}
    if pending:
        cuts.update(pending)
    ordered = sorted(cuts)
    sweep = _Sweep(codings)
    index = 0  # the next cut the sweep has not passed yet
    parts: list[str] = []
    for turn in sorted(turns, key=lambda t: t.start):
        low, high = bisect.bisect_left(ordered, turn.start), bisect.bisect_left(ordered, turn.end)
        carried: list[Coding] = []  # codings starting between turns get their badge where the turn starts
        while index < low:  # boundaries between turns (in speaker labels or blank lines)
            carried.extend(sweep.move_to(ordered[index]))
            index += 1
        inner = [turn.start, *(x for x in ordered[low:high] if x != turn.start), turn.end]
        body: list[str] = []
        coded = False
        for a, b in itertools.pairwise(inner):
            started, carried = carried, []
            if index < len(ordered) and ordered[index] == a:
                started = started + sweep.move_to(a)
                index += 1
            started = [c for c in started if c.id in sweep.active]  # not one that ended before the text
            body.extend(_badge(c, numbers, read_only) for c in sorted(started, key=lambda c: _order(c, numbers)))
            active = sorted(sweep.active.values(), key=lambda c: _order(c, numbers))
            coded = coded or bool(active)
            body.append(_piece(text, a, b, active, numbers=numbers, pending=pending))
        parts.append(_turn(turn, "".join(body), coded, read_only))
    return f'<div class="wbc-doc">{"".join(parts)}</div>'


def codings_at(codings: Sequence[Coding], span: tuple[int, int], numbers: dict[str, Numbered]) -> list[Coding]:
    """The codings touching ``span``, in the order their badges stand in the text.

    The keyboard's way to a badge (M in the view): the first press opens the first of these,
    each further press the next, so every coding can be reached without a Tab stop of its own.
    """
    start, end = span
    touching = [c for c in codings if c.start < end and start < c.end]
    return sorted(touching, key=lambda c: (c.start, *_order(c, numbers)))


def _order(coding: Coding, numbers: dict[str, Numbered]) -> tuple[int, str, str]:
    numbered = numbers.get(coding.code_id)
    return (numbered.number if numbered else 0, coding.coder, coding.id)


def _piece(
    text: str,
    a: int,
    b: int,
    active: Sequence[Coding],
    *,
    numbers: dict[str, Numbered],
    pending: tuple[int, int] | None,
) -> str:
    classes = ["wbc-t"]
    attrs = [f'data-s="{a}"']
    if active:
        classes.append("wbc-c")
        attrs.append(f'style="{_style(active, numbers)}"')
        attrs.append(f'title="{_attr("; ".join(_coding_label(c, numbers) for c in active))}"')
        attrs.append(f'data-codes="{" ".join(str(numbers[c.code_id].number) for c in active if c.code_id in numbers)}"')
    if pending and pending[0] <= a and b <= pending[1]:
        classes.append("wbc-sel")
    return f'<span class="{" ".join(classes)}" {" ".join(attrs)}>{_display(text[a:b])}</span>'


def _turn(turn: Segment, body: str, coded: bool, read_only: bool = False) -> str:
    speaker = turn.speaker or turn.role.value
    number = turn.position + 1
    turn_label = _("Turn {n}, {speaker}").format(n=number, speaker=speaker)
    whole_turn = _("Select the whole turn")
    select_label = _("Select turn {n} ({speaker})").format(n=number, speaker=speaker)
    if read_only:
        return (
            f'<div class="wbc-turn wbc-{_attr(turn.role.value)}" role="group" data-turn="{turn.position}" '
            f'data-coded="{int(coded)}" aria-label="{_attr(turn_label)}">'
            f'<span class="wbc-speaker wbc-static">{_display(speaker)}</span>'
            f'<span class="wbc-text">{body}</span></div>'
        )
    return (
        f'<div class="wbc-turn wbc-{_attr(turn.role.value)}" role="group" data-turn="{turn.position}" '
        f'data-start="{turn.start}" data-end="{turn.end}" data-coded="{int(coded)}" '
        f'aria-label="{_attr(turn_label)}">'
        f'<button type="button" class="wbc-speaker" tabindex="-1" data-turn="{turn.position}" '
        f'title="{_attr(whole_turn)}" aria-label="{_attr(select_label)}">'
        f"{_display(speaker)}</button>"
        f'<span class="wbc-text">{body}</span></div>'
    )
