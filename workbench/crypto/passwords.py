"""Account password hashes (Argon2id, PHC string format) with argon2-cffi.

The hash checks a password before its key slot is tried, and lets a signed-in user confirm
their current password before changing it. It uses the project's Argon2id cost, so guessing
against the hash is no cheaper than guessing against the key slot it guards.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from workbench.crypto.kdf import KdfParams


def _hasher(kdf: KdfParams) -> PasswordHasher:
    return PasswordHasher(time_cost=kdf.time_cost, memory_cost=kdf.memory_kib, parallelism=kdf.parallelism)


def hash_password(password: str, kdf: KdfParams) -> str:
    return _hasher(kdf).hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed stored hash counts as a mismatch."""
    try:
        return PasswordHasher().verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
