"""Which interview a researcher is on, kept in the URL (``?interview=<short id>``) and the session.

Streamlit forgets a page's widgets when the user moves to another page, and a reload starts a
new, locked session: without this, Code -> Retrieve -> Code or a reload (then sign-in) landed on
the first interview. The Code, Transcripts and Retrieve pages share one remembered interview:
the URL names it (so a reload or a bookmark finds it again after sign-in) and the session holds
it while the sidebar moves between pages (Streamlit drops query parameters on a page switch).
The short id is the interview's public handle (the CLI uses it too); it says nothing about the
person or their words.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from workbench.domain.models import InterviewSummary

PARAM = "interview"
CURRENT = "interview.current"  # the id of the interview last open on these pages, in this session
TURN = "turn"
"""``?turn=N``: the turn (counted from 1) last worked on in the interview, scrolled to when the Code page opens."""
PLACE = "interview.place"  # (interview id, turn position) last worked on, in this session


def wanted() -> str | None:
    """The interview asked for: the URL's short id first (reload, bookmark, link), else this session's."""
    value = st.query_params.get(PARAM)
    if isinstance(value, str) and value.strip():
        return value.strip().lower()
    current = st.session_state.get(CURRENT)
    return str(current) if current else None


def start_index(interviews: Sequence[InterviewSummary]) -> int:
    """Where an interview picker starts: the wanted interview, or the first one if it is not readable."""
    ref = wanted()
    if ref:
        for i, summary in enumerate(interviews):
            if ref in (summary.id, summary.short_id):
                return i
    return 0


def remember(summary: InterviewSummary) -> None:
    """Put the shown interview in the URL and the session, for the next page or reload."""
    st.session_state[CURRENT] = summary.id
    if st.query_params.get(PARAM) != summary.short_id:
        st.query_params[PARAM] = summary.short_id


def keep_in_url() -> None:
    """On a page without an interview picker (Retrieve): keep the remembered interview in the URL."""
    ref = wanted()
    if ref and st.query_params.get(PARAM) is None:
        st.query_params[PARAM] = ref[:8]
    if ref and CURRENT not in st.session_state:
        st.session_state[CURRENT] = ref


def remember_place(interview_id: str, position: int) -> None:
    """Where in the interview the user works (the turn of the selection), for the next page or reload.

    A turn number says where, never what: it is kept in the URL like the interview's short id.
    """
    st.session_state[PLACE] = (interview_id, position)
    if st.query_params.get(TURN) != str(position + 1):
        st.query_params[TURN] = str(position + 1)


def place(interview_id: str, turn_count: int) -> int | None:
    """The turn to scroll to when the view opens: the URL's (a reload), else this session's (a page switch)."""
    value = st.query_params.get(TURN)
    if isinstance(value, str) and value.strip().isdigit() and 1 <= int(value) <= turn_count:
        return int(value) - 1
    kept = st.session_state.get(PLACE)
    if isinstance(kept, tuple) and kept[0] == interview_id and 0 <= kept[1] < turn_count:
        position: int = kept[1]
        if st.query_params.get(TURN) != str(position + 1):
            st.query_params[TURN] = str(position + 1)
        return position
    return None


def forget_place() -> None:
    """Another interview was chosen: the old one's turn means nothing in it."""
    st.session_state.pop(PLACE, None)
    if TURN in st.query_params:
        del st.query_params[TURN]


PASSAGE = "at"
"""``?at=START-END``: a passage of the interview (code points), selected and scrolled to on the Code page."""


def passage_link(short_id: str, start: int, end: int) -> dict[str, str]:
    """Query parameters of a link to one passage on the Code page (offsets, never text)."""
    return {PARAM: short_id, PASSAGE: f"{start}-{end}"}


def take_passage(text_length: int) -> tuple[int, int] | None:
    """The passage a link asked for, once: the parameter is removed so a rerun does not jump back."""
    value = st.query_params.get(PASSAGE)
    if value is None:
        return None
    del st.query_params[PASSAGE]
    try:
        start, end = (int(part) for part in str(value).split("-", 1))
    except ValueError:
        return None
    return (start, end) if 0 <= start < end <= text_length else None
