"""Each member's interface language, chosen on the Account page.

Stored as a project setting per member (``ui.language.<user id>``): a member's language is
configuration, not data about a participant, so it needs no encryption, and a setting needs no
schema change. Without a choice the interface follows the project's language.
"""

from __future__ import annotations

from workbench.errors import InvalidInputError
from workbench.i18n import LANGUAGE_NAMES, LANGUAGES, normalise
from workbench.i18n import gettext as _
from workbench.services.workspace import Workspace

LANGUAGE_KEY_PREFIX = "ui.language."


def _key(ws: Workspace) -> str:
    return LANGUAGE_KEY_PREFIX + ws.user.id


def interface_language(ws: Workspace) -> str:
    """The member's chosen language, else the project's language (English if it has no catalogue)."""
    with ws.read() as repo:
        chosen = repo.settings.get(_key(ws))
    return normalise(chosen if isinstance(chosen, str) else ws.project.language)


def set_interface_language(ws: Workspace, language: str) -> None:
    """Store the member's own choice; any member may choose their own language."""
    if language not in LANGUAGES:
        names = ", ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in LANGUAGES)
        raise InvalidInputError(
            _("Unknown interface language {language}; choose one of {names}.").format(
                language=repr(language), names=names
            )
        )
    with ws.write() as repo:
        repo.settings.set(_key(ws), language, ws.user.id)
        ws.audit(repo, "user changed", "user", ws.user.name, interface_language=language)
