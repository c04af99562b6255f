"""The Code page's session state and the actions its widgets trigger.

Widgets and the text view act through callbacks, which Streamlit runs *before* the page
script, so an applied coding shows in the same run instead of needing a second one. Each
callback calls one service; a message for the page (success or a ``WorkbenchError``, whose
text never holds interview content) is left in session state for the page to show.

The decrypted transcript being coded and the latest search hits are kept on the session's own
``Workspace`` object (one browser session; dropped with it on sign-out or the idle timeout),
never in ``st.session_state`` values that outlive it, nor in a Streamlit cache shared between
users.
"""

from __future__ import annotations

import html
import itertools
import logging
import uuid
from collections.abc import Callable

import streamlit as st

from workbench.domain.models import Code, Coding, Role, SegmentKind, Transcript
from workbench.domain.records import InterviewMemo
from workbench.errors import InvalidInputError, WorkbenchError
from workbench.services.coding import (
    MAX_MEMO_CHARS,
    add_interview_memo,
    adjust_coding,
    apply_codes,
    codebook,
    delete_interview_memo,
    interview_codings,
    neighbour_uncoded_turn,
    open_for_coding,
    remove_coding,
    set_coding_memo,
)
from workbench.services.coding_search import (
    MatchMode,
    Passage,
    SearchOptions,
    SearchResult,
    code_passages,
    search_segments,
)
from workbench.services.workspace import Workspace
from workbench.ui import session
from workbench.ui.components.markup import Numbered, code_numbers
from workbench.ui.components.text_view import raw_event, read_event
from workbench.ui.render import safe_color
from workbench.ui.safe_text import md

INTERVIEW = "code.interview"
VIEW = "code.view"
PENDING = "code.pending"
CHOSEN = "code.chosen"
FIND = "code.find"
FOCUS = "code.focus"
CODING = "code.coding"
FLASH = "code.flash"
CLICK = "code.click"
_CACHE_ATTR = "_code_page_transcript"
_tokens = itertools.count(1)
log = logging.getLogger("workbench.ui")


# -- the cached transcript -------------------------------------------------------------


def transcript(ws: Workspace, interview_id: str) -> Transcript:
    """The decrypted transcript, opened (and audited) once per interview chosen in this session."""
    cached: Transcript | None = getattr(ws, _CACHE_ATTR, None)
    if cached is None or cached.summary.id != interview_id:
        cached = open_for_coding(ws, interview_id)
        setattr(ws, _CACHE_ATTR, cached)  # the session's own workspace, dropped on lock
    return cached


# -- small state helpers ------------------------------------------------------------------


def flash(kind: str, message: str) -> None:
    st.session_state[FLASH] = (kind, message)


def pending() -> tuple[int, int] | None:
    value = st.session_state.get(PENDING)
    return (int(value[0]), int(value[1])) if value else None


def set_pending(span: tuple[int, int] | None) -> None:
    st.session_state[PENDING] = span


def focus(turn: int) -> None:
    st.session_state[FOCUS] = (turn, next(_tokens))


def on_interview_change() -> None:
    set_pending(None)
    st.session_state.pop(FOCUS, None)
    st.session_state.pop(CODING, None)


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
        flash("error", f"Something went wrong ({type(exc).__name__}, reference {ref}). No data was lost.")


def _codes(ws: Workspace) -> list[Code]:
    return codebook(ws)


# -- applying codes -------------------------------------------------------------------


def _apply(ws: Workspace, interview_id: str, code_ids: list[str], span: tuple[int, int] | None) -> None:
    if span is None:
        raise InvalidInputError("Select some text in the transcript first (or click a sentence or a speaker).")
    if not code_ids:
        raise InvalidInputError("Choose a code to apply (type its number, or pick it under Codes to apply).")
    added = apply_codes(ws, interview_id, code_ids, *span)
    numbers = code_numbers(_codes(ws))
    names = ", ".join(numbers[c.code_id].label for c in added if c.code_id in numbers)
    flash("success", f"Coded characters {span[0]} to {span[1]} with {names}.")
    set_pending(None)


def apply_chosen() -> None:
    """The Apply button: the codes under *Codes to apply* on the pending selection."""
    _guarded(lambda ws, iid: _apply(ws, iid, list(st.session_state.get(CHOSEN) or []), pending()))


def on_view_event(name: str) -> None:
    """What the user did in the text view (runs as the component's callback)."""
    _guarded(lambda ws, iid: handle_view_event(ws, iid, name, raw_event(VIEW, name)))


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
            raise InvalidInputError(f"No code has the number {event.number}; the numbers are listed beside the text.")
        _apply(ws, interview_id, [numbers[event.number]], event.span or pending())
    elif event.kind == "coding":
        st.session_state[CODING] = event.coding_id
    elif event.kind == "clear":
        set_pending(None)


def pick_numbers() -> None:
    """The code search box: numbers typed there (``3`` or ``3 7``) are added to *Codes to apply*."""
    ws = session.workspace()
    value = str(st.session_state.get(FIND) or "").replace(",", " ").split()
    if ws is None or not value or not all(v.isdigit() for v in value):
        return
    by_number = {n.number: code_id for code_id, n in code_numbers(_codes(ws)).items()}
    unknown = [v for v in value if int(v) not in by_number]
    if unknown:
        flash("error", f"No code has the number {unknown[0]}.")
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
            flash("info", "Every turn has at least one of your codings.")
            return
        set_pending((turn.start, turn.end))
        focus(turn.position)

    _guarded(action)


# -- changing a coding ------------------------------------------------------------------


def remove_selected(coding_id: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        remove_coding(ws, coding_id)
        st.session_state.pop(CODING, None)
        flash("success", "The coding was removed.")

    _guarded(action)


def adjust_selected(coding_id: str, start_key: str, end_key: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        adjust_coding(ws, coding_id, int(st.session_state[start_key]), int(st.session_state[end_key]))
        flash("success", "The coding's span was changed.")

    _guarded(action)


def adjust_to_pending(coding_id: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        span = pending()
        if span is None:
            raise InvalidInputError("Select the new span in the transcript first.")
        adjust_coding(ws, coding_id, *span)
        set_pending(None)
        flash("success", "The coding now covers the selected text.")

    _guarded(action)


def save_memo(coding_id: str, memo_key: str) -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        memo = str(st.session_state.get(memo_key) or "")
        set_coding_memo(ws, coding_id, memo)
        flash("success", "Memo saved." if memo.strip() else "Memo cleared.")

    _guarded(action)


# -- interview memos ------------------------------------------------------------------------

MEMO_NEW = "code.memo.new"
MEMO_PICK = "code.memo.pick"


def add_memo() -> None:
    def action(ws: Workspace, interview_id: str) -> None:
        add_interview_memo(ws, interview_id, str(st.session_state.get(MEMO_NEW) or ""))
        st.session_state[MEMO_NEW] = ""
        flash("success", "Memo added to the interview.")

    _guarded(action)


def delete_memo() -> None:
    def action(ws: Workspace, _interview_id: str) -> None:
        memo_id = st.session_state.get(MEMO_PICK)
        if not memo_id:
            raise InvalidInputError("Choose the memo to delete.")
        delete_interview_memo(ws, str(memo_id))
        flash("success", "Memo deleted.")

    _guarded(action)


# -- coding by search ---------------------------------------------------------------------

SEARCH_QUERY = "code.search.query"
SEARCH_MODE = "code.search.mode"
SEARCH_KIND = "code.search.kind"
SEARCH_CASE = "code.search.case"
SEARCH_ACCENTS = "code.search.accents"
SEARCH_SCOPE = "code.search.scope"
_SEARCH_ATTR = "_code_page_search"
SEARCH_PICK = "code.search.pick"
SEARCH_CODES = "code.search.codes"
SCOPES = ("all interviews", "this interview")


def search_result(ws: Workspace) -> SearchResult | None:
    result: SearchResult | None = getattr(ws, _SEARCH_ATTR, None)
    return result


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
        setattr(ws, _SEARCH_ATTR, result)  # decrypted passages: on the workspace, dropped on sign-out
        st.session_state[SEARCH_PICK] = list(range(len(result.hits)))

    _guarded(action)


def code_search_hits() -> None:
    """Code the passages kept in the review list, all in one transaction."""

    def action(ws: Workspace, _interview_id: str) -> None:
        result = search_result(ws)
        if result is None:
            raise InvalidInputError("Search first.")
        chosen = [result.hits[i] for i in st.session_state.get(SEARCH_PICK) or [] if 0 <= i < len(result.hits)]
        done = code_passages(
            ws,
            list(st.session_state.get(SEARCH_CODES) or []),
            [Passage(h.interview_id, h.start, h.end) for h in chosen],
        )
        skipped = f"; {done.skipped} were already coded so" if done.skipped else ""
        flash("success", f"Added {done.added} codings to {len(chosen)} passages{skipped}.")

    _guarded(action)


# -- panels (rendering) -----------------------------------------------------------------------


def preview(text: str, limit: int = 300) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def codebook_html(shown: list[Numbered], codes: list[Code]) -> str:
    """The numbered code list beside the text, escaped (code names come from imported codebooks)."""
    parents = {c.id: c.parent_id for c in codes}
    rows = []
    for numbered in shown:
        depth, parent = 0, numbered.code.parent_id
        while parent and depth < 8:
            depth, parent = depth + 1, parents.get(parent)
        code = numbered.code
        rows.append(
            f'<div class="wbc-code" style="margin-left:{depth}em" title="{html.escape(code.definition)}">'
            f'<span style="border:2px solid {safe_color(code.color)};border-radius:0.6em;padding:0 0.35em;'
            f'font-weight:700;font-size:0.8em">{numbered.number}</span> {html.escape(code.name)}</div>'
        )
    return "".join(rows) or "<div>No code matches.</div>"


def codings_panel(ws: Workspace, codings: list[Coding], numbers: dict[str, Numbered]) -> None:
    """The codings on this interview, and remove / adjust / memo for the one chosen."""
    if not codings:
        st.caption("No codings on this interview yet.")
        return
    st.dataframe(
        [
            {"code": numbers[c.code_id].label if c.code_id in numbers else "?", "coder": c.coder, "start": c.start,
             "end": c.end, "passage": preview(c.text, 120), "memo": preview(c.memo or "", 80)}
            for c in codings
        ],
        hide_index=True,
        height=min(400, 38 + 35 * len(codings)),
    )  # fmt: skip
    by_id = {c.id: c for c in codings}
    if st.session_state.get(CODING) not in by_id:
        st.session_state.pop(CODING, None)
    chosen = st.selectbox(
        "Coding to change (or click its numbered badge in the text)",
        list(by_id),
        index=None,
        key=CODING,
        format_func=lambda cid: _coding_label(by_id[cid], numbers),
    )
    if chosen is None:
        return
    coding = by_id[chosen]
    may_change = coding.coder == ws.user.name or ws.user.role in (Role.LEAD, Role.ADMIN)
    st.text(preview(coding.text, 600))
    start_col, end_col = st.columns(2)
    start_key, end_key = f"code.adj.start.{chosen}", f"code.adj.end.{chosen}"
    start_col.number_input("Start", min_value=0, value=coding.start, step=1, key=start_key, disabled=not may_change)
    end_col.number_input("End", min_value=1, value=coding.end, step=1, key=end_key, disabled=not may_change)
    memo_key = f"code.memo.{chosen}"
    st.text_area("Memo on this coding", value=coding.memo or "", key=memo_key, disabled=not may_change,
                 max_chars=MAX_MEMO_CHARS)  # fmt: skip
    buttons = st.columns(4)
    buttons[0].button("Save span", key="code.adj.save", disabled=not may_change,
                      on_click=adjust_selected, args=(chosen, start_key, end_key))  # fmt: skip
    buttons[1].button("Use selection as span", key="code.adj.pending", disabled=not may_change,
                      on_click=adjust_to_pending, args=(chosen,))  # fmt: skip
    buttons[2].button("Save memo", key="code.memo.save", disabled=not may_change,
                      on_click=save_memo, args=(chosen, memo_key))  # fmt: skip
    buttons[3].button("Remove coding", key="code.remove", disabled=not may_change,
                      on_click=remove_selected, args=(chosen,))  # fmt: skip
    if not may_change:
        st.caption("This coding is someone else's: only they, a lead or an admin may change it.")


def _coding_label(coding: Coding, numbers: dict[str, Numbered]) -> str:
    name = numbers[coding.code_id].label if coding.code_id in numbers else "?"
    return f"{name} · {coding.coder} · {coding.start}-{coding.end} · {preview(coding.text, 50)}"


def memos_panel(ws: Workspace, memos: list[InterviewMemo]) -> None:
    if not memos:
        st.caption("No memos on this interview yet.")
    for memo in memos:
        st.caption(f"{md(memo.author)} · {memo.created_at.isoformat(timespec='minutes')}")
        st.text(memo.text)
    st.text_area("New memo on this interview", key=MEMO_NEW, max_chars=MAX_MEMO_CHARS)
    st.button("Add memo", key="code.memo.add", on_click=add_memo)
    deletable = {m.id: m for m in memos if m.author == ws.user.name or ws.user.role in (Role.LEAD, Role.ADMIN)}
    if deletable:
        st.selectbox("Memo to delete", list(deletable), index=None, key=MEMO_PICK,
                     format_func=lambda m: f"{deletable[m].author} · {preview(deletable[m].text, 60)}")  # fmt: skip
        st.button("Delete memo", key="code.memo.delete", on_click=delete_memo)


def search_panel(ws: Workspace, numbers: dict[str, Numbered]) -> None:
    result = search_result(ws)
    if result is None:
        st.caption("Find turns or sentences by words (each word matches word starts: börtön finds börtönben) "
                   "or by a phrase, review them, then code the ones you keep at once.")  # fmt: skip
        return
    more = f" (showing the first {len(result.hits)})" if result.truncated else ""
    st.caption(f"{len(result.hits)} passages match among {result.searched} searched{more}.")
    if not result.hits:
        return
    hits = result.hits
    st.dataframe(
        [{"#": i + 1, "interview": h.interview_label, "where": f"{h.kind.value} {h.position + 1}",
          "speaker": h.speaker, "passage": preview(h.text, 200)} for i, h in enumerate(hits)],
        hide_index=True,
    )  # fmt: skip
    st.multiselect("Passages to code (remove the ones that do not fit)", list(range(len(hits))), key=SEARCH_PICK,
                   format_func=lambda i: f"#{i + 1} · {hits[i].interview_label} · {hits[i].kind.value} "
                                         f"{hits[i].position + 1}")  # fmt: skip
    st.multiselect("Codes", list(numbers), key=SEARCH_CODES, format_func=lambda c: numbers[c].label)
    st.button("Code the chosen passages", key="code.search.apply", type="primary", on_click=code_search_hits)
