"""The coding text view: a components v2 element showing one transcript for coding.

``text_view`` mounts it; what the user does in the browser arrives as trigger values, which
``read_event`` turns into a checked ``ViewEvent`` with code-point offsets. The component is
not style-isolated (no shadow root) so that the browser's ordinary selection API sees the
text; its CSS classes all start with ``wbc-``.

Nothing the user does is lost when it reaches the server together with something newer.
Streamlit keeps one value per trigger in a rerun request, so two events sent in one browser task,
or a second request merged into one still waiting while the server is busy (many coders on one
server), used to deliver only the newer: a typed code number followed at once by a click on the
next speaker coded nothing. So the view numbers every event (``seq``, within an ``epoch`` drawn
once per browser page) and sends, with each, the earlier ones the server has not acknowledged
(``backlog``); :func:`take_events` hands each event to the page once, in order, and the number of
the last one handled goes back with the next mount's data (``ack``) so the view forgets it.
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
BACKLOG = 20  # events the view resends at most; more unacknowledged than that means the server is gone
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
    scope: str | None = None,
) -> None:
    """Mount the view; ``on_event(name)`` runs (before the page) when the user does something.

    ``focus`` is (turn position, token): the view scrolls to that turn once per new token.
    ``place`` (a turn position) is where the user last worked: the view scrolls there when it is
    mounted anew (back from another page, or after a reload), not on every rerun.
    ``sentences`` (code-point spans) let the arrow keys move and Shift+arrows extend the
    selection sentence by sentence in the browser.
    ``scope`` (the interview shown) goes back with each event: one sent for another interview is
    dropped by :func:`take_events`, never applied to this one.
    """
    data = {
        "html": view_html(text, turns, codings, numbers, pending=pending),
        "click": click,
        "max_number": max((n.number for n in numbers.values()), default=0),
        "focus": {"turn": focus[0], "token": focus[1]} if focus else None,
        "place": place,
        "sentences": [[s.start, s.end] for s in sorted(sentences, key=lambda s: s.start)],
        "pending": list(pending) if pending else None,
        "ack": _acknowledged(key),
        "scope": scope,
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


def _seen_key(key: str) -> str:
    return f"{key}.events_seen"


def _acknowledged(key: str) -> dict[str, object] | None:
    seen = st.session_state.get(_seen_key(key))
    return {"epoch": seen[0], "seq": seen[1]} if isinstance(seen, tuple) else None


def _numbered(entry: object) -> tuple[int, str, object, object] | None:
    """(seq, name, value, scope) of one numbered event, or None if it is not one."""
    if not isinstance(entry, Mapping):
        return None
    seq, name = entry.get("seq"), entry.get("name")
    if not isinstance(seq, int) or isinstance(seq, bool) or name not in EVENTS:
        return None
    return seq, str(name), entry.get("value"), entry.get("scope")


def take_events(key: str, name: str, scope: str | None = None) -> list[tuple[str, object]]:
    """The events trigger ``name`` of the view under ``key`` brings, each once, oldest first (in its callback).

    A numbered message (what the browser sends) brings the earlier events the server has not
    handled yet, then its own; events handled before, from another browser page (``epoch``) or
    for another ``scope`` than the one now shown are dropped. An unnumbered payload (a plain
    trigger value) is handed on as it is.
    """
    payload = raw_event(key, name)
    if not isinstance(payload, Mapping) or "seq" not in payload:
        return [(name, payload)]
    epoch = payload.get("epoch")
    own = _numbered({**payload, "name": name})
    backlog = payload.get("backlog")
    if not isinstance(epoch, str) or not epoch.isalnum() or len(epoch) > 40 or own is None:
        raise InvalidInputError(_("The text view sent an event in an unexpected form; reload the page."))
    seen = st.session_state.get(_seen_key(key))
    last = seen[1] if isinstance(seen, tuple) and seen[0] == epoch else -1
    entries = [_numbered(e) for e in (backlog if isinstance(backlog, list) else [])[-BACKLOG:]]
    events: list[tuple[str, object]] = []
    for entry in sorted([e for e in entries if e is not None] + [own], key=lambda e: e[0]):
        seq, event_name, value, event_scope = entry
        if seq > last and (scope is None or event_scope == scope):
            events.append((event_name, value))
        last = max(last, seq)
    st.session_state[_seen_key(key)] = (epoch, last)
    return events


def read_event(name: str, payload: object, text: str, segments: Sequence[Segment]) -> ViewEvent | None:
    """Check a payload from the browser and convert its offsets; ``None`` for an empty one."""
    if payload is None:
        return None
    if not isinstance(payload, Mapping):
        raise InvalidInputError(_("The text view sent an event in an unexpected form; reload the page."))
    if name == "select":
        return ViewEvent("select", span=selection_span(text, payload.get("start"), payload.get("end")))
    if name == "pick":
        return _pick(payload, text, segments)
    if name in ("key", "open"):
        return _typed(name, payload, text, segments)
    if name == "coding":
        coding_id = payload.get("id")
        if not isinstance(coding_id, str) or not coding_id.isalnum():
            raise InvalidInputError(_("The text view named a coding in an unexpected form; reload the page."))
        return ViewEvent("coding", coding_id=coding_id)
    if name == "clear":
        return ViewEvent("clear")
    raise InvalidInputError(_("The text view sent an unknown event {name!r}.").format(name=name[:20]))


def _typed(name: str, payload: Mapping[str, object], text: str, segments: Sequence[Segment]) -> ViewEvent:
    """A key typed in the view: a code number (``key``) or M (``open``: the coding at the selection)."""
    span = _typed_span(payload, text, segments)
    if name == "open":  # the keyboard's way to a badge
        return ViewEvent("open", span=span)
    number = payload.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or number < 0:
        raise InvalidInputError(_("Type the number of a code."))
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
            raise InvalidInputError(_("That turn is not part of this transcript; reload the page."))
        return ViewEvent("turn", span=(turn.start, turn.end), turn=turn.position)
    if kind == "sentence":
        at = to_code_point(text, parse_point(payload.get("at")), round_up=False)
        return ViewEvent("sentence", span=sentence_at(at, segments))
    if kind == "sentences":
        return ViewEvent("sentence", span=sentence_span(payload.get("span"), segments))
    raise InvalidInputError(_("The text view sent an unknown kind of pick; reload the page."))


def sentence_at(at: int, segments: Sequence[Segment]) -> tuple[int, int]:
    """The span of the sentence (or, failing that, the turn) containing code point ``at``."""
    for kind in (SegmentKind.SENTENCE, SegmentKind.TURN):
        for segment in segments:
            if segment.kind is kind and segment.start <= at < segment.end:
                return segment.start, segment.end
    raise InvalidInputError(_("There is no sentence at that place; select the text with the mouse instead."))


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
        raise InvalidInputError(_("The text view sent a selection in an unexpected form; select the text again."))
    start, end = int(value[0]), int(value[1])
    sentences = [s for s in segments if s.kind is SegmentKind.SENTENCE]
    if start >= end or start not in {s.start for s in sentences} or end not in {s.end for s in sentences}:
        raise InvalidInputError(_("The selected sentences are not part of this transcript; reload the page."))
    return start, end
