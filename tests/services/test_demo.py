"""A demo that fails midway leaves nothing behind, on either backend, so it can simply be rerun."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FAST_KDF, PASSPHRASE, Backend
from workbench.errors import InvalidInputError
from workbench.services import demo
from workbench.store.store import Store


def test_a_failed_demo_leaves_nothing_and_a_rerun_works(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_codebook(*_args: object, **_kwargs: object) -> int:
        raise InvalidInputError("codebook unreadable")

    directory = tmp_path / "demo"
    with monkeypatch.context() as patched:
        patched.setattr(demo, "install_codebook", broken_codebook)
        with pytest.raises(InvalidInputError, match="codebook unreadable"):
            demo.create_demo(directory, PASSPHRASE, kdf=FAST_KDF)
    assert list(directory.iterdir()) == []
    if backend.url is not None:
        store = Store(backend.url)
        assert store.database_is_empty()
        store.dispose()
    result = demo.create_demo(directory, PASSPHRASE, kdf=FAST_KDF)
    assert result.codings == 122
    result.workspace.close()


def test_the_demo_release_needs_no_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every demo interview is reviewed (nothing unflagged is left), so its release goes through unforced."""
    from workbench.services.deid import unreviewed_counts
    from workbench.services.deid_release import latest_release
    from workbench.services.projects import audit_log

    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    ws = demo.create_demo(tmp_path / "demo", PASSPHRASE, kdf=FAST_KDF, release_for_writers=True).workspace
    try:
        counts = unreviewed_counts(ws)
        assert counts and set(counts.values()) == {0}
        assert latest_release(ws) is not None
        actions = [e.action for e in audit_log(ws).entries]
        assert "deid release" in actions and "deid release unreviewed override" not in actions
    finally:
        ws.close()
