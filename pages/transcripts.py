"""Transcripts: read one interview with its speaker turns, coding highlights and memos."""

import html

import streamlit as st

from workbench.i18n import gettext as _
from workbench.services.codebook.names import shown_name
from workbench.services.interviews import list_interviews, view_transcript
from workbench.services.visibility import coders_visible_to
from workbench.ui import interview_url, session
from workbench.ui.components import assets
from workbench.ui.components.markup import code_numbers, view_html
from workbench.ui.render import legend_html
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace

ws = require_workspace()
st.title(_("Transcripts"))
st.caption(_("Pick an interview to read it with its codings highlighted. Every opening is recorded in the audit log."))
with session.shown_errors():
    interviews = [i for i in list_interviews(ws) if i.shredded_at is None]
    if not interviews:
        st.info(_("No readable interviews yet."))
        st.stop()
    labels = {
        i.id: _("{participant} · wave {wave} · {title} ({id})").format(
            participant=i.participant_code or "-", wave=i.wave or "-", title=i.title, id=i.short_id
        )
        for i in interviews
    }
    chosen = st.selectbox(_("Interview"), list(labels), format_func=labels.__getitem__,
                          index=interview_url.start_index(interviews))  # fmt: skip
    interview_url.remember(next(i for i in interviews if i.id == chosen))
    view = view_transcript(ws, chosen)
    if coders_visible_to(ws) is not None:
        st.caption(_("Blind coding is on: you see only your own codings until a lead opens the comparison."))
    text_col, side_col = st.columns([3, 1])
    with text_col:
        # The Code page's markup, read-only: a numbered badge where each coding starts and one
        # underline band per coding, so overlapping codings can be told apart without colour.
        numbers = code_numbers(list(view.codes.values()))
        markup = view_html(view.transcript.text, view.transcript.turns, view.codings, numbers, read_only=True)
        style = f"<style>{assets.CSS}.wbc-static{{cursor:default}}</style>"
        label = html.escape(_("Transcript"))
        st.html(f'{style}<div class="wbc-root" role="document" aria-label="{label}">{markup}</div>')
    with side_col:
        st.subheader(_("Codes used"))
        st.html(legend_html(view.codes, {c.code_id for c in view.codings}))
        st.subheader(_("Memos"))
        memos = [c for c in view.codings if c.memo]
        if not memos and not view.memos:
            st.caption(_("No memos on this interview."))
        for c in memos:
            st.caption(f"{md(shown_name(view.codes[c.code_id]))} · {md(c.coder)}")
            st.text(c.memo)
        for author, text, when in view.memos:
            st.caption(_("Interview memo · {author} · {when}").format(author=md(author), when=md(when)))
            st.text(text)
