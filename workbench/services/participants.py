"""Participants (cases) and their typed, encrypted attributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from workbench.domain.attributes import AttributeDef
from workbench.domain.models import Participant
from workbench.domain.permissions import Action, require
from workbench.services.workspace import Workspace


def add_participants(
    ws: Workspace, definitions: Iterable[AttributeDef], participants: Mapping[str, Mapping[str, object]]
) -> list[Participant]:
    """Define new attributes and add participants, all or nothing."""
    require(ws.user, Action.IMPORT)
    with ws.write() as repo:
        for definition in definitions:
            repo.define_attribute(definition)
        added = [repo.add_participant(code, dict(attrs)) for code, attrs in participants.items()]
        ws.audit(repo, "participants added", "participant", "", count=len(added))
    return added


def list_participants(ws: Workspace) -> list[Participant]:
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        return repo.participants()
