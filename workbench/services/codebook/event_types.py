"""Codebook edits that reach life events: a life-event type is a code, and events name it.

Why a module of its own: an event keeps its type's code id (and key) inside its sealed payload,
so an edit that merges, deletes or otherwise retires a life-event type cannot follow the events
with a clear-text query as it follows codings. Merging moves the events to the surviving type
(sealed again, as a new revision under the new codebook version); every other edit that would
leave an event without a type (delete, restoring a version without the type, making it a
grouping node, moving it out of the life-event family) is refused with a clear error, and
nothing is changed. Restoring a version does not move merged events back: their type is still
a life-event type, so nothing is lost, and a researcher can edit them.

Only edits that touch a life-event type decrypt events, so ordinary codebook edits cost nothing.
"""

from __future__ import annotations

from dataclasses import replace

from workbench.domain.events import LifeEvent
from workbench.domain.models import Code
from workbench.errors import InvalidInputError
from workbench.i18n import ngettext
from workbench.services.events import event_types_in
from workbench.store.repo import Repo


def type_ids(repo: Repo) -> dict[str, Code]:
    """The codebook's life-event types by code id (no decryption)."""
    return {c.id: c for c in event_types_in(repo)}


def _is_of(event: LifeEvent, code: Code) -> bool:
    if event.type_code_id is not None:
        return event.type_code_id == code.id
    return event.type == (code.key or code.id)


def events_of(repo: Repo, code: Code) -> list[LifeEvent]:
    """Every event whose type is ``code`` (decrypts the project's events)."""
    return [e for e in repo.events.list() if _is_of(e, code)]


def retype_events(repo: Repo, source: Code, target: Code, version: int) -> int:
    """Give the events of ``source`` the type ``target`` (a merge); returns how many moved.

    Nothing moves unless ``target`` is itself a life-event type: then the check that follows
    the merge refuses it, since the events would have no type.
    """
    if source.id not in type_ids(repo) or target.id not in type_ids(repo):
        return 0
    moved = 0
    for event in events_of(repo, source):
        repo.events.replace(replace(event, type=target.key or target.id, type_code_id=target.id,
                                    codebook_version=version))  # fmt: skip
        moved += 1
    return moved


def refuse_lost_types(repo: Repo, before: dict[str, Code]) -> None:
    """Raise if a life-event type that events still use stopped being one in this transaction.

    ``before`` is :func:`type_ids` taken before the edit; the caller's transaction rolls back.
    """
    still = type_ids(repo)
    for code_id, code in before.items():
        if code_id not in still:
            refuse_used(repo, code)


def refuse_used(repo: Repo, code: Code) -> None:
    """Raise ``InvalidInputError`` if any life event has the type ``code``."""
    used = len(events_of(repo, code))
    if used:
        raise InvalidInputError(
            ngettext(
                "{name!r} is the type of {count} life event, which would be left without a type. "
                "Give it another type first (`workbench events edit DIR ID --type TYPE`) or merge "
                "{name!r} into another life-event type. Nothing was changed.",
                "{name!r} is the type of {count} life events, which would be left without a type. "
                "Give them another type first (`workbench events edit DIR ID --type TYPE`) or merge "
                "{name!r} into another life-event type. Nothing was changed.",
                used,
            ).format(name=code.name, count=used)
        )
