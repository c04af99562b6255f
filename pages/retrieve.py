"""Retrieve: coded passages with context, code frequencies, co-occurrence and code-by-attribute tables."""

import html

import streamlit as st

from workbench.analysis.tables import (
    PASSAGE_COLUMNS,
    attribute_columns,
    attribute_rows,
    cooccurrence_columns,
    cooccurrence_rows,
    frequency_columns,
    frequency_rows,
    labelled,
    passage_rows,
    progress_rows,
    to_csv,
)
from workbench.domain.analysis import CodedPassage
from workbench.domain.attributes import AttributeType
from workbench.domain.models import Role
from workbench.i18n import N_, ngettext
from workbench.i18n import gettext as _
from workbench.services.participants import attribute_definitions
from workbench.services.retrieval import (
    code_by_attribute,
    code_frequencies,
    coded_passages,
    coding_progress,
    cooccurrence,
    snapshot,
)
from workbench.services.visibility import blind_state
from workbench.ui import interview_url, session
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import counted


def _group(passages: list[CodedPassage]) -> list[list[CodedPassage]]:
    """One entry per passage and code, holding every coder's coding of it (in first-seen order).

    Several coders coding the same words with the same code is agreement, not several passages:
    shown once, with who coded it, the list reads as the text does.
    """
    groups: dict[tuple[str, str, int, int], list[CodedPassage]] = {}
    for p in passages:
        groups.setdefault((p.interview_id, p.code_id, p.start, p.end), []).append(p)
    return list(groups.values())


VIEWS = [N_("Passages"), N_("Frequencies"), N_("Co-occurrence"), N_("Code by attribute"), N_("Progress")]
MAX_SHOWN = 200

ws = require_workspace()
st.title(_("Retrieve"))
st.caption(
    _(
        "Every passage coded with a code (and its sub-codes) across interviews, with context; how often each "
        "code was used; which codes share speaker turns; codes by participant attribute. Tables download as CSV."
    )
)
with session.shown_errors():
    interview_url.keep_in_url()
    blind, opened = blind_state(ws)
    if ws.user.role is Role.RESEARCHER and blind and not opened:
        st.info(_("Blind coding: you see only your own codings until a lead opens the comparison."))
    view = st.radio(_("Show"), VIEWS, horizontal=True, label_visibility="collapsed", format_func=_)
    verified = snapshot(ws)  # the manifests checked once for this run of the page
    frequencies = code_frequencies(ws, snapshot=verified)

    if view == "Passages":
        labels = {f.code_id: f"{'  ' * f.depth}{f.code_name} ({f.codings_with_children})" for f in frequencies}
        code_id = st.selectbox(_("Code"), list(labels), format_func=labels.__getitem__)
        cols = st.columns([1, 2, 1])
        include = cols[0].checkbox(_("Include sub-codes"), value=True)
        coders = sorted({name for f in frequencies for name in f.by_coder})
        chosen = cols[1].multiselect(_("Coders"), coders, placeholder=_("All coders"))
        context = cols[2].slider(_("Context (characters)"), 0, 500, 200, step=50)
        filters: dict[str, object] = {}
        groupable = [d for d in attribute_definitions(ws) if d.type is AttributeType.CATEGORY]
        if groupable:
            with st.expander(_("Filter by participant attribute")):
                for definition in groupable:
                    values = st.multiselect(md(definition.name), definition.categories, key=f"filter-{definition.name}")
                    if values:
                        filters[definition.name] = values
        passages = coded_passages(ws, code_id, include_children=include, coders=chosen or None,
                                  participant_filter=filters, context_chars=context, snapshot=verified)  # fmt: skip
        grouped = _group(passages)
        interviews_hit = len({p.interview_id for p in passages})
        st.caption(_("{passages} ({codings}) in {interviews}.").format(
            passages=counted(len(grouped), ngettext("{n} passage", "{n} passages", len(grouped))),
            codings=counted(len(passages), ngettext("{n} coding", "{n} codings", len(passages))),
            interviews=counted(interviews_hit, ngettext("{n} interview", "{n} interviews", interviews_hit)),
        ))  # fmt: skip
        st.download_button(_("Download CSV"), to_csv(passage_rows(passages), PASSAGE_COLUMNS),
                           file_name="passages.csv", mime="text/csv",
                           help=_("Holds decrypted interview text: keep the file in the secure environment."),
                           )  # fmt: skip
        for same in grouped[:MAX_SHOWN]:
            p = same[0]
            coders = ", ".join(sorted({q.coder for q in same}))
            with st.container(border=True):
                st.caption(_("{participant} · wave {wave} · {title} · {code} · coded by {coders}").format(
                    participant=md(p.participant_code or "-"), wave=md(p.wave or "-"), title=md(p.interview_title),
                    code=md(p.code_name), coders=md(coders)))  # fmt: skip
                st.html(
                    f'<div style="line-height:1.6"><span style="color:#666">…{html.escape(p.before)}</span>'
                    f'<mark style="background:#FFE08A">{html.escape(p.text)}</mark>'
                    f'<span style="color:#666">{html.escape(p.after)}…</span></div>'
                )
                for q in same:
                    if q.memo:
                        st.caption(_("Memo ({coder})").format(coder=md(q.coder)))
                        st.text(q.memo)
        if len(grouped) > MAX_SHOWN:
            st.caption(
                _("Showing the first {shown}; the CSV holds all {codings}.").format(
                    shown=MAX_SHOWN,
                    codings=counted(len(passages), ngettext("{n} coding", "{n} codings", len(passages))),
                )
            )

    elif view == "Frequencies":
        rows = frequency_rows(frequencies)
        columns = frequency_columns(frequencies)
        st.dataframe(labelled(rows, columns), hide_index=True)
        st.download_button(_("Download CSV"), to_csv(rows, columns), file_name="frequencies.csv", mime="text/csv")

    elif view == "Co-occurrence":
        matrix = cooccurrence(ws, snapshot=verified)
        st.caption(_("Speaker turns coded with both codes (by any coder you can see); the diagonal: with that code."))
        rows = cooccurrence_rows(matrix)
        st.dataframe(labelled(rows, cooccurrence_columns(matrix)), hide_index=True)
        st.download_button(_("Download CSV"), to_csv(rows, cooccurrence_columns(matrix)),
                           file_name="cooccurrence.csv", mime="text/csv")  # fmt: skip

    elif view == "Code by attribute":
        names = [d.name for d in attribute_definitions(ws) if d.type is not AttributeType.TEXT]
        if not names:
            st.info(_("No participant attributes to group by yet."))
            st.stop()
        attribute = st.selectbox(_("Participant attribute"), names)
        table = code_by_attribute(ws, attribute, snapshot=verified)
        st.caption(_("Codings per code and attribute value; the first row counts the participants with each value."))
        rows = attribute_rows(table)
        st.dataframe(labelled(rows, attribute_columns(table)), hide_index=True)
        st.download_button(_("Download CSV"), to_csv(rows, attribute_columns(table)),
                           file_name=f"codes-by-{attribute}.csv", mime="text/csv")  # fmt: skip

    else:
        rows = progress_rows(coding_progress(ws, snapshot=verified))
        st.caption(_("Codings and coded speaker turns per interview and coder."))
        st.dataframe(labelled(rows), hide_index=True)
        st.download_button(_("Download CSV"), to_csv(rows), file_name="progress.csv", mime="text/csv")
