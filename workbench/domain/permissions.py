"""Which role may do what. Services call ``require``; the CLI and the app obey the same table."""

from __future__ import annotations

from enum import StrEnum

from workbench.domain.models import Role, User
from workbench.errors import PermissionDeniedError


class Action(StrEnum):
    VIEW_STATUS = "view status"
    READ_TRANSCRIPTS = "read transcripts"
    IMPORT = "import transcripts"
    CODE = "code transcripts"
    EDIT_CODEBOOK = "edit the codebook"
    MANAGE_KEYS = "manage keys"
    VIEW_AUDIT = "view the audit log"
    SHRED = "shred an interview"
    MANAGE_CODING_RULES = "change blind coding or open the coders' comparison"
    VIEW_THEMES = "run theme clustering and view the dashboard"
    EXPORT_PROJECT = "export the decrypted project (.qdpx)"
    IMPORT_PROJECT = "import a project from another QDA program (.qdpx)"
    VIEW_AGREEMENT = "view inter-coder agreement and compare coders"
    REVIEW_DEID = "review de-identification (detections and known names)"
    RELEASE = "release de-identified material to report writers"
    EXPORT = "export anonymized tables and reports"


_ALLOWED: dict[Action, frozenset[Role]] = {
    Action.VIEW_STATUS: frozenset(Role),
    Action.READ_TRANSCRIPTS: frozenset({Role.ADMIN, Role.LEAD, Role.RESEARCHER}),
    Action.IMPORT: frozenset({Role.ADMIN, Role.LEAD, Role.RESEARCHER}),
    Action.CODE: frozenset({Role.ADMIN, Role.LEAD, Role.RESEARCHER}),
    Action.EDIT_CODEBOOK: frozenset({Role.ADMIN, Role.LEAD}),
    Action.MANAGE_KEYS: frozenset({Role.ADMIN}),
    Action.VIEW_AUDIT: frozenset({Role.ADMIN, Role.LEAD}),
    Action.SHRED: frozenset({Role.ADMIN}),
    Action.MANAGE_CODING_RULES: frozenset({Role.ADMIN, Role.LEAD}),
    Action.VIEW_THEMES: frozenset({Role.ADMIN, Role.LEAD}),
    Action.EXPORT_PROJECT: frozenset({Role.ADMIN, Role.LEAD}),
    Action.IMPORT_PROJECT: frozenset({Role.ADMIN, Role.LEAD}),
    Action.VIEW_AGREEMENT: frozenset({Role.ADMIN, Role.LEAD}),
    Action.REVIEW_DEID: frozenset({Role.ADMIN, Role.LEAD, Role.RESEARCHER}),
    Action.RELEASE: frozenset({Role.ADMIN, Role.LEAD}),
    Action.EXPORT: frozenset({Role.ADMIN, Role.LEAD, Role.WRITER}),
}


def allowed(user: User, action: Action) -> bool:
    return user.role in _ALLOWED[action]


def require(user: User, action: Action) -> None:
    if not allowed(user, action):
        raise PermissionDeniedError(
            f"{user.name} has the role {user.role.value}, which may not {action.value}. Ask a project admin."
        )
