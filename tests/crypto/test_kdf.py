import pytest

from workbench.crypto.kdf import KdfParams, derive_kek, new_salt
from workbench.errors import InvalidInputError


def test_defaults_follow_rfc9106_second_recommendation() -> None:
    params = KdfParams()
    assert (params.time_cost, params.memory_kib, params.parallelism) == (3, 64 * 1024, 4)
    assert params.algorithm == "argon2id"


def test_params_round_trip_through_json() -> None:
    params = KdfParams(time_cost=2, memory_kib=16 * 1024, parallelism=2)
    assert KdfParams.from_json(params.to_json()) == params


def test_derivation_depends_on_passphrase_and_salt() -> None:
    params = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    salt = new_salt()
    key = derive_kek("one passphrase", salt, params)
    assert len(key) == 32
    assert key == derive_kek("one passphrase", salt, params)
    assert key != derive_kek("another passphrase", salt, params)
    assert key != derive_kek("one passphrase", new_salt(), params)


@pytest.mark.parametrize(
    "raw",
    [
        '{"time_cost": 3, "memory_kib": 99999999999, "parallelism": 4}',  # hostile: memory DoS
        '{"time_cost": 0, "memory_kib": 65536, "parallelism": 4}',
        '{"time_cost": 3, "memory_kib": 65536, "parallelism": 4, "algorithm": "md5"}',
        "not json",
        "{}",
    ],
)
def test_stored_params_are_untrusted(raw: str) -> None:
    with pytest.raises(InvalidInputError):
        KdfParams.from_json(raw)
