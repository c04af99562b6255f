"""A demo project shared by the analysis service tests of one module, on SQLite and PostgreSQL.

Building the demo segments six transcripts; doing it once per module and backend keeps the
agreement, retrieval and visibility tests fast. Tests that change blind-coding settings restore
them. ``as_user`` acts as another member without a second unlock (the keys are the same).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FAST_KDF, PASSPHRASE, PG_URL, require_postgres
from workbench.errors import UnknownUserError
from workbench.services.demo import create_demo
from workbench.services.workspace import Workspace

BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def demo_workspace(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """Use as ``shared_demo = pytest.fixture(scope="module", params=BACKENDS)(demo_workspace)``."""
    with pytest.MonkeyPatch.context() as mp:
        admin = None
        schema = f"wbt_{uuid.uuid4().hex[:12]}"
        if request.param == "sqlite":
            mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        else:
            require_postgres()
            admin = create_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            mp.setenv("WORKBENCH_DATABASE_URL", f"{PG_URL}?options=-csearch_path%3D{schema}")
        try:
            result = create_demo(tmp_path_factory.mktemp("analysis") / "demo", PASSPHRASE, kdf=FAST_KDF)
            yield result.workspace
            result.workspace.close()
        finally:
            if admin is not None:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()


def as_user(ws: Workspace, name: str) -> Workspace:
    """The same unlocked project, acting as another member (for role and blind-coding tests)."""
    with ws.read() as repo:
        user = repo.users.by_name(name)
    if user is None:
        raise UnknownUserError(name)
    return dataclasses.replace(ws, user=user)
