"""Attack: out-run the sign-in limit, and lock everyone else out with it.

1. Twelve wrong passwords for one member, sent in parallel (CLI processes, browser
   tabs), were all evaluated although the limit is five: the count was checked in one
   transaction and the failure recorded in another, after the slow key derivation.
   The limit must be atomic: an attempt is reserved in the same write transaction
   that checks the count (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock).
2. Twenty failures from the browser locked out every local browser user, the admin
   with the right password included, because all browser sessions shared one client
   key. The client key now names the browser session, and failures in the browser
   never close the CLI's passphrase recovery path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSPHRASE, Backend
from tests.ui.apptest import close, new_app, serve, sign_in
from workbench.crypto import passwords
from workbench.domain.models import Role
from workbench.errors import TooManyAttemptsError, WrongPassphraseError
from workbench.services import projects
from workbench.services.projects import open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s

RITA = "rita's own long passphrase"
PARALLEL = 12


def _slow_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each password check take 0.3 s, as a real Argon2 derivation does: the race window."""
    original = passwords.verify_password

    def slow(stored: str, secret: str) -> bool:
        time.sleep(0.3)
        return original(stored, secret)

    monkeypatch.setattr(projects, "verify_password", slow)


def _attack(directory: Path, name: str, secret: str, clients: list[str]) -> list[str]:
    barrier = threading.Barrier(len(clients))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(client: str) -> None:
        barrier.wait()
        try:
            open_project(directory, secret, name, client=client).close()
            result = "opened"
        except WrongPassphraseError:
            result = "evaluated"
        except TooManyAttemptsError:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _failures(ws: Workspace) -> int:
    with ws.store.read() as conn:
        return int(conn.execute(select(func.count()).select_from(s.login_failure)).scalar_one())


@pytest.mark.parametrize("same_client", [True, False], ids=["one-client", "many-clients"])
def test_parallel_wrong_passwords_are_evaluated_at_most_the_limit(
    project: Workspace, backend: Backend, monkeypatch: pytest.MonkeyPatch, same_client: bool
) -> None:
    add_user(project, "rita", Role.RESEARCHER, RITA)
    _slow_kdf(monkeypatch)
    clients = ["cli"] * PARALLEL if same_client else [f"web:tab-{i}" for i in range(PARALLEL)]
    outcomes = _attack(project.location.directory, "rita", "a wrong guess", clients)
    assert len(outcomes) == PARALLEL
    assert outcomes.count("evaluated") == projects.MAX_FAILURES_PER_USER, outcomes
    assert outcomes.count("refused") == PARALLEL - projects.MAX_FAILURES_PER_USER
    assert _failures(project) == projects.MAX_FAILURES_PER_USER
    with pytest.raises(TooManyAttemptsError):  # and the right password waits too
        open_project(project.location.directory, RITA, "rita", client="web:tab-0")


def test_a_successful_sign_in_releases_its_reservation(project: Workspace, backend: Backend) -> None:
    add_user(project, "rita", Role.RESEARCHER, RITA)
    for _ in range(projects.MAX_FAILURES_PER_USER + 2):
        open_project(project.location.directory, RITA, "rita", client="web:a").close()
    assert _failures(project) == 0


def test_browser_failures_never_close_the_cli_passphrase_recovery(project: Workspace, backend: Backend) -> None:
    directory = project.location.directory
    for _ in range(projects.MAX_FAILURES_PER_USER):
        with pytest.raises(WrongPassphraseError):
            open_project(directory, "guess", "alice", client="web:attacker")
    with pytest.raises(TooManyAttemptsError):
        open_project(directory, PASSPHRASE, "alice", client="web:another-tab")
    open_project(directory, PASSPHRASE, "alice", client=projects.CLI_CLIENT).close()


def test_twenty_failures_in_one_browser_session_do_not_lock_out_the_admin_in_another(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.conftest import FAST_KDF
    from workbench.services.projects import init_project

    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    init_project(tmp_path / "p", PASSPHRASE, "admin", language="en", kdf=FAST_KDF).close()
    serve(tmp_path / "p", monkeypatch)
    attacker = new_app()
    for i in range(projects.MAX_FAILURES_PER_CLIENT):
        sign_in(attacker, "wrong", f"nobody-{i}")
    sign_in(attacker, PASSPHRASE, "admin")
    assert "workspace" not in attacker.session_state  # that session is paused
    admin = new_app()
    try:
        sign_in(admin, PASSPHRASE, "admin")
        assert "workspace" in admin.session_state, [e.value for e in admin.error]
    finally:
        close(admin)


def test_parallel_cli_processes_respect_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Real processes (the `workbench` console script) against one SQLite project."""
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    from tests.conftest import FAST_KDF
    from workbench.services.projects import init_project

    ws = init_project(tmp_path / "p", PASSPHRASE, "alice", language="en", kdf=FAST_KDF)
    add_user(ws, "rita", Role.RESEARCHER, RITA)
    ws.close()
    workbench = str(Path(sys.executable).parent / "workbench")
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    env.update(WORKBENCH_PASSPHRASE="a wrong guess", WORKBENCH_USER="rita")
    start = time.time() + 4  # every process waits until the same moment before it signs in
    script = (
        f"import time, sys, runpy; time.sleep(max(0, {start!r} - time.time())); "
        f"sys.argv = ['workbench', 'status', {str(tmp_path / 'p')!r}]; "
        f"runpy.run_path({workbench!r}, run_name='__main__')"
    )
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(PARALLEL)]  # fmt: skip
    errors = [p.communicate(timeout=180)[1] for p in procs]
    evaluated = sum("wrong" in e and "Too many" not in e for e in errors)
    refused = sum("Too many failed sign-ins" in e for e in errors)
    assert evaluated + refused == PARALLEL, errors
    assert evaluated <= projects.MAX_FAILURES_PER_USER, errors
