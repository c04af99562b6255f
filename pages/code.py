"""Code: one transcript with its codings, the numbered codebook beside it, coding by search."""

import streamlit as st

from workbench.domain.models import SegmentKind
from workbench.i18n import gettext as _
from workbench.services.codebook.proposals import open_proposals
from workbench.services.coding import codable_turns, codebook, interview_codings, uncoded_turns
from workbench.services.coding_search import MatchMode
from workbench.services.interviews import list_interviews
from workbench.services.visibility import coders_visible_to
from workbench.ui import interview_url, session
from workbench.ui.components import code_callbacks as act
from workbench.ui.components import code_panels as panels
from workbench.ui.components import code_state as cs
from workbench.ui.components.markup import code_numbers
from workbench.ui.components.text_view import text_view
from workbench.ui.life_event_form import life_event_panel
from workbench.ui.unlock import require_workspace

ws = require_workspace()
st.title(_("Code"))
st.caption(
    _(
        "Select text (or click a sentence, or a speaker for the whole turn), then type a code's number or press "
        "Apply. Every change is recorded with you as the coder."
    )
)
with session.shown_errors():
    interviews = [i for i in list_interviews(ws) if i.shredded_at is None]
    if not interviews:
        st.info(_("No readable interviews yet: import transcripts first."))
        st.stop()
    labels = {
        i.id: _("{participant} · wave {wave} · {title} ({id})").format(
            participant=i.participant_code or "-", wave=i.wave or "-", title=i.title, id=i.short_id
        )
        for i in interviews
    }
    interview_id = st.selectbox(_("Interview"), list(labels), format_func=labels.__getitem__, key=cs.INTERVIEW,
                                index=interview_url.start_index(interviews),
                                on_change=cs.on_interview_change)  # fmt: skip
    interview_url.remember(next(i for i in interviews if i.id == interview_id))
    transcript = cs.transcript(ws, interview_id)
    linked = interview_url.take_passage(len(transcript.text))  # a quote's or a search hit's link
    if linked is not None:
        cs.set_pending(linked)
        turn = next((t for t in transcript.turns if t.start <= linked[0] < t.end), None)
        if turn is not None:
            cs.focus(turn.position)
    state = interview_codings(ws, interview_id)
    codes = codebook(ws)
    numbers = code_numbers(codes)
    visible = coders_visible_to(ws)
    # One container whatever it holds: an element appearing above the text view would shift its
    # position on the page, and Streamlit would mount the view anew (losing its scroll position).
    with st.container():
        flash = st.session_state.pop(cs.FLASH, None)
        if flash:
            getattr(st, flash[0])(flash[1])
        if visible is not None:
            st.caption(_("Blind coding is on: you see only your own codings until a lead opens the comparison."))

    text_col, side_col = st.columns([2, 1])  # the side column's buttons fit at 1024 pixels too
    with side_col:
        chosen = panels.chosen_coding(state.codings)
        if chosen is not None:  # opened from its badge: beside the text, not in a tab below it
            panels.coding_editor(ws, chosen, numbers)
        st.subheader(_("Codebook"))
        find = st.text_input(
            _("Find a code"),
            key=cs.FIND,
            placeholder=_("number or name"),
            on_change=act.pick_numbers,
            help=_("Numbers (3 or 3 7) and Enter add those codes; words filter the list."),
        )
        st.html(panels.codebook_html(codes, numbers, (find or "").strip().casefold()))
        st.multiselect(_("Codes to apply"), list(numbers), key=cs.CHOSEN, format_func=lambda c: numbers[c].label)
        span = cs.pending()
        if span:
            st.text(
                _("Selected characters {start} to {end} ({n}):").format(start=span[0], end=span[1], n=span[1] - span[0])
            )
            st.text(panels.preview(transcript.text[span[0] : span[1]]))
        else:
            st.caption(_("Nothing selected yet."))
        st.button(
            _("Apply"),
            type="primary",
            key="code.apply",
            on_click=act.apply_chosen,
            shortcut="Mod+Enter",
            width="stretch",
            icon=":material/sell:",
            help=_("Apply the chosen codes to the selection (Ctrl/Cmd+Enter)"),
        )
        # One under the other, each the column's width: side by side, half of a quarter of the page
        # cut their labels off.
        st.button(_("Previous uncoded"), key="code.prev", on_click=act.move_uncoded, args=(False,),
                  icon=":material/arrow_upward:", width="stretch")  # fmt: skip
        st.button(_("Next uncoded"), key="code.next", on_click=act.move_uncoded, args=(True,),
                  icon=":material/arrow_downward:", width="stretch")  # fmt: skip
        left = len(uncoded_turns(transcript.turns, state.codings))
        st.caption(_("{left} of {total} participant turns have none of the codings shown.").format(
            left=left, total=len(codable_turns(transcript.turns))))  # fmt: skip
        click = st.radio(
            _("A click in the text selects"),
            ["sentence", "turn", "none"],
            key=cs.CLICK,
            horizontal=True,
            format_func=lambda k: {"sentence": _("sentence"), "turn": _("turn"), "none": _("nothing")}[k],
        )
        panels.propose_panel(codes, open_proposals(ws))

    with text_col:
        focus = st.session_state.get(cs.FOCUS)
        # Where the user works (the selection's turn) is kept for a page switch or a reload: the view
        # scrolls back there when it opens anew.
        worked = next((t for t in transcript.turns if span and t.start <= span[0] < t.end), None)
        if worked is not None:
            interview_url.remember_place(interview_id, worked.position)
        place = interview_url.place(interview_id, len(transcript.turns))
        text_view(key=cs.VIEW, text=transcript.text, turns=transcript.turns, codings=state.codings, numbers=numbers,
                  pending=span, focus=focus, place=place, click=click, on_event=act.on_view_event,
                  sentences=[s for s in transcript.segments if s.kind is SegmentKind.SENTENCE],
                  scope=interview_id)  # fmt: skip

    codings_tab, memo_tab, search_tab, events_tab = st.tabs([_("Codings"), _("Interview memos"), _("Code by search"),
                                                             _("Life events")])  # fmt: skip
    with codings_tab:
        panels.codings_panel(state.codings, numbers)
    with memo_tab:
        panels.memos_panel(ws, state.memos)
    with search_tab:
        with st.form("code.search.form"):
            st.text_input(_("Words or phrase"), key=cs.SEARCH_QUERY, max_chars=200)
            st.radio(_("Match"), [m.value for m in MatchMode], key=cs.SEARCH_MODE, horizontal=True, format_func=_)
            st.radio(_("Look in"), ["turn", "sentence"], key=cs.SEARCH_KIND, horizontal=True,
                     format_func=lambda k: _("turns") if k == "turn" else _("sentences"))  # fmt: skip
            st.radio(_("Where"), cs.SCOPES, key=cs.SEARCH_SCOPE, horizontal=True, format_func=_)
            st.checkbox(_("Match case"), key=cs.SEARCH_CASE)
            st.checkbox(_("Match accents (ő ≠ o)"), key=cs.SEARCH_ACCENTS)
            st.form_submit_button(_("Search"), on_click=act.run_search)
        panels.search_panel(ws, numbers)
    with events_tab:
        life_event_panel(ws, interview_id, span)
