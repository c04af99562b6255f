"""Account: change your password; admins also manage members, roles and their key slots."""

import streamlit as st

from workbench.domain.models import Role
from workbench.domain.permissions import Action, allowed
from workbench.services.users import MIN_PASSWORD_LENGTH, add_user, list_users, remove_user, set_password
from workbench.ui import session
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace

ws = require_workspace()
st.title("Account")
st.caption(
    f"Signed in as **{ws.user.name}** ({ws.user.role.value}). Your password wraps your own key slot; "
    "changing it re-wraps that slot only. "
    + (
        "Your session holds the project's master key."
        if ws.keyring.full
        else "Your session holds only the release key: you work with released, de-identified material."
    )
)

st.subheader("Change your password")
with st.form("change_password", clear_on_submit=True):
    current = st.text_input("Current password", type="password")
    new = st.text_input("New password", type="password", help=f"At least {MIN_PASSWORD_LENGTH} characters.")
    repeat = st.text_input("Repeat the new password", type="password")
    if st.form_submit_button("Change password"):
        if new != repeat:
            st.error("The two new passwords differ; nothing was changed.")
        else:
            with session.shown_errors():
                set_password(ws, ws.user.name, new, current_password=current)
                st.success("Password changed. Use the new one next time you sign in.")

if allowed(ws.user, Action.MANAGE_KEYS):
    st.subheader("Members")
    st.caption("Removing a member deletes their key slot: their password no longer opens anything.")
    with session.shown_errors():
        members = list_users(ws)
        st.dataframe([{"User": m.name, "Role": m.role.value} for m in members], hide_index=True)
        with st.form("add_member", clear_on_submit=True):
            st.markdown("**Add a member**")
            name = st.text_input("New member's user name")
            role = st.selectbox("Role", [r.value for r in Role], index=2)
            first = st.text_input("First password (tell it to them in person)", type="password")
            if st.form_submit_button("Add member") and name:
                added = add_user(ws, name, Role(role), first or None)
                st.success(f"Added {md(added.name)} ({added.role.value}).")
        others = [m.name for m in members if m.name != ws.user.name]
        if others:
            with st.form("reset_password", clear_on_submit=True):
                st.markdown("**Reset a member's password**")
                who = st.selectbox("Member", others, key="reset_who")
                password = st.text_input("New password for them", type="password")
                if st.form_submit_button("Reset password") and password:
                    set_password(ws, who, password)
                    st.success(f"Password of {md(who)} reset.")
            with st.form("remove_member"):
                st.markdown("**Remove a member**")
                gone = st.selectbox("Member", others, key="remove_who")
                sure = st.checkbox("Yes, end this member's access (their codings stay attributed to them)")
                if st.form_submit_button("Remove member", type="primary") and sure:
                    remove_user(ws, gone)
                    st.success(f"Removed {md(gone)}.")
