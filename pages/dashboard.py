"""Dashboard (leads and admins): themes across interviews, codes, co-occurrence and coding progress."""

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from workbench.analysis.tables import Heading, cooccurrence_rows, frequency_rows, labelled, progress_rows, to_csv
from workbench.i18n import N_, format_datetime
from workbench.i18n import gettext as _
from workbench.nlp.theme_labels import label
from workbench.services.codebook.queries import list_codes
from workbench.services.interviews import list_interviews
from workbench.services.retrieval import code_frequencies, coding_progress, cooccurrence, snapshot
from workbench.services.theme_labels import MAX_NAME_CHARS, rename_theme
from workbench.services.themes import (
    latest_themes,
    model_check,
    prevalence_attributes,
    record_download,
    run_themes,
    theme_prevalence,
)
from workbench.ui import session
from workbench.ui.interview_url import passage_link
from workbench.ui.safe_text import md
from workbench.ui.safe_text import quote as quote_md
from workbench.ui.unlock import require_workspace

ALL_TURNS = N_("All participant turns")
HOVER_CHARS = 100
RENAME_HELP = _(
    "Your own name for this theme. It is kept when the theme is found again in a later run; leave it empty "
    "for the keywords."
)
CSV_HELP = N_("The file leaves the encrypted project: keep it in the secure environment. The download is audited.")

ws = require_workspace()
st.title(_("Dashboard"))
st.caption(
    _(
        "Themes found by clustering what participants said (sentence embeddings, stored encrypted), how they relate "
        "to the codebook and to participant groups, and how coding is progressing. Charts download as PNG from "
        "their toolbar; tables as CSV."
    )
)


# The themes table's columns (the CSV writes them in the exporter's language, the page in the reader's).
_THEME, _LABEL, _PASSAGES = Heading(N_("theme")), Heading(N_("label")), Heading(N_("passages"))
_KEYWORDS, _CODES, _SHARE = Heading(N_("keywords")), Heading(N_("codes")), Heading(N_("share"))


def download(label: str, rows: list[dict[str, object]], name: str) -> None:
    st.download_button(label, to_csv(rows), file_name=f"{name}.csv", mime="text/csv", help=_(CSV_HELP),
                       on_click=record_download, args=(ws, name), key=f"csv-{name}")  # fmt: skip


with session.shown_errors():
    families = {c.name: c.key or c.id for c in list_codes(ws) if not c.codable}
    cols = st.columns([2, 1])
    scope = cols[0].selectbox(
        _("Cluster"),
        [ALL_TURNS, *families],
        format_func=lambda s: _(s) if s == ALL_TURNS else s,
        help=_("Or only passages coded under a code family."),
    )
    family = families.get(scope)
    check = model_check(ws)
    chosen = _("project setting `themes.model`") if check.configured else _("chosen by the transcripts' language")
    cols[1].caption(_("Model: **{model}** ({chosen})").format(model=check.model, chosen=chosen))
    if check.warning:
        st.warning(check.warning, icon="⚠️")
    report = latest_themes(ws, code_family=family)
    if st.button(_("Run theme clustering"), type="primary"):
        bar = st.progress(0.0, text=_("Reading transcripts…"))

        def progress(stage: str, done: int, total: int) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=_("Working…") + f" {done}/{total}")

        report = run_themes(ws, code_family=family, on_progress=progress)
        bar.empty()
        st.success(_("{themes} themes; {embedded} texts newly embedded, the rest from the store.").format(
            themes=len(report.themes), embedded=report.embedded))  # fmt: skip

    if report is None:
        st.info(_("No themes yet for this selection: run the clustering (the first run embeds every passage)."))
    else:
        when = format_datetime(report.created_at)
        m = st.columns(4)
        m[0].metric(_("Themes"), len(report.themes))
        m[1].metric(_("Passages"), len(report.items))
        m[2].metric(_("Outliers"), report.outliers, help=_("Passages that fit no theme (theme -1)."))
        m[3].metric(_("Run"), when, help=_("Model {model}, {scope}").format(model=report.model, scope=report.scope))
        labels = {t.id: f"{t.id}: {t.label}" for t in report.themes} | {-1: _("outliers")}
        points = {
            "x": [i.x for i in report.items], "y": [i.y for i in report.items],
            "theme": [labels[i.theme] for i in report.items],
            "participant": [i.participant_code or "-" for i in report.items],
            "snippet": [i.snippet[:HOVER_CHARS] for i in report.items],
        }  # fmt: skip
        st.subheader(_("Map of passages"))
        figure = px.scatter(points, x="x", y="y", color="theme", hover_data={"participant": True, "snippet": True,
                            "x": False, "y": False}, height=520)  # fmt: skip
        figure.update_layout(xaxis_title=None, yaxis_title=None, legend_title_text=_("theme"))
        st.plotly_chart(figure, key="theme-map")

        st.subheader(_("Themes"))
        theme_rows: list[dict[str, object]] = [
            {_THEME: t.id, _LABEL: t.label, _PASSAGES: t.size, _KEYWORDS: ", ".join(t.keywords),
             _CODES: "; ".join(f"{name} ({count})" for name, count in t.codes.items())}
            for t in report.themes
        ]  # fmt: skip
        sizes = px.bar(theme_rows, x=_PASSAGES, y=_LABEL, orientation="h", height=120 + 30 * len(theme_rows),
                       labels={"passages": _("passages")})  # fmt: skip
        sizes.update_layout(yaxis={"autorange": "reversed", "title": None})
        st.plotly_chart(sizes, key="theme-sizes")
        st.dataframe(labelled(theme_rows), hide_index=True)
        download(_("Themes CSV"), theme_rows, "themes")
        readable = {i.id: i for i in list_interviews(ws)}
        for t in report.themes:
            with st.expander(_("Theme {id}: {label} ({n} passages)").format(id=t.id, label=md(t.label), n=t.size)):
                for n, quote in enumerate(t.quotes):
                    st.markdown(quote_md(quote))
                    source = t.quote_sources[n] if n < len(t.quote_sources) else None
                    summary = readable.get(source.interview_id) if source is not None else None
                    if source is not None and summary is not None:
                        where = st.columns([3, 1])
                        where[0].caption(
                            _("Participant {participant} · {title} (wave {wave}, {short_id})").format(
                                participant=md(summary.participant_code or "-"), title=md(summary.title),
                                wave=summary.wave or "-", short_id=summary.short_id)
                        )  # fmt: skip
                        link = passage_link(summary.short_id, source.start, source.end)
                        where[1].page_link("pages/code.py", label=_("Open on the Code page"), icon=":material/sell:",
                                           query_params=link)  # fmt: skip
                if t.codes:
                    st.caption(_("Codes on these passages: ") + ", ".join(f"{n} ({c})" for n, c in t.codes.items()))
                with st.form(f"rename-{t.id}", border=False):
                    name = st.text_input(_("Theme name"), value=t.name or "", max_chars=MAX_NAME_CHARS,
                                         placeholder=label(t.keywords, _("theme {id}").format(id=t.id)),
                                         help=RENAME_HELP)  # fmt: skip
                    if st.form_submit_button(_("Rename theme")):
                        rename_theme(ws, t.id, name, code_family=family)
                        st.rerun()

        attributes = prevalence_attributes(ws)
        if attributes:
            st.subheader(_("Themes by participant attribute"))
            attribute = st.selectbox(_("Attribute"), attributes)
            prevalence = theme_prevalence(ws, report, attribute)
            if prevalence:
                chart = px.bar(prevalence, x="value", y="items", color="label", barmode="stack",
                               labels={"value": attribute, "items": _("passages"), "label": _("theme")})  # fmt: skip
                st.plotly_chart(chart, key="theme-prevalence")
                rows = [{_THEME: r["theme"], _LABEL: r["label"], attribute: r["value"], _PASSAGES: r["items"],
                         _SHARE: r["share"]} for r in prevalence]  # fmt: skip
                download(_("Prevalence CSV"), rows, f"themes-by-{attribute}")

    st.subheader(_("Codes"))
    verified = snapshot(ws)  # the manifests checked once for the three tables below
    frequencies = [f for f in code_frequencies(ws, snapshot=verified) if f.codable]
    freq_rows = frequency_rows(frequencies)
    bars = px.bar(freq_rows, x="codings", y="code", orientation="h", height=120 + 24 * len(freq_rows),
                  labels={"codings": _("codings")})  # fmt: skip
    bars.update_layout(yaxis={"autorange": "reversed", "title": None})
    st.plotly_chart(bars, key="code-frequencies")
    download(_("Code frequencies CSV"), freq_rows, "code-frequencies")

    matrix = cooccurrence(ws, snapshot=verified)
    if matrix.code_names:
        st.subheader(_("Code co-occurrence (speaker turns coded with both)"))
        heat = go.Figure(go.Heatmap(z=[list(r) for r in matrix.counts], x=list(matrix.code_names),
                                    y=list(matrix.code_names), colorscale="Blues"))  # fmt: skip
        heat.update_layout(height=200 + 28 * len(matrix.code_names), yaxis={"autorange": "reversed"})
        st.plotly_chart(heat, key="cooccurrence")
        download(_("Co-occurrence CSV"), cooccurrence_rows(matrix), "cooccurrence")

    st.subheader(_("Coding progress"))
    progress_table = progress_rows(coding_progress(ws, snapshot=verified))
    # The chart's legend names only members who coded something: a lead with no codings is not a coder.
    coding = {str(r["coder"]) for r in progress_table if int(str(r["codings"])) > 0}
    if coding:
        share = [
            {"interview": f"{r['participant'] or '-'} {r['interview']}", "coder": r["coder"],
             "coded turns": r["coded turns"], "turns": r["turns"]}
            for r in progress_table
            if r["coder"] in coding
        ]  # fmt: skip
        chart = px.bar(share, x="interview", y="coded turns", color="coder", barmode="group",
                       hover_data=["turns"], labels={"interview": _("interview"), "coded turns": _("coded turns"),
                                                     "coder": _("coder"), "turns": _("turns")})  # fmt: skip
        st.plotly_chart(chart, key="progress")
    if progress_table:
        download(_("Progress CSV"), progress_table, "coding-progress")
