"""Optional single sign-on: an organisation's OIDC identity, mapped to a local member and role.

SSO (Streamlit's ``st.login``) proves who someone is, but it cannot decrypt anything: the
keys stay wrapped by each member's own password, and the server holds none. So SSO decides
*which* member may use the sign-in form (the user name is taken from the identity provider,
not typed) and the member's password still opens their key slot. The mapping from e-mail
address to member lives in the project settings (``auth.sso_users``); roles stay local.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError, NotFoundError, WorkbenchError
from workbench.i18n import gettext as _
from workbench.services.workspace import Workspace
from workbench.store.keys import Keyring
from workbench.store.repo import Repo
from workbench.store.store import Store, read_location

SSO_USERS_KEY = "auth.sso_users"


def _normal(email: str) -> str:
    email = email.strip().lower()
    if "@" not in email or len(email) > 254:
        raise InvalidInputError(_("{email!r} is not an e-mail address.").format(email=email))
    return email


def link_sso(ws: Workspace, name: str, email: str) -> None:
    """Let the organisation account ``email`` sign in as member ``name`` (admins)."""
    require(ws.user, Action.MANAGE_KEYS)
    email = _normal(email)
    with ws.write() as repo:
        if repo.users.by_name(name) is None:
            raise NotFoundError(_("There is no user {name!r} in this project.").format(name=name))
        links = dict(repo.settings.get(SSO_USERS_KEY, {}))
        links[email] = name
        repo.settings.set(SSO_USERS_KEY, links, ws.user.id)
        ws.audit(repo, "user changed", "user", name, sso_linked=True)


def sso_member(directory: Path, email: str | None) -> str | None:
    """The member an organisation account signs in as, or None when it is not linked."""
    if not email:
        return None
    location = read_location(directory)
    store = Store(location.database_url())
    try:
        with store.read() as conn:
            links = Repo(conn, Keyring(location.project_id, None)).settings.get(SSO_USERS_KEY, {})
    except (WorkbenchError, SQLAlchemyError):
        return None
    finally:
        store.dispose()
    found = links.get(email.strip().lower()) if isinstance(links, dict) else None
    return str(found) if found else None
