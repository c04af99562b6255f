"""Blind coding: whose codings a user may see.

Researchers code blind by default: each sees only their own codings until a lead opens the
comparison, so that agreement measures independent judgements. Leads and admins always see
everyone's work. Writers never see raw codings (they read released, de-identified material).
Every service that lists codings filters them through ``coders_visible_to``.
"""

from __future__ import annotations

from workbench.domain.models import Role
from workbench.domain.permissions import Action, require
from workbench.services.workspace import Workspace

BLIND_KEY = "coding.blind"
COMPARISON_KEY = "coding.comparison_open"


def blind_state(ws: Workspace) -> tuple[bool, bool]:
    """(blind coding on, comparison opened by a lead)."""
    with ws.read() as repo:
        return bool(repo.settings.get(BLIND_KEY, True)), bool(repo.settings.get(COMPARISON_KEY, False))


def coders_visible_to(ws: Workspace) -> frozenset[str] | None:
    """Names of the coders whose codings ``ws.user`` may see; ``None`` means everyone's."""
    if ws.user.role in (Role.ADMIN, Role.LEAD):
        return None
    if ws.user.role is Role.WRITER:
        return frozenset()
    blind, opened = blind_state(ws)
    return frozenset({ws.user.name}) if blind and not opened else None


def set_blind_coding(ws: Workspace, *, blind: bool) -> None:
    require(ws.user, Action.MANAGE_CODING_RULES)
    with ws.write() as repo:
        repo.settings.set(BLIND_KEY, blind, ws.user.id)
        ws.audit(repo, "coding rules changed", "project", ws.project.id, blind=blind)


def set_comparison_open(ws: Workspace, *, opened: bool) -> None:
    """Open (or close again) the comparison: researchers then see each other's codings."""
    require(ws.user, Action.MANAGE_CODING_RULES)
    with ws.write() as repo:
        repo.settings.set(COMPARISON_KEY, opened, ws.user.id)
        ws.audit(repo, "comparison opened" if opened else "comparison closed", "project", ws.project.id)
