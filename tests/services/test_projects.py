"""Project life cycle on both backends: unlock, passphrase change, shredding, tampering, errors."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from tests.conftest import FAST_KDF, PASSPHRASE, Backend
from tests.helpers import TRANSCRIPT_A, add_codes, add_two_transcripts
from workbench.crypto.kdf import KdfParams
from workbench.errors import (
    IntegrityError,
    InvalidInputError,
    NotAProjectError,
    ProjectBusyError,
    ProjectExistsError,
    SchemaTooNewError,
    ShreddedError,
    WrongPassphraseError,
)
from workbench.services.coding import add_coding
from workbench.services.interviews import add_transcript, view_transcript
from workbench.services.projects import (
    change_passphrase,
    init_project,
    open_project,
    project_status,
    shred_interview,
    verify_audit,
)
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.store import Store

_opened: list[Workspace] = []


def _reopen(ws: Workspace, passphrase: str = PASSPHRASE) -> Workspace:
    """Open a second session on the project; closed automatically after the test."""
    again = open_project(ws.location.directory, passphrase)
    _opened.append(again)
    return again


@pytest.fixture(autouse=True)
def _close_reopened() -> Iterator[None]:
    yield
    while _opened:
        _opened.pop().close()


def test_new_projects_use_the_rfc9106_parameters(backend: Backend, tmp_path: Path) -> None:
    ws = init_project(tmp_path / "p", PASSPHRASE, "alice", language="hu")
    with ws.read() as repo:
        stored = repo.conn.execute(select(s.key_slot.c.kdf_params)).scalar_one()
    assert KdfParams.from_json(stored) == KdfParams()
    ws.close()


def test_transcript_round_trip_and_reopen(project: Workspace) -> None:
    a, b = add_two_transcripts(project)
    again = _reopen(project)
    view = view_transcript(again, a)
    assert view.transcript.text == TRANSCRIPT_A
    assert [t.speaker for t in view.transcript.turns] == ["Interviewer", "Participant"] * 2
    assert view_transcript(again, b[:6]).transcript.summary.language == "hu"


def test_wrong_passphrase_is_refused_and_only_the_failure_is_staged(project: Workspace) -> None:
    add_two_transcripts(project)
    with project.read() as repo:
        before = repo.conn.execute(select(s.audit_event.c.seq)).all()
    with pytest.raises(WrongPassphraseError, match="user name or password is wrong"):
        _reopen(project, "not the passphrase")
    with project.read() as repo:
        assert repo.conn.execute(select(s.audit_event.c.seq)).all() == before
        staged = repo.conn.execute(select(s.login_failure.c.user_name, s.login_failure.c.folded_at)).all()
    assert [tuple(row) for row in staged] == [("alice", None)]


def test_passphrase_change_keeps_all_data_readable(project: Workspace) -> None:
    a, b = add_two_transcripts(project)
    texts = {i: view_transcript(project, i).transcript.text for i in (a, b)}
    change_passphrase(project, "a brand new passphrase", kdf=FAST_KDF)
    with pytest.raises(WrongPassphraseError):
        _reopen(project)
    again = _reopen(project, "a brand new passphrase")
    assert {i: view_transcript(again, i).transcript.text for i in (a, b)} == texts
    with again.read() as repo:
        assert len(repo.conn.execute(select(s.key_slot)).all()) == 1


def test_too_short_new_passphrase_changes_nothing(project: Workspace) -> None:
    with pytest.raises(InvalidInputError):
        change_passphrase(project, "short")
    _reopen(project)


def test_shred_makes_one_interview_unreadable_and_leaves_others(project: Workspace, backend: Backend) -> None:
    codes = add_codes(project)
    a, b = add_two_transcripts(project)
    add_coding(project, a, codes[1].id, 13, 35, memo="a memo about the tannery")
    with project.read() as repo:
        wrapped = bytes(repo.conn.execute(
            select(s.data_key.c.wrapped_key).join(s.interview, s.interview.c.data_key_id == s.data_key.c.id)
            .where(s.interview.c.id == a)
        ).scalar_one())  # fmt: skip
    shredded_id, _ = shred_interview(project, a[:8])
    assert shredded_id == a
    again = _reopen(project)
    with pytest.raises(ShreddedError, match="shredded"):
        view_transcript(again, a)
    assert "Egy bádogtetős tanyán" in view_transcript(again, b).transcript.text
    report = project_status(again)
    assert [i.summary.shredded_at is not None for i in report.interviews] == [True, False]
    assert report.coding_count == 1  # the coding row stays, but nothing of it can be decrypted
    if backend.name == "sqlite":
        stored = b"".join(p.read_bytes() for p in project.location.directory.iterdir() if p.is_file())
        assert wrapped not in stored  # secure_delete + checkpoint left no copy of the key


def test_a_flipped_bit_names_the_record_and_the_rest_stays_readable(project: Workspace) -> None:
    a, b = add_two_transcripts(project)
    with project.store.write() as conn:
        blob = bytearray(conn.execute(select(s.interview.c.text_enc).where(s.interview.c.id == a)).scalar_one())
        blob[len(blob) // 2] ^= 0x04
        conn.execute(update(s.interview).where(s.interview.c.id == a).values(text_enc=bytes(blob)))
    again = _reopen(project)
    with pytest.raises(IntegrityError) as caught:
        view_transcript(again, a)
    assert caught.value.record == f"interview {a} (field text)"
    assert view_transcript(again, b).transcript.text.startswith("K: Hol")


def test_a_ciphertext_moved_to_another_row_fails(project: Workspace) -> None:
    _a, b = add_two_transcripts(project)
    with project.store.write() as conn:
        seg_ids = conn.execute(select(s.segment.c.id).where(s.segment.c.interview_id == b).limit(2)).scalars().all()
        blob = conn.execute(select(s.segment.c.text_enc).where(s.segment.c.id == seg_ids[0])).scalar_one()
        conn.execute(update(s.segment).where(s.segment.c.id == seg_ids[1]).values(text_enc=blob))
    with pytest.raises(IntegrityError, match=f"segment {seg_ids[1]}"):
        view_transcript(_reopen(project), b)


def test_a_tampered_data_key_is_an_integrity_error(project: Workspace) -> None:
    a, _ = add_two_transcripts(project)
    with project.store.write() as conn:
        key_id = conn.execute(select(s.interview.c.data_key_id).where(s.interview.c.id == a)).scalar_one()
        blob = bytearray(conn.execute(select(s.data_key.c.wrapped_key).where(s.data_key.c.id == key_id)).scalar_one())
        blob[-1] ^= 0x80
        conn.execute(update(s.data_key).where(s.data_key.c.id == key_id).values(wrapped_key=bytes(blob)))
    with pytest.raises(IntegrityError, match=f"data key {key_id}"):
        view_transcript(_reopen(project), a)


def test_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(NotAProjectError, match="not a workbench project"):
        open_project(tmp_path, PASSPHRASE)


def test_init_refuses_an_existing_project_and_a_failed_init_leaves_nothing(project: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ProjectExistsError):
        init_project(project.location.directory, PASSPHRASE, "bob", kdf=FAST_KDF)
    with pytest.raises(InvalidInputError, match="too short"):
        init_project(tmp_path / "fresh", "short", "bob", kdf=FAST_KDF)
    assert not (tmp_path / "fresh").exists() or list((tmp_path / "fresh").iterdir()) == []


def test_a_newer_schema_is_refused_without_changes(project: Workspace) -> None:
    with project.store.write() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(SchemaTooNewError, match="newer version"):
        _reopen(project)
    with project.store.read() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one() == "9999_from_the_future"


def test_a_second_writer_gets_a_clear_busy_error_and_changes_nothing(project: Workspace, backend: Backend) -> None:
    add_two_transcripts(project)
    impatient = _reopen(project)
    impatient.store.dispose()
    impatient.store = Store(project.location.database_url(), busy_timeout_s=0.3)
    with project.store.write() as conn:
        if backend.name == "postgresql":
            conn.exec_driver_sql("LOCK TABLE interview IN ACCESS EXCLUSIVE MODE")
        with pytest.raises(ProjectBusyError, match="Another process"):
            add_transcript(impatient, TRANSCRIPT_A, title="blocked")
    assert len(project_status(project).interviews) == 2


def test_concurrent_writers_are_serialised_without_loss(project: Workspace) -> None:
    workers = [_reopen(project) for _ in range(3)]
    errors: list[BaseException] = []

    def work(ws: Workspace, n: int) -> None:
        try:
            for i in range(4):
                add_transcript(ws, TRANSCRIPT_A, title=f"writer {n} #{i}")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(ws, n)) for n, ws in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(project_status(project).interviews) == 12
    assert verify_audit(project) is None


@pytest.mark.parametrize("tamper", ["edit", "delete", "swap"])
def test_audit_chain_detects_edit_delete_and_swap(project: Workspace, tamper: str) -> None:
    add_two_transcripts(project)
    add_codes(project)
    assert verify_audit(project) is None
    with project.store.write() as conn:
        if tamper == "edit":
            conn.execute(update(s.audit_event).where(s.audit_event.c.seq == 2).values(actor="mallory"))
        elif tamper == "delete":
            conn.execute(s.audit_event.delete().where(s.audit_event.c.seq == 2))
        else:
            rows = {r.seq: r for r in conn.execute(select(s.audit_event).where(s.audit_event.c.seq.in_([2, 3])))}
            for seq, other in ((2, 3), (3, 2)):
                swapped = {"action": rows[other].action, "detail": rows[other].detail, "mac": rows[other].mac}
                conn.execute(update(s.audit_event).where(s.audit_event.c.seq == seq).values(**swapped))
    assert verify_audit(project) in (2, 3)
