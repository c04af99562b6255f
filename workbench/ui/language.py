"""The interface language of one browser session.

The choice lives in session state (it survives sign-out, so the sign-in form after it stays in
the member's language); ``workbench.i18n`` asks for it through the provider registered here,
on every look-up, in callbacks too (Streamlit runs those before the page script). ``app.py``
calls :func:`apply` on every run, which loads the signed-in member's stored preference once per
member. Before anyone signs in, the browser's language decides.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from workbench.i18n import current_language, normalise, set_provider
from workbench.services.preferences import interface_language, set_interface_language
from workbench.services.workspace import Workspace

SESSION_KEY = "interface_language"
_MEMBER_KEY = "interface_language_member"  # whose preference SESSION_KEY holds


def _browser_language() -> str | None:
    try:
        locale = st.context.locale
    except Exception:  # outside a browser session (AppTest) there is none
        return None
    return locale if isinstance(locale, str) else None


def session_language() -> str | None:
    """This browser session's language, or None outside a Streamlit script thread."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    chosen = st.session_state.get(SESSION_KEY)
    return chosen if isinstance(chosen, str) else _browser_language()


set_provider(session_language)


def apply(ws: Workspace | None) -> str:
    """Load the signed-in member's stored language into the session (once per member)."""
    if ws is not None and st.session_state.get(_MEMBER_KEY) != ws.user.id:
        st.session_state[SESSION_KEY] = interface_language(ws)
        st.session_state[_MEMBER_KEY] = ws.user.id
    return current_language()


def choose(ws: Workspace, language: str) -> None:
    """Store the member's new language and use it from this run on."""
    set_interface_language(ws, language)
    st.session_state[SESSION_KEY] = normalise(language)
    st.session_state[_MEMBER_KEY] = ws.user.id
