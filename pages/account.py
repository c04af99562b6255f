"""Account: your interface language and password; admins also manage members, roles and their key slots."""

import streamlit as st

from workbench.domain.models import Role
from workbench.domain.permissions import Action, allowed
from workbench.i18n import LANGUAGE_NAMES, LANGUAGES, current_language
from workbench.i18n import gettext as _
from workbench.services.users import MIN_PASSWORD_LENGTH, add_user, list_users, remove_user, set_password
from workbench.ui import language, session
from workbench.ui.safe_text import md
from workbench.ui.unlock import require_workspace
from workbench.ui.wording import role_name

ws = require_workspace()
st.title(_("Account"))
st.caption(
    _(
        "Signed in as **{user}** ({role}). Your password wraps your own key slot; changing it re-wraps that slot only."
    ).format(user=md(ws.user.name), role=role_name(ws.user.role))
    + " "
    + (
        _("Your session holds the project's master key.")
        if ws.keyring.full
        else _("Your session holds only the release key: you work with released, de-identified material.")
    )
)

st.subheader(_("Interface language"))
chosen = st.radio(
    _("Language of pages, messages and your exports"),
    LANGUAGES,
    index=LANGUAGES.index(current_language()),
    format_func=LANGUAGE_NAMES.__getitem__,
    horizontal=True,
    key="account_language",
)
if chosen != current_language():
    with session.shown_errors():
        language.choose(ws, chosen)
        st.rerun()

st.subheader(_("Change your password"))
with st.form("change_password", clear_on_submit=True):
    current = st.text_input(_("Current password"), type="password")
    new = st.text_input(
        _("New password"),
        type="password",
        help=_("At least {n} characters.").format(n=MIN_PASSWORD_LENGTH),
    )
    repeat = st.text_input(_("Repeat the new password"), type="password")
    if st.form_submit_button(_("Change password")):
        if new != repeat:
            st.error(_("The two new passwords differ; nothing was changed."))
        else:
            with session.shown_errors():
                set_password(ws, ws.user.name, new, current_password=current)
                st.success(_("Password changed. Use the new one next time you sign in."))

if allowed(ws.user, Action.MANAGE_KEYS):
    st.subheader(_("Members"))
    st.caption(_("Removing a member deletes their key slot: their password no longer opens anything."))
    with session.shown_errors():
        members = list_users(ws)
        st.dataframe([{_("User"): m.name, _("Role"): role_name(m.role)} for m in members], hide_index=True)
        with st.form("add_member", clear_on_submit=True):
            st.markdown("**" + _("Add a member") + "**")
            name = st.text_input(_("New member's user name"))
            role = st.selectbox(_("Role"), list(Role), index=2, format_func=role_name)
            first = st.text_input(_("First password (tell it to them in person)"), type="password")
            if st.form_submit_button(_("Add member")) and name:
                added = add_user(ws, name, Role(role), first or None)
                st.success(_("Added {name} ({role}).").format(name=md(added.name), role=role_name(added.role)))
        others = [m.name for m in members if m.name != ws.user.name]
        if others:
            with st.form("reset_password", clear_on_submit=True):
                st.markdown("**" + _("Reset a member's password") + "**")
                who = st.selectbox(_("Member"), others, key="reset_who")
                password = st.text_input(_("New password for them"), type="password")
                if st.form_submit_button(_("Reset password")) and password:
                    set_password(ws, who, password)
                    st.success(_("Password of {name} reset.").format(name=md(who)))
            with st.form("remove_member"):
                st.markdown("**" + _("Remove a member") + "**")
                gone = st.selectbox(_("Member"), others, key="remove_who")
                sure = st.checkbox(_("Yes, end this member's access (their codings stay attributed to them)"))
                if st.form_submit_button(_("Remove member"), type="primary") and sure:
                    remove_user(ws, gone)
                    st.success(_("Removed {name}.").format(name=md(gone)))
