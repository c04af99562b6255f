"""Fixtures for the exchange tests: further empty projects on the same backend."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import FAST_KDF, PASSPHRASE, PG_URL, Backend
from workbench.services.projects import init_project
from workbench.services.workspace import Workspace


@pytest.fixture
def fresh(backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], Workspace]]:
    """Makes further empty projects on the same backend (on PostgreSQL each in its own schema)."""
    made: list[Workspace] = []
    schemas: list[str] = []
    admin = create_engine(PG_URL) if backend.name == "postgresql" else None

    def make(name: str) -> Workspace:
        if admin is not None:
            schemas.append(f"wbt_{uuid.uuid4().hex[:12]}")
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schemas[-1]}"'))
            monkeypatch.setenv("WORKBENCH_DATABASE_URL", f"{PG_URL}?options=-csearch_path%3D{schemas[-1]}")
        made.append(init_project(tmp_path / name, PASSPHRASE, "importer", language="en", kdf=FAST_KDF))
        if backend.url:
            monkeypatch.setenv("WORKBENCH_DATABASE_URL", backend.url)
        return made[-1]

    yield make
    for ws in made:
        ws.close()
    if admin is not None:
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
