"""`workbench user add|passwd|remove|link|list`, run as a user would (a real subprocess)."""

from __future__ import annotations

from pathlib import Path

from tests.cli.console import run


def test_user_add_list_remove(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--user", "zoe", passphrase="first passphrase").returncode == 0
    added = run("user", "add", project, "rita", "--role", "researcher", passphrase="first passphrase",
                WORKBENCH_NEW_PASSWORD="rita's own password")  # fmt: skip
    assert added.returncode == 0 and "rita (researcher)" in added.stdout
    listed = run("user", "list", project, passphrase="first passphrase").stdout.splitlines()
    assert listed == ["rita\tresearcher", "zoe\tadmin"]
    as_rita = run("user", "list", project, "--user", "rita", passphrase=None, WORKBENCH_PASSWORD="rita's own password")
    assert as_rita.returncode == 0, as_rita.stderr
    forbidden = run("user", "add", project, "x", "--user", "rita", "--no-password", passphrase="first passphrase")
    assert forbidden.returncode == 2 and "may not manage keys" in forbidden.stderr
    short = run("user", "add", project, "y", passphrase="first passphrase", WORKBENCH_NEW_PASSWORD="short")
    assert short.returncode == 1 and "too short" in short.stderr
    assert run("user", "remove", project, "rita", passphrase="first passphrase").returncode == 0
    assert run("user", "list", project, passphrase="first passphrase").stdout.splitlines() == ["zoe\tadmin"]
    gone = run("user", "list", project, "--user", "rita", passphrase=None, WORKBENCH_PASSWORD="rita's own password")
    assert gone.returncode == 2
    bad_role = run("user", "add", project, "y", "--role", "boss", passphrase="first passphrase")
    assert bad_role.returncode == 2 and "boss" in bad_role.stderr


def test_user_passwd_changes_only_that_members_password(tmp_path: Path) -> None:
    project = tmp_path / "p"
    assert run("init", project, "--user", "zoe", passphrase="first passphrase").returncode == 0
    env = {"WORKBENCH_NEW_PASSWORD": "rita's own password"}
    assert run("user", "add", project, "rita", passphrase="first passphrase", **env).returncode == 0
    new_env = {"WORKBENCH_PASSWORD": "rita's own password", "WORKBENCH_NEW_PASSWORD": "rita's second password"}
    changed = run("user", "passwd", project, "--user", "rita", passphrase=None, **new_env)
    assert changed.returncode == 0 and "Password of rita changed" in changed.stdout
    old = run("status", project, "--user", "rita", passphrase=None, WORKBENCH_PASSWORD="rita's own password")
    new = run("status", project, "--user", "rita", passphrase=None, WORKBENCH_PASSWORD="rita's second password")
    assert (old.returncode, new.returncode) == (2, 0)
    assert run("status", project, passphrase="first passphrase").returncode == 0  # zoe is unaffected
