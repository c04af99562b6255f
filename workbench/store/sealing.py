"""What binds clear-text metadata to the ciphertexts it gives meaning to, and the manifests.

Binding: each sealed value names, in its associated data, the clear-text columns of its row that
say what it is (see ``FieldCipher``): a coding's quote and memo their interview, code, coder,
span and suggestion flag; an interview's title and text its participant, language and wave; a
segment its interview, kind, position, span, speaker role, parent and time; a participant's
attribute value the participant's code; a life event's payload its participant, interview, data
key, recorder, codebook version and revision. ``UPDATE coding SET code_id = ...`` therefore makes the
quote fail to open, and so does every other edit of a bound column.

Binding cannot notice a row that is put back whole (a deleted memo re-inserted from an older
copy, an older ``memo_enc`` written back), because that row's ciphertext does match its own
columns. So each interview carries a manifest: an HMAC, under a key derived from the
interview's data key, over the ids and ciphertexts of all its codings and memos. Every write
that changes them marks the interview, and the write transaction seals the manifest again
before it commits (``Repo.seal_manifests``); reading the codings or memos of an interview
checks it. A manifest does not notice a whole interview's annotations *and* its manifest
restored together from one older copy (a rollback of that interview), and it does not cover
segments (written once at import, never changed: binding covers them).

Life events belong to a participant, whatever interview they were recorded from, so each
participant carries a manifest of their events (``participant.events_manifest_enc``), an HMAC
under a key derived from the participant's data key over the ids and payload ciphertexts of all
their events; every event write marks the participant (``Repo.touch_events``) and reading events
checks it. Erasing events while shredding marks without checking, so tampering never blocks an
erasure. A participant whose events *and* manifest are all removed (or rolled back) together is
not noticed, nor is a manifest emptied together with every event of that participant. Events
with no manifest at all (recorded under migration 0014, before manifests) read as damaged with
``ManifestMissingError`` until an admin seals them once (``EventRepo.seal_missing_manifests``),
which never re-seals a manifest that exists but does not match.

``upgrade_sealing`` converts a project sealed the old way (version 1 blobs, clear category
lists, no manifests, an unanchored audit log), once, on the first unlock by a member holding
the master key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select, update

from workbench.errors import IntegrityError, ManifestMissingError
from workbench.i18n import gettext as _
from workbench.store import audit
from workbench.store import schema as s
from workbench.store.keys import Binding, FieldCipher, Keyring, rewrap_data_keys

ATTRIBUTES_PURPOSE = "attributes"
Columns = Mapping[Any, Any]
"""A row's columns by name: a dict being inserted or a row read back (``Row._mapping``)."""


def interview_bind(v: Columns) -> Binding:
    return {"participant": v["participant_id"], "language": v["language"], "wave": v["wave"]}


def segment_bind(v: Columns) -> Binding:
    return {
        "interview": v["interview_id"], "kind": v["kind"], "position": v["position"], "start": v["start"],
        "end": v["end"], "role": v["speaker_role"], "parent": v["parent_id"], "time": v["time_s"],
    }  # fmt: skip


def coding_bind(v: Columns) -> Binding:
    return {
        "interview": v["interview_id"], "code": v["code_id"], "coder": v["coder_id"], "start": v["start"],
        "end": v["end"], "suggested": bool(v["suggested"]),
    }  # fmt: skip


def memo_bind(v: Columns) -> Binding:
    return {"interview": v["interview_id"], "author": v["author_id"]}


def event_bind(v: Columns) -> Binding:
    """A life event's payload is bound to its participant, anchoring interview, key, recorder and revision."""
    return {
        "participant": v["participant_id"], "interview": v["interview_id"], "key": v["data_key_id"],
        "recorder": v["recorder_id"], "codebook": v["codebook_version"], "revision": v["revision"],
    }  # fmt: skip


def attribute_bind(participant_code: str) -> Binding:
    return {"participant": participant_code}


def categories_bind(name: str, type_: str) -> Binding:
    return {"name": name, "type": type_}


# -- manifests ---------------------------------------------------------------------------

MANIFEST_V1 = b"workbench manifest v1|interview|"
MANIFEST_V2 = b"workbench manifest v2|interview|"
"""Version 2 also covers each coding's code, coder, span and suggestion flag and each memo's
author, so counting and agreement can trust those clear columns after one MAC check per interview,
without opening a single quote. A version 1 manifest (written before) still verifies; readers that
rely on the metadata then open the quotes (which checks the binding) until the next write seals
version 2."""
MANIFEST_V3 = b"workbench manifest v3|interview|"
MANIFEST_V3_METADATA = b"workbench manifest v3 metadata|interview|"
"""Version 3 is two MACs, 64 bytes: the first over what version 2 covers (ids, metadata and the
hashes of every ciphertext), the second over the ids and clear metadata alone (each coding's code,
coder, span and suggestion flag, each memo's author). Reads of text check both; counting checks
the second only (``metadata_verified``), so it reads no ciphertext at all. Each half names its
version and kind in the MAC's message, so neither half, nor a 32-byte prefix, passes for another
version. Every write seals version 3; an interview still carrying version 2 or 1 verifies as before
and counting then falls back to the full check until its next change."""
MAC_BYTES = 32


def _sha(blob: object) -> str:
    return hashlib.sha256(bytes(blob)).hexdigest() if blob is not None else ""  # type: ignore[call-overload]


def coding_entry(r: Columns) -> list[object]:
    """A coding's part of the version 2 digest: id, bound metadata, ciphertext hashes."""
    return ["coding", r["id"], r["code_id"], r["coder_id"], int(r["start"]), int(r["end"]), bool(r["suggested"]),
            _sha(r["text_enc"]), _sha(r["memo_enc"])]  # fmt: skip


def memo_entry(r: Columns) -> list[object]:
    return ["memo", r["id"], r["author_id"], _sha(r["text_enc"])]


def coding_meta_entry(r: Columns) -> list[object]:
    """A coding's part of the version 3 metadata digest: id and every clear column its quote is bound to."""
    return ["coding", r["id"], r["code_id"], r["coder_id"], int(r["start"]), int(r["end"]), bool(r["suggested"])]


def memo_meta_entry(r: Columns) -> list[object]:
    return ["memo", r["id"], r["author_id"]]


def _v3(cipher: FieldCipher, interview_id: str, codings: list[Columns], memos: list[Columns]) -> bytes:
    """The version 3 manifest of these rows (which must carry their ciphertexts)."""
    full = [coding_entry(r) for r in codings] + [memo_entry(m) for m in memos]
    return _manifest_mac(cipher, interview_id, _hash(full), MANIFEST_V3) + _metadata_mac(
        cipher, interview_id, codings, memos
    )


def _metadata_mac(cipher: FieldCipher, interview_id: str, codings: list[Columns], memos: list[Columns]) -> bytes:
    entries = [coding_meta_entry(r) for r in codings] + [memo_meta_entry(m) for m in memos]
    return _manifest_mac(cipher, interview_id, _hash(entries), MANIFEST_V3_METADATA)


def metadata_verified(
    cipher: FieldCipher, interview_id: str, stored: bytes | None, codings: list[Columns], memos: list[Columns]
) -> bool:
    """Whether a version 3 manifest vouches for exactly these rows' metadata (no ciphertext needed).

    False when ``stored`` is not version 3 (the caller then checks the full manifest, which reads
    the ciphertexts); IntegrityError when it is and the rows differ (changed, added or removed).
    """
    if stored is None or len(stored) != 2 * MAC_BYTES:
        return False
    if hmac.compare_digest(bytes(stored)[MAC_BYTES:], _metadata_mac(cipher, interview_id, codings, memos)):
        return True
    raise IntegrityError(f"interview {interview_id[:8]} (its codings and memos differ from those last written)")


def _v1_entries(codings: list[Columns], memos: list[Columns]) -> list[list[str]]:
    entries = [["coding", r["id"], _sha(r["text_enc"]), _sha(r["memo_enc"])] for r in codings]
    entries.extend(["memo", m["id"], _sha(m["text_enc"]), ""] for m in memos)
    return entries


def _hash(entries: list[Any]) -> bytes:
    entries.sort()  # ids are unique, so the comparison never reaches the mixed-type columns
    return hashlib.sha256(json.dumps(entries, separators=(",", ":")).encode("ascii")).digest()


def _rows(conn: Connection, interview_id: str) -> tuple[list[Columns], list[Columns]]:
    c = s.coding.c
    codings = (
        conn.execute(
            select(c.id, c.code_id, c.coder_id, c.start, c.end, c.suggested, c.text_enc, c.memo_enc).where(
                c.interview_id == interview_id
            )
        )
        .mappings()
        .all()
    )
    memos = (
        conn.execute(
            select(s.memo.c.id, s.memo.c.author_id, s.memo.c.text_enc).where(s.memo.c.interview_id == interview_id)
        )
        .mappings()
        .all()
    )
    return list(codings), list(memos)


def _manifest_mac(cipher: FieldCipher, interview_id: str, digest: bytes, prefix: bytes = MANIFEST_V2) -> bytes:
    return cipher.mac(prefix + interview_id.encode() + b"|" + digest)


def manifest_version(
    cipher: FieldCipher,
    interview_id: str,
    stored: bytes | None,
    codings: list[Columns],
    memos: list[Columns],
    *,
    seen: dict[str, list[object]] | None = None,
) -> int:
    """3, 2 or 1: which manifest version ``stored`` is over exactly these rows; IntegrityError if none.

    A version 3 manifest must match in both halves. With ``seen``, a version 3 or 2 match also
    leaves each coding's verified entry there by id, so a later read in the same transaction can
    compare its rows with them (``CodingRepo.of_interview``).
    """
    if stored is not None:
        entries = [coding_entry(r) for r in codings]
        full = entries + [memo_entry(m) for m in memos]
        digest = _hash(full)
        if len(stored) == 2 * MAC_BYTES:  # version 3: both halves (the second raises if it differs)
            first = _manifest_mac(cipher, interview_id, digest, MANIFEST_V3)
            whole = hmac.compare_digest(bytes(stored)[:MAC_BYTES], first)
            version = 3 if whole and metadata_verified(cipher, interview_id, stored, codings, memos) else 0
        elif hmac.compare_digest(bytes(stored), _manifest_mac(cipher, interview_id, digest)):
            version = 2
        else:
            version = 0
        if version:
            if seen is not None:
                seen.update((str(e[1]), e) for e in entries)
            return version
        v1 = _manifest_mac(cipher, interview_id, _hash(_v1_entries(codings, memos)), MANIFEST_V1)
        if hmac.compare_digest(bytes(stored), v1):
            return 1
    raise IntegrityError(f"interview {interview_id[:8]} (its codings and memos differ from those last written)")


def seal_manifest(conn: Connection, cipher: FieldCipher, interview_id: str) -> None:
    """Seal the interview's manifest (version 3) over its codings and memos as they are now."""
    codings, memos = _rows(conn, interview_id)
    mac = _v3(cipher, interview_id, codings, memos)
    conn.execute(update(s.interview).where(s.interview.c.id == interview_id).values(manifest_enc=mac))


def check_manifest(conn: Connection, cipher: FieldCipher, interview_id: str) -> int:
    """Raise IntegrityError unless the interview's codings and memos are exactly those last written.

    Returns the manifest's version (see ``MANIFEST_V3``).
    """
    stored = conn.execute(
        select(s.interview.c.manifest_enc).where(s.interview.c.id == interview_id)
    ).scalar_one_or_none()
    codings, memos = _rows(conn, interview_id)
    return manifest_version(cipher, interview_id, stored, codings, memos)


def event_digest(events: Iterable[tuple[str, bytes]]) -> bytes:
    """SHA-256 over the ids and ciphertext hashes of one participant's life events, in id order."""
    entries = sorted([event_id, hashlib.sha256(bytes(payload)).hexdigest()] for event_id, payload in events)
    return hashlib.sha256(json.dumps(entries, separators=(",", ":")).encode("ascii")).digest()


def _event_digest(conn: Connection, participant_id: str) -> bytes:
    rows = conn.execute(
        select(s.life_event.c.id, s.life_event.c.payload_enc).where(s.life_event.c.participant_id == participant_id)
    )
    return event_digest((r.id, r.payload_enc) for r in rows)


def _event_manifest_mac(cipher: FieldCipher, participant_id: str, digest: bytes) -> bytes:
    return cipher.mac(f"workbench manifest v1|participant events|{participant_id}|".encode() + digest)


def seal_event_manifest(conn: Connection, cipher: FieldCipher, participant_id: str) -> None:
    """Seal the manifest of a participant's life events (``cipher``: the participant's data key)."""
    mac = _event_manifest_mac(cipher, participant_id, _event_digest(conn, participant_id))
    conn.execute(update(s.participant).where(s.participant.c.id == participant_id).values(events_manifest_enc=mac))


def check_event_manifest(conn: Connection, cipher: FieldCipher, participant_id: str) -> None:
    """Raise IntegrityError unless the participant's life events are exactly those last written."""
    stored = conn.execute(
        select(s.participant.c.events_manifest_enc).where(s.participant.c.id == participant_id)
    ).scalar_one_or_none()
    verify_event_manifest(cipher, participant_id, stored, _event_digest(conn, participant_id))


def verify_event_manifest(cipher: FieldCipher, participant_id: str, stored: bytes | None, digest: bytes) -> None:
    """Raise IntegrityError unless ``stored`` is the manifest of events with this ``digest``.

    A participant who never had an event has no manifest yet, and that is accepted only while
    they have no event rows (see the module docstring for what a manifest cannot notice).
    Events without any manifest raise ``ManifestMissingError`` (an IntegrityError that tells the
    admin about ``workbench events seal``): that is a database that got events before manifests
    existed, or a cleared column. A manifest that exists but does not match is tampering (an
    event deleted, added or rolled back) and keeps the plain message: sealing cannot repair it.
    """
    if stored is None and digest == _EMPTY_DIGEST:
        return
    if stored is None:
        raise ManifestMissingError(_("participant {id}").format(id=participant_id[:8]))
    if bytes(stored) != _event_manifest_mac(cipher, participant_id, digest):
        raise IntegrityError(
            _(
                "participant {id} (their life events differ from those last written: one was removed, added or "
                "put back from an older copy)"
            ).format(id=participant_id[:8])
        )


_EMPTY_DIGEST = hashlib.sha256(b"[]").digest()


# -- the one-time upgrade of a project sealed the old way -------------------------------


CREATED_MARKER = audit.CREATED_MARKER


def needs_upgrade(conn: Connection) -> bool:
    """Whether the project was sealed the old way and never converted (see ``audit.is_legacy``)."""
    return audit.is_legacy(conn)


def upgrade_sealing(conn: Connection, keyring: Keyring, actor: str) -> int:
    """Re-seal every readable bound value with its binding, seal category lists and manifests.

    Runs inside the caller's write transaction, so it happens entirely or not at all, and ends
    by anchoring the audit log, after which version 1 blobs are refused everywhere. Values of
    shredded interviews cannot be read and stay as they are (nobody can open them anyway).
    Returns the number of values sealed again.
    """
    count = rewrap_data_keys(conn, keyring)
    interviews = conn.execute(
        select(s.interview)
        .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
        .where(s.data_key.c.shredded_at.is_(None))
    ).all()
    for row in interviews:
        cipher = keyring.cipher(conn, row.data_key_id, f"interview {row.id[:8]}")
        count += _reseal_interview(conn, cipher, row)
        seal_manifest(conn, cipher, row.id)
    count += _reseal_attributes(conn, keyring)
    count += seal_categories(conn, keyring)
    audit.record(conn, keyring, actor, audit.ANCHORED, object_type="project", object_id=keyring.project_id,
                 detail={"resealed": count}, new_anchors=True)  # fmt: skip
    return count


def _reseal(
    conn: Connection, cipher: FieldCipher, table: Any, row: Any, *, fields: tuple[str, ...], bind: Binding
) -> int:
    values: dict[str, bytes | None] = {}
    for column in fields:
        blob = getattr(row, f"{column}_enc")
        if blob is None:
            continue
        plain = cipher.open(table.name, row.id, column, blob, bind, legacy=True)
        values[f"{column}_enc"] = cipher.seal(table.name, row.id, column, plain, bind)
    if values:
        conn.execute(update(table).where(table.c.id == row.id).values(**values))
    return len(values)


def _reseal_interview(conn: Connection, cipher: FieldCipher, row: Any) -> int:
    count = _reseal(conn, cipher, s.interview, row, fields=("title", "text"), bind=interview_bind(row._mapping))
    for seg in conn.execute(select(s.segment).where(s.segment.c.interview_id == row.id)).all():
        count += _reseal(conn, cipher, s.segment, seg, fields=("speaker", "text"), bind=segment_bind(seg._mapping))
    for coding in conn.execute(select(s.coding).where(s.coding.c.interview_id == row.id)).all():
        count += _reseal(conn, cipher, s.coding, coding, fields=("text", "memo"), bind=coding_bind(coding._mapping))
    for memo in conn.execute(select(s.memo).where(s.memo.c.interview_id == row.id)).all():
        count += _reseal(conn, cipher, s.memo, memo, fields=("text",), bind=memo_bind(memo._mapping))
    return count


def _reseal_attributes(conn: Connection, keyring: Keyring) -> int:
    count = 0
    rows = conn.execute(
        select(s.participant_attribute, s.participant.c.code, s.participant.c.data_key_id)
        .join(s.participant, s.participant.c.id == s.participant_attribute.c.participant_id)
        .join(s.data_key, s.data_key.c.id == s.participant.c.data_key_id)
        .where(s.data_key.c.shredded_at.is_(None))
    ).all()
    for r in rows:
        cipher = keyring.cipher(conn, r.data_key_id, f"participant {r.code}")
        row_id = f"{r.participant_id}:{r.attribute_id}"
        bind = attribute_bind(r.code)
        plain = cipher.open("participant_attribute", row_id, "value", r.value_enc, bind, legacy=True)
        conn.execute(
            update(s.participant_attribute)
            .where(
                s.participant_attribute.c.participant_id == r.participant_id,
                s.participant_attribute.c.attribute_id == r.attribute_id,
            )
            .values(value_enc=cipher.seal("participant_attribute", row_id, "value", plain, bind))
        )
        count += 1
    return count


def attributes_key_id(conn: Connection, keyring: Keyring | None) -> str:
    """The project's attributes key (it seals category lists); created on first use when ``keyring`` is given."""
    from workbench.store.keys import create_data_key

    existing = conn.execute(
        select(s.data_key.c.id).where(s.data_key.c.purpose == ATTRIBUTES_PURPOSE).order_by(s.data_key.c.created_at)
    ).first()
    if existing is not None:
        return str(existing.id)
    if keyring is None:
        return ""
    return create_data_key(conn, keyring, ATTRIBUTES_PURPOSE)


def seal_categories_value(
    conn: Connection, keyring: Keyring, attr_id: str, *, name: str, type_: str, categories: list[str]
) -> bytes:
    key_id = attributes_key_id(conn, keyring)
    cipher = keyring.cipher(conn, key_id, "the attribute definitions")
    value = json.dumps(categories, ensure_ascii=False)
    return cipher.seal("attribute_def", attr_id, "categories", value, categories_bind(name, type_))


def open_categories(conn: Connection, keyring: Keyring, row: Any) -> tuple[str, ...]:
    """The allowed values of a category attribute; () for a session without the master key."""
    if row.categories_enc is None or not keyring.full:
        return ()
    cipher = keyring.cipher(conn, attributes_key_id(conn, None), "the attribute definitions")
    raw = cipher.open("attribute_def", row.id, "categories", row.categories_enc, categories_bind(row.name, row.type))
    return tuple(json.loads(raw))


def seal_categories(conn: Connection, keyring: Keyring) -> int:
    """Move category lists stored in the clear (before 0009) into ``categories_enc``."""
    count = 0
    for row in conn.execute(select(s.attribute_def).where(s.attribute_def.c.categories != "[]")).all():
        if row.categories_enc is None:
            categories = list(json.loads(row.categories))
            sealed = seal_categories_value(conn, keyring, row.id, name=row.name, type_=row.type, categories=categories)
            conn.execute(
                update(s.attribute_def)
                .where(s.attribute_def.c.id == row.id)
                .values(categories="[]", categories_enc=sealed)
            )
        else:
            conn.execute(update(s.attribute_def).where(s.attribute_def.c.id == row.id).values(categories="[]"))
        count += 1
    return count
