"""Work a server does once, in the background, so the first person to open a page does not wait.

The first lead to open Pathways in a fresh server process used to wait for scipy's clustering
modules, the pathway analysis, plotly, and the modules the page imports for its export part
(openpyxl, faker through the release): about a second on an idle two-core machine
(``bench/pathways_browser_bench.py``). Every page pays the same on its first visit for what it
imports, so the warm-up imports what every page in ``pages/`` imports (a test keeps
:data:`MODULES` in step with the pages). ``serve_app.py`` starts :func:`start` once per server
process. Only modules belong here, never data: they hold no one's words, and all of them together
cost about 25 MB; the embedding and NER models (hundreds of megabytes) still load on first use.

After the imports the warm-up freezes the garbage collector's view of everything allocated so
far (:func:`gc.freeze`): Streamlit runs a full collection after every script run, and without
the freeze each one walked every object of every imported module again (a few hundred ms per
rerun on a busy machine). Module objects live as long as the process anyway, so nothing that
could be collected is kept.
"""

from __future__ import annotations

import gc
import importlib
import logging
import threading

# What the pages import, beyond streamlit and the workbench modules they all share: scipy's
# clustering (Pathways), plotly, and the services and ui modules of each page.
MODULES = (
    "scipy.cluster.hierarchy", "scipy.spatial.distance", "plotly.graph_objects", "plotly.express",
    "workbench.analysis.pathways", "workbench.analysis.tables",
    "workbench.deid.disclosure", "workbench.deid.spans", "workbench.importers", "workbench.nlp.theme_labels",
    "workbench.services.agreement", "workbench.services.code_suggestions", "workbench.services.codebook.edits",
    "workbench.services.codebook.names", "workbench.services.codebook.proposals",
    "workbench.services.codebook.queries", "workbench.services.codebook.sync", "workbench.services.codebook.versions",
    "workbench.services.coding", "workbench.services.coding_search", "workbench.services.deid",
    "workbench.services.deid_release", "workbench.services.exports", "workbench.services.imports",
    "workbench.services.interviews", "workbench.services.participants", "workbench.services.pathways",
    "workbench.services.projects", "workbench.services.refi_export", "workbench.services.refi_import",
    "workbench.services.retrieval", "workbench.services.search", "workbench.services.sequence_exports",
    "workbench.services.theme_labels", "workbench.services.themes", "workbench.services.users",
    "workbench.services.visibility",
    "workbench.ui.assets", "workbench.ui.charts", "workbench.ui.components.code_callbacks",
    "workbench.ui.components.code_panels", "workbench.ui.components.markup", "workbench.ui.components.text_view",
    "workbench.ui.interview_url", "workbench.ui.language", "workbench.ui.life_event_form", "workbench.ui.life_figures",
    "workbench.ui.proposals_panel", "workbench.ui.render", "workbench.ui.safe_text", "workbench.ui.unlock",
    "workbench.ui.wording",
)  # fmt: skip

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


def warm_plotly() -> None:
    """Build and serialise one small figure of each trace kind the pages draw, with no data.

    plotly creates its validators for a trace type and for the layout on first use; a first
    Pathways figure of 200 lives spent about 0.4 s on that.
    """
    import plotly.graph_objects as go  # type: ignore[import-untyped]

    fig = go.Figure(
        go.Heatmap(z=[[0.0, None]], x=["a", "b"], y=["r"], text=[["", ""]], colorscale=[(0, "#fff"), (1, "#000")])
    )
    fig.add_trace(
        go.Scatter(x=[None], y=[None], mode="markers", marker={"size": 1, "symbol": ["circle"]}, customdata=[[0]])
    )
    fig.add_trace(go.Bar(x=["a"], y=[1]))
    fig.add_hline(y=0.5, line={"color": "black", "width": 1})
    fig.update_layout(
        height=100,
        xaxis_title="x",
        legend_title_text="s",
        yaxis={"autorange": "reversed", "type": "category"},
        margin={"l": 1, "r": 1, "t": 1, "b": 1},
        plot_bgcolor="white",
        clickmode="event+select",
    )
    fig.to_json()


def warm_pathways() -> None:
    """Group a dozen generated lives and draw both Pathways figures (made-up data, never a person's).

    The first Pathways page of a process otherwise pays for the first call of every function on
    its way (scipy's linkage, the distance loops, plotly's property paths for these figures'
    layouts): about half a second more than any later first visit on an idle two-core machine.
    """
    from workbench.analysis import synthetic_lives
    from workbench.analysis.pathways import Grid, pathways, sequences
    from workbench.ui.life_figures import pathway_figure, typical_figure

    lives = synthetic_lives.draw(12, 1)
    grid = Grid(10, 40, 2)
    seqs = sequences([m for life in lives for m in life.marks], grid, ends={x.participant: x.end for x in lives})
    result = pathways(seqs, grid, groups=3)
    typical_figure(result).to_json()
    pathway_figure(result).to_json()


def warm_up(modules: tuple[str, ...] = MODULES) -> list[str]:
    """Import ``modules`` and prepare plotly and Pathways, then freeze what exists so later collections skip it."""
    failed = warm_imports(modules)
    if not failed:
        try:
            warm_plotly()
            warm_pathways()
        except Exception:  # a failed warm-up costs the first visitor time, nothing else
            _log.warning("could not prepare the Pathways figures in advance; the first visit will take longer")
    gc.freeze()
    return failed


def start() -> threading.Thread:
    """Run :func:`warm_up` in a daemon thread, so the server answers its first request at once."""
    thread = threading.Thread(target=warm_up, name="workbench-warm-imports", daemon=True)
    thread.start()
    return thread
