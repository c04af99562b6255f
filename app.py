"""The workbench web app: a router whose page list depends on whether the project is unlocked.

Run it with `workbench serve DIR`; pages stay thin and call `workbench.services`.
"""

import streamlit as st

from workbench.domain.permissions import Action, allowed
from workbench.ui import session
from workbench.ui.assets import ICON
from workbench.ui.safe_text import md

# A bundled icon file: a Material or emoji icon would make the browser fetch it from a font/CDN host.
st.set_page_config(page_title="Workbench", page_icon=str(ICON), layout="wide")

ws = session.workspace()
unlocked = ws is not None
# Every page is registered even when locked, so a bookmarked URL is found; a locked session sees
# no navigation, and each page shows the sign-in form in its place (unlock.require_workspace).
# A signed-in member sees only the pages their role may use (report writers: no raw transcripts).
# (section, script, title, icon, the action a member needs to see the page or None)
PAGES: list[tuple[str, str, str, str, Action | None]] = [
    ("Coding", "overview.py", "Overview", "dashboard", None),
    ("Coding", "transcripts.py", "Transcripts", "description", Action.READ_TRANSCRIPTS),
    ("Coding", "code.py", "Code", "sell", Action.CODE),
    ("Coding", "suggestions.py", "Suggestions", "lightbulb", Action.CODE),
    ("Coding", "retrieve.py", "Retrieve", "manage_search", Action.READ_TRANSCRIPTS),
    ("Coding", "search.py", "Search", "search", Action.READ_TRANSCRIPTS),
    ("Coding", "codebook.py", "Codebook", "account_tree", None),
    ("Data", "import_page.py", "Import", "upload_file", Action.IMPORT),
    ("Data", "participants.py", "Participants", "groups", Action.READ_TRANSCRIPTS),
    ("Analysis", "dashboard.py", "Dashboard", "bubble_chart", Action.VIEW_THEMES),
    ("Analysis", "agreement.py", "Agreement", "compare_arrows", Action.VIEW_AGREEMENT),
    ("Analysis", "timeline.py", "Timeline", "timeline", None),
    ("Analysis", "pathways.py", "Pathways", "route", Action.EXPORT),
    ("Reports", "review.py", "De-identification", "shield_person", Action.REVIEW_DEID),
    ("Reports", "export.py", "Export", "download", Action.EXPORT),
    ("Project", "audit.py", "Audit log", "policy", Action.VIEW_AUDIT),
    ("Project", "account.py", "Account", "manage_accounts", None),
]

sections: dict[str, list[st.Page]] = {}
for section, script, title, icon, needs in PAGES:
    if ws is None or needs is None or allowed(ws.user, needs):
        entry = st.Page(f"pages/{script}", title=title, icon=f":material/{icon}:", default=unlocked and not sections)
        sections.setdefault(section, []).append(entry)
if not unlocked:
    sections = {"": [st.Page("pages/unlock.py", title="Sign in", icon=":material/login:", default=True)]} | sections

page = st.navigation(sections, position="sidebar" if unlocked else "hidden", expanded=True)
if ws is not None:
    with st.sidebar:
        st.caption(f"Project **{md(ws.project.name)}** · signed in as **{md(ws.user.name)}** ({ws.user.role.value})")
        if st.button("Sign out", icon=":material/logout:", help="Lock the project and drop all decrypted data"):
            session.lock("Signed out. Decrypted data was dropped from this session.")
            st.rerun()
page.run()
