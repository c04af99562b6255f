"""Attack: the release's leak fingerprints as a name oracle.

A report writer copies the database file and signs in with their own password, which unwraps
the release key. If the release carried keyed fingerprints of the protected names under a key
derived from the release key, the writer could hash guesses offline ("Kovács", "Szeged",
"kovács anna") and confirm which real names are in the project. A writer must learn nothing
about names that are not in the released text: nothing they can open may depend on them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re

from alembic import command
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import insert, inspect, select

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import build
from workbench.deid.leaks import fingerprints
from workbench.deid.terms import Term
from workbench.domain.models import Role
from workbench.services import deid, deid_release
from workbench.services.exports import ExportOptions, build_export, build_tables, unverified_texts
from workbench.services.projects import open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s
from workbench.store.keys import FieldCipher, release_key_id_readonly, utcnow

PASSWORD = "wendy-writes-reports"
REAL = ("Kovács", "Szeged", "kovács anna", "Kovácsné")
INVENTED = ("Budapest", "Nagy Péter", "Debrecen")


def _writer_view(project: Workspace) -> tuple[bytes, str]:
    """The release key the writer's password opens, and every release row it decrypts."""
    writer = open_project(project.location.directory, PASSWORD, "wendy")
    try:
        assert not writer.keyring.full, "a writer's own password must not open the master key"
        with writer.read() as repo:
            key_id = release_key_id_readonly(repo.conn)
            release_key = repo.keyring.data_key(repo.conn, key_id, "released material")
            cipher = FieldCipher(key_id, release_key)
            opened = [cipher.open("deid_release", r.id, "payload", r.payload_enc)
                      for r in repo.conn.execute(select(s.deid_release))]  # fmt: skip
            if "deid_release_part" in inspect(repo.conn).get_table_names():
                opened += [cipher.open("deid_release_part", r.id, "payload", r.payload_enc)
                           for r in repo.conn.execute(select(s.deid_release_part))]  # fmt: skip
    finally:
        writer.close()
    return release_key, "\n".join(opened)


def _keys_a_writer_can_derive(release_key: bytes) -> list[bytes]:
    infos = (b"workbench leak check v1", b"workbench leak check v2", b"workbench leak check")
    return [release_key, *(HKDF(hashes.SHA256(), 32, salt=None, info=i).derive(release_key) for i in infos)]


def _confirmed(guess: str, release_key: bytes, material: str) -> bool:
    """Whether any keyed hash of any inflected form of ``guess`` occurs in what the writer opened."""
    tokens = set(re.findall(r"[0-9a-f]{16,64}", material))
    for key in _keys_a_writer_can_derive(release_key):
        digests = set(fingerprints([Term("guess", guess, "PERSON")], key).hashes)
        digests |= {hmac.new(key, guess.casefold().encode(), hashlib.sha256).hexdigest()}
        if any(d in tokens or d[:32] in tokens for d in digests):
            return True
    return False


def _project_with_names(project: Workspace) -> None:
    build(project)
    deid.add_known_entity(project, "Kovács", "PERSON", participant_code="P01", aliases=["Kovács Anna", "Kovácsné"])
    deid.add_known_entity(project, "Szeged", "CITY")
    deid.add_missed(project, "bandi", "PERSON")
    add_user(project, "wendy", Role.WRITER, PASSWORD)
    deid_release.release(project)


def test_a_writer_cannot_confirm_a_guessed_real_name(project: Workspace) -> None:
    _project_with_names(project)
    release_key, material = _writer_view(project)
    assert "fingerprints" not in material
    confirmed = [g for g in (*REAL, *INVENTED) if _confirmed(g, release_key, material)]
    assert confirmed == [], f"the writer confirmed {confirmed} offline with the release key"
    assert not any(name in material for name in ("Kovács", "Szeged", "bandi")), "released text holds no real name"


def test_the_writers_export_check_needs_no_names_and_still_refuses_foreign_text(project: Workspace) -> None:
    _project_with_names(project)
    writer = open_project(project.location.directory, PASSWORD, "wendy")
    try:
        export = build_export(writer, ExportOptions("csv"))
        release = deid_release.latest_release(writer)
    finally:
        writer.close()
    assert release is not None
    tables, _ = build_tables(release.payload, ExportOptions("csv"))
    assert unverified_texts(release.payload, tables, "", "csv", export.content) == 0
    tampered = export.content + "Kovács Anna,Participant 1\r\n".encode()
    assert unverified_texts(release.payload, tables, "", "csv", tampered) == 1, "text not from the release"


def test_the_upgrade_deletes_older_releases_that_carried_fingerprints(project: Workspace) -> None:
    _project_with_names(project)
    with project.store.migration_transaction() as conn:
        command.downgrade(project.store._alembic_config(conn), "0009_sealed_metadata")
    with project.write() as repo:  # a release as the previous version wrote it: one blob, fingerprints inside
        key_id = release_key_id_readonly(repo.conn)
        cipher = repo.keyring.cipher(repo.conn, key_id, "released material")
        blob = json.dumps({"version": 1, "quotes": [], "fingerprints": {"hashes": {"ab" * 16: True}, "max_words": 1}})
        repo.conn.execute(
            insert(s.deid_release).values(id="legacy", created_at=utcnow(), created_by=project.user.id,
                                          data_key_id=key_id, summary="{}",
                                          payload_enc=cipher.seal("deid_release", "legacy", "payload", blob))
        )  # fmt: skip
    again = open_project(project.location.directory, PASSPHRASE)
    try:
        with again.read() as repo:
            assert repo.conn.execute(select(s.deid_release)).all() == [], "an old release survived the upgrade"
        assert deid_release.latest_release(again) is None
        deid_release.release(again)  # the lead releases again, and the writer can export
        assert deid_release.latest_release(again) is not None
    finally:
        again.close()
