"""Life events at rest: the ``life_event`` table, sealed at the boundary (issue 15).

Everything about the person (type, life domain, direction, time, memo, span and quote) is one
JSON payload sealed with a data key that dies with what the event came from: the anchoring
interview's key when the event was recorded from a passage, else the participant's own key.
Shredding the interview (or the participant) therefore makes the payload unreadable in every
copy of the database, and ``erase_interview`` / ``erase_participant`` delete the rows too.

The clear columns say only whose event it is, where it was recorded from, who recorded it,
under which codebook version and at which revision; ``sealing.event_bind`` binds them into
the payload's associated data, so moving an event to another participant or interview, or
claiming another recorder, makes it fail to open. A row deleted, or put back whole from an older
copy, is caught by the participant's event manifest (``sealing.check_event_manifest``): every
write here marks the participant (``Repo.touch_events``) and every read checks it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, insert, select, update

from workbench.domain.events import Direction, EventAnchor, EventTime, LifeDomain, LifeEvent
from workbench.errors import IntegrityError, InvalidInputError, NotFoundError, ShreddedError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import FieldCipher, utcnow
from workbench.store.repo import Repo
from workbench.store.sealing import event_bind, event_digest, verify_event_manifest

_TABLE = "life_event"
_FIELD = "payload"


@dataclass(frozen=True)
class EventRecord:
    """An event's clear metadata, read without decrypting: enough to check who may change it."""

    id: str
    participant_id: str
    interview_id: str | None
    recorder_id: str
    revision: int


@dataclass(frozen=True)
class ManifestSealing:
    """What ``EventRepo.seal_missing_manifests`` did: participant codes sealed, and those left alone.

    ``blocked`` maps a participant's code to the ids of their events that failed to open on
    their own; that participant's manifest was not sealed.
    """

    sealed: tuple[str, ...]
    blocked: dict[str, list[str]]


def _payload(event: LifeEvent) -> str:
    anchor = event.anchor
    return json.dumps(
        {
            "type": event.type,
            "type_code_id": event.type_code_id,
            "domain": event.domain.value,
            "direction": event.direction.value,
            "time": event.time.to_dict(),
            "memo": event.memo,
            "start": anchor.start if anchor else None,
            "end": anchor.end if anchor else None,
            "quote": anchor.quote if anchor else "",
        },
        ensure_ascii=False,
        sort_keys=True,
    )


class EventRepo:
    """Reads and writes of life events inside the transaction of ``repo`` (reached as ``repo.events``)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn

    # -- keys --------------------------------------------------------------

    def _key_for(self, participant_id: str, interview_id: str | None) -> str:
        """The data key a new payload is sealed with (see the module docstring)."""
        if interview_id is not None:
            row = self.conn.execute(
                select(s.interview.c.data_key_id, s.interview.c.participant_id, s.data_key.c.shredded_at)
                .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
                .where(s.interview.c.id == interview_id)
            ).one_or_none()
            if row is None:
                raise NotFoundError(
                    _("Interview {interview_id} does not exist in this project.").format(interview_id=interview_id[:8])
                )
            if row.shredded_at is not None:
                what = _("Interview {interview_id}").format(interview_id=interview_id[:8])
                raise ShreddedError(what, as_utc(row.shredded_at).date().isoformat())
            if row.participant_id != participant_id:
                raise InvalidInputError(
                    _(
                        "Interview {interview_id} is not an interview of this participant; "
                        "an event can only be anchored on the participant's own interviews."
                    ).format(interview_id=interview_id[:8])
                )
            return str(row.data_key_id)
        key = self.conn.execute(
            select(s.participant.c.data_key_id).where(s.participant.c.id == participant_id)
        ).scalar_one_or_none()
        if key is None:
            raise NotFoundError(_("That participant does not exist in this project."))
        return str(key)

    def _cipher(self, key_id: str) -> FieldCipher:
        return self.repo.keyring.cipher(self.conn, key_id, "a life event")

    # -- writes ------------------------------------------------------------

    def add(self, event: LifeEvent, recorder_id: str) -> None:
        """Store a new event (its id, participant, anchor and codebook version as given)."""
        interview_id = event.anchor.interview_id if event.anchor else None
        self.repo.touch_events(event.participant_id)
        values: dict[str, Any] = {
            "id": event.id,
            "participant_id": event.participant_id,
            "interview_id": interview_id,
            "data_key_id": self._key_for(event.participant_id, interview_id),
            "recorder_id": recorder_id,
            "codebook_version": int(event.codebook_version or 0),
            "revision": 1,
        }
        sealed = self._cipher(values["data_key_id"]).seal(_TABLE, event.id, _FIELD, _payload(event), event_bind(values))
        self.conn.execute(insert(s.life_event).values(**values, created_at=event.created_at, payload_enc=sealed))

    def replace(self, event: LifeEvent) -> int:
        """Seal an edited event over the stored one; the anchor may change, the recorder stays.

        The old payload is opened first, so an event already tampered with is refused rather
        than laundered. Returns the new revision.
        """
        row = self._row(event.id)
        self.repo.touch_events(row.participant_id)
        self._open(row)
        interview_id = event.anchor.interview_id if event.anchor else None
        values: dict[str, Any] = {
            "participant_id": row.participant_id,
            "interview_id": interview_id,
            "data_key_id": self._key_for(row.participant_id, interview_id),
            "recorder_id": row.recorder_id,
            "codebook_version": int(event.codebook_version or 0),
            "revision": int(row.revision) + 1,
        }
        sealed = self._cipher(values["data_key_id"]).seal(_TABLE, event.id, _FIELD, _payload(event), event_bind(values))
        self.conn.execute(
            update(s.life_event)
            .where(s.life_event.c.id == event.id)
            .values(**values, updated_at=utcnow(), payload_enc=sealed)
        )
        return int(values["revision"])

    def delete(self, event_id: str) -> None:
        self.repo.touch_events(self.record(event_id).participant_id)
        self.conn.execute(delete(s.life_event).where(s.life_event.c.id == event_id))

    def erase_interview(self, interview_id: str) -> int:
        """Delete the events recorded from one (shredded) interview; returns how many."""
        owners = self.conn.execute(
            select(s.life_event.c.participant_id).where(s.life_event.c.interview_id == interview_id).distinct()
        ).scalars()
        for participant_id in list(owners):
            self.repo.touch_events(str(participant_id), check=False)
        result = self.conn.execute(delete(s.life_event).where(s.life_event.c.interview_id == interview_id))
        return int(result.rowcount or 0)

    def erase_participant(self, participant_id: str) -> int:
        """Delete every event of one participant, whatever it was anchored on; returns how many."""
        result = self.conn.execute(delete(s.life_event).where(s.life_event.c.participant_id == participant_id))
        return int(result.rowcount or 0)

    # -- the one-time sealing of manifests missing since 0014 ---------------------------

    def seal_missing_manifests(self, *, dry_run: bool = False) -> ManifestSealing:
        """Seal the event manifest of every participant who has events but no manifest at all.

        For a database that got life events under migration 0014, before manifests existed
        (0015): without a manifest their events read as damaged for ever. Only a manifest that
        is *missing* (NULL) is sealed, and only when every one of the participant's events
        still opens on its own (its AEAD tag and binding verify); a participant with an event
        that fails is left unsealed and reported, so a forged or altered row is never sealed
        over. A manifest that exists but does not match is never touched: that is an event
        deleted, added or put back from an older copy, exactly what the manifest is there to
        report, and sealing it again would launder the tampering.

        What this cannot tell: a pre-manifest participant's event deleted (or their whole set
        rolled back) *before* sealing, or a manifest cleared by someone with write access to
        the database, looks like any 0014 participant. That is why this is an explicit,
        audited command an admin runs once, not something done on unlock (see
        ``services/events.seal_event_manifests``). The manifests are sealed by
        ``Repo.seal_manifests`` before the caller's write transaction commits; ``dry_run``
        marks nothing and only reports.
        """
        query = (
            select(s.participant.c.id, s.participant.c.code)
            .join(s.data_key, s.data_key.c.id == s.participant.c.data_key_id)
            .where(s.participant.c.events_manifest_enc.is_(None), s.data_key.c.shredded_at.is_(None))
            .where(select(s.life_event.c.id).where(s.life_event.c.participant_id == s.participant.c.id).exists())
            .order_by(s.participant.c.code)
        )
        sealed: list[str] = []
        blocked: dict[str, list[str]] = {}
        for p in self.conn.execute(query).all():
            rows = self.conn.execute(self._select().where(s.life_event.c.participant_id == p.id)).all()
            failed = []
            for row in rows:
                try:
                    self._open(row)
                except (IntegrityError, ShreddedError):
                    failed.append(str(row.id))
            if failed:
                blocked[str(p.code)] = sorted(failed)
                continue
            if not dry_run:
                self.repo.touch_events(str(p.id), check=False)  # no manifest to check: that is the point
            sealed.append(str(p.code))
        return ManifestSealing(tuple(sealed), blocked)

    # -- reads -------------------------------------------------------------

    def record(self, event_id: str) -> EventRecord:
        row = self.conn.execute(select(s.life_event).where(s.life_event.c.id == event_id)).one_or_none()
        if row is None:
            raise NotFoundError(
                _("There is no life event with the id {event_id}; it may have been deleted.").format(
                    event_id=event_id[:8]
                )
            )
        return EventRecord(row.id, row.participant_id, row.interview_id, row.recorder_id, int(row.revision))

    def resolve(self, ref: str) -> str:
        """A full event id or a unique prefix of at least four characters (``events list`` prints 8)."""
        ref = ref.strip().lower()
        if len(ref) < 4:
            raise InvalidInputError(_("Give at least the first four characters of the event id."))
        found = [str(r) for r in self.conn.execute(
            select(s.life_event.c.id).where(s.life_event.c.id.startswith(ref))).scalars()]  # fmt: skip
        if not found:
            raise NotFoundError(
                _("No life event has an id starting with {ref!r}; `workbench events list` lists them.").format(ref=ref)
            )
        if len(found) > 1:
            raise InvalidInputError(
                _("The id prefix {ref!r} matches {n} events; give more characters.").format(ref=ref, n=len(found))
            )
        return found[0]

    def get(self, event_id: str) -> LifeEvent:
        row = self._row(event_id)
        self.repo.check_events(row.participant_id)
        return self._open(row)

    def list(self, participant_id: str | None = None, interview_id: str | None = None) -> list[LifeEvent]:
        """Events, optionally of one participant or one interview, ordered by participant and recording time."""
        query = self._select()
        if participant_id is not None:
            query = query.where(s.life_event.c.participant_id == participant_id)
        if interview_id is not None:
            query = query.where(s.life_event.c.interview_id == interview_id)
        rows = self.conn.execute(
            query.order_by(s.participant.c.code, s.life_event.c.created_at, s.life_event.c.id)
        ).all()
        self._check_manifests(rows, participant_id, interview_id)
        return [self._open(r) for r in rows]

    def _check_manifests(self, rows: Sequence[Row[Any]], participant_id: str | None, interview_id: str | None) -> None:
        """Check the event manifest of every participant a listing covers, before anything is opened.

        A whole-project listing covers everyone (so a participant's deleted last event shows) and
        reuses the rows it read: one more query in all, not two per participant.
        """
        if interview_id is not None:  # only part of a participant's events: check against all of them
            owner = self.conn.execute(
                select(s.interview.c.participant_id).where(s.interview.c.id == interview_id)
            ).scalar_one_or_none()
            if owner is not None:
                self.repo.check_events(str(owner))
            return
        grouped: dict[str, list[tuple[str, bytes]]] = {}
        for r in rows:
            grouped.setdefault(str(r.participant_id), []).append((str(r.id), bytes(r.payload_enc)))
        query = (
            select(s.participant.c.id, s.participant.c.code, s.participant.c.data_key_id,
                   s.participant.c.events_manifest_enc)
            .join(s.data_key, s.data_key.c.id == s.participant.c.data_key_id)
            .where(s.data_key.c.shredded_at.is_(None))
        )  # fmt: skip
        if participant_id is not None:
            query = query.where(s.participant.c.id == participant_id)
        participants = self.conn.execute(query).all()
        self.repo.keyring.preload(self.conn, (p.data_key_id for p in participants))
        for p in participants:
            if self.repo.events_touched(p.id):
                continue
            cipher = self.repo.keyring.cipher(self.conn, p.data_key_id, f"participant {p.code}")
            verify_event_manifest(cipher, p.id, p.events_manifest_enc, event_digest(grouped.get(p.id, ())))

    def count_by_participant(self) -> dict[str, int]:
        """Events per participant id (no decryption)."""
        counts: dict[str, int] = {}
        for pid in self.conn.execute(select(s.life_event.c.participant_id)).scalars():
            counts[str(pid)] = counts.get(str(pid), 0) + 1
        return counts

    def _select(self) -> Any:
        return (
            select(
                s.life_event,
                s.participant.c.code.label("participant_code"),
                s.app_user.c.name.label("recorder_name"),
                s.interview.c.wave.label("wave"),
            )
            .join(s.participant, s.participant.c.id == s.life_event.c.participant_id)
            .join(s.app_user, s.app_user.c.id == s.life_event.c.recorder_id)
            .outerjoin(s.interview, s.interview.c.id == s.life_event.c.interview_id)
        )

    def _row(self, event_id: str) -> Row[Any]:
        row = self.conn.execute(self._select().where(s.life_event.c.id == event_id)).one_or_none()
        if row is None:
            raise NotFoundError(
                _("There is no life event with the id {event_id}; it may have been deleted.").format(
                    event_id=event_id[:8]
                )
            )
        return row

    def _open(self, row: Row[Any]) -> LifeEvent:
        raw = self._cipher(row.data_key_id).open(_TABLE, row.id, _FIELD, row.payload_enc, event_bind(row._mapping))
        data = json.loads(raw)
        anchor = (
            EventAnchor(row.interview_id, data.get("start"), data.get("end"), row.wave, str(data.get("quote") or ""))
            if row.interview_id is not None
            else None
        )
        return LifeEvent(
            id=row.id,
            participant_id=row.participant_id,
            participant_code=row.participant_code,
            type=str(data["type"]),
            type_code_id=data.get("type_code_id"),
            domain=LifeDomain(data["domain"]),
            direction=Direction(data["direction"]),
            time=EventTime.from_dict(data["time"]),
            recorder=row.recorder_name,
            created_at=as_utc(row.created_at),
            updated_at=as_utc(row.updated_at) if row.updated_at is not None else None,
            memo=str(data.get("memo") or ""),
            anchor=anchor,
            codebook_version=int(row.codebook_version),
        )
