"""A small Hungarian project with names in inflected forms, codings, participants (tests of issue 7)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.helpers import add_codes
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.models import Role
from workbench.services.interviews import add_transcript
from workbench.services.participants import add_participants
from workbench.services.projects import init_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store.keys import Keyring, release_key_id_readonly

TEXT_1 = (
    "K: Hol nőtt fel?\n\n"
    "V: Szegeden. Aztán Kovácsnak dolgoztam, később Kovácsékhoz költöztem a Trabant miatt.\n\n"
    "K: És a barátai?\n\n"
    "V: A bandi nevű srác volt a legjobb barátom."
)
TEXT_2 = (
    "K: Kivel tartja a kapcsolatot?\n\n"
    "V: Kováccsal, és a bandival. A Trabanttal mentünk a szegedi piacra. Telefon: 06 30 123 4567.\n\n"
    "K: Köszönöm."
)
QUOTE_1 = "Kovácsnak dolgoztam, később Kovácsékhoz költöztem"
QUOTE_2 = "Kováccsal, és a bandival"
REAL = ("Kovács", "Szeged", "szeged", "bandi", "06 30 123 4567")


def build(ws: Workspace) -> tuple[str, str]:
    """Two participants, two interviews, two codings; returns the interview ids."""
    add_participants(ws, [AttributeDef("age", AttributeType.INTEGER), AttributeDef("town", AttributeType.TEXT)],
                     {"P01": {"age": 34, "town": "Szeged"}, "P02": {"age": 27, "town": "Miskolc"}})  # fmt: skip
    codes = add_codes(ws)
    first = add_transcript(ws, TEXT_1, title="Interjú 1", language="hu", participant_code="P01")
    second = add_transcript(ws, TEXT_2, title="Interjú 2", language="hu", participant_code="P02")
    with ws.write() as repo:
        for interview_id, text, quote, code in (
            (first, TEXT_1, QUOTE_1, codes[1]),
            (second, TEXT_2, QUOTE_2, codes[2]),
        ):
            start = text.index(quote)
            repo.codings.add(repo.interviews.transcript(interview_id), code.id, ws.user.id, start, start + len(quote))
    add_user(ws, "wanda", Role.WRITER)
    return first, second


def writer_session(ws: Workspace) -> Workspace:
    """What a report writer's session holds: the release key and the audit key, no master key."""
    with ws.read() as repo:
        release_id = release_key_id_readonly(repo.conn)
        release_key = repo.keyring.data_key(repo.conn, release_id, "released material")
        writer = repo.users.by_name("wanda")
    assert writer is not None
    keyring = Keyring(ws.keyring.project_id, None, ws.keyring.master_version, _audit_key=ws.keyring.audit_key())
    keyring._data_keys[release_id] = release_key
    return dataclasses.replace(ws, keyring=keyring, user=writer)


def built_project(directory: Path, *steps: Callable[[Workspace], object]) -> Path:
    """A Hungarian project on disk made by ``build``, then each step in turn, closed again (for AppTest and CLI)."""
    ws = init_project(directory, PASSPHRASE, "lena", language="hu", kdf=FAST_KDF)
    try:
        build(ws)
        for step in steps:
            step(ws)
    finally:
        ws.close()
    return directory
