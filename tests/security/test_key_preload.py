"""Unwrapping many data keys at once must not weaken how one key is checked.

``Keyring.preload`` reads the wrapped data keys of a listing (every participant on Pathways,
every interview when counting) in one query instead of one each. The attacks: someone who can
write the database swaps or corrupts a wrapped key, or a participant has been shredded; after a
preload, the key must still be refused exactly as a key asked for alone is, and a report
writer's session (no master key) must still unwrap nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Connection, event, select, update

from tests.conftest import PASSPHRASE, Backend
from tests.services.events_fixtures import build_events_project
from workbench.errors import IntegrityError, ShreddedError
from workbench.services import events as ev
from workbench.services.projects import open_project, shred_participant
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.keys import Keyring


def _participant_keys(ws: Workspace) -> dict[str, str]:
    with ws.read() as repo:
        rows = repo.conn.execute(select(s.participant.c.code, s.participant.c.data_key_id))
        return {r.code: r.data_key_id for r in rows}


def _fresh(ws: Workspace) -> Workspace:
    """A new session on the same project: its keyring holds no data key yet."""
    return open_project(Path(ws.location.directory), PASSPHRASE, "alice")


@contextmanager
def _counted(ws: Workspace) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = ws.store.engine

    def seen(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def _key_queries(statements: list[str]) -> int:
    return sum(1 for q in statements if "FROM data_key" in q and "wrapped_key" in q)


def test_one_query_unwraps_every_key_of_a_listing(project: Workspace) -> None:
    build_events_project(project)
    keys = _participant_keys(project)
    fresh = _fresh(project)
    try:
        with _counted(fresh) as statements, fresh.read() as repo:
            fresh.keyring.preload(repo.conn, keys.values())
            for key_id in keys.values():
                fresh.keyring.data_key(repo.conn, key_id, "a participant")
        assert _key_queries(statements) == 1
        with _counted(fresh) as statements:
            ev.list_events(fresh)  # the whole-project listing uses the keys already held
        assert _key_queries(statements) == 0
    finally:
        fresh.close()


def _refused_after_a_preload(
    project: Workspace, keys: dict[str, str], error: type[Exception], *, other_opens: bool = False
) -> None:
    """A new session preloads every participant's key; P1's must still be refused with ``error``."""
    fresh = _fresh(project)
    try:
        with fresh.read() as repo:
            fresh.keyring.preload(repo.conn, keys.values())
            if other_opens:
                fresh.keyring.data_key(repo.conn, keys["P2"], "participant P2")  # the intact one opens
            with pytest.raises(error):
                fresh.keyring.data_key(repo.conn, keys["P1"], "participant P1")
    finally:
        fresh.close()


def _wrapped(conn: Connection, key_id: str) -> bytes:
    return bytes(conn.execute(select(s.data_key.c.wrapped_key).where(s.data_key.c.id == key_id)).scalar_one())


def _set_wrapped(conn: Connection, key_id: str, wrapped: bytes) -> None:
    conn.execute(update(s.data_key).where(s.data_key.c.id == key_id).values(wrapped_key=wrapped))


def test_a_corrupted_wrapped_key_is_still_refused_after_a_preload(project: Workspace, backend: Backend) -> None:
    build_events_project(project)
    keys = _participant_keys(project)
    with project.store.engine.begin() as conn:  # the attacker flips the wrapped key's last byte
        wrapped = _wrapped(conn, keys["P1"])
        _set_wrapped(conn, keys["P1"], wrapped[:-1] + bytes([wrapped[-1] ^ 1]))
    _refused_after_a_preload(project, keys, IntegrityError, other_opens=True)


def test_a_swapped_wrapped_key_is_still_refused_after_a_preload(project: Workspace, backend: Backend) -> None:
    # P2's wrapped key copied onto P1's row: it is bound to P2's key id, so it must not open as P1's.
    build_events_project(project)
    keys = _participant_keys(project)
    with project.store.engine.begin() as conn:
        _set_wrapped(conn, keys["P1"], _wrapped(conn, keys["P2"]))
    _refused_after_a_preload(project, keys, IntegrityError)


def test_a_shredded_participant_stays_shredded_after_a_preload(project: Workspace, backend: Backend) -> None:
    build_events_project(project)
    keys = _participant_keys(project)
    shred_participant(project, "P1")
    _refused_after_a_preload(project, keys, ShreddedError)


def test_a_session_without_the_master_key_preloads_nothing(project: Workspace) -> None:
    build_events_project(project)
    keys = _participant_keys(project)
    writer = Keyring(project.keyring.project_id, None)
    with project.read() as repo:
        writer.preload(repo.conn, keys.values())
    assert writer._data_keys == {}
