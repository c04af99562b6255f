"""The server's background imports: what Pathways needs is imported before anyone asks for it."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT
from workbench.ui import warmup


def test_a_fresh_process_has_scipys_clustering_after_the_warm_up_thread() -> None:
    # A fresh interpreter, so an import made by another test cannot make this pass.
    code = (
        "import sys\n"
        "from workbench.ui import warmup\n"
        "assert 'scipy.cluster.hierarchy' not in sys.modules\n"
        "warmup.start().join(120)\n"
        "print(all(m in sys.modules for m in warmup.MODULES))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"


def test_serve_app_starts_the_warm_up() -> None:
    source = (REPO_ROOT / "serve_app.py").read_text(encoding="utf-8")
    assert "warmup.start()" in source


def test_a_module_that_cannot_be_imported_is_reported_not_raised() -> None:
    assert warmup.warm_imports(("workbench_no_such_module",)) == ["workbench_no_such_module"]
