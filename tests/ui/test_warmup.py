"""The server's background warm-up: what the pages import is imported before anyone opens one."""

from __future__ import annotations

import ast
import importlib.util
import json
import subprocess
import sys

from tests.conftest import REPO_ROOT
from workbench.ui import warmup


def _page_imports() -> set[str]:
    """Every workbench, plotly or scipy module that app.py or a page imports at its top."""
    wanted: set[str] = set()
    for path in [REPO_ROOT / "app.py", *sorted((REPO_ROOT / "pages").glob("*.py"))]:
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                wanted.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                wanted.add(node.module)
                for alias in node.names:  # `from workbench.ui import charts` imports a module
                    name = f"{node.module}.{alias.name}"
                    if importlib.util.find_spec(node.module) and _is_module(name):
                        wanted.add(name)
    return {m for m in wanted if m.split(".")[0] in {"workbench", "plotly", "scipy"}}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def _in_a_fresh_process(code: str) -> str:
    # A fresh interpreter, so an import made by another test cannot make this pass.
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_fresh_process_has_every_page_import_after_the_warm_up_thread() -> None:
    wanted = sorted(_page_imports())
    assert "workbench.services.pathways" in wanted and "plotly.graph_objects" in wanted  # the scan finds imports
    code = (
        "import json, sys\n"
        "from workbench.ui import warmup\n"
        "assert 'scipy.cluster.hierarchy' not in sys.modules\n"
        "warmup.start().join(240)\n"
        f"print(json.dumps([m for m in {wanted!r} if m not in sys.modules]))\n"
    )
    missing = json.loads(_in_a_fresh_process(code))
    assert missing == [], f"add these to warmup.MODULES (pages import them): {missing}"


def test_the_warm_up_freezes_what_it_imported() -> None:
    # Streamlit collects garbage after every script run; frozen objects are not walked again.
    code = (
        "import gc\nfrom workbench.ui import warmup\n"
        "warmup.warm_up(('plotly.graph_objects',))\nprint(gc.get_freeze_count())\n"
    )
    assert int(_in_a_fresh_process(code)) > 10_000


def test_the_pathways_warm_up_draws_both_figures_of_made_up_lives() -> None:
    warmup.warm_plotly()
    warmup.warm_pathways()  # raises if a figure or the grouping cannot be built


def test_serve_app_starts_the_warm_up() -> None:
    source = (REPO_ROOT / "serve_app.py").read_text(encoding="utf-8")
    assert "warmup.start()" in source


def test_a_module_that_cannot_be_imported_is_reported_not_raised() -> None:
    assert warmup.warm_imports(("workbench_no_such_module",)) == ["workbench_no_such_module"]


def test_the_warm_up_loads_no_model() -> None:
    # Models are hundreds of megabytes; they load on a theme run, a search or a detection only.
    code = (
        "import sys\nfrom workbench.ui import warmup\nwarmup.warm_imports()\n"
        "print(sorted(m for m in ('torch', 'spacy', 'sentence_transformers', 'onnxruntime') if m in sys.modules))\n"
    )
    assert _in_a_fresh_process(code) == "[]"
