"""Timeline: one participant's life events by age (or calendar year), one lane per life domain."""

import streamlit as st

from workbench.domain.permissions import Action, allowed
from workbench.i18n import gettext as _
from workbench.services.participants import participant_codes
from workbench.services.pathways import (
    participant_timeline,
    released_participant_timeline,
    released_timeline_participants,
)
from workbench.ui import session
from workbench.ui.components import code_state as cs
from workbench.ui.life_figures import timeline_figure
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import role_name

PICKED = "timeline.event"

ws = require_workspace()
st.title(_("Timeline"))
st.caption(
    _(
        "A participant's life events from all their interviews and waves: colour is the event type, the shape its "
        "direction (▲ towards extremism, ▼ away, ● neutral), open marks come from later waves. Hover for the quote; "
        "click a mark (or pick the event below) to open its passage on the Code page."
    )
)


def open_passage(interview_id: str, start: int, end: int) -> None:
    """Point the Code page at the event's passage: its interview chosen, the span selected."""
    st.session_state[cs.INTERVIEW] = interview_id
    cs.on_interview_change()
    cs.set_pending((start, end))


with session.shown_errors():
    reads_events = allowed(ws.user, Action.READ_TRANSCRIPTS)
    if not reads_events and not allowed(ws.user, Action.EXPORT):
        st.info(_("Your role ({role}) may not see life events.").format(role=role_name(ws.user.role)))
        st.stop()
    codes = participant_codes(ws) if reads_events else released_timeline_participants(ws)
    if not codes:
        st.info(_("No participants yet: add them on the Participants page.") if reads_events else
                _("Nothing has been released yet: a lead releases the de-identified material first."))  # fmt: skip
        st.stop()
    cols = st.columns([2, 1])
    code = cols[0].selectbox(_("Participant"), codes, key="timeline.participant")
    if reads_events:
        calendar = (
            cols[1].radio(
                _("Axis"),
                ["Age", "Calendar year"],
                horizontal=True,
                key="timeline.axis",
                format_func=lambda a: _("Age") if a == "Age" else _("Calendar year"),
            )
            != "Age"
        )
        timeline = participant_timeline(ws, code, calendar=calendar)
    else:
        cols[1].caption(_("From the release: pseudonyms, ages in whole years, de-identified quotes."))
        timeline = released_participant_timeline(ws, code)
    if not timeline.points:
        st.info(_("No dated events for this participant yet: record them from a passage on the Code page."))
    else:
        figure = timeline_figure(timeline.points, timeline.lanes, axis_title=timeline.axis_title)
        chosen = st.plotly_chart(figure, on_select="rerun", selection_mode="points", key="timeline.chart")
        points = (chosen or {}).get("selection", {}).get("points", []) if chosen else []
        clicked = str(points[0]["customdata"][0]) if points and points[0].get("customdata") else None
        if clicked in {p.event_id for p in timeline.points}:
            st.session_state[PICKED] = clicked
    if timeline.undated:
        st.caption(_("{n} event(s) have no age or year that places them (a year needs the participant's birth "
                     "year or age attribute).").format(n=timeline.undated))  # fmt: skip
    labels = {p.event_id: f"{p.time_text} · {p.type} · {p.lane}" for p in timeline.points}
    if labels:
        picked = st.selectbox(_("Event"), list(labels), format_func=labels.__getitem__, key=PICKED)
        point = next(p for p in timeline.points if p.event_id == picked)
        if point.quote:
            st.markdown(f"> {md(point.quote)}")
        anchor = timeline.anchors.get(picked)
        if not reads_events:
            pass  # writers do not read transcripts: there is no passage to open
        elif anchor is None:
            st.caption(_("This event was not recorded from a passage."))
        elif st.button(_("Open the passage on the Code page"), icon=":material/sell:",
                       on_click=open_passage, args=anchor):  # fmt: skip
            st.switch_page("pages/code.py")
