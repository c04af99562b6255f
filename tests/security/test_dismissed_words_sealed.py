"""Attack: reading a reviewer's dismissed words from the database file.

A reviewer dismisses unflagged candidates ("not an identifier") so the release can go ahead.
The words come from the transcripts: a code, a number or a rare name that nobody flagged. An outsider
who copies the project directory (database, WAL, journal) greps the raw bytes for it. The
dismissal must be stored sealed like every other review decision (``deid_term``: ciphertext
under the de-identification key plus an HMAC), and the audit entry holds a count only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.deid.fixtures import build
from workbench.services import deid
from workbench.services.interviews import add_transcript
from workbench.services.projects import init_project

WORD = "5918-3"  # a locker code: the detector flags capitalised words, not this


def _project_bytes(directory: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file())


def test_a_dismissed_word_is_not_in_the_database_file_in_clear(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)  # the attack reads the SQLite file
    project = init_project(tmp_path / "project", PASSPHRASE, "lena", language="hu", kdf=FAST_KDF)
    build(project)
    add_transcript(project, f"V: A zárkódom {WORD} volt.", title="Interjú 3", language="hu",
                   participant_code="P01")  # fmt: skip
    deid.scan(project)
    assert WORD in {w.text for w in deid.unflagged_words(project)}
    deid.dismiss_unflagged(project, [WORD])
    assert WORD not in {w.text for w in deid.unflagged_words(project)}
    with project.read() as repo:
        stored = [t for t in repo.deid.terms() if t.text == WORD]
    assert [t.status for t in stored] == ["rejected"], "the dismissal is a sealed review decision"
    project.close()
    raw = _project_bytes(tmp_path / "project")
    assert WORD.encode("utf-8") not in raw
    assert WORD.encode("utf-16-le") not in raw
