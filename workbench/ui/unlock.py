"""The unlock form, shown on the Unlock page and in place of any page of a locked session."""

from __future__ import annotations

import streamlit as st

from workbench.ui import session


def unlock_form() -> None:
    st.title("Unlock the project")
    st.caption(
        "Transcripts are stored encrypted. Enter the project passphrase and your user name; "
        "decrypted data stays in this browser session and is dropped when you lock or go idle. "
        "For the demo project, `workbench demo` printed the passphrase and the user names."
    )
    message = st.session_state.pop("lock_message", None)
    if message:
        st.info(message)
    directory = session.project_dir()
    if directory is None:
        st.error("No project is configured. Start the app with `workbench serve DIR`.")
        return
    st.write(f"Project directory: `{directory}`")
    with st.form("unlock"):
        user = st.text_input("User name", help="Leave empty to sign in as the project's creator.")
        passphrase = st.text_input("Passphrase", type="password")
        submitted = st.form_submit_button("Unlock", type="primary")
    if not submitted:
        return
    if not passphrase:
        st.warning("Enter the passphrase.")
        return
    with session.shown_errors():
        with st.spinner("Deriving the key (this takes a moment on purpose)..."):
            session.unlock(passphrase, user.strip() or None)
        st.rerun()
