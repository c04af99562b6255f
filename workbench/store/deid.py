"""De-identification storage: the pseudonym map, reviewed terms, detections and releases.

Real names are sealed with the project's de-identification data key (purpose ``deid``),
created on first use from the master key, so a report writer's session (release key only)
can never open them. Detections are sealed with their interview's data key, so shredding an
interview also destroys what was detected in it. Released material is sealed with the
release key: that is all a writer can read. A release is stored as one project-wide row and
one part per interview, so shredding an interview deletes its share of the release
(``erase_interview``) and leaves the rest readable. ``value_mac`` columns are HMACs under a key
derived from the de-identification key; they let equal texts be found without decrypting.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select, update

from workbench.crypto.kdf import Purpose, derive_key
from workbench.deid.spans import Span
from workbench.deid.terms import normalize_term
from workbench.domain.records import Pseudonym, StoredDetection, StoredRelease, StoredTerm
from workbench.errors import IntegrityError, NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import FieldCipher, create_data_key, new_id, release_key_id, utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo

DEID_PURPOSE = "deid"


class DeidRepo:
    """De-identification reads and writes inside the transaction of a ``Repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn
        self._key_id: str | None = None
        self._mac_key: bytes | None = None

    # -- keys ------------------------------------------------------------------------------

    def key_id(self) -> str:
        if self._key_id is None:
            self._key_id = self._find_or_create_key()
        return self._key_id

    def _find_or_create_key(self) -> str:
        row = self.conn.execute(
            select(s.data_key.c.id).where(s.data_key.c.purpose == DEID_PURPOSE).order_by(s.data_key.c.created_at)
        ).first()
        return str(row.id) if row is not None else create_data_key(self.conn, self.repo.keyring, DEID_PURPOSE)

    def cipher(self) -> FieldCipher:
        return self.repo.keyring.cipher(self.conn, self.key_id(), "the pseudonym map")

    def mac(self, text: str) -> str:
        if self._mac_key is None:
            self._mac_key = derive_key(self.cipher().key, Purpose.DEID_MAC)
        return hmac.new(self._mac_key, normalize_term(text).encode("utf-8"), hashlib.sha256).hexdigest()

    def surrogate_key(self) -> bytes:
        return derive_key(self.cipher().key, Purpose.SURROGATES)

    def leak_key(self) -> bytes:
        """The key of the leak check's fingerprints: derived from the de-identification key, never stored."""
        return derive_key(self.cipher().key, Purpose.LEAK_CHECK)

    # -- pseudonyms ------------------------------------------------------------------------

    def pseudonym_for(self, entity_type: str, canonical: str) -> Pseudonym:
        """The pseudonym of a real entity, numbered on first sight and stable ever after."""
        mac = self.mac(f"{entity_type}|{canonical}")
        row = self.conn.execute(select(s.deid_pseudonym).where(s.deid_pseudonym.c.value_mac == mac)).one_or_none()
        if row is not None:
            return Pseudonym(row.id, row.entity_type, row.number, canonical)
        number = 1 + int(
            self.conn.execute(
                select(func.coalesce(func.max(s.deid_pseudonym.c.number), 0)).where(
                    s.deid_pseudonym.c.entity_type == entity_type
                )
            ).scalar_one()
        )
        pseudonym_id = new_id()
        self.conn.execute(
            insert(s.deid_pseudonym).values(
                id=pseudonym_id, entity_type=entity_type, number=number, value_mac=mac, created_at=utcnow(),
                value_enc=self.cipher().seal("deid_pseudonym", pseudonym_id, "value", canonical),
            )
        )  # fmt: skip
        return Pseudonym(pseudonym_id, entity_type, number, canonical)

    def pseudonyms(self) -> dict[str, Pseudonym]:
        cipher = self.cipher()
        rows = self.conn.execute(select(s.deid_pseudonym))
        return {
            r.id: Pseudonym(r.id, r.entity_type, r.number, cipher.open("deid_pseudonym", r.id, "value", r.value_enc))
            for r in rows
        }

    # -- terms (known entities and review decisions) -------------------------------------------

    def save_term(self, text: str, entity_type: str, *, status: str, origin: str, pseudonym_id: str | None,
                  participant_id: str | None, user_id: str) -> str:  # fmt: skip
        """Insert a term, or overwrite the decision on the same (normalized) text."""
        mac = self.mac(text)
        table = s.deid_term
        values = {"entity_type": entity_type, "status": status, "pseudonym_id": pseudonym_id}
        existing = self.conn.execute(select(table.c.id).where(table.c.value_mac == mac)).scalar_one_or_none()
        if existing is not None:
            self.conn.execute(update(table).where(table.c.id == existing).values(**values))
            return str(existing)
        term_id = new_id()
        self.conn.execute(
            insert(table).values(
                id=term_id, value_mac=mac, text_enc=self.cipher().seal("deid_term", term_id, "text", text),
                origin=origin, participant_id=participant_id, created_by=user_id, created_at=utcnow(), **values,
            )
        )  # fmt: skip
        return term_id

    def terms(self) -> list[StoredTerm]:
        cipher = self.cipher()
        rows = self.conn.execute(
            select(s.deid_term, s.participant.c.code.label("participant_code"))
            .outerjoin(s.participant, s.participant.c.id == s.deid_term.c.participant_id)
            .order_by(s.deid_term.c.created_at, s.deid_term.c.id)
        )
        return [
            StoredTerm(
                r.id,
                cipher.open("deid_term", r.id, "text", r.text_enc),
                r.entity_type,
                r.status,
                r.origin,
                r.pseudonym_id,
                r.participant_code,
            )
            for r in rows
        ]

    def term_macs(self) -> dict[str, str]:
        """Status by value_mac, without decrypting any term."""
        return {r.value_mac: r.status for r in self.conn.execute(select(s.deid_term.c.value_mac, s.deid_term.c.status))}

    # -- detections ------------------------------------------------------------------------

    def replace_detections(self, interview_id: str, text: str, spans: list[Span]) -> int:
        cipher = self.repo.interviews.cipher(interview_id)
        self.conn.execute(delete(s.deid_detection).where(s.deid_detection.c.interview_id == interview_id))
        rows = []
        for span in spans:
            detection_id = new_id()
            value = text[span.start : span.end]
            rows.append({
                "id": detection_id, "interview_id": interview_id, "start": span.start, "end": span.end,
                "entity_type": span.entity_type, "score": span.score, "recognizer": span.recognizer[:40],
                "pseudonym_id": span.term_key,
                "value_mac": self.mac(value), "text_enc": cipher.seal("deid_detection", detection_id, "text", value),
            })  # fmt: skip
        if rows:
            self.conn.execute(insert(s.deid_detection), rows)
        self._mark_scanned(interview_id)
        return len(rows)

    def _mark_scanned(self, interview_id: str) -> None:
        from workbench.deid.engine import DETECTOR_VERSION

        self.conn.execute(delete(s.deid_scan).where(s.deid_scan.c.interview_id == interview_id))
        self.conn.execute(
            insert(s.deid_scan).values(
                interview_id=interview_id, scanned_at=utcnow(), detector_version=DETECTOR_VERSION
            )
        )

    def scanned(self) -> dict[str, int]:
        return {r.interview_id: r.detector_version for r in self.conn.execute(select(s.deid_scan))}

    def detections(self, interview_id: str | None = None) -> list[StoredDetection]:
        """Detections of the unshredded interviews (or of one), in text order."""
        query = (
            select(s.deid_detection, s.interview.c.data_key_id)
            .join(s.interview, s.interview.c.id == s.deid_detection.c.interview_id)
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .where(s.data_key.c.shredded_at.is_(None))
            .order_by(s.interview.c.imported_at, s.deid_detection.c.interview_id, s.deid_detection.c.start)
        )
        if interview_id is not None:
            query = query.where(s.deid_detection.c.interview_id == interview_id)
        result = []
        for r in self.conn.execute(query):
            cipher = self.repo.keyring.cipher(self.conn, r.data_key_id, f"interview {r.interview_id[:8]}")
            text = cipher.open("deid_detection", r.id, "text", r.text_enc)
            result.append(StoredDetection(r.id, r.interview_id, r.start, r.end, r.entity_type, r.score, r.recognizer,
                                          r.pseudonym_id, r.value_mac, text))  # fmt: skip
        return result

    def resolve_detection(self, ref: str) -> str:
        ref = ref.strip().lower()
        matches = [
            r.id for r in self.conn.execute(select(s.deid_detection.c.id).where(s.deid_detection.c.id.startswith(ref)))
        ]
        if len(ref) < 4 or len(matches) != 1:
            raise NotFoundError(
                _(
                    "No single detection has an id starting with {ref!r}; `workbench deid review list` shows them."
                ).format(ref=ref)
            )
        return str(matches[0])

    # -- releases --------------------------------------------------------------------------

    def add_release(self, base: dict[str, Any], parts: list[tuple[str, dict[str, Any]]], summary: dict[str, Any],
                    user_id: str) -> str:  # fmt: skip
        """Seal a release: its project-wide ``base`` in one row, each interview's share in a part of its own.

        The base lists its parts and every part names its release and interview inside the
        ciphertext, so a part moved to another release or interview, or a part removed other than
        by shredding, fails authentication when the release is opened.
        """
        key_id = release_key_id(self.conn, self.repo.keyring)
        cipher = self.repo.keyring.cipher(self.conn, key_id, "released material")
        release_id = new_id()
        part_ids = [new_id() for _ in parts]
        sealed = {**base, "parts": part_ids}
        self.conn.execute(
            insert(s.deid_release).values(
                id=release_id, created_at=utcnow(), created_by=user_id, data_key_id=key_id,
                summary=json.dumps(summary, sort_keys=True), payload_enc=cipher.seal("deid_release", release_id,
                                                                                     "payload", _dumps(sealed)),
            )
        )  # fmt: skip
        rows = [
            {"id": part_id, "release_id": release_id, "interview_id": interview_id, "position": position,
             "payload_enc": cipher.seal("deid_release_part", part_id, "payload",
                                        _dumps({**part, "release": release_id, "interview": interview_id}))}
            for position, (part_id, (interview_id, part)) in enumerate(zip(part_ids, parts, strict=True))
        ]  # fmt: skip
        if rows:
            self.conn.execute(insert(s.deid_release_part), rows)
        return release_id

    def latest_release(self) -> StoredRelease | None:
        """The newest release, opened with the release key only (what a writer's session holds)."""
        row = self.conn.execute(
            select(s.deid_release, s.app_user.c.name.label("author"))
            .join(s.app_user, s.app_user.c.id == s.deid_release.c.created_by)
            .order_by(s.deid_release.c.created_at.desc(), s.deid_release.c.id)
        ).first()
        if row is None:
            return None
        cipher = self.repo.keyring.cipher(self.conn, row.data_key_id, "released material")
        base = json.loads(cipher.open("deid_release", row.id, "payload", row.payload_enc))
        quotes: list[Any] = list(base.get("quotes", []))
        transcripts: list[Any] = list(base.get("transcripts", []))
        life_events: list[Any] = []  # life events recorded from a passage of the interview (services.life_release)
        for part in self._parts(row.id, cipher, list(base.get("parts", []))):
            quotes += part["quotes"]
            transcripts.append(part["transcript"])
            life_events += part.get("life_events", [])
        payload = {**base, "quotes": quotes, "transcripts": transcripts, "life_events": life_events}
        return StoredRelease(row.id, as_utc(row.created_at), row.author, json.loads(row.summary), payload)

    def _parts(self, release_id: str, cipher: FieldCipher, expected: list[str]) -> list[dict[str, Any]]:
        table = s.deid_release_part
        rows = self.conn.execute(
            select(table).where(table.c.release_id == release_id).order_by(table.c.position, table.c.id)
        ).all()
        if [r.id for r in rows] != expected:
            raise IntegrityError(f"deid_release {release_id} (its interview parts differ from the sealed list)")
        parts = []
        for r in rows:
            data = json.loads(cipher.open("deid_release_part", r.id, "payload", r.payload_enc))
            if data.get("release") != release_id or data.get("interview") != r.interview_id:
                raise IntegrityError(f"deid_release_part {r.id} (sealed for another release or interview)")
            parts.append(data)
        return parts

    def delete_releases_except(self, keep_id: str) -> int:
        """Delete every release but ``keep_id``: only the latest is ever read, and each is a copy."""
        old = [
            str(r) for r in self.conn.execute(select(s.deid_release.c.id).where(s.deid_release.c.id != keep_id))
            .scalars()
        ]  # fmt: skip
        if old:
            self.conn.execute(delete(s.deid_release_part).where(s.deid_release_part.c.release_id.in_(old)))
            self.conn.execute(delete(s.deid_release).where(s.deid_release.c.id.in_(old)))
        return len(old)

    def erase_interview(self, interview_id: str) -> int:
        """Take a (shredded) interview out of every release and drop what was detected in it.

        Each release loses the interview's part (its de-identified quotes and transcript): the
        row is deleted (``secure_delete`` overwrites it on SQLite) and the release's sealed list
        of parts is re-sealed without it. Returns the number of releases changed.
        """
        table = s.deid_release_part
        rows = self.conn.execute(
            select(table.c.id, table.c.release_id, table.c.payload_enc, s.deid_release.c.data_key_id,
                   s.deid_release.c.payload_enc.label("base_enc"), s.deid_release.c.summary)
            .join(s.deid_release, s.deid_release.c.id == table.c.release_id)
            .where(table.c.interview_id == interview_id)
        ).all()  # fmt: skip
        for r in rows:
            cipher = self.repo.keyring.cipher(self.conn, r.data_key_id, "released material")
            base = json.loads(cipher.open("deid_release", r.release_id, "payload", r.base_enc))
            part = json.loads(cipher.open("deid_release_part", r.id, "payload", r.payload_enc))
            base["parts"] = [p for p in base.get("parts", []) if p != r.id]
            summary = json.loads(r.summary)
            summary["interviews"] = max(0, int(summary.get("interviews", 1)) - 1)
            summary["quotes"] = max(0, int(summary.get("quotes", 0)) - len(part.get("quotes", [])))
            summary["shredded"] = int(summary.get("shredded", 0)) + 1
            self.conn.execute(delete(table).where(table.c.id == r.id))
            self.conn.execute(
                update(s.deid_release).where(s.deid_release.c.id == r.release_id).values(
                    summary=json.dumps(summary, sort_keys=True),
                    payload_enc=cipher.seal("deid_release", r.release_id, "payload", _dumps(base)),
                )
            )  # fmt: skip
        self._erase_pseudonyms_of(interview_id)
        self.conn.execute(delete(s.deid_detection).where(s.deid_detection.c.interview_id == interview_id))
        self.conn.execute(delete(s.deid_scan).where(s.deid_scan.c.interview_id == interview_id))
        return len(rows)

    def erase_participant(self, code: str) -> int:
        """Take a (shredded) participant out of the project-wide part of every release.

        Their interviews' parts (and the life events recorded from them) went with
        ``erase_interview``; what is left is their life path (``life_paths``: their end age and
        the events recorded from no released passage) and their generalized attributes, under
        their release pseudonym. Both are removed and the base re-sealed; the pseudonym row
        becomes a tombstone, so the number is never given to anyone else and nothing links it
        to the code. Returns the number of releases changed.
        """
        table = s.deid_pseudonym
        mac = self.mac(f"PARTICIPANT|{code}")
        row = self.conn.execute(select(table.c.id, table.c.number).where(table.c.value_mac == mac)).one_or_none()
        if row is None:  # never released
            return 0
        label = f"Participant {row.number}"
        changed = 0
        for r in self.conn.execute(select(s.deid_release)).all():
            cipher = self.repo.keyring.cipher(self.conn, r.data_key_id, "released material")
            base = json.loads(cipher.open("deid_release", r.id, "payload", r.payload_enc))
            people = [p for p in base.get("participants", []) if p.get("pseudonym") != label]
            paths = base.get("life_paths", {})
            lives = [life for life in paths.get("lives", []) if life.get("participant") != label]
            if len(people) == len(base.get("participants", [])) and len(lives) == len(paths.get("lives", [])):
                continue
            base["participants"] = people
            if paths:
                base["life_paths"] = {**paths, "lives": lives}
            summary = json.loads(r.summary)
            summary["participants"] = len(people)
            self.conn.execute(
                update(s.deid_release).where(s.deid_release.c.id == r.id).values(
                    summary=json.dumps(summary, sort_keys=True),
                    payload_enc=cipher.seal("deid_release", r.id, "payload", _dumps(base)),
                )
            )  # fmt: skip
            changed += 1
        self.conn.execute(
            update(table).where(table.c.id == row.id).values(
                value_mac=f"erased:{row.id}", value_enc=self.cipher().seal("deid_pseudonym", row.id, "value", "")
            )
        )  # fmt: skip
        return changed

    def _erase_pseudonyms_of(self, interview_id: str) -> None:
        """Blank the pseudonyms made for what was detected only in this interview.

        A release numbers each detected text on first sight and keeps the real text in the map;
        once the interview is erased, a text no other interview, term or participant accounts for
        must go too. The row stays as a tombstone (its number is never given to another entity),
        with an empty sealed value and a MAC that matches nothing.
        """

        def mac_of(d: StoredDetection) -> str:
            return self.mac(f"{d.entity_type}|{normalize_term(d.text)}")

        own = {mac_of(d) for d in self.detections(interview_id) if d.pseudonym_id is None}
        kept = {mac_of(d) for d in self.detections() if d.interview_id != interview_id}
        referenced = {r for r in self.conn.execute(select(s.deid_term.c.pseudonym_id)).scalars() if r is not None}
        table = s.deid_pseudonym
        for row in self.conn.execute(select(table.c.id, table.c.value_mac, table.c.entity_type)).all():
            if row.value_mac not in own or row.value_mac in kept or row.id in referenced:
                continue
            if row.entity_type == "PARTICIPANT":
                continue
            self.conn.execute(
                update(table).where(table.c.id == row.id).values(
                    value_mac=f"erased:{row.id}", value_enc=self.cipher().seal("deid_pseudonym", row.id, "value", "")
                )
            )  # fmt: skip


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
