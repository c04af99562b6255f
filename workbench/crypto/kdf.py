"""Key derivation: passphrase to key-encryption key (Argon2id), and sub-keys for purposes (HKDF).

The defaults are RFC 9106's second recommended option (t=3, m=64 MiB, p=4):
memory-hard enough to slow guessing on GPUs, yet about half a second on a laptop.
Parameters are stored beside the salt, so a project keeps opening after the
defaults change; values read from a database are bounds-checked because an
imported project is untrusted input (a huge ``memory_kib`` would be a DoS).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from enum import Enum

from argon2.low_level import Type, hash_secret_raw
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from workbench.errors import N_, InvalidInputError

SALT_BYTES = 16


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters; the defaults follow RFC 9106 section 4, option 2."""

    time_cost: int = 3
    memory_kib: int = 64 * 1024
    parallelism: int = 4
    algorithm: str = "argon2id"

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> KdfParams:
        try:
            data = json.loads(raw)
            params = cls(
                time_cost=int(data["time_cost"]),
                memory_kib=int(data["memory_kib"]),
                parallelism=int(data["parallelism"]),
                algorithm=str(data.get("algorithm", "argon2id")),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise InvalidInputError.about(N_("The stored key-derivation parameters are unreadable.")) from exc
        params.check()
        return params

    def check(self) -> None:
        """Reject parameters that are unsafe or absurdly expensive."""
        if self.algorithm != "argon2id":
            raise InvalidInputError.about(
                N_("Unsupported key-derivation algorithm {algorithm!r}."), algorithm=self.algorithm
            )
        if not (1 <= self.time_cost <= 64 and 8 * 1024 <= self.memory_kib <= 4 * 1024 * 1024):
            raise InvalidInputError.about(N_("The stored key-derivation parameters are out of bounds."))
        if not 1 <= self.parallelism <= 64:
            raise InvalidInputError.about(N_("The stored key-derivation parallelism is out of bounds."))


def new_salt() -> bytes:
    return os.urandom(SALT_BYTES)


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """Derive the 256-bit key-encryption key that wraps the master key."""
    params.check()
    if len(salt) < SALT_BYTES:
        raise InvalidInputError.about(N_("The stored key-derivation salt is too short."))
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_kib,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


class Purpose(Enum):
    """Every sub-key the workbench derives, with its HKDF label: the one registry of labels.

    A label is part of every key derived with it, so changing one makes existing projects
    unreadable (manifests, audit chain, pseudonym MACs, embedding ids): never edit a value,
    add a new member with a new version instead. ``tests/crypto/test_kdf_labels.py`` pins them.
    The comment after each says which root key it is derived from.
    """

    MANIFEST = b"workbench manifest v1"  # an interview's data key: the MAC over its codings and memos
    AUDIT_CHAIN = b"workbench audit chain v1"  # the master key: the audit chain's HMAC (writers hold it too)
    AUDIT_ANCHOR = b"workbench audit anchor v1"  # the master key: the audit anchor (writers never hold it)
    DEID_MAC = b"workbench deid mac v1"  # the de-identification key: MACs to find equal names unopened
    SURROGATES = b"workbench surrogates v1"  # the de-identification key: stable made-up replacement names
    LEAK_CHECK = b"workbench leak check v2"  # the de-identification key: the release leak check's fingerprints
    EMBEDDING_TEXT_ID = b"workbench embedding text id v1"  # the master key: embedding rows' text MACs


def derive_key(root: bytes, purpose: Purpose) -> bytes:
    """The 256-bit sub-key of ``root`` for ``purpose`` (HKDF-SHA256, no salt, the purpose's label as info).

    One root key is never used directly for two jobs: each job gets its own derived key, so
    a MAC computed for one purpose can never stand in for another's.
    """
    return HKDF(hashes.SHA256(), 32, salt=None, info=purpose.value).derive(root)
