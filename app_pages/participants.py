"""Participants: pseudonymous codes with their (decrypted) attributes."""

import streamlit as st

from workbench.services.participants import list_participants
from workbench.ui import session

ws = session.require_workspace()
st.title("Participants")
st.caption("Each participant has a pseudonymous code and typed attributes, stored encrypted.")
with session.shown_errors():
    participants = list_participants(ws)
    if not participants:
        st.info("No participants yet.")
    else:
        st.dataframe(
            [{"Code": p.code, "Interviews": p.interview_count, **{k: str(v) for k, v in p.attributes.items()}}
             for p in participants],
            hide_index=True,
        )  # fmt: skip
