"""Suggestions: uncoded sentences that resemble a code's coded examples; accept or reject each."""

import streamlit as st

from workbench.i18n import format_number
from workbench.i18n import gettext as _
from workbench.services.code_suggestions import Suggestion, accept_suggestion, reject_suggestion, suggestions
from workbench.services.codebook.queries import list_codes
from workbench.ui import session
from workbench.ui.safe_text import md, quote
from workbench.ui.unlock import require_workspace

FOUND = "suggestions_found"
ALL_CODES = "*"  # the choice "every code with examples" (no code is named "*" in the selectbox's keys)

ws = require_workspace()
st.title(_("Suggestions"))
st.caption(
    _(
        "Participant sentences nobody you can see has coded yet that are semantically close to the passages "
        "already coded with a code. Accepting one makes it your coding, marked as suggested; a rejected sentence "
        "is not suggested to you again for that code."
    )
)


def decide(item: Suggestion, accept: bool) -> None:
    with session.shown_errors():
        if accept:
            accept_suggestion(ws, item)
            st.session_state["suggestion_message"] = _("Coded as {code}.").format(code=item.code_name)
        else:
            reject_suggestion(ws, item)
            st.session_state["suggestion_message"] = _("Rejected; it will not be suggested again.")
        st.session_state[FOUND] = [s for s in st.session_state.get(FOUND, []) if s != item]


with session.shown_errors():
    codes = {c.name: c.id for c in list_codes(ws) if c.codable}
    cols = st.columns([3, 1])
    choice = cols[0].selectbox(
        _("Code"), [ALL_CODES, *codes], format_func=lambda c: _("All codes with examples") if c == ALL_CODES else c
    )
    per_code = cols[1].number_input(_("Per code"), min_value=1, max_value=20, value=5)
    if st.button(_("Find suggestions"), type="primary"):
        bar = st.progress(0.0, text=_("Embedding sentences…"))

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=_("Embedding sentences…") + f" {done}/{total}")

        st.session_state[FOUND] = suggestions(ws, code_id=codes.get(choice), per_code=int(per_code),
                                              on_progress=progress)  # fmt: skip
        bar.empty()
    message = st.session_state.pop("suggestion_message", None)
    if message:
        st.success(message)
    found: list[Suggestion] = st.session_state.get(FOUND, [])
    if FOUND in st.session_state and not found:
        st.info(_("No suggestions: code a few passages first, or every close sentence is already decided."))
    for index, item in enumerate(found):
        with st.container(border=True):
            st.caption(f"**{md(item.code_name)}** · {md(item.participant_code or '-')} · {md(item.interview_title)} · "
                       + _("similarity {score}").format(score=format_number(item.score, 2)))  # fmt: skip
            st.markdown(quote(item.text))
            st.caption(_("Closest coded example: “{example}”").format(example=md(item.example[:200])))
            left, right = st.columns(2)
            left.button(_("Accept"), key=f"accept-{index}", on_click=decide, args=(item, True), type="primary")
            right.button(_("Reject"), key=f"reject-{index}", on_click=decide, args=(item, False))
