"""The workbench web app: a router whose page list depends on whether the project is unlocked.

Run it with `workbench serve DIR`; pages stay thin and call `workbench.services`.
"""

import streamlit as st

from workbench.domain.permissions import Action, allowed
from workbench.ui import session

st.set_page_config(page_title="Workbench", page_icon=":material/lock:", layout="wide")

ws = session.workspace()
unlocked = ws is not None
# Every page is registered even when locked, so a bookmarked URL is found; a locked session sees
# no navigation, and each page shows the unlock form in its place (session.require_workspace).
pages = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/dashboard:", default=unlocked),
    st.Page("app_pages/transcripts.py", title="Transcripts", icon=":material/description:"),
    st.Page("app_pages/import_page.py", title="Import", icon=":material/upload_file:"),
    st.Page("app_pages/participants.py", title="Participants", icon=":material/groups:"),
    st.Page("app_pages/codebook.py", title="Codebook", icon=":material/account_tree:"),
]
if ws is None or allowed(ws.user, Action.VIEW_AUDIT):
    pages.append(st.Page("app_pages/audit.py", title="Audit log", icon=":material/policy:"))
if not unlocked:
    pages.insert(0, st.Page("app_pages/unlock.py", title="Unlock", icon=":material/lock_open:", default=True))

page = st.navigation(pages, position="sidebar" if unlocked else "hidden")
if ws is not None:
    with st.sidebar:
        st.caption(f"Project **{ws.project.name}** · signed in as **{ws.user.name}** ({ws.user.role.value})")
        if st.button("Lock project", icon=":material/lock:", help="Drop all decrypted data from this session"):
            session.lock("Locked. Decrypted data was dropped from this session.")
            st.rerun()
page.run()
