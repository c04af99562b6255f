"""Attack: erasure that stops at the transcript.

A lead shreds an interview (``workbench shred --interview ID``) to honour a GDPR erasure
request. The attacker is a report writer, or anyone holding the database file and the release
key: they export again, or open every release in the file with the release key, and read the
shredded interview's de-identified quotes and transcript, which the release had copied. A full
session could likewise still open the theme runs that clustered the interview (they are sealed
under keys of their own). Shredding must reach every derived copy in the same transaction.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from sqlalchemy import inspect, select

from tests.conftest import Backend
from tests.deid.fixtures import build, writer_session
from workbench.deid.terms import normalize_term
from workbench.services import deid, deid_release
from workbench.services.exports import ExportOptions, export_to_file, file_texts
from workbench.services.projects import shred_interview
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.keys import FieldCipher, release_key_id_readonly

# Words of the first interview that survive de-identification (in its quote and its transcript).
MARKERS = ("dolgoztam", "költöztem", "legjobb barátom")


def _release_for_two_participants(ws: Workspace) -> None:
    """The fixture has two participants: the lead lets every count through (minimums of 1)."""
    deid_release.release(ws, threshold=1, k=1)


def _derived_copies(ws: Workspace, interview_id: str) -> None:
    """What the app derives from an interview besides the release: vectors, a theme run, a decision."""
    with ws.write() as repo:
        store = repo.embeddings
        store.add_vectors(interview_id, "test-model", {store.text_mac("x"): np.ones(4, dtype=np.float32)})
        snippet = "Kovácsnak dolgoztam, később Kovácsékhoz költöztem"
        payload = {"model": "test-model", "scope": "participant turns", "themes": [],
                   "items": [{"interview": interview_id, "snippet": snippet}]}  # fmt: skip
        store.save_run("participant-turns", "test-model", ws.user.id, [interview_id], payload)
        code_id = repo.codebook.codes()[0].id
        store.decide(ws.user.id, code_id, (interview_id, 0, 5), "rejected")


def _everything_the_release_key_opens(ws: Workspace) -> str:
    """The attacker's view: every release row of the database file, opened with the release key."""
    with ws.read() as repo:
        key_id = release_key_id_readonly(repo.conn)
        cipher = FieldCipher(key_id, repo.keyring.data_key(repo.conn, key_id, "released material"))
        opened = [cipher.open("deid_release", r.id, "payload", r.payload_enc)
                  for r in repo.conn.execute(select(s.deid_release))]  # fmt: skip
        if "deid_release_part" in inspect(repo.conn).get_table_names():
            opened += [cipher.open("deid_release_part", r.id, "payload", r.payload_enc)
                       for r in repo.conn.execute(select(s.deid_release_part))]  # fmt: skip
    return "\n".join(opened)


def _theme_runs_a_full_session_opens(ws: Workspace) -> str:
    with ws.read() as repo:
        return "\n".join(
            repo.keyring.cipher(repo.conn, r.data_key_id, "run").open("theme_run", r.id, "payload", r.payload_enc)
            for r in repo.conn.execute(select(s.theme_run))
        )


def _ciphertexts_of(ws: Workspace, interview_id: str) -> list[bytes]:
    """The sealed copies of the interview outside its own rows: release parts and theme runs."""
    with ws.read() as repo:
        blobs = [bytes(r.payload_enc) for r in repo.conn.execute(select(s.theme_run))
                 if interview_id in json.loads(r.interview_ids)]  # fmt: skip
        if "deid_release_part" in inspect(repo.conn).get_table_names():
            part = s.deid_release_part
            query = select(part.c.payload_enc).where(part.c.interview_id == interview_id)
            blobs += [bytes(b) for b in repo.conn.execute(query).scalars()]
    return blobs


def test_a_shredded_interview_is_gone_from_exports_releases_and_derived_data(
    project: Workspace, backend: Backend, tmp_path: Path
) -> None:
    first, second = build(project)
    deid.add_known_entity(project, "Kovács", "PERSON")
    deid.add_missed(project, "bandi", "PERSON")
    _derived_copies(project, first)
    _release_for_two_participants(project)
    writer = writer_session(project)
    before = tmp_path / "before.csv"
    export_to_file(writer, ExportOptions("csv", threshold=1, k=1), before)
    assert "dolgoztam" in before.read_text(encoding="utf-8-sig"), "the attack has something to find"
    assert "legjobb barátom" in _everything_the_release_key_opens(project)

    with project.read() as repo:
        found = repo.deid.detections()
    only_first = {normalize_term(d.text) for d in found if d.interview_id == first and d.pseudonym_id is None}
    only_first -= {normalize_term(d.text) for d in found if d.interview_id == second}
    assert only_first, "the first interview has detections of its own (their real text is in the pseudonym map)"
    with project.read() as repo:
        assert only_first <= {p.value for p in repo.deid.pseudonyms().values()}

    sealed = _ciphertexts_of(project, first)

    shred_interview(project, first)

    after = tmp_path / "after.csv"
    export_to_file(writer_session(project), ExportOptions("csv", threshold=1, k=1), after)
    exported = "\n".join(file_texts("csv", after.read_bytes()))
    assert after.read_bytes() != before.read_bytes()
    assert not any(marker in exported for marker in MARKERS), "the writer's export still quotes the interview"
    assert "és a [PERSON" in exported, "the other interview is still exported"

    released = _everything_the_release_key_opens(project)
    assert not any(marker in released for marker in MARKERS), "a release in the file still holds the interview"
    assert "Kováccsal" not in released and "és a [PERSON" in released
    assert not any(marker in _theme_runs_a_full_session_opens(project) for marker in MARKERS)
    with project.read() as repo:
        runs = [json.loads(r.interview_ids) for r in repo.conn.execute(select(s.theme_run.c.interview_ids))]
        assert not any(first in ids for ids in runs), "a theme run of the interview survived"
        for table in (s.embedding, s.suggestion_decision, s.deid_detection, s.deid_scan):
            rows = repo.conn.execute(select(table).where(table.c.interview_id == first)).all()
            assert rows == [], f"{table.name} still holds rows of the shredded interview"
        assert repo.conn.execute(select(s.deid_scan).where(s.deid_scan.c.interview_id == second)).all()
        remaining = {p.value for p in repo.deid.pseudonyms().values()}
        assert not only_first & remaining, "the pseudonym map still holds texts found only in the interview"
        assert "kovács" in remaining, "known names stay protected project-wide"
    release = deid_release.latest_release(writer_session(project))
    assert release is not None and release.summary["interviews"] == 1 and len(release.payload["quotes"]) == 1
    if backend.name == "sqlite":  # secure_delete and the checkpoint leave no copy in the file
        stored = b"".join(p.read_bytes() for p in project.location.directory.iterdir() if p.is_file())
        assert sealed and not any(blob in stored for blob in sealed), "a sealed copy is still in the database file"


def test_a_shredded_participant_is_gone_from_every_release(project: Workspace) -> None:
    """Attack: after `shred --participant`, a writer (or the release key) still finds their life path.

    Their unanchored life events and generalized attributes sit in the release's project-wide
    part under their pseudonym, not in an interview's part, so shredding the interviews alone
    leaves them there.
    """
    from workbench.domain.events import EventTime, TimeKind
    from workbench.services import events as ev
    from workbench.services.life_release import released_lives
    from workbench.services.projects import shred_participant

    build(project)
    ev.install_event_types(project)
    for age, kind in ((15, "first_offence"), (19, "incarceration"), (26, "release")):
        ev.add_event(project, type_ref=kind, time=EventTime(TimeKind.AGE, age), participant_code="P01")
    ev.add_event(project, type_ref="release", time=EventTime(TimeKind.AGE, 25), participant_code="P02")
    _release_for_two_participants(project)
    before = deid_release.latest_release(writer_session(project))
    assert before is not None
    lives = {life.label: len(life.events) for life in released_lives(before.payload)}
    with project.read() as repo:
        label = f"Participant {repo.deid.pseudonym_for('PARTICIPANT', 'P01').number}"
    assert lives[label] == 3 and len(lives) == 2, "the attack has a life path to find"
    assert f'"{label}"' in _everything_the_release_key_opens(project)

    shred_participant(project, "P01")

    after = deid_release.latest_release(writer_session(project))
    assert after is not None
    assert label not in {life.label for life in released_lives(after.payload)}
    assert label not in {p["pseudonym"] for p in after.payload["participants"]}
    assert len(after.payload["participants"]) == 1 and after.summary["participants"] == 1
    opened = _everything_the_release_key_opens(project)
    assert f'"{label}"' not in opened, "a release in the file still names the shredded participant"
    with project.read() as repo:
        assert "P01" not in {p.value for p in repo.deid.pseudonyms().values()}, "the map still links the code"
