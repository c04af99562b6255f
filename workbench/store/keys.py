"""Key hierarchy at the storage boundary.

    passphrase / member password --Argon2id--> KEK --wraps--> master key (one per project)
    writer's password --Argon2id--> KEK --wraps--> release key + audit key (never the master key)
    master key --wraps--> data key (one per interview, one per participant, one release key)
    data key --AES-GCM--> every sensitive field of that interview / participant

Each slot is one row of ``key_slot``: the passphrase slot (the admins' recovery secret) and
one ``user`` slot per member with a password. Changing a password re-wraps one slot only. Shredding deletes one data
key, after which its interview's text, segments, codings and memos cannot be
decrypted by anyone, while the rest of the project is untouched.

The ``Keyring`` holds the unlocked master key and the data keys unwrapped so far.
It belongs to one user's session (a CLI process or one browser session) and is
never put into a cache shared between users.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import threading
import time
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from workbench.crypto.aead import LEGACY_VERSION, Aad, AuthenticationFailed, new_key, open_sealed, seal
from workbench.crypto.kdf import KdfParams, Purpose, derive_kek, derive_key, new_salt
from workbench.errors import IntegrityError, KeyScopeError, NotFoundError, ShreddedError, WrongPassphraseError
from workbench.i18n import gettext as _
from workbench.store.schema import data_key, key_slot

PASSPHRASE_SLOT = "passphrase"  # noqa: S105 - a slot kind, not a secret
_PRELOAD_BATCH = 500  # ids per query: well under SQLite's and PostgreSQL's parameter limits
USER_SLOT = "user"
MASTER_SCOPE = "master"
RELEASE_SCOPE = "release"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return uuid.uuid4().hex


def ordered_id() -> str:
    """A time-ordered id (UUID version 7 layout: 48-bit milliseconds, then 74 random bits), as hex.

    For the two tables that grow with the work, segments and codings: a random key lands each
    insert at a random page of the primary-key index, which once it outgrows the page cache
    makes every insert touch cold pages (issue 19); ids that rise with time append instead.
    Their creation time is stored in the clear beside them anyway. Never used for ids people
    type as short prefixes (interviews, codes, detections), whose first characters would repeat.
    """
    millis = time.time_ns() // 1_000_000
    value = (millis & (2**48 - 1)) << 80 | 0x7 << 76 | secrets.randbits(12) << 64 | 0b10 << 62 | secrets.randbits(62)
    with _ordered_lock:
        # Within one millisecond the random bits would not keep creation order (codings applied
        # together, listed by time then id): never go below the last id this process made.
        if value <= _last_ordered[0]:
            value = _last_ordered[0] + 1
        _last_ordered[0] = value
    return uuid.UUID(int=value).hex


_ordered_lock = threading.Lock()
_last_ordered = [0]  # the last ordered id made by this process, as an integer


SEALING_FORMAT = 2
"""Data keys are wrapped with this format in their associated data (version 2 blobs): a project
holding such a key was sealed with bound metadata, so it is never taken for an older project
that still needs its one-time re-sealing (an attacker cannot turn a key back into version 1)."""

Binding = Mapping[str, object]
"""Clear-text columns bound into a ciphertext's associated data (see ``encode_binding``)."""


def encode_binding(bind: Binding | None) -> str:
    """A canonical text of the bound columns: sorted keys, booleans as 0/1, ``None`` as null.

    The same row read back from SQLite or PostgreSQL gives the same text, so a value sealed
    on one backend opens after a copy to the other.
    """
    if not bind:
        return ""
    values = {k: int(v) if isinstance(v, bool) else v for k, v in bind.items()}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


@dataclass
class FieldCipher:
    """Seals and opens the fields of rows that share one data key.

    ``bind`` names the row's clear-text columns that give the value its meaning (its owner,
    code, participant, offsets, revision): they become part of the associated data, so a
    changed column makes the value fail to open, like a changed ciphertext does.
    """

    key_id: str
    key: bytes

    def _aad(self, table: str, row_id: str, column: str, bind: Binding | None = None) -> Aad:
        return Aad(table, row_id, column, f"dk:{self.key_id}:v1", encode_binding(bind))

    def seal(self, table: str, row_id: str, column: str, value: str, bind: Binding | None = None) -> bytes:
        return seal(self.key, value.encode("utf-8"), self._aad(table, row_id, column, bind))

    def open(
        self, table: str, row_id: str, column: str, blob: bytes, bind: Binding | None = None, *, legacy: bool = False
    ) -> str:
        aad = self._aad(table, row_id, column, bind)
        try:
            return open_sealed(self.key, bytes(blob), aad, legacy=legacy).decode("utf-8")
        except AuthenticationFailed:
            raise IntegrityError(aad.describe()) from None

    def mac(self, message: bytes) -> bytes:
        """An HMAC under a key derived from this data key (for manifests of many rows)."""
        sub = derive_key(self.key, Purpose.MANIFEST)
        return hmac.new(sub, message, hashlib.sha256).digest()


@dataclass
class Keyring:
    """The unlocked keys of one user session.

    A full session holds the master key and unwraps data keys on demand. A report writer's
    session holds no master key: only the release key (for de-identified material) and the
    audit key, so it cannot decrypt a transcript however the code around it behaves.
    """

    project_id: str
    master_key: bytes | None = field(repr=False)
    master_version: int = 1
    _data_keys: dict[str, bytes] = field(default_factory=dict, repr=False)
    _audit_key: bytes | None = field(default=None, repr=False)

    @property
    def full(self) -> bool:
        """Whether this session can reach every data key (it holds the master key)."""
        return self.master_key is not None

    def require_master(self) -> bytes:
        if self.master_key is None:
            raise KeyScopeError(
                _(
                    "This session holds only the release key (report writer), so it cannot do that; ask a lead or "
                    "an admin."
                )
            )
        return self.master_key

    def audit_key(self) -> bytes:
        """A key for the audit chain's HMAC, derived so the master key itself is never used twice."""
        if self._audit_key is None:
            master = self.require_master()
            self._audit_key = derive_key(master, Purpose.AUDIT_CHAIN)
        return self._audit_key

    def mac(self, message: bytes) -> bytes:
        return hmac.new(self.audit_key(), message, hashlib.sha256).digest()

    def anchor_key(self) -> bytes:
        """The key of the audit log's anchor: derived from the master key, so writers never hold it.

        Writers hold the chain key (``audit_key``) to append their exports; with it alone they
        could rebuild the chain, but not the anchor that records how far it reached when a
        member holding the master key last wrote.
        """
        master = self.require_master()
        return derive_key(master, Purpose.AUDIT_ANCHOR)

    def anchor_mac(self, message: bytes) -> bytes:
        return hmac.new(self.anchor_key(), message, hashlib.sha256).digest()

    def forget(self, key_id: str) -> None:
        self._data_keys.pop(key_id, None)

    def cipher(self, conn: Connection, key_id: str, what: str) -> FieldCipher:
        """The cipher of data key ``key_id``; ``what`` names its owner in error messages."""
        return FieldCipher(key_id, self.data_key(conn, key_id, what))

    def data_key(self, conn: Connection, key_id: str, what: str) -> bytes:
        cached = self._data_keys.get(key_id)
        if cached is None:
            cached = self._unwrap(conn, key_id, what)
            self._data_keys[key_id] = cached
        return cached

    def preload(self, conn: Connection, key_ids: Iterable[str]) -> None:
        """Unwrap the keys among ``key_ids`` not yet held, reading their rows in one query per 500.

        A listing over every participant or interview (Pathways for 200 lives, the counting of a
        project) otherwise asks for each data key with its own query the first time a session
        needs it. Only keys that unwrap are kept; a missing, shredded or tampered one is left out,
        so :meth:`data_key` raises its own error for it when (and only when) it is needed.
        """
        if self.master_key is None:
            return
        wanted = sorted({k for k in key_ids if k and k not in self._data_keys})
        for start in range(0, len(wanted), _PRELOAD_BATCH):
            rows = conn.execute(
                select(data_key.c.id, data_key.c.wrapped_key, data_key.c.master_key_version).where(
                    data_key.c.id.in_(wanted[start : start + _PRELOAD_BATCH]), data_key.c.wrapped_key.is_not(None)
                )
            )
            for row in rows:
                try:
                    key = open_sealed(
                        self.master_key, bytes(row.wrapped_key), _data_key_aad(row.id, row.master_key_version),
                        legacy=True,
                    )  # fmt: skip
                except AuthenticationFailed:
                    continue
                self._data_keys[row.id] = key

    def _unwrap(self, conn: Connection, key_id: str, what: str) -> bytes:
        row = conn.execute(
            select(data_key.c.wrapped_key, data_key.c.shredded_at, data_key.c.master_key_version).where(
                data_key.c.id == key_id
            )
        ).one_or_none()
        if row is None:
            raise IntegrityError(f"data key {key_id} of {what} (missing)")
        if row.wrapped_key is None:
            when = row.shredded_at.date().isoformat() if row.shredded_at else None
            raise ShreddedError(what, when)
        if self.master_key is None:
            raise KeyScopeError(
                _(
                    "This session holds only the release key (report writer): it cannot decrypt {what}. Writers "
                    "work with released, de-identified material."
                ).format(what=what)
            )
        aad = _data_key_aad(key_id, row.master_key_version)
        try:  # keys wrapped before the sealing format keep opening (re-wrapped at the upgrade)
            return open_sealed(self.master_key, bytes(row.wrapped_key), aad, legacy=True)
        except AuthenticationFailed:
            raise IntegrityError(f"data key {key_id} of {what}") from None


def create_master_key() -> bytes:
    return new_key()


def _slot_aad(slot_id: str, kind: str, scope: str, version: int) -> Aad:
    # Passphrase slots keep the field label they were first written with, so old projects open.
    if kind == PASSPHRASE_SLOT:
        return Aad("key_slot", slot_id, "wrapped_master_key", f"mk:v{version}")
    return Aad("key_slot", slot_id, "wrapped_key", f"{scope}:v{version}")


def _insert_slot(
    conn: Connection,
    *,
    kind: str,
    scope: str,
    user_id: str | None,
    secret: str,
    payload: bytes,
    kdf: KdfParams,
    version: int,
) -> None:
    slot_id = new_id()
    salt = new_salt()
    kek = derive_kek(secret, salt, kdf)
    conn.execute(
        insert(key_slot).values(
            id=slot_id,
            kind=kind,
            scope=scope,
            user_id=user_id,
            kdf_salt=salt,
            kdf_params=kdf.to_json(),
            wrapped_key=seal(kek, payload, _slot_aad(slot_id, kind, scope, version)),
            master_key_version=version,
            updated_at=utcnow(),
        )
    )


def add_passphrase_slot(
    conn: Connection, master_key: bytes, passphrase: str, kdf: KdfParams, *, version: int = 1
) -> None:
    _insert_slot(
        conn,
        kind=PASSPHRASE_SLOT,
        scope=MASTER_SCOPE,
        user_id=None,
        secret=passphrase,
        payload=master_key,
        kdf=kdf,
        version=version,
    )


def passphrase_kdf(conn: Connection) -> KdfParams:
    """The cost parameters the project was created with; user slots use the same."""
    raw = conn.execute(select(key_slot.c.kdf_params).where(key_slot.c.kind == PASSPHRASE_SLOT)).scalars().first()
    return KdfParams.from_json(raw) if raw is not None else KdfParams()


def _try_slot(slot: Row[Any], secret: str) -> bytes | None:
    kek = derive_kek(secret, bytes(slot.kdf_salt), KdfParams.from_json(slot.kdf_params))
    aad = _slot_aad(slot.id, slot.kind, slot.scope, slot.master_key_version)
    try:
        return open_sealed(kek, bytes(slot.wrapped_key), aad)
    except AuthenticationFailed:
        return None


def unlock(conn: Connection, project_id: str, passphrase: str) -> Keyring:
    """Unwrap the master key with the project passphrase, or raise WrongPassphraseError."""
    keyring = unlock_passphrase(conn, project_id, passphrase)
    if keyring is None:
        raise WrongPassphraseError(
            _(
                "The passphrase does not unlock this project. Check it and try again "
                "(passphrases are case-sensitive); nothing was changed."
            )
        )
    return keyring


def unlock_passphrase(conn: Connection, project_id: str, passphrase: str) -> Keyring | None:
    for slot in conn.execute(select(key_slot).where(key_slot.c.kind == PASSPHRASE_SLOT)).all():
        master = _try_slot(slot, passphrase)
        if master is not None:
            return Keyring(project_id, master, slot.master_key_version)
    return None


def unlock_user_slot(conn: Connection, project_id: str, user_id: str, password: str) -> Keyring | None:
    """The keys a user's own password unwraps, or None when it opens none of their slots."""
    slots = conn.execute(select(key_slot).where(key_slot.c.kind == USER_SLOT, key_slot.c.user_id == user_id)).all()
    for slot in slots:
        payload = _try_slot(slot, password)
        if payload is None:
            continue
        if slot.scope == MASTER_SCOPE:
            return Keyring(project_id, payload, slot.master_key_version)
        release, audit_key = payload[:32], payload[32:]
        keyring = Keyring(project_id, None, slot.master_key_version, _audit_key=audit_key)
        keyring._data_keys[release_key_id_readonly(conn)] = release
        return keyring
    return None


def user_slot_payload(conn: Connection, keyring: Keyring, scope: str) -> bytes:
    """What a user slot of ``scope`` wraps: the master key, or the release key and the audit key."""
    if scope == MASTER_SCOPE:
        return keyring.require_master()
    release = keyring.data_key(conn, release_key_id(conn, keyring), "the release key")
    return release + keyring.audit_key()


def set_user_slot(conn: Connection, keyring: Keyring, user_id: str, password: str, scope: str) -> None:
    """Replace the user's slots by one wrapping what ``scope`` grants, under their new password."""
    payload = user_slot_payload(conn, keyring, scope)
    delete_user_slots(conn, user_id)
    _insert_slot(
        conn,
        kind=USER_SLOT,
        scope=scope,
        user_id=user_id,
        secret=password,
        payload=payload,
        kdf=passphrase_kdf(conn),
        version=keyring.master_version,
    )


def delete_user_slots(conn: Connection, user_id: str) -> None:
    conn.execute(delete(key_slot).where(key_slot.c.kind == USER_SLOT, key_slot.c.user_id == user_id))


def rewrap_passphrase_slots(conn: Connection, keyring: Keyring, new_passphrase: str, kdf: KdfParams) -> None:
    """Replace every passphrase slot by one for the new passphrase (master key unchanged)."""
    master = keyring.require_master()
    conn.execute(delete(key_slot).where(key_slot.c.kind == PASSPHRASE_SLOT))
    add_passphrase_slot(conn, master, new_passphrase, kdf, version=keyring.master_version)


def _data_key_aad(key_id: str, master_version: int) -> Aad:
    bound = encode_binding({"format": SEALING_FORMAT})
    return Aad("data_key", key_id, "wrapped_key", f"mk:v{master_version}", bound)


def rewrap_data_keys(conn: Connection, keyring: Keyring) -> int:
    """Wrap every live data key in the current format (the one-time upgrade); returns how many."""
    master = keyring.require_master()
    count = 0
    rows = conn.execute(select(data_key).where(data_key.c.wrapped_key.is_not(None))).all()
    for row in rows:
        if bytes(row.wrapped_key)[:1] != LEGACY_VERSION:
            continue
        key = keyring.data_key(conn, row.id, f"data key {row.id[:8]}")
        aad = _data_key_aad(row.id, row.master_key_version)
        conn.execute(update(data_key).where(data_key.c.id == row.id).values(wrapped_key=seal(master, key, aad)))
        count += 1
    return count


def has_current_data_keys(conn: Connection) -> bool:
    """Whether any data key is wrapped in the current format (seen without any key)."""
    blobs = conn.execute(select(data_key.c.wrapped_key).where(data_key.c.wrapped_key.is_not(None))).scalars()
    return any(bytes(b)[:1] != LEGACY_VERSION for b in blobs)


def create_data_key(conn: Connection, keyring: Keyring, purpose: str) -> str:
    key_id = new_id()
    key = new_key()
    aad = _data_key_aad(key_id, keyring.master_version)
    conn.execute(
        insert(data_key).values(
            id=key_id,
            purpose=purpose,
            wrapped_key=seal(keyring.require_master(), key, aad),
            master_key_version=keyring.master_version,
            created_at=utcnow(),
        )
    )
    keyring._data_keys[key_id] = key
    return key_id


def shred_data_key(conn: Connection, keyring: Keyring, key_id: str, user_id: str) -> dt.datetime:
    now = utcnow()
    result = conn.execute(
        update(data_key)
        .where(data_key.c.id == key_id, data_key.c.wrapped_key.is_not(None))
        .values(wrapped_key=None, shredded_at=now, shredded_by=user_id)
    )
    if result.rowcount != 1:
        raise NotFoundError(_("That data key does not exist or was already shredded."))
    keyring.forget(key_id)
    return now


RELEASE_PURPOSE = "release"


def release_key_id(conn: Connection, keyring: Keyring) -> str:
    """The project's release key: it encrypts de-identified material meant for report writers.

    Writers' key slots wrap this key instead of the master key, so a writer session can read
    what was released to it and nothing else. It is created on first use (which needs the master
    key, so an admin, lead or researcher session).
    """
    existing = release_key_id_readonly(conn)
    return existing if existing else create_data_key(conn, keyring, RELEASE_PURPOSE)


def release_key_id_readonly(conn: Connection) -> str:
    """The release key's id, or "" before any was created."""
    existing = conn.execute(
        select(data_key.c.id).where(data_key.c.purpose == RELEASE_PURPOSE).order_by(data_key.c.created_at)
    ).first()
    return str(existing.id) if existing is not None else ""
