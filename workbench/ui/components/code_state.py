"""The Code page's session state: widget keys, the pending selection, messages, cached results.

The decrypted transcript being coded and the latest search hits are kept on the session's own
``Workspace`` object (one browser session; dropped with it on sign-out or the idle timeout),
never in ``st.session_state`` values that outlive it, nor in a Streamlit cache shared between
users. The callbacks that change this state are in ``code_callbacks.py``; what the page draws
from it is in ``code_panels.py``.
"""

from __future__ import annotations

import itertools

import streamlit as st

from workbench.domain.models import Transcript
from workbench.i18n import N_
from workbench.services.coding import open_for_coding
from workbench.services.coding_search import SearchResult
from workbench.services.workspace import Workspace
from workbench.ui import interview_url

INTERVIEW = "code.interview"
VIEW = "code.view"
PENDING = "code.pending"
CHOSEN = "code.chosen"
FIND = "code.find"
FOCUS = "code.focus"
CODING = "code.coding"
FLASH = "code.flash"
CLICK = "code.click"
MEMO_NEW = "code.memo.new"
MEMO_PICK = "code.memo.pick"
SEARCH_QUERY = "code.search.query"
SEARCH_MODE = "code.search.mode"
SEARCH_KIND = "code.search.kind"
SEARCH_CASE = "code.search.case"
SEARCH_ACCENTS = "code.search.accents"
SEARCH_SCOPE = "code.search.scope"
SEARCH_PICK = "code.search.pick"
SEARCH_CODES = "code.search.codes"
PROPOSE_NAME = "code.propose.name"
PROPOSE_DEFINITION = "code.propose.definition"
PROPOSE_PARENT = "code.propose.parent"
SCOPES = (N_("all interviews"), N_("this interview"))  # shown through _()
_CACHE_ATTR = "_code_page_transcript"
_SEARCH_ATTR = "_code_page_search"
_tokens = itertools.count(1)


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
    interview_url.forget_place()
    set_pending(None)
    st.session_state.pop(FOCUS, None)
    st.session_state.pop(CODING, None)


def search_result(ws: Workspace) -> SearchResult | None:
    """The latest search hits of this session (decrypted passages, kept on the workspace)."""
    result: SearchResult | None = getattr(ws, _SEARCH_ATTR, None)
    return result


def keep_search_result(ws: Workspace, result: SearchResult) -> None:
    """Keep search hits on the session's own workspace, so they go with it on sign-out."""
    setattr(ws, _SEARCH_ATTR, result)
