"""Attack: edit the clear-text metadata that counting, co-occurrence and agreement now trust.

Since issue 19 these paths never open a quote: they read code, coder and span from the coding
rows and check each interview's manifest. Version 3 (the third pass) holds a second MAC over the
ids and clear metadata alone, so they read no ciphertext at all; version 2 covers the metadata
within the full MAC. An outsider with the database who moves a coding to another code, gives it
to another coder, shifts either end of its span, flips its suggestion flag, copies or deletes it,
or gives a memo another author or deletes it, must get the integrity error from every one of
them, not altered figures: each attack edits one field, so the test fails if the metadata MAC
leaves that field out. A project whose manifests are older (version 2 or 1) is checked the old
way until its next change seals version 3, so the same edits are caught there too.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select, text, update

from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.models import Role
from workbench.errors import IntegrityError
from workbench.services.agreement import agreement_report
from workbench.services.coding import add_coding, add_interview_memo
from workbench.services.interviews import add_transcript
from workbench.services.participants import add_participants
from workbench.services.retrieval import (
    code_by_attribute,
    code_frequencies,
    coded_passages,
    coding_progress,
    cooccurrence,
    snapshot,
)
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.sealing import (
    MAC_BYTES,
    MANIFEST_V1,
    MANIFEST_V3,
    _hash,
    _manifest_mac,
    _rows,
    _v1_entries,
    coding_entry,
    memo_entry,
    metadata_verified,
)

READERS: dict[str, Callable[[Workspace], object]] = {
    "frequencies": code_frequencies,
    "cooccurrence": cooccurrence,
    "agreement": agreement_report,
    "progress": coding_progress,
    "by attribute": lambda ws: code_by_attribute(ws, "group"),
    "snapshot": snapshot,
}


def _sql(ws: Workspace, statement: str, **params: Any) -> None:
    """Run SQL as the attacker does: straight at the database, holding no key."""
    with ws.store.engine.begin() as conn:
        conn.execute(text(statement), params)


def _setup(ws: Workspace) -> tuple[str, str, list[str]]:
    """Two coders on one interview with a memo; returns (interview, a coding of alice's, code ids)."""
    codes = add_codes(ws)
    add_participants(ws, [AttributeDef("group", AttributeType.CATEGORY, ("a", "b"))], {"P01": {"group": "a"}})
    interview = add_transcript(ws, TRANSCRIPT_A, title="A", language="en", participant_code="P01")
    coding = add_coding(ws, interview, codes[1].id, 13, 35)
    add_coding(ws, interview, codes[2].id, 60, 90)
    add_interview_memo(ws, interview, "a memo")
    add_user(ws, "bob", Role.RESEARCHER)
    with ws.read() as repo:
        bob = repo.users.by_name("bob")
    assert bob is not None
    add_coding(dataclasses.replace(ws, user=bob), interview, codes[1].id, 13, 40)
    for read in READERS.values():  # untouched rows read
        read(ws)
    return interview, coding.id, [c.id for c in codes]


def _manifest(ws: Workspace, interview: str) -> bytes:
    with ws.store.engine.begin() as conn:
        stored = conn.execute(select(s.interview.c.manifest_enc).where(s.interview.c.id == interview)).scalar_one()
    return bytes(stored)


def _set_manifest(ws: Workspace, interview: str, mac: bytes) -> None:
    with ws.store.engine.begin() as conn:
        conn.execute(update(s.interview).where(s.interview.c.id == interview).values(manifest_enc=mac))


def _to_v1(ws: Workspace, interview: str) -> None:
    """Write the interview's manifest the way projects before issue 19 sealed it (version 1)."""
    with ws.read() as repo:
        cipher = repo.interviews.cipher(interview)
    with ws.store.engine.begin() as conn:
        codings, memos = _rows(conn, interview)
    _set_manifest(ws, interview, _manifest_mac(cipher, interview, _hash(_v1_entries(codings, memos)), MANIFEST_V1))


def _to_v2(ws: Workspace, interview: str) -> None:
    """Write the interview's manifest the way the second pass of issue 19 sealed it (version 2)."""
    with ws.read() as repo:
        cipher = repo.interviews.cipher(interview)
    with ws.store.engine.begin() as conn:
        codings, memos = _rows(conn, interview)
    entries = [coding_entry(r) for r in codings] + [memo_entry(m) for m in memos]
    _set_manifest(ws, interview, _manifest_mac(cipher, interview, _hash(entries)))


def _copy_coding(ws: Workspace, coding: str) -> None:
    """Insert a copy of a coding row under a new id, one character longer (a row may not repeat a span)."""
    with ws.store.engine.begin() as conn:
        row = dict(conn.execute(select(s.coding).where(s.coding.c.id == coding)).mappings().one())
        row["id"], row["end"] = "f" * 32, row["end"] + 1
        conn.execute(s.coding.insert().values(**row))


ATTACKS = {
    "another code": "UPDATE coding SET code_id = :other WHERE id = :coding",
    "another coder": "UPDATE coding SET coder_id = (SELECT id FROM app_user WHERE name = 'bob') WHERE id = :coding",
    "another start": "UPDATE coding SET start = 0 WHERE id = :coding",
    "another end": 'UPDATE coding SET "end" = "end" + 1 WHERE id = :coding',
    "another flag": "UPDATE coding SET suggested = :flag WHERE id = :coding",
    "deleted": "DELETE FROM coding WHERE id = :coding",
    "copied": "",
}
MEMO_ATTACKS = {
    "memo by another author": "UPDATE memo SET author_id = (SELECT id FROM app_user WHERE name = 'bob')",
    "memo deleted": "DELETE FROM memo",
}


def _attack(ws: Workspace, attack: str, coding: str, codes: list[str]) -> None:
    if attack == "copied":
        _copy_coding(ws, coding)
        return
    statement = ATTACKS.get(attack) or MEMO_ATTACKS[attack]
    params: dict[str, Any] = {"coding": coding}
    if ":other" in statement:
        params["other"] = codes[2]
    if ":flag" in statement:
        params["flag"] = True
    _sql(ws, statement, **params)


def _older(ws: Workspace, interview: str, manifest: str) -> None:
    if manifest == "v1":
        _to_v1(ws, interview)
    elif manifest == "v2":
        _to_v2(ws, interview)
    for read in READERS.values():  # an older manifest still verifies
        read(ws)


@pytest.mark.parametrize("manifest", ["v3", "v2", "v1"])
@pytest.mark.parametrize("attack", list(ATTACKS))
def test_edited_metadata_is_refused_by_every_counting_path(project: Workspace, attack: str, manifest: str) -> None:
    interview, coding, codes = _setup(project)
    _older(project, interview, manifest)
    _attack(project, attack, coding, codes)
    for read in READERS.values():
        with pytest.raises(IntegrityError):
            read(project)


@pytest.mark.parametrize("manifest", ["v3", "v2"])  # version 1 never covered a memo's author
@pytest.mark.parametrize("attack", list(MEMO_ATTACKS))
def test_edited_memos_are_refused_by_every_counting_path(project: Workspace, attack: str, manifest: str) -> None:
    interview, coding, codes = _setup(project)
    _older(project, interview, manifest)
    _attack(project, attack, coding, codes)
    for read in READERS.values():
        with pytest.raises(IntegrityError):
            read(project)


def test_counting_reads_no_ciphertext_and_reading_text_checks_it(project: Workspace) -> None:
    """Under version 3 a quote's ciphertext is not what counting verifies; reading it still checks the full MAC."""
    _, coding, codes = _setup(project)
    before = {name: read(project) for name, read in READERS.items() if name != "snapshot"}
    _sql(project, "UPDATE coding SET text_enc = :junk WHERE id = :coding", junk=b"\x00" * 64, coding=coding)
    for name, read in READERS.items():
        if name != "snapshot":
            assert read(project) == before[name]
    with pytest.raises(IntegrityError):
        coded_passages(project, codes[1])


def test_a_manifest_cut_to_one_mac_is_refused(project: Workspace) -> None:
    """Neither half of a version 3 manifest passes for an older version's single MAC."""
    interview, _, codes = _setup(project)
    stored = _manifest(project, interview)
    for half in (stored[:MAC_BYTES], stored[MAC_BYTES:]):
        _set_manifest(project, interview, half)
        for read in READERS.values():
            with pytest.raises(IntegrityError):
                read(project)
        with pytest.raises(IntegrityError):
            coded_passages(project, codes[1])


def test_a_metadata_half_from_an_older_state_is_refused_by_the_reads_of_text(project: Workspace) -> None:
    """Both halves are checked when text is read: a stale second half is not accepted beside a current first."""
    interview, _, codes = _setup(project)
    old = _manifest(project, interview)
    add_coding(project, interview, codes[2], 100, 120)
    current = _manifest(project, interview)
    _set_manifest(project, interview, current[:MAC_BYTES] + old[MAC_BYTES:])
    with pytest.raises(IntegrityError):
        coded_passages(project, codes[2])
    for read in READERS.values():
        with pytest.raises(IntegrityError):
            read(project)


@pytest.mark.parametrize("manifest", ["v2", "v1"])
def test_an_older_manifest_is_sealed_as_version_3_on_the_next_change(project: Workspace, manifest: str) -> None:
    interview, _, codes = _setup(project)
    _older(project, interview, manifest)
    assert len(_manifest(project, interview)) == MAC_BYTES
    add_coding(project, interview, codes[2], 100, 120)
    stored = _manifest(project, interview)
    with project.read() as repo:
        cipher = repo.interviews.cipher(interview)
        codings, memos = _rows(repo.conn, interview)
    assert len(stored) == 2 * MAC_BYTES and metadata_verified(cipher, interview, stored, codings, memos)
    entries = [coding_entry(r) for r in codings] + [memo_entry(m) for m in memos]
    assert stored[:MAC_BYTES] == _manifest_mac(cipher, interview, _hash(entries), MANIFEST_V3)


def test_new_writes_seal_version_3(project: Workspace) -> None:
    interview, _, _ = _setup(project)
    stored = _manifest(project, interview)
    with project.read() as repo:
        cipher = repo.interviews.cipher(interview)
        codings, memos = _rows(repo.conn, interview)
    assert len(stored) == 2 * MAC_BYTES and metadata_verified(cipher, interview, stored, codings, memos)
    assert stored[:MAC_BYTES] != _manifest_mac(cipher, interview, _hash(_v1_entries(codings, memos)), MANIFEST_V1)
