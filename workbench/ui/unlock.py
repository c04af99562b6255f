"""The sign-in form, shown on the Sign-in page and in place of any page of a locked session.

Session state itself (the workspace, unlocking, locking) belongs to ``workbench.ui.session``;
this module only asks it, so the two never import each other.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from workbench.i18n import gettext as _
from workbench.services.projects import login_hint
from workbench.services.sso import sso_member
from workbench.services.workspace import Workspace
from workbench.ui import session
from workbench.ui.safe_text import md


def require_workspace() -> Workspace:
    """The signed-in workspace, or the sign-in form in place of the page (which then stops)."""
    ws = session.workspace()
    if ws is None:
        unlock_form()
        st.stop()
    return ws


def unlock_form() -> None:
    st.title(_("Sign in"))
    st.caption(
        _(
            "Transcripts are stored encrypted. Sign in with your user name and your own password "
            "(admins may use the project passphrase instead). Decrypted data stays in this browser "
            "session and is dropped when you lock, sign out or go idle."
        )
    )
    message = session.take_lock_message()
    if message:
        st.info(message)
    directory = session.project_dir()
    if directory is None:
        st.error(_("No project is configured. Start the app with `workbench serve DIR`."))
        return
    hint = login_hint(directory)
    if hint:
        st.info(hint, icon=":material/info:")
    st.markdown(_("Project directory: {directory}").format(directory=md(directory)))
    sso_name = _single_sign_on(directory)
    if sso_name is False:
        return
    with st.form("unlock"):
        if isinstance(sso_name, str):
            user = st.text_input(
                _("User name"), value=sso_name, disabled=True, help=_("From your organisation account.")
            )
        else:
            user = st.text_input(_("User name"), help=_("Leave empty to sign in as the project's creator."))
        secret = st.text_input(_("Password"), type="password", help=_("Your own password, or the project passphrase."))
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if not submitted:
        return
    if not secret:
        st.warning(_("Enter your password."))
        return
    with session.shown_errors():
        with st.spinner(_("Checking the password and deriving the key (this takes a moment on purpose)...")):
            session.unlock(secret, user.strip() or None)
        st.rerun()


def sso_configured() -> bool:
    """Whether an OIDC provider is configured in `.streamlit/secrets.toml` (section ``[auth]``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _single_sign_on(directory: Path) -> str | bool | None:
    """With SSO configured: the linked member's name, or False while the form must stay hidden."""
    if not sso_configured():
        return None
    if not st.user.get("is_logged_in", False):
        st.button(_("Sign in with your organisation account"), on_click=st.login, type="primary")
        return False
    email = str(st.user.get("email") or "")
    name = sso_member(directory, email)
    if name is None:
        st.error(
            _(
                "The organisation account {email} is not linked to a member of this project. "
                "Ask a project admin to run `workbench user link DIR NAME EMAIL`."
            ).format(email=email or _("(no e-mail)"))
        )
        st.button(_("Sign out of the organisation account"), on_click=st.logout)
        return False
    return name
