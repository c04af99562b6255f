"""Attack: edit the clear-text metadata that counting, co-occurrence and agreement now trust.

Since issue 19 these paths never open a quote: they read code, coder and span from the coding
rows and check each interview's manifest (version 2), which covers those columns. An outsider with
the database who moves a coding to another code, gives it to another coder, shifts its span or
deletes it must get the integrity error from every one of them, not altered figures. A project
whose manifests are still version 1 is checked by opening the quotes (binding), so the same edits
are caught there too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text, update

from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.domain.models import Role
from workbench.errors import IntegrityError
from workbench.services.agreement import agreement_report
from workbench.services.coding import add_coding
from workbench.services.interviews import add_transcript
from workbench.services.retrieval import code_frequencies, coding_progress, cooccurrence
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.sealing import MANIFEST_V1, _hash, _manifest_mac, _rows, _v1_entries

READERS: dict[str, Callable[[Workspace], object]] = {
    "frequencies": code_frequencies,
    "cooccurrence": cooccurrence,
    "agreement": agreement_report,
    "progress": coding_progress,
}


def _sql(ws: Workspace, statement: str, **params: Any) -> None:
    """Run SQL as the attacker does: straight at the database, holding no key."""
    with ws.store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _setup(ws: Workspace) -> tuple[str, str, list[str]]:
    """Two coders on one interview; returns (interview, a coding of alice's, code ids)."""
    codes = add_codes(ws)
    interview = add_transcript(ws, TRANSCRIPT_A, title="A", language="en")
    coding = add_coding(ws, interview, codes[1].id, 13, 35)
    add_coding(ws, interview, codes[2].id, 60, 90)
    add_user(ws, "bob", Role.RESEARCHER)
    with ws.read() as repo:
        bob = repo.users.by_name("bob")
    assert bob is not None
    add_coding(dataclasses.replace(ws, user=bob), interview, codes[1].id, 13, 40)
    for read in READERS.values():  # untouched rows read
        read(ws)
    return interview, coding.id, [c.id for c in codes]


def _to_v1(ws: Workspace, interview: str) -> None:
    """Write the interview's manifest the way projects before issue 19 sealed it (version 1)."""
    with ws.read() as repo:
        cipher = repo.interviews.cipher(interview)
    with ws.store.engine.begin() as conn:
        codings, memos = _rows(conn, interview)
        mac = _manifest_mac(cipher, interview, _hash(_v1_entries(codings, memos)), MANIFEST_V1)
        conn.execute(update(s.interview).where(s.interview.c.id == interview).values(manifest_enc=mac))


ATTACKS = {
    "another code": "UPDATE coding SET code_id = :other WHERE id = :coding",
    "another coder": "UPDATE coding SET coder_id = (SELECT id FROM app_user WHERE name = 'bob') WHERE id = :coding",
    "another span": 'UPDATE coding SET start = 0, "end" = 12 WHERE id = :coding',
    "deleted": "DELETE FROM coding WHERE id = :coding",
}


@pytest.mark.parametrize("manifest", ["v2", "v1"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_edited_metadata_is_refused_by_every_counting_path(project: Workspace, attack: str, manifest: str) -> None:
    interview, coding, codes = _setup(project)
    if manifest == "v1":
        _to_v1(project, interview)
        for read in READERS.values():  # a version 1 manifest still verifies
            read(project)
    params = {"coding": coding, "other": codes[2]} if "other" in ATTACKS[attack] else {"coding": coding}
    _sql(project, ATTACKS[attack], **params)
    for read in READERS.values():
        with pytest.raises(IntegrityError):
            read(project)


def test_new_writes_seal_version_2(project: Workspace) -> None:
    interview, _, _ = _setup(project)
    with project.read() as repo:
        cipher = repo.interviews.cipher(interview)
        codings, memos = _rows(repo.conn, interview)
        stored = repo.conn.execute(select(s.interview.c.manifest_enc).where(s.interview.c.id == interview)).scalar()
    v1 = _manifest_mac(cipher, interview, _hash(_v1_entries(codings, memos)), MANIFEST_V1)
    assert stored is not None and bytes(stored) != v1
