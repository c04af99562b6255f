"""Each member's interface language: stored per member, defaulting to the project's language."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import FAST_KDF, PASSPHRASE
from workbench.domain.models import Role
from workbench.errors import InvalidInputError
from workbench.services.preferences import interface_language, set_interface_language
from workbench.services.projects import audit_log, init_project, open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace


def test_the_default_follows_the_project_language(
    project: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert interface_language(project) == "en"
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)  # a second project: its own SQLite file
    ws = init_project(tmp_path / "hu", PASSPHRASE, "lena", language="hu", kdf=FAST_KDF)
    try:
        assert interface_language(ws) == "hu"
    finally:
        ws.close()


def test_a_choice_is_stored_for_that_member_only_and_audited(project: Workspace) -> None:
    add_user(project, "bela", Role.RESEARCHER, "a long enough password for bela")
    bela = open_project(project.location.directory, "a long enough password for bela", "bela")
    try:
        set_interface_language(bela, "hu")
        assert interface_language(bela) == "hu"
        assert interface_language(project) == "en", "alice's language is alice's"
    finally:
        bela.close()
    again = open_project(project.location.directory, "a long enough password for bela", "bela")
    try:
        assert interface_language(again) == "hu", "kept across sessions"
    finally:
        again.close()
    entries = audit_log(project).entries
    assert any(e.action == "user changed" and e.actor == "bela" for e in entries)


def test_an_unknown_language_is_refused_and_nothing_is_stored(project: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="interface language"):
        set_interface_language(project, "de")
    assert interface_language(project) == "en"
