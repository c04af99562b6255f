"""Pins every purpose's HKDF label and derived key: a changed label would lock existing projects out.

Manifests, the audit chain, pseudonym MACs and embedding ids are all keyed by these derivations,
so the values below were computed with the labels projects were created with; the test fails
if a label is edited, a purpose removed, or the derivation itself changes.
"""

from __future__ import annotations

from workbench.crypto.kdf import Purpose, derive_key

ROOT = bytes(range(32))

PINNED = {
    Purpose.MANIFEST: (b"workbench manifest v1", "233dec10e521340cb3fb6d129effb85c17c2b24043014ee7a8b970ea23f9923e"),
    Purpose.AUDIT_CHAIN: (
        b"workbench audit chain v1",
        "fa1f993f441e23ba1a7e538483d920f3fbd2fc6de04d0709d59d1a0441a4678c",
    ),
    Purpose.AUDIT_ANCHOR: (
        b"workbench audit anchor v1",
        "e5052bdb7110aa43b1b12d579842c50d0e7d4210c5fa77611aaabedf61b96549",
    ),
    Purpose.DEID_MAC: (b"workbench deid mac v1", "222cc0bfc9aa08f5ea3519e75ed49c32b8527b354922a28cdb7f37ce2227b4a8"),
    Purpose.SURROGATES: (
        b"workbench surrogates v1",
        "339edf6cbd76e5f7c4cd1b1f06a3a64d0b758aeaaad22c64681b1bab61d13ac2",
    ),
    Purpose.LEAK_CHECK: (
        b"workbench leak check v2",
        "cf94eaeae3e5ff94da3d6e4bdb3c02bbdb8af23cdce260704b9181382cf59fc0",
    ),
    Purpose.EMBEDDING_TEXT_ID: (
        b"workbench embedding text id v1",
        "4792f1340c4efe12eadcca37aa32c2b42d6f426b9de991599ed698e524e2f5b4",
    ),
}


def test_every_purpose_is_pinned() -> None:
    assert set(Purpose) == set(PINNED)


def test_labels_are_unchanged() -> None:
    for purpose, (label, _) in PINNED.items():
        assert purpose.value == label, purpose.name


def test_derived_keys_are_byte_identical_to_the_released_ones() -> None:
    for purpose, (_, expected) in PINNED.items():
        assert derive_key(ROOT, purpose).hex() == expected, purpose.name


def test_purposes_give_different_keys_and_depend_on_the_root() -> None:
    keys = {derive_key(ROOT, p) for p in Purpose}
    assert len(keys) == len(Purpose)
    assert derive_key(bytes(32), Purpose.MANIFEST) != derive_key(ROOT, Purpose.MANIFEST)
