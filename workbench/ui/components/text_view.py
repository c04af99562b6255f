"""The coding text view: a components v2 element showing one transcript for coding.

``text_view`` mounts it; what the user does in the browser arrives as trigger values, which
``read_event`` turns into a checked ``ViewEvent`` with code-point offsets. The component is
not style-isolated (no shadow root) so that the browser's ordinary selection API sees the
text; its CSS classes all start with ``wbc-``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import streamlit as st

from workbench.domain.models import Coding, Segment, SegmentKind
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.ui.components import assets
from workbench.ui.components.markup import Numbered, view_html
from workbench.ui.components.offsets import parse_point, selection_span, to_code_point

COMPONENT_NAME = "workbench_code_view"
EVENTS = ("select", "pick", "key", "coding", "open", "clear")
ClickMode = Literal["sentence", "turn", "none"]

_component = st.components.v2.component(
    COMPONENT_NAME, html=assets.HTML, css=assets.CSS, js=assets.JS, isolate_styles=False
)


@dataclass(frozen=True)
class ViewEvent:
    """One thing the user did in the text view, checked and in code points."""

    kind: Literal["select", "turn", "sentence", "key", "coding", "open", "clear"]
    span: tuple[int, int] | None = None
    turn: int | None = None
    number: int | None = None
    coding_id: str | None = None


def text_view(
    *,
    key: str,
    text: str,
    turns: Sequence[Segment],
    codings: Sequence[Coding],
    numbers: dict[str, Numbered],
    pending: tuple[int, int] | None,
    sentences: Sequence[Segment] = (),
    focus: tuple[int, int] | None = None,
    place: int | None = None,
    click: ClickMode = "sentence",
    on_event: Callable[[str], None] | None = None,
) -> None:
    """Mount the view; ``on_event(name)`` runs (before the page) when the user does something.

    ``focus`` is (turn position, token): the view scrolls to that turn once per new token.
    ``place`` (a turn position) is where the user last worked: the view scrolls there when it is
    mounted anew (back from another page, or after a reload), not on every rerun.
    ``sentences`` (code-point spans) let the arrow keys move and Shift+arrows extend the
    selection sentence by sentence in the browser.
    """
    data = {
        "html": view_html(text, turns, codings, numbers, pending=pending),
        "click": click,
        "max_number": max((n.number for n in numbers.values()), default=0),
        "focus": {"turn": focus[0], "token": focus[1]} if focus else None,
        "place": place,
        "sentences": [[s.start, s.end] for s in sorted(sentences, key=lambda s: s.start)],
        "pending": list(pending) if pending else None,
        "label": _(
            "Transcript. Arrow keys select the next or previous sentence, Shift with an arrow extends the "
            "selection, Enter selects the whole turn; then type a code number. M opens the coding at the "
            "selection with its memo beside the text (M again: the next coding there). N and P: next and "
            "previous uncoded turn of a participant. Escape clears the selection."
        ),
        "help": _(
            "Select text, click a sentence, or click a speaker for the whole turn; or use the keyboard: "
            "arrows move sentence by sentence, Shift+arrows extend, Enter takes the whole turn. Then type a "
            "code's number (or press Apply). M: open the coding there and its memo (M again: the next one; "
            "then Tab to the editor). N/P: next/previous uncoded participant turn. Esc: clear."
        ),
    }
    callbacks: dict[str, Any] = {
        f"on_{name}_change": (lambda n=name: on_event(n)) if on_event else (lambda: None) for name in EVENTS
    }
    _component(key=key, data=data, height="content", **callbacks)


def raw_event(key: str, name: str) -> object:
    """The payload of trigger ``name`` of the view mounted under ``key`` (inside its callback)."""
    value = st.session_state.get(key)
    return value.get(name) if isinstance(value, Mapping) else None


def read_event(name: str, payload: object, text: str, segments: Sequence[Segment]) -> ViewEvent | None:
    """Check a payload from the browser and convert its offsets; ``None`` for an empty one."""
    if payload is None:
        return None
    if not isinstance(payload, Mapping):
        raise InvalidInputError("The text view sent an event in an unexpected form; reload the page.")
    if name == "select":
        return ViewEvent("select", span=selection_span(text, payload.get("start"), payload.get("end")))
    if name == "pick":
        return _pick(payload, text, segments)
    if name in ("key", "open"):
        return _typed(name, payload, text, segments)
    if name == "coding":
        coding_id = payload.get("id")
        if not isinstance(coding_id, str) or not coding_id.isalnum():
            raise InvalidInputError("The text view named a coding in an unexpected form; reload the page.")
        return ViewEvent("coding", coding_id=coding_id)
    if name == "clear":
        return ViewEvent("clear")
    raise InvalidInputError(f"The text view sent an unknown event {name[:20]!r}.")


def _typed(name: str, payload: Mapping[str, object], text: str, segments: Sequence[Segment]) -> ViewEvent:
    """A key typed in the view: a code number (``key``) or M (``open``: the coding at the selection)."""
    span = _typed_span(payload, text, segments)
    if name == "open":  # the keyboard's way to a badge
        return ViewEvent("open", span=span)
    number = payload.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise InvalidInputError("Type the number of a code.")
    return ViewEvent("key", span=span, number=number)


def _typed_span(payload: Mapping[str, object], text: str, segments: Sequence[Segment]) -> tuple[int, int] | None:
    """The selection a key press carries: the arrow keys' sentences, a mouse selection, or none."""
    if payload.get("sentences") is not None:  # the keyboard's sentence selection
        return sentence_span(payload.get("sentences"), segments)
    start, end = payload.get("start"), payload.get("end")
    return selection_span(text, start, end) if start is not None and end is not None else None


def _pick(payload: Mapping[str, object], text: str, segments: Sequence[Segment]) -> ViewEvent:
    kind = payload.get("kind")
    if kind == "turn":
        position = payload.get("position")
        turn = next((t for t in segments if t.kind is SegmentKind.TURN and t.position == position), None)
        if turn is None:
            raise InvalidInputError("That turn is not part of this transcript; reload the page.")
        return ViewEvent("turn", span=(turn.start, turn.end), turn=turn.position)
    if kind == "sentence":
        at = to_code_point(text, parse_point(payload.get("at")), round_up=False)
        return ViewEvent("sentence", span=sentence_at(at, segments))
    if kind == "sentences":
        return ViewEvent("sentence", span=sentence_span(payload.get("span"), segments))
    raise InvalidInputError("The text view sent an unknown kind of pick; reload the page.")


def sentence_at(at: int, segments: Sequence[Segment]) -> tuple[int, int]:
    """The span of the sentence (or, failing that, the turn) containing code point ``at``."""
    for kind in (SegmentKind.SENTENCE, SegmentKind.TURN):
        for segment in segments:
            if segment.kind is kind and segment.start <= at < segment.end:
                return segment.start, segment.end
    raise InvalidInputError("There is no sentence at that place; select the text with the mouse instead.")


def sentence_span(value: object, segments: Sequence[Segment]) -> tuple[int, int]:
    """A run of whole sentences the arrow keys selected: ``[start, end]`` must be sentence edges.

    Checking the edges against the transcript's own sentences means a tampered or stale
    message cannot code an arbitrary span through this path.
    """
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise InvalidInputError("The text view sent a selection in an unexpected form; select the text again.")
    start, end = int(value[0]), int(value[1])
    sentences = [s for s in segments if s.kind is SegmentKind.SENTENCE]
    if start >= end or start not in {s.start for s in sentences} or end not in {s.end for s in sentences}:
        raise InvalidInputError("The selected sentences are not part of this transcript; reload the page.")
    return start, end
