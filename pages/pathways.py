"""Pathways: every participant's life as a state sequence, grouped into pathway types; sequence exports."""

import streamlit as st

from workbench.domain.permissions import Action, allowed
from workbench.i18n import N_
from workbench.i18n import gettext as _
from workbench.services.deid_release import latest_release
from workbench.services.pathways import MAX_GROUPS, align_choices, project_pathways
from workbench.services.sequence_exports import SequenceExportOptions, sequence_export_for_download
from workbench.ui import session
from workbench.ui.life_figures import pathway_figure, typical_figure
from workbench.ui.unlock import require_workspace

_RESULT = "pathways.export"
_ALIGN = {"age": N_("Age"), "first-incarceration": N_("Years since first incarceration"),
          "first-contact": N_("Years since first extremist contact")}  # fmt: skip

ws = require_workspace()


def _align_name(align: str) -> str:
    return _(_ALIGN[align]) if align in _ALIGN else align


st.title(_("Pathways"))
st.caption(
    _(
        "Each row is a life cut into age bands (or years since an anchor event); a band holds the state the life was "
        "in at its end (an event starts a state that lasts until the next one). Lives are compared by optimal "
        "matching and grouped by Ward's method refined by PAM (partitioning around medoids); each group's typical "
        "sequence is the member closest to the others."
    )
)

with session.shown_errors():
    if allowed(ws.user, Action.READ_TRANSCRIPTS):
        cols = st.columns(4)
        align_by = cols[0].selectbox(_("Align by"), align_choices(), format_func=_align_name)
        width = int(cols[1].number_input(_("Band (years)"), min_value=1, max_value=10, value=2, step=1))
        groups = int(cols[2].number_input(_("Groups"), min_value=1, max_value=MAX_GROUPS, value=3, step=1))
        costs = cols[3].radio(
            _("Substitution costs"),
            ["constant", "trate"],
            horizontal=True,
            help=_("constant: 2 (indel 1); trate: from how often states follow each other."),
        )
        view = project_pathways(ws, align_by=align_by, width=width, groups=groups, scheme=costs)
        result = view.result
        if result is None:
            st.info(_("No life can be placed on this axis yet: record dated life events on the Code page."))
        else:
            m = st.columns(3)
            m[0].metric(_("Lives"), len(result.sequences))
            m[1].metric(_("Groups"), len(result.groups))
            m[2].metric(_("Left out"), len(view.left_out), help=_("No known age for the anchor event."))
            st.subheader(_("Typical sequence of each group"))
            st.plotly_chart(typical_figure(result, axis_title=view.axis_title), key="pathways.typical")
            st.subheader(_("All lives, grouped"))
            st.plotly_chart(pathway_figure(result, axis_title=view.axis_title), key="pathways.all")
            st.dataframe([{_("group"): g.number, _("lives"): len(g.members),
                           _("typical"): result.sequences[g.medoid].participant,
                           _("members"): ", ".join(result.sequences[i].participant for i in g.members)}
                          for g in result.groups], hide_index=True)  # fmt: skip
            if view.left_out:
                st.caption(_("Left out (no known age for the anchor): {names}.").format(names=", ".join(view.left_out)))

    if allowed(ws.user, Action.EXPORT):
        st.subheader(_("Sequence tables for TraMineR and Python"))
        release = latest_release(ws)
        if release is None:
            st.info(_("Nothing has been released yet; a lead releases the de-identified material first."))
            st.stop()
        st.caption(_("From the release only, with disclosure control: ages in bands of at least 5 years, states "
                   "found in fewer than k lives merged, sequences shared by fewer than k participants "
                   "suppressed; the file says so. The export is recorded in the audit log."))  # fmt: skip
        cols = st.columns(4)
        table = cols[0].radio(_("Table"), ["sts", "spell"], format_func=str.upper, horizontal=True)
        fmt = cols[1].radio(_("Format"), ["csv", "xlsx"], format_func=str.upper, horizontal=True)
        export_align = cols[2].selectbox(_("Align"), align_choices(), format_func=_align_name,
                                         key="pathways.export_align")  # fmt: skip
        attributes = cols[3].multiselect(_("Attributes"), list(release.payload.get("attributes", {})))
        if st.button(_("Prepare sequence export"), type="primary"):
            options = SequenceExportOptions(fmt, table, export_align, tuple(attributes))
            st.session_state[_RESULT] = sequence_export_for_download(ws, options)
        export = st.session_state.get(_RESULT)
        if export is not None:
            st.success(_("Ready: {name}, {rows} rows ({suppressed} suppressed).").format(
                name=export.name, rows=export.rows, suppressed=export.suppressed))  # fmt: skip
            st.caption(export.note)
            st.download_button(_("Download"), export.content, file_name=export.name, mime=export.media_type)
