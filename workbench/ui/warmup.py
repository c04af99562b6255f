"""Imports a server does once, in the background, so the first person to need them does not wait.

The first lead to open Pathways in a fresh server process used to wait for scipy's clustering
modules, the pathway analysis and plotly to import (about a second on a busy two-core machine,
half that on an idle one; ``bench/pathways_browser_bench.py``). ``serve_app.py`` starts :func:`start` once per server
process. Only modules that hold no data and cost little memory belong here: the embedding
models (hundreds of megabytes) still load on a theme run or a search.
"""

from __future__ import annotations

import importlib
import logging
import threading

# scipy's hierarchical clustering and distance forms, the pathway analysis and its service, and
# plotly's figure classes: what a first Pathways, Timeline or Overview visit imports.
MODULES = ("scipy.cluster.hierarchy", "scipy.spatial.distance", "plotly.graph_objects",
           "workbench.analysis.pathways", "workbench.services.pathways")  # fmt: skip

_log = logging.getLogger(__name__)


def warm_imports(modules: tuple[str, ...] = MODULES) -> list[str]:
    """Import ``modules``; returns those that failed, logged by name only (never a traceback)."""
    failed: list[str] = []
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError:
            failed.append(name)
            _log.warning("could not import %s in advance; it will be imported when first used", name)
    return failed


def start() -> threading.Thread:
    """Run :func:`warm_imports` in a daemon thread, so the server answers its first request at once."""
    thread = threading.Thread(target=warm_imports, name="workbench-warm-imports", daemon=True)
    thread.start()
    return thread
