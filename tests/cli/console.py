"""The ``workbench`` console script, run as a user runs it: a real subprocess, a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from workbench.services.demo import DEMO_PASSPHRASE

WORKBENCH = str(Path(sys.executable).parent / "workbench")


def run(*args: str | Path, passphrase: str | None = DEMO_PASSPHRASE, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    if passphrase is not None:
        environ["WORKBENCH_PASSPHRASE"] = passphrase
    environ.update(env)
    return subprocess.run(
        [WORKBENCH, *map(str, args)], capture_output=True, text=True, env=environ, stdin=subprocess.DEVNULL, timeout=120
    )
