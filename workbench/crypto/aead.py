"""AES-256-GCM sealing with associated data that pins a ciphertext to its place.

A sealed blob is ``version (1 byte) | nonce (12 bytes) | ciphertext | tag (16 bytes)``.
The associated data names table, row id, field and key reference, so a ciphertext
copied to another row, field or key fails authentication instead of decrypting
into the wrong place. Nonces are random: with at most a few million encryptions
per data key, the collision bound for 96-bit nonces is far out of reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
BLOB_VERSION = b"\x01"


class AuthenticationFailed(Exception):
    """Internal: the blob did not authenticate; the store turns it into IntegrityError."""


@dataclass(frozen=True)
class Aad:
    """Associated data: where a ciphertext belongs."""

    table: str
    row_id: str
    field: str
    key_ref: str

    def encode(self) -> bytes:
        return f"workbench/1|{self.table}|{self.row_id}|{self.field}|{self.key_ref}".encode()

    def describe(self) -> str:
        return f"{self.table} {self.row_id} (field {self.field})"


def new_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


def seal(key: bytes, plaintext: bytes, aad: Aad) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return BLOB_VERSION + nonce + AESGCM(key).encrypt(nonce, plaintext, aad.encode())


def open_sealed(key: bytes, blob: bytes, aad: Aad) -> bytes:
    """Decrypt, or raise AuthenticationFailed for any malformed or altered blob."""
    if len(blob) < 1 + NONCE_BYTES + 16 or blob[:1] != BLOB_VERSION:
        raise AuthenticationFailed(aad.describe())
    nonce = blob[1 : 1 + NONCE_BYTES]
    try:
        return AESGCM(key).decrypt(nonce, blob[1 + NONCE_BYTES :], aad.encode())
    except InvalidTag as exc:
        raise AuthenticationFailed(aad.describe()) from exc
