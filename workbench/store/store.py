"""The one owner of database connections for a project.

A project is a directory holding a small marker file (``workbench-project.toml``)
and, by default, the SQLite database beside it. For a team server the marker says
``backend = "postgresql"`` and the connection URL comes from
``WORKBENCH_DATABASE_URL`` (never written to disk, since it may hold a password).

Writes are serialised: on SQLite every write transaction starts with
``BEGIN IMMEDIATE``, so a second writer waits for the lock and, if it cannot get
it in time, fails cleanly with ``ProjectBusyError`` before changing anything.
Every connection turns foreign keys on, overwrites deleted content
(``secure_delete``, which matters for crypto-shredding) and keeps temporary
tables in memory.
"""

from __future__ import annotations

import os
import sqlite3
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from workbench.errors import (
    DatabaseUnavailableError,
    NotAProjectError,
    ProjectBusyError,
    ProjectError,
    ProjectExistsError,
    SchemaTooNewError,
)
from workbench.i18n import gettext as _

MARKER_FILE = "workbench-project.toml"
SQLITE_FILE = "project.sqlite3"
DATABASE_URL_ENV = "WORKBENCH_DATABASE_URL"
MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MARKER_FORMAT = 1


@dataclass(frozen=True)
class ProjectLocation:
    """Where a project lives: its directory, its id and its backend."""

    directory: Path
    project_id: str
    backend: str

    @property
    def sqlite_path(self) -> Path:
        return self.directory / SQLITE_FILE

    def database_url(self) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.sqlite_path}"
        url = os.environ.get(DATABASE_URL_ENV, "").strip()
        if not url:
            raise DatabaseUnavailableError(
                _(
                    "The project in {directory} is stored on a PostgreSQL server; set {DATABASE_URL_ENV} (e.g. "
                    "postgresql+psycopg://user@host/dbname) and try again."
                ).format(directory=self.directory, DATABASE_URL_ENV=DATABASE_URL_ENV)
            )
        return url


def read_location(directory: Path) -> ProjectLocation:
    marker = directory / MARKER_FILE
    if not marker.is_file():
        raise NotAProjectError(
            _(
                "{directory} is not a workbench project (no {MARKER_FILE}). Create one with `workbench init DIR` "
                "or check the path."
            ).format(directory=directory, MARKER_FILE=MARKER_FILE)
        )
    try:
        data = tomllib.loads(marker.read_text(encoding="utf-8"))
        location = ProjectLocation(directory, str(data["project_id"]), str(data["backend"]))
        fmt = int(data.get("format", 1))
    except (tomllib.TOMLDecodeError, KeyError, ValueError, UnicodeDecodeError) as exc:
        raise NotAProjectError(_("{marker} is damaged; restore it from a backup.").format(marker=marker)) from exc
    if fmt > MARKER_FORMAT or location.backend not in ("sqlite", "postgresql"):
        raise SchemaTooNewError(
            _("{marker} was written by a newer workbench; upgrade the workbench.").format(marker=marker)
        )
    return location


def write_location(location: ProjectLocation) -> None:
    """Write the marker atomically (temp file + rename), after the database exists."""
    marker = location.directory / MARKER_FILE
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(
        "# Workbench project marker: do not edit. The data is encrypted in the database.\n"
        f"format = {MARKER_FORMAT}\n"
        f'project_id = "{location.project_id}"\n'
        f'backend = "{location.backend}"\n',
        encoding="utf-8",
    )
    tmp.replace(marker)


def new_location(directory: Path) -> ProjectLocation:
    """Decide where a new project goes; refuse to overwrite an existing one."""
    import uuid

    if (directory / MARKER_FILE).exists() or (directory / SQLITE_FILE).exists():
        raise ProjectExistsError(
            _("{directory} already holds a workbench project; choose another directory.").format(directory=directory)
        )
    backend = "postgresql" if os.environ.get(DATABASE_URL_ENV, "").strip() else "sqlite"
    return ProjectLocation(directory, uuid.uuid4().hex, backend)


_WRITER_LOCK = "SELECT pg_advisory_xact_lock(hashtext('workbench.write:' || current_schema()))"
"""One writer at a time per project schema on PostgreSQL (``Store.write``)."""


class Store:
    """Owns the engine of one project database; hands out transactions."""

    def __init__(self, url: str, *, busy_timeout_s: float = 10.0) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise DatabaseUnavailableError(
                _("{DATABASE_URL_ENV} is not a valid database URL.").format(DATABASE_URL_ENV=DATABASE_URL_ENV)
            ) from exc
        self.backend = "sqlite" if parsed.get_backend_name() == "sqlite" else "postgresql"
        self._busy_timeout_s = busy_timeout_s
        if self.backend == "sqlite":
            self.engine = self._sqlite_engine(url, busy_timeout_s)
        else:
            self.engine = create_engine(
                url, pool_pre_ping=True, connect_args={"connect_timeout": 5}, hide_parameters=True
            )

    @staticmethod
    def _sqlite_engine(url: str, busy_timeout_s: float) -> Engine:
        engine = create_engine(url, connect_args={"timeout": busy_timeout_s}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
            for pragma in (
                "foreign_keys = ON",
                "journal_mode = WAL",
                "synchronous = FULL",
                "secure_delete = ON",
                "temp_store = MEMORY",
                "trusted_schema = OFF",
            ):
                dbapi_connection.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _on_begin(conn: Connection) -> None:
            immediate = conn.get_execution_options().get("workbench_write", False)
            conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

        return engine

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction (a consistent snapshot).

        PostgreSQL's default (read committed) gives each statement its own snapshot: a read
        that checks an interview's manifest and then its codings could straddle another
        process's commit and report tampering that never happened (two `serve` processes on
        one database, tests/services/test_team_server.py). Repeatable read is one snapshot.
        """
        with self._errors(), self.engine.connect() as plain:
            conn = plain.execution_options(isolation_level="REPEATABLE READ") if self.backend == "postgresql" else plain
            with conn.begin():
                yield conn

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction: all or nothing, one writer at a time.

        SQLite's ``BEGIN IMMEDIATE`` excludes other writers for the whole transaction. On
        PostgreSQL a transaction-scoped advisory lock, keyed by the project's schema, does the
        same, so every statement of a write sees everything committed before it began and no
        other writer commits in between: a manifest check cannot see half of another
        process's change, and the twin of a coding another process just stored is refused
        clearly instead of failing on the unique constraint.
        """
        with self._errors(), self.engine.connect() as plain:
            conn = plain.execution_options(workbench_write=True)
            with conn.begin():
                if self.backend == "postgresql":
                    timeout_ms = int(self._busy_timeout_s * 1000)
                    conn.exec_driver_sql(f"SET LOCAL lock_timeout = {timeout_ms}")
                    conn.exec_driver_sql(
                        "SELECT pg_advisory_xact_lock(hashtext('workbench.write:' || current_schema()))"
                    )
                yield conn

    @contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except OperationalError as exc:
            translated = self._translate(exc)
            if translated is exc:
                raise
            raise translated from exc
        except DBAPIError as exc:
            if "lock timeout" in str(exc.orig).lower():
                raise self._busy() from exc
            raise

    def _translate(self, exc: OperationalError) -> Exception:
        message = str(exc.orig).lower()
        if "locked" in message or "busy" in message or "lock timeout" in message:
            return self._busy()
        if self.backend == "postgresql" and ("connect" in message or "connection" in message):
            return DatabaseUnavailableError(
                "The PostgreSQL server could not be reached; check WORKBENCH_DATABASE_URL "
                "and that the server is running."
            )
        return exc

    def _busy(self) -> ProjectBusyError:
        return ProjectBusyError(
            f"Another process has been writing to this project for more than {self._busy_timeout_s:g} s; "
            "nothing was changed. Wait for it to finish and try again."
        )

    # -- schema ---------------------------------------------------------------

    def _alembic_config(self, conn: Connection) -> Config:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.attributes["connection"] = conn
        return config

    def schema_state(self) -> tuple[str | None, str]:
        """(revision in the database, newest revision this code knows)."""
        with self.read() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
            head = ScriptDirectory.from_config(self._alembic_config(conn)).get_current_head()
        if head is None:
            raise RuntimeError("The workbench ships no migrations; the installation is broken.")
        return current, head

    def check_schema(self) -> None:
        """Refuse a database written by a newer workbench; upgrade an older one."""
        current, head = self.schema_state()
        if current is None:
            raise NotAProjectError(_("The database holds no workbench project (no schema)."))
        if current == head:
            return
        with self.read() as conn:
            script = ScriptDirectory.from_config(self._alembic_config(conn))
            try:
                known = script.get_revision(current) is not None
            except CommandError:
                known = False
        if not known:
            raise SchemaTooNewError(
                _(
                    "This project was written by a newer version of the workbench (schema {current}); upgrade the "
                    "workbench to open it. Nothing was changed."
                ).format(current=current)
            )
        self.upgrade()

    def upgrade(self) -> None:
        """Bring the schema to the newest revision, backing up a SQLite file first."""
        self._backup_before_upgrade()
        with self.migration_transaction() as conn:
            self.migrate_in(conn)

    @contextmanager
    def migration_transaction(self) -> Iterator[Connection]:
        """A write transaction fit for schema changes.

        SQLite rebuilds a table to alter it (copy, drop, rename); with foreign keys
        enforced, dropping a referenced table fails. So enforcement is switched off
        for the migration (that pragma only works outside a transaction) and every
        reference is checked with ``foreign_key_check`` before the commit.
        """
        with self._errors(), self.engine.connect() as plain:
            raw = plain.connection.dbapi_connection
            sqlite = self.backend == "sqlite" and raw is not None
            if sqlite:
                raw.execute("PRAGMA foreign_keys = OFF")  # type: ignore[union-attr]
            try:
                conn = plain.execution_options(workbench_write=True)
                with conn.begin():
                    yield conn
                    if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise ProjectError(_("The schema upgrade would break references between records; rolled back."))
            finally:
                if sqlite:
                    raw.execute("PRAGMA foreign_keys = ON")  # type: ignore[union-attr]

    def migrate_in(self, conn: Connection) -> None:
        """Run the migrations inside the caller's write transaction (DDL is transactional)."""
        if self.backend == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
        command.upgrade(self._alembic_config(conn), "head")

    def _backup_before_upgrade(self) -> None:
        if self.backend != "sqlite":
            return
        path = self.engine.url.database
        if not path or not Path(path).exists() or Path(path).stat().st_size == 0:
            return
        with self.read() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        if current is None:
            return
        backup = Path(f"{path}.before-{current}.bak")
        if not backup.exists():
            source = sqlite3.connect(path)
            try:
                target = sqlite3.connect(backup)
                with target:
                    source.backup(target)
                target.close()
            finally:
                source.close()

    def drop_schema(self) -> None:
        """Remove every workbench table: used only to discard a project that was just created."""
        with self.migration_transaction() as conn:
            command.downgrade(self._alembic_config(conn), "base")
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")

    def database_is_empty(self) -> bool:
        with self.read() as conn:
            return MigrationContext.configure(conn).get_current_revision() is None

    def checkpoint(self) -> None:
        """Fold the SQLite write-ahead log into the main file and truncate it.

        Used after shredding, so that no copy of a destroyed key lingers in the log.
        """
        if self.backend == "sqlite":
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM data_key"))

    def dispose(self) -> None:
        self.engine.dispose()


def remove_project_files(directory: Path) -> None:
    """Remove the marker and any SQLite files of a project whose creation failed midway."""
    for suffix in ("", "-wal", "-shm"):
        path = directory / f"{SQLITE_FILE}{suffix}"
        if path.exists():
            path.unlink()
    marker = directory / MARKER_FILE
    if marker.exists():
        marker.unlink()


__all__ = [
    "DATABASE_URL_ENV",
    "MARKER_FILE",
    "SQLITE_FILE",
    "ProjectLocation",
    "Store",
    "new_location",
    "read_location",
    "remove_project_files",
    "write_location",
]
