import pytest
from hypothesis import given
from hypothesis import strategies as st

from workbench.crypto.aead import Aad, AuthenticationFailed, new_key, open_sealed, seal

AAD = Aad("interview", "abc", "text", "dk:1:v1")


@given(st.binary(max_size=2000))
def test_round_trip(plaintext: bytes) -> None:
    key = new_key()
    assert open_sealed(key, seal(key, plaintext, AAD), AAD) == plaintext


def test_nonces_are_fresh() -> None:
    key = new_key()
    assert seal(key, b"same", AAD) != seal(key, b"same", AAD)


@pytest.mark.parametrize(
    "other",
    [
        Aad("segment", "abc", "text", "dk:1:v1"),
        Aad("interview", "abd", "text", "dk:1:v1"),
        Aad("interview", "abc", "title", "dk:1:v1"),
        Aad("interview", "abc", "text", "dk:2:v1"),
    ],
)
def test_ciphertext_is_bound_to_table_row_field_and_key(other: Aad) -> None:
    key = new_key()
    with pytest.raises(AuthenticationFailed):
        open_sealed(key, seal(key, b"secret", AAD), other)


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_any_flipped_bit_is_detected(position: int) -> None:
    key = new_key()
    blob = bytearray(seal(key, b"some transcript text", AAD))
    blob[position] ^= 0x01
    with pytest.raises(AuthenticationFailed):
        open_sealed(key, bytes(blob), AAD)


def test_wrong_key_and_truncation_fail() -> None:
    key = new_key()
    blob = seal(key, b"x", AAD)
    with pytest.raises(AuthenticationFailed):
        open_sealed(new_key(), blob, AAD)
    with pytest.raises(AuthenticationFailed):
        open_sealed(key, blob[:10], AAD)
