"""Overview: what the project holds, at a glance."""

import streamlit as st

from workbench.services.projects import project_status
from workbench.ui import session
from workbench.ui.unlock import require_workspace

ws = require_workspace()
st.title("Overview")
st.caption("Interviews, participants, codes and codings in this project. Counts are live.")
with session.shown_errors():
    report = project_status(ws)
    cols = st.columns(4)
    cols[0].metric("Interviews", len(report.interviews))
    cols[1].metric("Participants", len(report.participants))
    cols[2].metric("Codes", report.code_count, help=f"Codebook version {report.codebook_version}")
    cols[3].metric("Codings", report.coding_count)
    if not report.interviews:
        st.info("No interviews yet. Create a demo project with `workbench demo DIR` to explore the workbench.")
    else:
        st.subheader("Interviews")
        st.dataframe(
            [
                {
                    "ID": i.summary.short_id,
                    "Title": "SHREDDED" if i.summary.shredded_at else i.summary.title,
                    "Participant": i.summary.participant_code or "",
                    "Wave": i.summary.wave,
                    "Language": i.summary.language,
                    "Turns": i.segment_count,
                    "Codings": i.coding_count,
                }
                for i in report.interviews
            ],
            hide_index=True,
        )
    if report.codings_by_coder:
        st.subheader("Codings per coder")
        st.bar_chart(report.codings_by_coder, x_label="Coder", y_label="Codings")
