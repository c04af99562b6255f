"""AES-256-GCM sealing with associated data that pins a ciphertext to its place.

A sealed blob is ``version (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes)``.
The associated data names table, row id, field and key reference, so a ciphertext
copied to another row, field or key fails authentication instead of decrypting
into the wrong place. Version 2 blobs also bind ``bound``: the clear-text columns that
give the ciphertext its meaning (owner, code, participant, offsets, revision), so editing
one of them in the database makes the blob fail to open. A version 1 blob opens only where
the caller asks for it explicitly (the one-time re-sealing of an older project).
Nonces are random: with at most a few million encryptions
per data key, the collision bound for 96-bit nonces is far out of reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
LEGACY_VERSION = b"\x01"
BOUND_VERSION = b"\x02"
BLOB_VERSION = LEGACY_VERSION  # unbound blobs (keys, slots, de-identification) keep version 1


class AuthenticationFailed(Exception):
    """Internal: the blob did not authenticate; the store turns it into IntegrityError."""


@dataclass(frozen=True)
class Aad:
    """Associated data: where a ciphertext belongs."""

    table: str
    row_id: str
    field: str
    key_ref: str
    bound: str = ""

    @property
    def version(self) -> bytes:
        return BOUND_VERSION if self.bound else LEGACY_VERSION

    def encode(self) -> bytes:
        if self.bound:
            return f"workbench/2|{self.table}|{self.row_id}|{self.field}|{self.key_ref}|{self.bound}".encode()
        return f"workbench/1|{self.table}|{self.row_id}|{self.field}|{self.key_ref}".encode()

    def unbound(self) -> Aad:
        """The version 1 associated data of the same place (how older projects sealed it)."""
        return Aad(self.table, self.row_id, self.field, self.key_ref)

    def describe(self) -> str:
        return f"{self.table} {self.row_id} (field {self.field})"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, aad: Aad) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return aad.version + nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def blob_version(blob: bytes) -> bytes:
    return bytes(blob[:1])


def open_sealed(key: bytes, blob: bytes, aad: Aad, *, legacy: bool = False) -> bytes:
    """Decrypt, or raise AuthenticationFailed for any malformed or altered blob.

    A blob must carry the version its associated data calls for; with ``legacy`` a bound
    place also accepts a version 1 blob sealed without the binding (re-sealing only).
    """
    if legacy and aad.bound and blob[:1] == LEGACY_VERSION:
        aad = aad.unbound()
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != aad.version:
        raise AuthenticationFailed(aad.describe())
    nonce = blob[1 : 1 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[1 + NONCE_BYTES :], aad.encode())
    except InvalidTag as exc:
        raise AuthenticationFailed(aad.describe()) from exc
