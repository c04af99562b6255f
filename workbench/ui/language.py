"""The interface language of one browser session, applied at the start of every run.

``workbench.i18n`` keeps the language in a context variable, which Streamlit's script thread
does not carry from one run to the next; ``app.py`` therefore calls :func:`apply` first thing
on every run. The choice is remembered in session state (it survives sign-out, so the sign-in
form after it stays in the member's language); the member's stored preference wins once they
are signed in. Before anyone signs in, the browser's language decides.
"""

from __future__ import annotations

import streamlit as st

from workbench.i18n import current_language, normalise, set_language
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


def apply(ws: Workspace | None) -> str:
    """Set this run's language: the signed-in member's, else the session's, else the browser's."""
    if ws is not None and st.session_state.get(_MEMBER_KEY) != ws.user.id:
        st.session_state[SESSION_KEY] = interface_language(ws)
        st.session_state[_MEMBER_KEY] = ws.user.id
    chosen = st.session_state.get(SESSION_KEY)
    set_language(chosen if isinstance(chosen, str) else _browser_language())
    return current_language()


def choose(ws: Workspace, language: str) -> None:
    """Store the member's new language and use it from this run on."""
    set_interface_language(ws, language)
    st.session_state[SESSION_KEY] = normalise(language)
    st.session_state[_MEMBER_KEY] = ws.user.id
    set_language(language)
