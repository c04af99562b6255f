"""The workbench web app: a router whose page list depends on whether the project is unlocked.

Run it with `workbench serve DIR`; pages stay thin and call `workbench.services`.
"""

import streamlit as st

from workbench.domain.permissions import Action, allowed
from workbench.i18n import gettext as _
from workbench.ui import language, session
from workbench.ui.assets import ICON
from workbench.ui.safe_text import md
from workbench.ui.wording import role_name

# A bundled icon file: a Material or emoji icon would make the browser fetch it from a font/CDN host.
st.set_page_config(page_title="Workbench", page_icon=str(ICON), layout="wide")

ws = session.workspace()
session.forget_locked_widgets()  # after a sign-out or idle lock: Streamlit's widget state too
language.apply(ws)  # first: every string below is looked up in this session's language
unlocked = ws is not None
# Every page is registered even when locked, so a bookmarked URL is found; a locked session sees
# no navigation, and each page shows the sign-in form in its place (unlock.require_workspace).
# A signed-in member sees only the pages their role may use (report writers: no raw transcripts).
# (section, script, title, icon, the action a member needs to see the page or None)
PAGES: list[tuple[str, str, str, str, Action | None]] = [
    (_("Coding"), "overview.py", _("Overview"), "dashboard", None),
    (_("Coding"), "transcripts.py", _("Transcripts"), "description", Action.READ_TRANSCRIPTS),
    (_("Coding"), "code.py", _("Code"), "sell", Action.CODE),
    (_("Coding"), "suggestions.py", _("Suggestions"), "lightbulb", Action.CODE),
    (_("Coding"), "retrieve.py", _("Retrieve"), "manage_search", Action.READ_TRANSCRIPTS),
    (_("Coding"), "search.py", _("Search"), "search", Action.READ_TRANSCRIPTS),
    (_("Coding"), "codebook.py", _("Codebook"), "account_tree", None),
    (_("Data"), "import_page.py", _("Import"), "upload_file", Action.IMPORT),
    (_("Data"), "participants.py", _("Participants"), "groups", Action.READ_TRANSCRIPTS),
    (_("Analysis"), "dashboard.py", _("Dashboard"), "bubble_chart", Action.VIEW_THEMES),
    (_("Analysis"), "agreement.py", _("Agreement"), "compare_arrows", Action.VIEW_AGREEMENT),
    (_("Analysis"), "timeline.py", _("Timeline"), "timeline", None),
    (_("Analysis"), "pathways.py", _("Pathways"), "route", Action.EXPORT),
    (_("Reports"), "review.py", _("De-identification"), "shield_person", Action.REVIEW_DEID),
    (_("Reports"), "export.py", _("Export"), "download", Action.EXPORT),
    (_("Project"), "audit.py", _("Audit log"), "policy", Action.VIEW_AUDIT),
    (_("Project"), "account.py", _("Account"), "manage_accounts", None),
]

sections: dict[str, list[st.Page]] = {}
for section, script, title, icon, needs in PAGES:
    if ws is None or needs is None or allowed(ws.user, needs):
        entry = st.Page(f"pages/{script}", title=title, icon=f":material/{icon}:", default=unlocked and not sections)
        sections.setdefault(section, []).append(entry)
if not unlocked:
    sections = {"": [st.Page("pages/unlock.py", title=_("Sign in"), icon=":material/login:", default=True)]} | sections

page = st.navigation(sections, position="sidebar" if unlocked else "hidden", expanded=True)
if ws is not None:
    with st.sidebar:
        st.caption(
            _("Project **{project}** · signed in as **{user}** ({role})").format(
                project=md(ws.project.name), user=md(ws.user.name), role=role_name(ws.user.role)
            )
        )
        if st.button(_("Sign out"), icon=":material/logout:", help=_("Lock the project and drop all decrypted data")):
            session.lock(_("Signed out. Decrypted data was dropped from this session."))
            st.rerun()
page.run()
