"""Key hierarchy at the storage boundary.

    passphrase --Argon2id--> KEK --wraps--> master key (one per project)
    master key --wraps--> data key (one per interview, one per participant)
    data key --AES-GCM--> every sensitive field of that interview / participant

Changing the passphrase re-wraps the master key only. Shredding deletes one data
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
import uuid
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import Connection, delete, insert, select, update

from workbench.crypto.aead import Aad, AuthenticationFailed, new_key, open_sealed, seal
from workbench.crypto.kdf import KdfParams, derive_kek, new_salt
from workbench.errors import IntegrityError, NotFoundError, ShreddedError, WrongPassphraseError
from workbench.store.schema import data_key, key_slot

PASSPHRASE_SLOT = "passphrase"  # noqa: S105 - a slot kind, not a secret


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def new_id() -> str:
    return uuid.uuid4().hex


@dataclass
class FieldCipher:
    """Seals and opens the fields of rows that share one data key."""

    key_id: str
    key: bytes

    def _aad(self, table: str, row_id: str, column: str) -> Aad:
        return Aad(table, row_id, column, f"dk:{self.key_id}:v1")

    def seal(self, table: str, row_id: str, column: str, value: str) -> bytes:
        return seal(self.key, value.encode("utf-8"), self._aad(table, row_id, column))

    def open(self, table: str, row_id: str, column: str, blob: bytes) -> str:
        aad = self._aad(table, row_id, column)
        try:
            return open_sealed(self.key, bytes(blob), aad).decode("utf-8")
        except AuthenticationFailed:
            raise IntegrityError(aad.describe()) from None


@dataclass
class Keyring:
    """The unlocked keys of one user session."""

    project_id: str
    master_key: bytes = field(repr=False)
    master_version: int = 1
    _data_keys: dict[str, bytes] = field(default_factory=dict, repr=False)

    def audit_key(self) -> bytes:
        """A key for the audit chain's HMAC, derived so the master key itself is never used twice."""
        return HKDF(hashes.SHA256(), 32, salt=None, info=b"workbench audit chain v1").derive(self.master_key)

    def mac(self, message: bytes) -> bytes:
        return hmac.new(self.audit_key(), message, hashlib.sha256).digest()

    def forget(self, key_id: str) -> None:
        self._data_keys.pop(key_id, None)

    def cipher(self, conn: Connection, key_id: str, what: str) -> FieldCipher:
        """The cipher of data key ``key_id``; ``what`` names its owner in error messages."""
        cached = self._data_keys.get(key_id)
        if cached is None:
            cached = self._unwrap(conn, key_id, what)
            self._data_keys[key_id] = cached
        return FieldCipher(key_id, cached)

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
        aad = Aad("data_key", key_id, "wrapped_key", f"mk:v{row.master_key_version}")
        try:
            return open_sealed(self.master_key, bytes(row.wrapped_key), aad)
        except AuthenticationFailed:
            raise IntegrityError(f"data key {key_id} of {what}") from None


def create_master_key() -> bytes:
    return new_key()


def add_passphrase_slot(
    conn: Connection, master_key: bytes, passphrase: str, kdf: KdfParams, *, version: int = 1
) -> None:
    slot_id = new_id()
    salt = new_salt()
    kek = derive_kek(passphrase, salt, kdf)
    wrapped = seal(kek, master_key, Aad("key_slot", slot_id, "wrapped_master_key", f"mk:v{version}"))
    conn.execute(
        insert(key_slot).values(
            id=slot_id,
            kind=PASSPHRASE_SLOT,
            user_id=None,
            kdf_salt=salt,
            kdf_params=kdf.to_json(),
            wrapped_master_key=wrapped,
            master_key_version=version,
            updated_at=utcnow(),
        )
    )


def unlock(conn: Connection, project_id: str, passphrase: str) -> Keyring:
    """Derive the KEK and unwrap the master key, or raise WrongPassphraseError."""
    slots = conn.execute(select(key_slot).where(key_slot.c.kind == PASSPHRASE_SLOT)).all()
    for slot in slots:
        kek = derive_kek(passphrase, bytes(slot.kdf_salt), KdfParams.from_json(slot.kdf_params))
        aad = Aad("key_slot", slot.id, "wrapped_master_key", f"mk:v{slot.master_key_version}")
        try:
            master = open_sealed(kek, bytes(slot.wrapped_master_key), aad)
        except AuthenticationFailed:
            continue
        return Keyring(project_id, master, slot.master_key_version)
    raise WrongPassphraseError(
        "The passphrase does not unlock this project. Check it and try again "
        "(passphrases are case-sensitive); nothing was changed."
    )


def rewrap_passphrase_slots(conn: Connection, keyring: Keyring, new_passphrase: str, kdf: KdfParams) -> None:
    """Replace every passphrase slot by one for the new passphrase (master key unchanged)."""
    conn.execute(delete(key_slot).where(key_slot.c.kind == PASSPHRASE_SLOT))
    add_passphrase_slot(conn, keyring.master_key, new_passphrase, kdf, version=keyring.master_version)


def create_data_key(conn: Connection, keyring: Keyring, purpose: str) -> str:
    key_id = new_id()
    key = new_key()
    aad = Aad("data_key", key_id, "wrapped_key", f"mk:v{keyring.master_version}")
    conn.execute(
        insert(data_key).values(
            id=key_id,
            purpose=purpose,
            wrapped_key=seal(keyring.master_key, key, aad),
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
        raise NotFoundError("That data key does not exist or was already shredded.")
    keyring.forget(key_id)
    return now


RELEASE_PURPOSE = "release"


def release_key_id(conn: Connection, keyring: Keyring) -> str:
    """The project's release key: it encrypts de-identified material meant for report writers.

    Writers' key slots wrap this key instead of the master key, so a writer session can read
    what was released to it and nothing else. It is created on first use (which needs the master
    key, so an admin, lead or researcher session).
    """
    existing = conn.execute(
        select(data_key.c.id).where(data_key.c.purpose == RELEASE_PURPOSE).order_by(data_key.c.created_at)
    ).first()
    if existing is not None:
        return str(existing.id)
    return create_data_key(conn, keyring, RELEASE_PURPOSE)
