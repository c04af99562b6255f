"""Participants (cases) and their typed, encrypted attributes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workbench.domain.attributes import AttributeDef, AttributeValue
from workbench.domain.models import Participant
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError
from workbench.importers.safety import max_import_bytes
from workbench.importers.tables import (
    CODE_COLUMN,
    CODE_RULE,
    clean_cell,
    expectation,
    is_valid_code,
    parse_participants,
    parse_value,
    read_table,
)
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

_MAX_REPORTED = 15


@dataclass(frozen=True)
class ParticipantChanges:
    """Codes added and codes whose attributes changed, and attributes newly defined."""

    added: list[str]
    updated: list[str]
    defined: list[AttributeDef]


def add_participants(
    ws: Workspace, definitions: Iterable[AttributeDef], participants: Mapping[str, Mapping[str, object]]
) -> list[Participant]:
    """Define new attributes and add participants, all or nothing."""
    require(ws.user, Action.IMPORT)
    with ws.write() as repo:
        for definition in definitions:
            repo.participants.define_attribute(definition)
        added = [repo.participants.add(code, dict(attrs)) for code, attrs in participants.items()]
        ws.audit(repo, "participants added", "participant", "", count=len(added))
    return added


def list_participants(ws: Workspace) -> list[Participant]:
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        return repo.participants.all()


def participant_codes(ws: Workspace) -> list[str]:
    """The pseudonymous codes only (stored in the clear), for pickers; nothing is decrypted."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return [p.code for p in repo.participants.codes()]


def attribute_definitions(ws: Workspace) -> list[AttributeDef]:
    """The project's attribute definitions in display order (no participant data)."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        return [definition for _, definition in repo.participants.attribute_defs().values()]


def import_participants(ws: Workspace, name: str, data: bytes, *, max_mb: float | None = None) -> ParticipantChanges:
    """Add or update participants from a CSV or XLSX sheet, every row or none.

    A code that already exists is updated: the sheet's non-empty cells replace
    its values and its other attributes stay as they were. The sheet is parsed
    and every row validated before the transaction writes anything.
    """
    require(ws.user, Action.IMPORT)
    table = read_table(name, data, language=ws.project.language, max_bytes=max_import_bytes(max_mb))
    with ws.write() as repo:
        existing = {n: definition for n, (_, definition) in repo.participants.attribute_defs().items()}
        sheet = parse_participants(name, table, existing)
        for definition in sheet.new_definitions:
            repo.participants.define_attribute(definition)
        added, updated = _apply(repo, sheet.participants)
        ws.audit(repo, "participants imported", "participant", "", added=len(added), updated=len(updated),
                 attributes=len(sheet.new_definitions))  # fmt: skip
    return ParticipantChanges(added, updated, sheet.new_definitions)


def save_participants(ws: Workspace, rows: Sequence[Mapping[str, object]]) -> ParticipantChanges:
    """Store an edited participant table, all rows or none.

    Each row holds ``code`` and attribute values by name; an empty cell removes
    the value, a new code adds a participant, and rows that did not change are
    not written. Participants missing from ``rows`` are left alone (removing a
    participant is a separate, deliberate act).
    """
    require(ws.user, Action.IMPORT)
    with ws.write() as repo:
        defs = {n: definition for n, (_, definition) in repo.participants.attribute_defs().items()}
        current = {p.code: p.attributes for p in repo.participants.all()}
        changes, errors = _table_changes(rows, defs, current)
        if errors:
            shown = [f"  {e}" for e in errors[:_MAX_REPORTED]]
            raise InvalidInputError("\n".join([f"{len(errors)} cell(s) need correcting; nothing was saved.", *shown]))
        added, updated = _apply(repo, changes)
        if added or updated:
            ws.audit(repo, "participants edited", "participant", "", added=len(added), updated=len(updated))
    return ParticipantChanges(added, updated, [])


def _table_changes(
    rows: Sequence[Mapping[str, object]], defs: Mapping[str, AttributeDef], current: Mapping[str, Mapping[str, object]]
) -> tuple[dict[str, dict[str, AttributeValue | None]], list[str]]:
    changes: dict[str, dict[str, AttributeValue | None]] = {}
    errors: list[str] = []
    for number, row in enumerate(rows, start=1):
        raw_code = clean_cell(row.get(CODE_COLUMN))
        code = "" if raw_code is None else str(raw_code)
        if not is_valid_code(code):
            errors.append(f"row {number}: " + (CODE_RULE if code else "the participant code is missing."))
            continue
        if code in changes:
            errors.append(f"row {number}: {code} appears twice.")
            continue
        before = current.get(code, {})
        values: dict[str, AttributeValue | None] = {}
        for name, definition in defs.items():
            if name not in row:
                continue
            cell = clean_cell(row[name])
            value = None if cell is None else parse_value(definition, cell)
            if cell is not None and value is None:
                errors.append(f"{code}: {name}: {expectation(definition)}.")
            elif value != before.get(name):
                values[name] = value
        if values or code not in current:
            changes[code] = values
    return changes, errors


def _apply(repo: Repo, participants: Mapping[str, Mapping[str, AttributeValue | None]]) -> tuple[list[str], list[str]]:
    """Add unknown codes and update known ones; returns (added, updated)."""
    added: list[str] = []
    updated: list[str] = []
    for code, values in participants.items():
        if repo.participants.id_of(code) is None:
            repo.participants.add(code, {k: v for k, v in values.items() if v is not None})
            added.append(code)
        elif values:
            repo.participants.set_attributes(code, values)
            updated.append(code)
    return added, updated
