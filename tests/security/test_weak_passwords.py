"""Attack: set a password an attacker guesses first.

``aaaaaaaaaaaa`` (twelve characters, so long enough) was accepted as a member's password,
and so were ``1234567890``, ``qwertyuiop`` and ``password1234``. Every place a password
or the project passphrase is set refuses guessable ones (zxcvbn's estimate, offline):
``workbench init``, ``user add``, ``user passwd``, ``passphrase change`` and the
Account page, which all call the same service checks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.console import run
from tests.conftest import FAST_KDF, PASSPHRASE
from tests.ui.apptest import close, new_app, open_page, serve
from workbench.domain.models import Role
from workbench.errors import InvalidInputError
from workbench.services.projects import change_passphrase, init_project
from workbench.services.users import add_user, set_password
from workbench.services.workspace import Workspace

WEAK = ["aaaaaaaaaaaa", "1234567890", "qwertyuiop", "password1234", "abcabcabcabc", "rita-rita-rita"]


@pytest.mark.parametrize("weak", WEAK)
def test_weak_member_passwords_are_refused(project: Workspace, weak: str) -> None:
    with pytest.raises(InvalidInputError, match="too easy to guess") as caught:
        add_user(project, "rita", Role.RESEARCHER, weak)
    assert weak not in str(caught.value)
    add_user(project, "rita", Role.RESEARCHER, "tannery umbrella violet")
    with pytest.raises(InvalidInputError, match="too easy to guess"):
        set_password(project, "rita", weak)


@pytest.mark.parametrize("weak", WEAK[:3])
def test_weak_passphrases_are_refused(project: Workspace, tmp_path: Path, weak: str) -> None:
    with pytest.raises(InvalidInputError, match="too easy to guess"):
        init_project(tmp_path / "other", weak, "alice", language="en", kdf=FAST_KDF)
    with pytest.raises(InvalidInputError, match="too easy to guess"):
        change_passphrase(project, weak)


def test_the_cli_refuses_a_weak_password(tmp_path: Path) -> None:
    result = run("init", tmp_path / "p", passphrase="aaaaaaaaaaaa")
    assert result.returncode != 0 and "too easy to guess" in result.stderr, result.stderr
    assert "aaaaaaaaaaaa" not in result.stderr + result.stdout


def test_the_account_page_refuses_a_weak_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    init_project(tmp_path / "p", PASSPHRASE, "admin", language="en", kdf=FAST_KDF).close()
    serve(tmp_path / "p", monkeypatch)
    at = open_page(new_app(), "pages/account.py", "admin")
    try:
        boxes = [b for b in at.text_input if b.label in ("Current password", "New password", "Repeat the new password")]
        values = {
            "Current password": PASSPHRASE,
            "New password": "aaaaaaaaaaaa",
            "Repeat the new password": "aaaaaaaaaaaa",
        }
        for box in boxes:
            box.input(values[box.label])
        next(b for b in at.button if "password" in b.label.lower()).click()
        at.run()
        assert any("too easy to guess" in e.value for e in at.error), [e.value for e in at.error]
    finally:
        close(at)
