"""Which role may do what. Services call ``require``; the CLI and the app obey the same table."""

from __future__ import annotations

from enum import StrEnum

from workbench.domain.models import Role, User
from workbench.errors import N_, PermissionDeniedError


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
    SEAL_EVENT_MANIFESTS = "seal the missing manifests of life events recorded before they existed"


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
    Action.SEAL_EVENT_MANIFESTS: frozenset({Role.ADMIN}),
}


def allowed(user: User, action: Action) -> bool:
    return user.role in _ALLOWED[action]


# Who may change another member's codings and memos: researchers' codings are their own judgement
# (which inter-coder agreement measures); leads and admins may change anyone's, for example to
# clean up after a coder left.
_OVERSEERS = frozenset({Role.ADMIN, Role.LEAD})


def may_change_coding(user: User, coder_id: str) -> bool:
    """Whether ``user`` may move, memo or remove a coding made by the member with id ``coder_id``.

    The one rule for both the Code page (which greys out what it would refuse) and
    ``services/coding.py`` (which refuses). It compares ids: a name is only what is shown.
    """
    return allowed(user, Action.CODE) and (coder_id == user.id or user.role in _OVERSEERS)


def may_delete_memo(user: User, author_id: str) -> bool:
    """Whether ``user`` may delete an interview memo written by ``author_id``: the coding rule."""
    return may_change_coding(user, author_id)


def require(user: User, action: Action) -> None:
    if not allowed(user, action):
        raise PermissionDeniedError.about(
            N_("{user} has the role {role}, which may not {action}. Ask a project admin."),
            user=user.name,
            role=user.role.value,
            action=action.value,
        )
