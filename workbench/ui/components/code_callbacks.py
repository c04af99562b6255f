"""The actions the Code page's widgets and text view trigger, run as Streamlit callbacks.

Callbacks run *before* the page script, so an applied coding shows in the same run instead of
needing a second one. Each calls one service; a message for the page (success or a
``WorkbenchError``, whose text never holds interview content) is left in session state
(``code_state.flash``) for the page to show.
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable

import streamlit as st

from workbench.domain.models import Code, SegmentKind
from workbench.domain.spans import Edge, Unit, move_edge, whole_turns
from workbench.errors import InvalidInputError, WorkbenchError
from workbench.i18n import gettext as _
from workbench.services.codebook.proposals import propose_code
from workbench.services.coding import (
    add_interview_memo,
    adjust_coding,
    apply_codes,
    codebook,
    delete_interview_memo,
    interview_codings,
    neighbour_uncoded_turn,
    remove_coding,
    set_coding_memo,
)
from workbench.services.coding_search import MatchMode, Passage, SearchOptions, code_passages, search_segments
from workbench.services.workspace import Workspace
from workbench.ui import session
from workbench.ui.components.code_state import (
    CHOSEN,
    CODING,
    FIND,
    FOCUS,
    INTERVIEW,
    MEMO_NEW,
    MEMO_PICK,
    PROPOSE_DEFINITION,
    PROPOSE_NAME,
    PROPOSE_PARENT,
    SCOPES,
    SEARCH_ACCENTS,
    SEARCH_CASE,
    SEARCH_CODES,
    SEARCH_KIND,
    SEARCH_MODE,
    SEARCH_PICK,
    SEARCH_QUERY,
    SEARCH_SCOPE,
    VIEW,
    flash,
    focus,
    keep_search_result,
    pending,
    search_result,
    set_pending,
    transcript,
)
from workbench.ui.components.markup import code_numbers, codings_at
from workbench.ui.components.text_view import read_event, take_events

log = logging.getLogger("workbench.ui")


def _guarded(action: Callable[[Workspace, str], None]) -> None:
    """Run a callback's action with the session's workspace; errors become a message."""
    ws = session.workspace()
    interview_id = st.session_state.get(INTERVIEW)
    if ws is None or not interview_id:
        return
    try:
        action(ws, str(interview_id))
    except WorkbenchError as exc:
        flash("error", str(exc))
    except Exception as exc:  # as session.shown_errors: no message, it might quote interview text
        ref = uuid.uuid4().hex[:8]
        log.error("unexpected %s on the Code page (reference %s)", type(exc).__name__, ref)
        flash("error", _("Something went wrong ({kind}, reference {ref}). No data was lost.").format(
            kind=type(exc).__name__, ref=ref))  # fmt: skip


def _codes(ws: Workspace) -> list[Code]:
    return codebook(ws)


# -- applying codes -------------------------------------------------------------------


def _apply(ws: Workspace, interview_id: str, code_ids: list[str], span: tuple[int, int] | None) -> None:
    if span is None:
        raise InvalidInputError(_("Select some text in the transcript first (or click a sentence or a speaker)."))
    if not code_ids:
        raise InvalidInputError(_("Choose a code to apply (type its number, or pick it under Codes to apply)."))
    added = apply_codes(ws, interview_id, code_ids, *span)
    numbers = code_numbers(_codes(ws))
    names = ", ".join(numbers[c.code_id].label for c in added if c.code_id in numbers)
    flash(
        "success", _("Coded characters {start} to {end} with {codes}.").format(start=span[0], end=span[1], codes=names)
    )
    set_pending(None)


def apply_chosen() -> None:
    """The Apply button: the codes under *Codes to apply* on the pending selection."""
    _guarded(lambda ws, iid: _apply(ws, iid, list(st.session_state.get(CHOSEN) or []), pending()))


def on_view_event(name: str) -> None:
    """What the user did in the text view (runs as the component's callback).

    One message can bring several events (earlier ones whose own message Streamlit merged away):
    each is handled once, in the order the user did them, and an error in one leaves the others.
    """
    scope = st.session_state.get(INTERVIEW)
    try:
        events = take_events(VIEW, name, str(scope) if scope else None)
    except WorkbenchError as exc:
        flash("error", str(exc))
        return
    for event_name, payload in events:
        _guarded(functools.partial(_handle_in_order, name=event_name, payload=payload))


def _handle_in_order(ws: Workspace, interview_id: str, *, name: str, payload: object) -> None:
    handle_view_event(ws, interview_id, name, payload)


def handle_view_event(ws: Workspace, interview_id: str, name: str, payload: object) -> None:
    """Turn one checked view event into state or a service call."""
    current = transcript(ws, interview_id)
    event = read_event(name, payload, current.text, current.segments)
    if event is None:
        return
    if event.kind in ("select", "turn", "sentence"):
        set_pending(event.span)
        if event.turn is not None:
            focus(event.turn)
    elif event.kind == "key":
        numbers = {n.number: code_id for code_id, n in code_numbers(_codes(ws)).items()}
        if event.number not in numbers:
            raise InvalidInputError(
                _("No code has the number {number}; the numbers are listed beside the text.").format(
                    number=event.number
                )
            )
        _apply(ws, interview_id, [numbers[event.number]], event.span or pending())
    elif event.kind == "coding":
        st.session_state[CODING] = event.coding_id
    elif event.kind == "open":
        open_coding_at(ws, interview_id, event.span)
    elif event.kind == "clear":
        set_pending(None)


def open_coding_at(ws: Workspace, interview_id: str, span: tuple[int, int] | None) -> None:
    """M in the text view: open the coding at the selection beside the text, as its badge would.

    Pressed again on the same place it opens the next coding there (in the badges' order), so
    overlapping codings are all reachable from the one Tab stop the transcript has.
    """
    if span is not None:
        set_pending(span)
    span = span or pending()
    if span is None:
        raise InvalidInputError(_("Select a passage first (the arrow keys), then press M to open its coding."))
    here = codings_at(interview_codings(ws, interview_id).codings, span, code_numbers(_codes(ws)))
    if not here:
        flash("info", _("No coding touches the selection; move to a highlighted passage and press M again."))
        return
    ids = [c.id for c in here]
    current = st.session_state.get(CODING)
    st.session_state[CODING] = ids[(ids.index(current) + 1) % len(ids)] if current in ids else ids[0]


def pick_numbers() -> None:
    """The code search box: numbers typed there (``3`` or ``3 7``) are added to *Codes to apply*."""
    ws = session.workspace()
    value = str(st.session_state.get(FIND) or "").replace(",", " ").split()
    if ws is None or not value or not all(v.isdigit() for v in value):
        return
    by_number = {n.number: code_id for code_id, n in code_numbers(_codes(ws)).items()}
    unknown = [v for v in value if int(v) not in by_number]
    if unknown:
        flash("error", _("No code has the number {n}.").format(n=unknown[0]))
        return
    chosen = list(st.session_state.get(CHOSEN) or [])
    chosen.extend(by_number[int(v)] for v in value if by_number[int(v)] not in chosen)
    st.session_state[CHOSEN] = chosen
    st.session_state[FIND] = ""


def move_uncoded(forward: bool) -> None:
    """Next / previous uncoded turn: it becomes the pending selection and scrolls into view."""

    def action(ws: Workspace, interview_id: str) -> None:
        current = transcript(ws, interview_id)
        codings = interview_codings(ws, interview_id).codings
        position = st.session_state.get(FOCUS, (None, 0))[0]
        turn = neighbour_uncoded_turn(current.turns, codings, position, forward=forward)
        if turn is None:
            flash("info", _("Every turn has at least one of your codings."))
            return
        set_pending((turn.start, turn.end))
        focus(turn.position)

    _guarded(action)


# -- changing a coding ------------------------------------------------------------------


def remove_selected(coding_id: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        remove_coding(ws, coding_id)
        st.session_state.pop(CODING, None)
        flash("success", _("The coding was removed."))

    _guarded(action)


def adjust_selected(coding_id: str, start_key: str, end_key: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        adjust_coding(ws, coding_id, int(st.session_state[start_key]), int(st.session_state[end_key]))
        flash("success", _("The coding's span was changed."))

    _guarded(action)


def adjust_to_pending(coding_id: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        span = pending()
        if span is None:
            raise InvalidInputError(_("Select the new span in the transcript first."))
        adjust_coding(ws, coding_id, *span)
        set_pending(None)
        flash("success", _("The coding now covers the selected text."))

    _guarded(action)


def close_coding() -> None:
    st.session_state.pop(CODING, None)


def reshape_coding(coding_id: str, edge: str | None, unit: str | None, grow: bool) -> None:
    """Move one edge of a coding by a word or a sentence (``edge`` None: to whole turns)."""

    def action(ws: Workspace, interview_id: str) -> None:
        current = transcript(ws, interview_id)
        coding = next((c for c in interview_codings(ws, interview_id).codings if c.id == coding_id), None)
        if coding is None:
            raise InvalidInputError(_("That coding is no longer on this interview; choose it again."))
        span = (coding.start, coding.end)
        if edge is None:
            new = whole_turns(current.segments, span)
            if new == span:
                raise InvalidInputError(_("The coding already covers whole turns."))
        else:
            new = move_edge(current.text, current.segments, span, Edge(edge), Unit(unit or Unit.WORD), grow=grow)
        adjust_coding(ws, coding_id, *new)
        flash("success", _("The coding's span was changed."))

    _guarded(action)


def save_memo(coding_id: str, memo_key: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        memo = str(st.session_state.get(memo_key) or "")
        set_coding_memo(ws, coding_id, memo)
        flash("success", _("Memo saved.") if memo.strip() else _("Memo cleared."))

    _guarded(action)


def propose() -> None:
    """Propose a new code for a lead to accept into the codebook (issue 20)."""

    def action(ws: Workspace, _interview_id: str) -> None:
        parent = st.session_state.get(PROPOSE_PARENT)
        propose_code(ws, str(st.session_state.get(PROPOSE_NAME) or ""),
                     str(st.session_state.get(PROPOSE_DEFINITION) or ""), str(parent) if parent else None)  # fmt: skip
        st.session_state[PROPOSE_NAME] = ""
        st.session_state[PROPOSE_DEFINITION] = ""
        flash("success", _("Your proposal is waiting for a lead, who can accept it on the Codebook page."))

    _guarded(action)


# -- interview memos ------------------------------------------------------------------------


def add_memo() -> None:
    def action(ws: Workspace, interview_id: str) -> None:
        add_interview_memo(ws, interview_id, str(st.session_state.get(MEMO_NEW) or ""))
        st.session_state[MEMO_NEW] = ""
        flash("success", _("Memo added to the interview."))

    _guarded(action)


def delete_memo() -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        memo_id = st.session_state.get(MEMO_PICK)
        if not memo_id:
            raise InvalidInputError(_("Choose the memo to delete."))
        delete_interview_memo(ws, str(memo_id))
        flash("success", _("Memo deleted."))

    _guarded(action)


# -- coding by search ---------------------------------------------------------------------


def run_search() -> None:
    """Search every readable interview (or this one); hits stay in this session only."""

    def action(ws: Workspace, interview_id: str) -> None:
        scope_this = st.session_state.get(SEARCH_SCOPE) == SCOPES[1]
        options = SearchOptions(
            mode=MatchMode(st.session_state.get(SEARCH_MODE) or MatchMode.ALL_WORDS),
            match_case=bool(st.session_state.get(SEARCH_CASE)),
            match_accents=bool(st.session_state.get(SEARCH_ACCENTS)),
            kind=SegmentKind(st.session_state.get(SEARCH_KIND) or SegmentKind.TURN),
            interview_ids=(interview_id,) if scope_this else None,
        )
        result = search_segments(ws, str(st.session_state.get(SEARCH_QUERY) or ""), options)
        keep_search_result(ws, result)  # decrypted passages: on the workspace, dropped on sign-out
        st.session_state[SEARCH_PICK] = list(range(len(result.hits)))

    _guarded(action)


def code_search_hits() -> None:
    """Code the passages kept in the review list, all in one transaction."""

    def action(ws: Workspace, _interview_id: str) -> None:
        result = search_result(ws)
        if result is None:
            raise InvalidInputError(_("Search first."))
        chosen = [result.hits[i] for i in st.session_state.get(SEARCH_PICK) or [] if 0 <= i < len(result.hits)]
        done = code_passages(
            ws,
            list(st.session_state.get(SEARCH_CODES) or []),
            [Passage(h.interview_id, h.start, h.end) for h in chosen],
        )
        if done.skipped:
            message = _("Added {added} codings to {passages} passages; {skipped} were already coded so.")
        else:
            message = _("Added {added} codings to {passages} passages.")
        flash("success", message.format(added=done.added, passages=len(chosen), skipped=done.skipped))

    _guarded(action)
