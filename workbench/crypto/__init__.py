"""Envelope encryption: passphrase -> Argon2id KEK -> master key -> per-record data keys.

Nothing here touches storage; the store calls these functions at its boundary.
"""

from workbench.crypto.aead import KEY_BYTES, Aad, new_key, open_sealed, seal
from workbench.crypto.kdf import KdfParams, derive_kek

__all__ = ["KEY_BYTES", "Aad", "KdfParams", "derive_kek", "new_key", "open_sealed", "seal"]
