"""Record the selected span as a life event, on the Code page (issue 15).

The form is prefilled from the selection: the time ``services/events.py`` reads from the span
(or its turn), and the usual domain and direction of the chosen type; the researcher confirms or
edits and presses Record. Widget keys carry the span, so a new selection prefills the form anew.
Below the form, the events already recorded from this interview are listed.
"""

from __future__ import annotations

import streamlit as st

from workbench.domain.events import Direction, EventTime, LifeDomain, Precision, TimeKind
from workbench.domain.models import Code
from workbench.errors import InvalidInputError, WorkbenchError
from workbench.i18n import N_, current_language, ngettext
from workbench.i18n import gettext as _
from workbench.services import events as ev
from workbench.services.pathways import lane_names
from workbench.services.workspace import Workspace
from workbench.ui import session
from workbench.ui.components import code_state as cs
from workbench.ui.wording import counted, direction_name, precision_name

KINDS = {"age": TimeKind.AGE, "year": TimeKind.YEAR, "relative to the previous event": TimeKind.RELATIVE}
# The life-events table's columns (keys of ``event_rows``) and their headings.
_EVENT_COLUMNS = {"type": N_("type"), "age": N_("age"), "year": N_("year"), "domain": N_("domain"),
                  "direction": N_("direction"), "recorder": N_("recorder"), "memo": N_("memo")}  # fmt: skip
_KIND_LABELS = {
    "age": N_("age"),
    "year": N_("year"),
    "relative to the previous event": N_("relative to the previous event"),
}
_USUAL = "(usual for the type)"
FLASH = "code.event.flash"


def _prefill(ws: Workspace, interview_id: str, span: tuple[int, int]) -> EventTime | None:
    try:
        return ev.propose_time_for_span(ws, interview_id, *span, transcript=cs.transcript(ws, interview_id))
    except WorkbenchError:  # a prefill is a convenience; the form works without it
        return None


def life_event_panel(ws: Workspace, interview_id: str, span: tuple[int, int] | None) -> None:
    """The form for the pending selection and the list of this interview's events."""
    flash = st.session_state.pop(FLASH, None)
    if flash:
        st.success(flash)
    types = ev.event_types(ws)
    if not types:
        st.info(_("The codebook has no life-event types yet; a lead can pull codebooks/life-events.yaml."))
        return
    if span is None:
        st.caption(_("Select a passage to record it as a life event."))
    else:
        _form(ws, interview_id, span, types)
    rows = ev.event_rows(ws, ev.list_events(ws, interview_ref=interview_id))
    if rows:
        n = len(rows)
        st.caption(counted(n, ngettext("{n} life event recorded from this interview.",
                                       "{n} life events recorded from this interview.", n)))  # fmt: skip
        lanes = {d.value: name for d, name in lane_names(current_language()).items()}
        shown = [{**r, "domain": lanes.get(str(r["domain"]), r["domain"]),
                  "direction": direction_name(str(r["direction"]))} for r in rows]  # fmt: skip
        st.dataframe([{_(heading): r[k] for k, heading in _EVENT_COLUMNS.items()} for r in shown], hide_index=True)


def _form(ws: Workspace, interview_id: str, span: tuple[int, int], codes: list[Code]) -> None:
    proposed = _prefill(ws, interview_id, span)
    tag = f"{span[0]}.{span[1]}"
    kind_label = next((label for label, kind in KINDS.items() if proposed and proposed.kind is kind), "age")
    value = proposed.midpoint() if proposed is not None and proposed.kind is not TimeKind.DATE else None
    if proposed is not None and proposed.kind is TimeKind.DATE and proposed.date is not None:
        kind_label, value = "year", float(proposed.date.year)
    with st.form(f"code.event.form.{tag}"):
        st.caption(
            _("Record the selection as a life event (time read from the passage).")
            if proposed
            else _("Record the selection as a life event.")
        )
        type_id = st.selectbox(_("Event type"), [c.id for c in codes], key=f"code.event.type.{tag}",
                               format_func={c.id: c.name for c in codes}.__getitem__)  # fmt: skip
        kind = st.radio(_("Time"), list(KINDS), index=list(KINDS).index(kind_label), horizontal=True,
                        key=f"code.event.kind.{tag}", format_func=lambda k: _(_KIND_LABELS[k]))  # fmt: skip
        number = st.number_input(_("Age, year or years after"), value=value, step=1.0, key=f"code.event.value.{tag}")
        precision = st.selectbox(_("Precision"), [p.value for p in Precision if p is not Precision.RANGE],
                                 index=[p for p in Precision if p is not Precision.RANGE].index(
                                     proposed.precision if proposed and proposed.precision is not Precision.RANGE
                                     else Precision.EXACT),
                                 key=f"code.event.precision.{tag}", format_func=precision_name)  # fmt: skip
        lanes = lane_names(current_language())
        domain = st.selectbox(
            _("Life domain"),
            [_USUAL, *(d.value for d in LifeDomain)],
            key=f"code.event.domain.{tag}",
            format_func=lambda d: _("(usual for the type)") if d == _USUAL else lanes[LifeDomain(d)],
        )
        direction = st.selectbox(
            _("Direction"),
            [_USUAL, *(d.value for d in Direction)],
            key=f"code.event.direction.{tag}",
            format_func=lambda d: _("(usual for the type)") if d == _USUAL else direction_name(d),
        )
        memo = st.text_area(_("Memo"), key=f"code.event.memo.{tag}", max_chars=ev.MAX_MEMO)
        submitted = st.form_submit_button(_("Record life event"), type="primary", shortcut="Mod+Shift+Enter")
    if not submitted:
        return
    with session.shown_errors():
        if number is None:
            st.error(_("Say when it happened: give an age, a year or the years after the previous event."))
            return
        time = _time(ws, interview_id, span, kind=KINDS[kind], value=float(number), precision=Precision(precision),
                     proposed=proposed)  # fmt: skip
        event = ev.add_event(
            ws, type_ref=type_id, time=time, interview_ref=interview_id, start=span[0], end=span[1],
            domain=None if domain.startswith("(") else LifeDomain(domain),
            direction=None if direction.startswith("(") else Direction(direction), memo=memo or "",
        )  # fmt: skip
        st.session_state[FLASH] = _("Recorded life event {id} ({type}) for {participant}.").format(
            id=event.id[:8], type=event.type, participant=event.participant_code
        )
        st.rerun()


def _time(
    ws: Workspace, interview_id: str, span: tuple[int, int], *, kind: TimeKind, value: float, precision: Precision,
    proposed: EventTime | None,
) -> EventTime:  # fmt: skip
    """The confirmed time; a relative one keeps the proposal's anchor, else the previous event's."""
    if kind is not TimeKind.RELATIVE:
        return EventTime(kind, value, precision)
    if proposed is not None and proposed.kind is TimeKind.RELATIVE:
        return EventTime(kind, value, precision, anchor_event_id=proposed.anchor_event_id,
                         anchor_type=proposed.anchor_type)  # fmt: skip
    events = ev.list_events(ws, interview_ref=interview_id)
    before = [e for e in events if e.anchor and e.anchor.start is not None and e.anchor.start < span[0]]
    anchor = max(before, key=lambda e: (e.anchor.start if e.anchor else None) or 0) if before else None
    if anchor is None:
        raise InvalidInputError(_("A time relative to the previous event needs an event recorded before this passage."))
    return EventTime(kind, value, precision, anchor_event_id=anchor.id)
