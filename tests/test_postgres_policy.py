"""The PostgreSQL half of the suite may be skipped on a laptop, never silently on CI."""

import pytest

from tests import conftest

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def test_missing_postgres_fails_when_ci_is_true(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "PG_URL", UNREACHABLE)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true requires PostgreSQL"):
        conftest.require_postgres()


def test_missing_postgres_is_skipped_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(conftest, "PG_URL", UNREACHABLE)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception):
        conftest.require_postgres()


def test_the_real_server_is_reachable_here() -> None:
    """On the development and CI machines PostgreSQL runs; this fails loudly if it stopped."""
    conftest.require_postgres()
