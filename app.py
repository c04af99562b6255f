"""The workbench web app: a router whose page list depends on whether the project is unlocked.

Run it with `workbench serve DIR`; pages stay thin and call `workbench.services`.
"""

import streamlit as st

from workbench.ui import session

st.set_page_config(page_title="Workbench", page_icon=":material/lock:", layout="wide")

ws = session.workspace()
if ws is None:
    pages = [st.Page("app_pages/unlock.py", title="Unlock", icon=":material/lock_open:", default=True)]
else:
    pages = [
        st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("app_pages/transcripts.py", title="Transcripts", icon=":material/description:"),
        st.Page("app_pages/participants.py", title="Participants", icon=":material/groups:"),
        st.Page("app_pages/codebook.py", title="Codebook", icon=":material/account_tree:"),
    ]

page = st.navigation(pages)
if ws is not None:
    with st.sidebar:
        st.caption(f"Project **{ws.project.name}** · signed in as **{ws.user.name}** ({ws.user.role.value})")
        if st.button("Lock project", icon=":material/lock:", help="Drop all decrypted data from this session"):
            session.lock("Locked. Decrypted data was dropped from this session.")
            st.rerun()
page.run()
