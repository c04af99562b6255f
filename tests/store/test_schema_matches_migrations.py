"""The tables the code queries (schema.py) are exactly the tables the migrations build."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from tests.conftest import Backend
from workbench.services.workspace import Workspace
from workbench.store.schema import metadata


def test_migrated_schema_has_no_drift_from_the_declared_tables(project: Workspace, backend: Backend) -> None:
    with project.store.read() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = [
            change
            for change in compare_metadata(context, metadata)
            if not (isinstance(change, tuple) and change[0] == "remove_table" and change[1].name == "alembic_version")
        ]
    assert diff == [], f"schema.py and the migrations disagree on {backend.name}: {diff}"


def test_settings_round_trip_and_overwrite(project: Workspace) -> None:
    with project.write() as repo:
        assert repo.settings.get("themes.model", "default") == "default"
        repo.settings.set("themes.model", {"name": "x", "dims": 384}, project.user.id)
        repo.settings.set("themes.model", {"name": "y"}, project.user.id)
    with project.read() as repo:
        assert repo.settings.get("themes.model") == {"name": "y"}
        assert repo.settings.all() == {"themes.model": {"name": "y"}}
