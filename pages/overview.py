"""Overview: what the project holds, at a glance."""

import streamlit as st

from workbench.domain.models import Role
from workbench.i18n import gettext as _
from workbench.services.projects import project_status
from workbench.services.retrieval import coding_progress
from workbench.services.visibility import coders_visible_to
from workbench.ui import session
from workbench.ui.charts import counts_bar
from workbench.ui.unlock import require_workspace

ws = require_workspace()
st.title(_("Overview"))
st.caption(_("Interviews, participants, codes and codings in this project. Counts are live."))
with session.shown_errors():
    report = project_status(ws)
    # A researcher coding blind sees only her own coding counts (as on every other page); a writer
    # does not code, so a "codings per coder" chart says nothing to her.
    own: dict[str, int] | None = None
    if ws.user.role is Role.RESEARCHER and coders_visible_to(ws) is not None:
        own = {}
        for row in coding_progress(ws):
            own[row.interview_id] = own.get(row.interview_id, 0) + row.codings
        st.caption(_("Blind coding is on: coding counts are of your own codings until a lead opens the comparison."))
    cols = st.columns(4)
    cols[0].metric(_("Interviews"), len(report.interviews))
    cols[1].metric(_("Participants"), len(report.participants))
    cols[2].metric(
        _("Codes"), report.code_count, help=_("Codebook version {version}").format(version=report.codebook_version)
    )
    cols[3].metric(_("Codings"), report.coding_count if own is None else sum(own.values()))
    if not report.interviews:
        st.info(_("No interviews yet. Create a demo project with `workbench demo DIR` to explore the workbench."))
    else:
        st.subheader(_("Interviews"))
        st.dataframe(
            [
                {
                    _("ID"): i.summary.short_id,
                    _("Title"): _("SHREDDED") if i.summary.shredded_at else i.summary.title,
                    _("Participant"): i.summary.participant_code or "",
                    _("Wave"): i.summary.wave,
                    _("Language"): i.summary.language,
                    _("Turns"): i.segment_count,
                    _("Codings"): i.coding_count if own is None else own.get(i.summary.id, 0),
                }
                for i in report.interviews
            ],
            hide_index=True,
        )
    if report.codings_by_coder and own is None and ws.user.role is not Role.WRITER:
        st.subheader(_("Codings per coder"))
        # plotly, like every other chart of the app (workbench/ui/charts.py says why)
        st.plotly_chart(counts_bar(report.codings_by_coder, x_title=_("Coder"), y_title=_("Codings")),
                        key="overview.coders")  # fmt: skip
