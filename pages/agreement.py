"""Agreement: how far the coders agree, per code, and where they disagree (leads and admins)."""

import html

import streamlit as st

from workbench.analysis.tables import agreement_rows, labelled, to_csv
from workbench.domain.analysis import AgreementUnit, ComparisonPassage
from workbench.domain.models import SegmentKind
from workbench.i18n import N_, format_number, format_percent
from workbench.i18n import gettext as _
from workbench.services.agreement import agreement_report, compare_coders
from workbench.services.retrieval import snapshot
from workbench.services.visibility import blind_state, set_comparison_open
from workbench.ui import session
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace

UNITS = {
    N_("Speaker turns"): (AgreementUnit.SEGMENT, SegmentKind.TURN),
    N_("Sentences"): (AgreementUnit.SEGMENT, SegmentKind.SENTENCE),
    N_("Characters (as NVivo and QualCoder count)"): (AgreementUnit.CHARACTER, SegmentKind.TURN),
}
MAX_SHOWN = 50


def _number(value: float | None, percent: bool = False) -> str:
    if value is None:
        return _("undefined")
    return format_percent(value, 1) if percent else format_number(value, 3)


def _passage_html(p: ComparisonPassage) -> str:
    return (
        '<div style="line-height:1.6">'
        f'<span style="color:#666">…{html.escape(p.before)}</span>'
        f'<mark style="background:#FFE08A">{html.escape(p.text)}</mark>'
        f'<span style="color:#666">{html.escape(p.after)}…</span></div>'
    )


def _formulas() -> None:
    """The formulas in the app itself: a browser user cannot open docs/agreement.md."""
    with st.expander(_("How these are computed")):
        st.markdown(
            _(
                "Each code gets a table of coders by units (speaker turns, sentences or characters): a coder's value "
                "for a unit is 1 if one of their codings with the code overlaps it, else 0. A coder with no coding "
                "at all in an interview is *missing* there, not 0, so an interview only one person has coded yet "
                "is not counted as disagreement. *Overall* pools the units of every code (codes used often weigh "
                "more); it is not the average of the per-code figures."
            )
        )
        st.markdown(_("**Percent agreement.** For each unit *u* judged by $m_u$ coders, $n_{uv}$ of them giving value "
                    "$v$: the share of agreeing coder pairs."))  # fmt: skip
        st.latex(r"\text{percent} = \frac{\sum_u \sum_v n_{uv}(n_{uv}-1)/2}{\sum_u m_u(m_u-1)/2}")
        st.markdown(_("**Cohen's kappa** (exactly two coders, over the units both judged): observed agreement "
                    "$p_o$ against the agreement $p_e$ expected from each coder's own share of 1s and 0s. "
                    "Undefined when both coders gave one and the same value throughout."))  # fmt: skip
        st.latex(r"\kappa = \frac{p_o - p_e}{1 - p_e},\quad p_o = \frac{\sum_k c_{kk}}{N},\quad "
                 r"p_e = \sum_k \frac{\text{row}_k}{N}\cdot\frac{\text{column}_k}{N}")  # fmt: skip
        st.markdown(_("**Krippendorff's alpha** (any number of coders, missing values allowed; nominal level): "
                    "from the coincidence matrix $o_{ck}$ of value pairs within units judged by two or more "
                    "coders, observed disagreement $D_o$ against expected disagreement $D_e$."))  # fmt: skip
        st.latex(r"\alpha = 1 - \frac{D_o}{D_e},\quad o_{ck} = \sum_u \frac{n_{uc}(n_{uk} - [c=k])}{m_u - 1},"
                 r"\quad D_o = \sum_{c \ne k} o_{ck},\quad D_e = \frac{\sum_{c \ne k} n_c n_k}{n - 1}")  # fmt: skip
        st.caption(_("Cohen (1960), Educational and Psychological Measurement 20(1); Krippendorff (2011), "
                   "Computing Krippendorff's Alpha-Reliability. The workbench checks its figures against "
                   "published worked examples."))  # fmt: skip


ws = require_workspace()
st.title(_("Agreement"))
st.caption(
    _(
        "Percent agreement, Cohen's kappa (two coders) and Krippendorff's alpha, per code and pooled over all codes. "
        "Each code is measured over all units and over only the units somebody coded with it, so text nobody "
        "coded cannot inflate agreement. How each is computed is under *How these are computed*."
    )
)
_formulas()
with session.shown_errors():
    blind, opened = blind_state(ws)
    if not blind:
        st.info(_("Blind coding is off: researchers see each other's codings."))
    elif opened:
        st.success(_("The comparison is open: researchers see each other's codings."))
        if st.button(_("Close the comparison"), help=_("Back to blind coding: each researcher sees only their own")):
            set_comparison_open(ws, opened=False)
            st.rerun()
    else:
        st.info(_("Blind coding: each researcher sees only their own codings until you open the comparison."))
        if st.button(_("Open the comparison to researchers"), type="primary"):
            set_comparison_open(ws, opened=True)
            st.rerun()

    unit, kind = UNITS[st.radio(_("Unit of analysis"), list(UNITS), horizontal=True, format_func=_)]
    verified = snapshot(ws)  # the manifests checked once for this run of the page
    report = agreement_report(ws, unit=unit, segment_kind=kind, snapshot=verified)
    chosen = st.multiselect(_("Coders"), report.coders, default=report.coders)
    if set(chosen) != set(report.coders):
        report = agreement_report(ws, coders=chosen, unit=unit, segment_kind=kind, snapshot=verified)
    overall, coded = report.overall_with_uncoded, report.overall_coded_only
    cols = [*st.columns(2), *st.columns(2)]  # two rows of two: four in a row cut the labels off at 1024 px
    cols[0].metric(_("Krippendorff's alpha"), _number(overall.alpha), help=_("Pooled over all codes and units"))
    cols[1].metric(_("Cohen's kappa"), _number(overall.kappa), help=_("Two coders only"))
    cols[2].metric(_("Agreement, all units"), _number(overall.percent, percent=True))
    cols[3].metric(
        _("Agreement, coded units only"), _number(coded.percent, percent=True),
        help=_("Only units that at least one coder coded: agreement on uncoded text left out"),
    )  # fmt: skip
    st.caption(
        _("{coders} · {n} interviews coded by two or more of them.").format(
            coders=md(", ".join(report.coders)), n=report.interviews
        )
    )
    rows = agreement_rows(report)
    st.dataframe(labelled(rows), hide_index=True)
    st.download_button(_("Download CSV"), to_csv(rows), file_name="agreement.csv", mime="text/csv")

    st.subheader(_("Where the coders disagree"))
    names = {c.code_id: _("{code} ({share} of coded units)").format(code=c.code_name,
                                                                    share=_number(c.coded_only.percent, percent=True))
             for c in report.codes}  # fmt: skip
    if not names:
        st.info(_("No codes applied yet."))
        st.stop()
    code_id = st.selectbox(_("Code"), list(names), format_func=names.__getitem__)
    include = st.checkbox(_("Show passages they agree on too"))
    comparison = compare_coders(ws, code_id, coders=report.coders, include_agreements=include, snapshot=verified)
    st.caption(
        _("{disagreed} passages with disagreement, {agreed} coded identically.").format(
            disagreed=comparison.disagreed, agreed=comparison.agreed
        )
    )
    for passage in comparison.passages[:MAX_SHOWN]:
        with st.container(border=True):
            verdict = _("agree") if passage.agreed else _("disagree")
            st.caption(f"{md(passage.participant_code or '-')} · {md(passage.interview_title)} · {verdict}")
            st.html(_passage_html(passage))
            for coder, col in zip(comparison.coders, st.columns(len(comparison.coders)), strict=True):
                with col:
                    st.caption(coder)
                    spans = passage.spans_of(coder)
                    if not spans:
                        st.text(_("(not coded)"))
                    for span in spans:
                        st.text(span.text)
    if len(comparison.passages) > MAX_SHOWN:
        st.caption(_("Showing the first {shown} of {total}.").format(shown=MAX_SHOWN, total=len(comparison.passages)))
