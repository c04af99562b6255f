"""Migrations: an older project is upgraded on open (SQLite backed up first) and keeps its data."""

from __future__ import annotations

from alembic import command

from tests.conftest import PASSPHRASE, Backend
from tests.helpers import TRANSCRIPT_A, add_two_transcripts
from tests.store.old_format import seal_the_old_way
from workbench.services.interviews import view_transcript
from workbench.services.projects import open_project
from workbench.services.workspace import Workspace


def test_an_older_schema_is_upgraded_with_a_backup(project: Workspace, backend: Backend) -> None:
    a, _ = add_two_transcripts(project)
    seal_the_old_way(project)  # what an older workbench stored (the data, not only the schema, is old)
    with project.store.migration_transaction() as conn:
        command.downgrade(project.store._alembic_config(conn), "0001_initial")
    assert project.store.schema_state()[0] == "0001_initial"
    again = open_project(project.location.directory, PASSPHRASE)
    try:
        current, head = again.store.schema_state()
        assert current == head != "0001_initial"
        assert view_transcript(again, a).transcript.text == TRANSCRIPT_A
        if backend.name == "sqlite":
            assert (project.location.directory / "project.sqlite3.before-0001_initial.bak").stat().st_size > 0
    finally:
        again.close()
