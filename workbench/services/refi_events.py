"""Life events in REFI-QDA projects (.qdpx): how the workbench carries them, since the standard has no place.

The convention (documented in ARCHITECTURE.md and README "REFI-QDA"):

- An event becomes a **coding** of its type code (a code of the life-event family, which travels
  in the codebook like every code) on a **selection** of the passage it was recorded from, in the
  interview's text source. An event recorded from a whole interview is a coding of the source
  itself; an event anchored on no interview is a coding of the participant's first source.
- The coding carries one **note** named ``Life event`` whose text is a readable line followed by
  a line ``workbench-life-event/1`` and one line of JSON: id, participant, type, domain,
  direction, time (``EventTime.to_dict``), memo, recorder, codebook version and whether the
  event was anchored on the span (``anchor``: ``span``, ``source`` or ``none``).

Another QDA program shows each event as a coded passage with a note that says what it is. This
workbench, reading its own export, turns such codings back into events (not into codings),
keeping the times and the relative anchors between events; a note without the marker line is
an ordinary coding memo.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from workbench.domain.events import (
    LIFE_EVENT_FAMILY_KEY,
    Direction,
    EventAnchor,
    EventTime,
    LifeDomain,
    LifeEvent,
    TimeKind,
)
from workbench.domain.models import Code
from workbench.errors import InvalidInputError
from workbench.refi.model import RefiCoding, RefiNote, RefiProject, RefiSelection, RefiTextSource
from workbench.store.keys import new_id, utcnow
from workbench.store.repo import Repo

MARKER = "workbench-life-event/1"
NOTE_NAME = "Life event"
_NS = uuid.UUID("0f5d8a1e-6c2b-4f7a-93d4-2b8e1c7a5d60")


def _guid(*parts: object) -> str:
    return str(uuid.uuid5(_NS, ":".join(str(p) for p in parts)))


def _note_text(event: LifeEvent, anchor: str) -> str:
    time = event.time
    told = {
        TimeKind.AGE: f"age {time.value:g}" if time.value is not None else "",
        TimeKind.YEAR: f"year {time.value:g}" if time.value is not None else "",
        TimeKind.DATE: time.date.isoformat() if time.date else "",
        TimeKind.RELATIVE: f"{time.value:+g} years from another event" if time.value is not None else "",
    }
    readable = f"Life event: {event.type} ({told[time.kind]}, {time.precision.value}; {event.domain.value}, " \
               f"{event.direction.value})"  # fmt: skip
    data = {
        "id": event.id, "participant": event.participant_code, "type": event.type, "domain": event.domain.value,
        "direction": event.direction.value, "time": time.to_dict(), "memo": event.memo, "recorder": event.recorder,
        "codebook_version": event.codebook_version, "anchor": anchor,
    }  # fmt: skip
    return f"{readable}\n{MARKER}\n{json.dumps(data, ensure_ascii=False, sort_keys=True)}"


def export_events(
    repo: Repo,
    project: RefiProject,
    sources: Mapping[str, RefiTextSource],
    first_source: Mapping[str, str],
    user_guids: Mapping[str, str],
) -> tuple[int, int]:
    """Add every event of the exported interviews to ``project``; returns (carried, left out).

    ``sources`` maps interview ids to their exported sources, ``first_source`` participant codes
    to the interview id of their first source, ``user_guids`` user names to REFI user GUIDs.
    """
    carried = left_out = 0
    for event in repo.events.list():
        anchor = event.anchor
        interview_id = anchor.interview_id if anchor else first_source.get(event.participant_code)
        source = sources.get(interview_id or "")
        if source is None or event.type_code_id is None:
            left_out += 1
            continue
        user = user_guids.get(event.recorder)
        spanned = anchor is not None and anchor.start is not None and anchor.end is not None
        kind = "span" if spanned else ("source" if anchor is not None else "none")
        note = RefiNote(_guid("note", event.id), NOTE_NAME, _note_text(event, kind), user, event.created_at)
        coding = RefiCoding(_guid("coding", event.id), event.type_code_id, user, event.created_at, [note.guid])
        project.notes.append(note)
        if spanned and anchor is not None and anchor.start is not None and anchor.end is not None:
            selection = RefiSelection(_guid("selection", event.id), anchor.start, anchor.end, user=user,
                                      created=event.created_at, codings=[coding])  # fmt: skip
            source.selections.append(selection)
        else:
            source.codings.append(coding)
        carried += 1
    return carried, left_out


@dataclass
class _Pending:
    old_id: str
    new_id: str
    data: dict[str, Any]
    code_id: str
    recorder_id: str
    interview_id: str
    span: tuple[int, int] | None
    quote: str
    created: dt.datetime | None


@dataclass
class EventImporter:
    """Collects the events of an imported file while its codings are read, then stores them."""

    notes: Mapping[str, RefiNote]
    pending: list[_Pending] = field(default_factory=list)
    used_notes: set[str] = field(default_factory=set)

    def claim(
        self, coding: RefiCoding, recorder_id: str, interview_id: str, span: tuple[int, int], text: str,
        *, whole: bool,
    ) -> bool:  # fmt: skip
        """Whether ``coding`` is one of our events (then it is kept for ``store``, not stored as a coding)."""
        for ref in coding.note_refs:
            note = self.notes.get(ref)
            data = _parse(note.text) if note is not None else None
            if data is None:
                continue
            self.used_notes.add(ref)
            anchored = str(data.get("anchor", "span"))
            self.pending.append(_Pending(
                old_id=str(data.get("id") or new_id()), new_id=new_id(), data=data, code_id=coding.code,
                recorder_id=recorder_id, interview_id=interview_id,
                span=None if whole or anchored != "span" else span,
                quote="" if whole or anchored != "span" else text[span[0] : span[1]],
                created=coding.created,
            ))  # fmt: skip
            return True
        return False

    def store(self, repo: Repo, participant_of: Mapping[str, str | None], type_keys: Mapping[str, str]) -> int:
        """Write the collected events (relative anchors mapped to the new ids); returns how many.

        ``participant_of`` maps interview ids to participant codes and ``type_keys`` life-event code
        ids to their keys. An event whose interview has no participant or whose code is not an
        event type of this project is skipped (and counted by the caller as not imported).
        """
        ids = {p.old_id: p.new_id for p in self.pending}
        version = repo.codebook.current_version()
        stored = 0
        for item in self.pending:
            code = participant_of.get(item.interview_id)
            participant_id = repo.participants.id_of(code) if code else None
            key = type_keys.get(item.code_id)
            if participant_id is None or code is None or key is None:
                continue
            try:
                time = EventTime.from_dict(_remap(dict(item.data.get("time") or {}), ids))
                event = LifeEvent(
                    id=item.new_id, participant_id=participant_id, participant_code=code, type=key,
                    type_code_id=item.code_id, domain=LifeDomain(str(item.data.get("domain"))),
                    direction=Direction(str(item.data.get("direction"))), time=time, recorder="",
                    created_at=item.created or utcnow(), memo=str(item.data.get("memo") or ""),
                    anchor=None if item.data.get("anchor") == "none" else EventAnchor(
                        item.interview_id, item.span[0] if item.span else None, item.span[1] if item.span else None,
                        None, item.quote),
                    codebook_version=version,
                )  # fmt: skip
            except (InvalidInputError, ValueError):
                continue
            repo.events.add(event, item.recorder_id)
            stored += 1
        return stored


def _remap(time: dict[str, Any], ids: Mapping[str, str]) -> dict[str, Any]:
    anchor = time.get("anchor_event_id")
    if anchor:
        time["anchor_event_id"] = ids.get(str(anchor))
        if time["anchor_event_id"] is None:  # its anchor was not in the file: keep the offset, lose the anchor
            time["anchor_type"] = time.get("anchor_type") or "previous"
    return time


def _parse(text: str) -> dict[str, Any] | None:
    lines = text.strip().splitlines()
    if MARKER not in lines:
        return None
    rest = lines[lines.index(MARKER) + 1 :]
    try:
        data = json.loads(rest[0]) if rest else None
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def restore_keys(codes: Sequence[Code], project: RefiProject) -> list[Code]:
    """Codes of a file with the keys REFI-QDA cannot carry put back for the life-event family.

    The file's event notes name each type's key; the codes they code get it, and their parent
    becomes the ``life_event`` node, so the imported project knows its event types. Keys the
    project already uses are not given twice.
    """
    notes = {n.guid: _parse(n.text) for n in project.notes if MARKER in n.text}
    typed: dict[str, str] = {}
    for source in project.sources:
        for coding in [c for sel in source.selections for c in sel.codings] + list(source.codings):
            for ref in coding.note_refs:
                data = notes.get(ref)
                if data and data.get("type"):
                    typed[coding.code] = str(data["type"])
    if not typed:
        return list(codes)
    families = {c.parent_id for c in codes if c.id in typed and c.parent_id}
    taken = {c.key for c in codes if c.key}
    result = []
    for code in codes:
        wanted = typed.get(code.id) or (LIFE_EVENT_FAMILY_KEY if code.id in families else None)
        keyed = code.key is None and wanted is not None and wanted not in taken
        result.append(replace(code, key=wanted) if keyed else code)
        if keyed and wanted:
            taken.add(wanted)
    return result


def first_sources(summaries: Sequence[tuple[str, str | None]]) -> dict[str, str]:
    """Participant code -> the first exported interview id, from (interview id, participant code) pairs."""
    found: dict[str, str] = {}
    for interview_id, code in summaries:
        if code and code not in found:
            found[code] = interview_id
    return found
