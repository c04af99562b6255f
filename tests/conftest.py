"""Shared fixtures: temporary encrypted projects on SQLite and on PostgreSQL.

Projects are built through the same service functions the app uses. The KDF is
made cheap here (tests unlock projects hundreds of times); one test checks that
real projects get the RFC 9106 parameters.

PostgreSQL: each test gets a fresh schema in the ``test`` database at
127.0.0.1:5432 (override with WORKBENCH_TEST_POSTGRES_URL). When the server is
missing the PostgreSQL variants are skipped on a developer machine but FAIL when
CI=true, so CI can never go green without having tested PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from workbench.crypto.kdf import KdfParams
from workbench.services.demo import DemoResult, create_demo
from workbench.services.projects import init_project
from workbench.services.workspace import Workspace

# Derived model files (the int8 ONNX export, workbench/nlp/onnx_embed.py) go to the checkout's
# pytest cache, not the user's data folder: made once, reused by later runs.
os.environ.setdefault(
    "WORKBENCH_MODEL_DIR", str(Path(__file__).resolve().parents[1] / ".pytest_cache" / "workbench-models")
)

FAST_KDF = KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
PASSPHRASE = "test passphrase 123"
PG_URL = os.environ.get("WORKBENCH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Backend:
    name: str
    url: str | None = None
    schema: str | None = None


def _postgres_problem() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__})"
    return None


def require_postgres() -> None:
    problem = _postgres_problem()
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{problem}; CI=true requires PostgreSQL.")
        pytest.skip(problem)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    if request.param == "sqlite":
        monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
        yield Backend("sqlite")
        return
    require_postgres()
    schema = f"wbt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    monkeypatch.setenv("WORKBENCH_DATABASE_URL", url)
    try:
        yield Backend("postgresql", url, schema)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def project(backend: Backend, tmp_path: Path) -> Iterator[Workspace]:
    ws = init_project(tmp_path / "project", PASSPHRASE, "alice", language="en", kdf=FAST_KDF)
    yield ws
    ws.close()


@pytest.fixture
def demo(backend: Backend, tmp_path: Path) -> Iterator[DemoResult]:
    result = create_demo(tmp_path / "demo", PASSPHRASE, kdf=FAST_KDF)
    yield result
    result.workspace.close()
