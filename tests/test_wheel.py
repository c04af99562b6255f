"""The built wheel is the product: installed outside the checkout, it runs `demo` and `serve`.

The wheel is built from this tree (``pip wheel --no-build-isolation``: hatchling comes with the
dev extras, so nothing is downloaded), installed without dependencies into a fresh virtual
environment that borrows this environment's third-party packages through a ``.pth`` line
(plain path lines do not run the editable install's own ``.pth`` hook, so the checkout stays
out of reach), and driven from an unrelated directory. Were the app, its pages, the shared
codebooks or the demo data found only through the checkout, these commands would fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.helpers import free_port, wait_healthy


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path  # an unrelated directory the commands run in
    env: dict[str, str]

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)

    def run(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(args), cwd=self.workdir, env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("wheel")
    dist = root / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", str(dist), str(REPO_ROOT)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (wheel,) = dist.glob("workbench-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    venv_site = Path(
        subprocess.run(
            [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    (venv_site / "_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    workdir = root / "elsewhere"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_") and k != "PYTHONPATH"}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    return Installed(wheel, venv, workdir, env)


def test_the_wheel_carries_the_app_its_pages_and_the_data_it_needs(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    pages = sorted(p.name for p in (REPO_ROOT / "pages").glob("*.py"))
    codebooks = sorted(p.name for p in (REPO_ROOT / "codebooks").glob("*.yaml"))
    assert pages and codebooks
    wanted = {
        "workbench/__init__.py",
        "workbench/_app/app.py",
        "workbench/_app/serve_app.py",
        "workbench/_app/.streamlit/config.toml",
        "workbench/demo_data/manifest.yaml",
        "workbench/ui/icon.png",
        "workbench/store/migrations/env.py",
        *(f"workbench/_app/pages/{name}" for name in pages),
        *(f"workbench/_app/codebooks/{name}" for name in codebooks),
    }
    assert wanted <= names, sorted(wanted - names)
    for folder in (
        "workbench/deid/models/hu_nerkor/",
        "workbench/nlp/stopwords/",
        "workbench/store/migrations/versions/",
    ):
        assert any(n.startswith(folder) for n in names), folder
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_installed_elsewhere_it_runs_from_the_wheel_and_knows_its_version(installed: Installed) -> None:
    where = installed.run(installed.bin("python"), "-c", "import workbench; print(workbench.__file__)")
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed.venv)
    shown = installed.run(installed.bin("workbench"), "--version")
    version = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert shown.returncode == 0 and shown.stdout.strip() == f"workbench {version}", shown.stderr


def test_the_installed_wheel_creates_the_demo_and_serves_it(installed: Installed) -> None:
    project = installed.workdir / "demo"
    made = installed.run(installed.bin("workbench"), "demo", str(project), timeout=180)
    assert made.returncode == 0, made.stderr[-2000:]
    assert (project / "workbench-project.toml").is_file()
    # The router and its pages from the wheel: a locked session gets the sign-in form.
    script = (
        "from streamlit.testing.v1 import AppTest; from workbench.paths import APP_FILE; "
        "at = AppTest.from_file(str(APP_FILE), default_timeout=60); at.run(); "
        "assert not at.exception, at.exception; print(APP_FILE); print(at.title[0].value)"
    )
    shown = installed.run(installed.bin("python"), "-c", script, timeout=120)
    assert shown.returncode == 0, shown.stderr[-2000:]
    app_file, title = shown.stdout.strip().splitlines()[-2:]
    assert Path(app_file).is_relative_to(installed.venv) and title == "Sign in"
    port = free_port()
    with subprocess.Popen(
        [installed.bin("workbench"), "serve", str(project), "--port", str(port)],
        cwd=installed.workdir, env=installed.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    ) as server:  # fmt: skip
        try:
            wait_healthy(f"http://127.0.0.1:{port}", server, seconds=60)
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
                assert response.status == 200 and b"<html" in response.read().lower()
        finally:
            server.terminate()
            server.wait(timeout=30)
