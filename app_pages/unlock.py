"""Unlock page: the passphrase opens the project for this browser session only."""

import streamlit as st

from workbench.ui import session

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
    st.stop()
st.write(f"Project directory: `{directory}`")
with st.form("unlock"):
    user = st.text_input("User name", help="Leave empty to sign in as the project's creator.")
    passphrase = st.text_input("Passphrase", type="password")
    submitted = st.form_submit_button("Unlock", type="primary")
if submitted:
    with session.shown_errors():
        if not passphrase:
            st.warning("Enter the passphrase.")
            st.stop()
        with st.spinner("Deriving the key (this takes a moment on purpose)..."):
            session.unlock(passphrase, user.strip() or None)
        st.rerun()
