"""Suggestions: uncoded sentences that resemble a code's coded examples; accept or reject each."""

import streamlit as st

from workbench.services.code_suggestions import Suggestion, accept_suggestion, reject_suggestion, suggestions
from workbench.services.codebook.queries import list_codes
from workbench.ui import session
from workbench.ui.safe_text import md, quote
from workbench.ui.unlock import require_workspace

FOUND = "suggestions_found"
ALL_CODES = "All codes with examples"

ws = require_workspace()
st.title("Suggestions")
st.caption(
    "Participant sentences nobody you can see has coded yet that are semantically close to the passages "
    "already coded with a code. Accepting one makes it your coding, marked as suggested; a rejected sentence "
    "is not suggested to you again for that code."
)


def decide(item: Suggestion, accept: bool) -> None:
    with session.shown_errors():
        if accept:
            accept_suggestion(ws, item)
            st.session_state["suggestion_message"] = f"Coded as {item.code_name}."
        else:
            reject_suggestion(ws, item)
            st.session_state["suggestion_message"] = "Rejected; it will not be suggested again."
        st.session_state[FOUND] = [s for s in st.session_state.get(FOUND, []) if s != item]


with session.shown_errors():
    codes = {c.name: c.id for c in list_codes(ws) if c.codable}
    cols = st.columns([3, 1])
    choice = cols[0].selectbox("Code", [ALL_CODES, *codes])
    per_code = cols[1].number_input("Per code", min_value=1, max_value=20, value=5)
    if st.button("Find suggestions", type="primary"):
        bar = st.progress(0.0, text="Embedding sentences…")

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=f"{stage.capitalize()}… {done}/{total}")

        st.session_state[FOUND] = suggestions(ws, code_id=codes.get(choice), per_code=int(per_code),
                                              on_progress=progress)  # fmt: skip
        bar.empty()
    message = st.session_state.pop("suggestion_message", None)
    if message:
        st.success(message)
    found: list[Suggestion] = st.session_state.get(FOUND, [])
    if FOUND in st.session_state and not found:
        st.info("No suggestions: code a few passages first, or every close sentence is already decided.")
    for index, item in enumerate(found):
        with st.container(border=True):
            st.caption(f"**{md(item.code_name)}** · {md(item.participant_code or '-')} · {md(item.interview_title)} · "
                       f"similarity {item.score:.2f}")  # fmt: skip
            st.markdown(quote(item.text))
            st.caption(f"Closest coded example: “{md(item.example[:200])}”")
            left, right = st.columns(2)
            left.button("Accept", key=f"accept-{index}", on_click=decide, args=(item, True), type="primary")
            right.button("Reject", key=f"reject-{index}", on_click=decide, args=(item, False))
