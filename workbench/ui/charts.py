"""Small plotly charts of the overview pages.

Why plotly here and not ``st.bar_chart`` (Vega-Lite): one chart library for the whole app, and
Overview, the first page after sign-in, then brings Streamlit's plotly code (4.7 MB) into the
browser tab while the lead looks at it, instead of when they first open Pathways, Timeline or
the Dashboard. Measured with ``bench/pathways_browser_bench.py``: a tab's first Pathways visit
took about 3 s on an idle machine, later ones about 1 s.
"""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go  # type: ignore[import-untyped]

from workbench.ui.life_figures import PALETTE


def counts_bar(counts: Mapping[str, int], *, x_title: str, y_title: str) -> go.Figure:
    """One bar per key (in the mapping's order), its count as the bar's height and hover text."""
    names = list(counts)
    fig = go.Figure(go.Bar(x=names, y=[counts[n] for n in names], marker_color=PALETTE[0],
                           hovertemplate="%{x}: %{y}<extra></extra>"))  # fmt: skip
    fig.update_layout(height=320, xaxis_title=x_title, yaxis_title=y_title, margin={"t": 20, "b": 40},
                      xaxis={"type": "category"})  # fmt: skip
    return fig
