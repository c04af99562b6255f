"""Plotly figures of life paths: one participant's timeline, and all lives as stacked state sequences.

Built here, not in the pages, so the benchmark times exactly the figure the Pathways page
shows, and so both pages stay thin. Colours are fixed per state or event type (a palette in
the order of first use) so the same state has the same colour in every chart of a page.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go  # type: ignore[import-untyped]

from workbench.analysis.life_sequences import TimelinePoint
from workbench.analysis.pathways import BASELINE, Pathways
from workbench.i18n import gettext as _
from workbench.ui.wording import direction_name

PALETTE = ("#4477AA", "#EE6677", "#228833", "#CCBB44", "#66CCEE", "#AA3377", "#EE7733", "#0077BB", "#33BBEE",
           "#009988", "#CC3311", "#EE3377", "#997700", "#6699CC")  # fmt: skip
BASELINE_COLOUR = "#E8E8E8"
SYMBOLS = {"towards": "triangle-up", "away": "triangle-down", "neutral": "circle"}
HOVER_CHARS = 160


def colours(states: Sequence[str]) -> dict[str, str]:
    """A colour per state, the baseline pale grey, the rest from the palette in order."""
    others = [s for s in states if s != BASELINE]
    return {BASELINE: BASELINE_COLOUR} | {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(others)}


def row_order(result: Pathways) -> list[int]:
    """Sequences grouped (group 1 first), each group from its medoid outwards (nearest first)."""
    order: list[int] = []
    for group in result.groups:
        order += sorted(group.members, key=lambda m: (result.distances[group.medoid, m], m))
    return order


def _heatmap(result: Pathways, rows: Sequence[int], names: Sequence[str]) -> go.Heatmap:
    states = result.states
    index = {s: i for i, s in enumerate(states)}
    labels = result.grid.labels()
    unseen = _("not observed")  # once: a lookup per cell of 200 lives cost a tenth of a second
    z: list[list[float | None]] = []
    text: list[list[str]] = []
    for row in rows:
        seq = result.sequences[row].states
        z.append([float(index[seq[i]]) if i < len(seq) else None for i in range(len(labels))])
        text.append([seq[i] if i < len(seq) else unseen for i in range(len(labels))])
    palette = colours(states)
    n = max(len(states), 1)
    scale: list[tuple[float, str]] = []
    for i, state in enumerate(states):  # a stepped scale: one flat colour per state index
        scale += [(i / n, palette[state]), ((i + 1) / n, palette[state])]
    return go.Heatmap(z=z, x=labels, y=list(names), text=text, zmin=-0.5, zmax=n - 0.5, colorscale=scale,
                      showscale=False, xgap=1, ygap=0 if len(rows) > 60 else 1,
                      hovertemplate="%{y}<br>%{x}: %{text}<extra></extra>")  # fmt: skip


def _legend(fig: go.Figure, states: Sequence[str]) -> None:
    palette = colours(states)
    for state in states:
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=state, showlegend=True,
                                 marker={"size": 12, "symbol": "square", "color": palette[state]}))  # fmt: skip


def pathway_figure(result: Pathways, *, axis_title: str = "age") -> go.Figure:
    """Every life as a row of coloured bands, grouped, the groups separated and labelled."""
    rows = row_order(result)
    group_of = result.group_of()
    names = [f"{result.sequences[r].participant} · G{group_of[result.sequences[r].participant]}" for r in rows]
    fig = go.Figure(_heatmap(result, rows, names))
    _legend(fig, result.states)
    fig.update_layout(shapes=_group_borders(result), height=min(2000, 160 + 14 * len(rows)), xaxis_title=axis_title,
                      legend_title_text=_("state"),
                      yaxis={"autorange": "reversed", "showticklabels": len(rows) <= 60, "type": "category"},
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, plot_bgcolor="white")  # fmt: skip
    return fig


def _group_borders(result: Pathways) -> list[dict[str, object]]:
    """A black line across the plot between groups (as shapes: ``add_hline`` costs ~10 ms a line)."""
    borders: list[dict[str, object]] = []
    start = 0
    for group in result.groups[:-1]:
        start += len(group.members)
        borders.append({"type": "line", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": start - 0.5,
                        "y1": start - 0.5, "line": {"color": "black", "width": 2}})  # fmt: skip
    return borders


def typical_figure(result: Pathways, *, axis_title: str = "age") -> go.Figure:
    """Each group's typical (medoid) sequence, one row per group."""
    rows = [g.medoid for g in result.groups]
    names = [_("G{n} ({lives} lives)").format(n=g.number, lives=len(g.members)) for g in result.groups]
    fig = go.Figure(_heatmap(result, rows, names))
    _legend(fig, result.states)
    fig.update_layout(height=120 + 36 * len(rows), xaxis_title=axis_title, legend_title_text=_("state"),
                      yaxis={"autorange": "reversed", "type": "category"},
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, plot_bgcolor="white")  # fmt: skip
    return fig


def timeline_figure(points: Sequence[TimelinePoint], lanes: Sequence[str], *, axis_title: str = "age") -> go.Figure:
    """One lane per life domain; colour = event type, shape = direction, open marks = later waves."""
    types = list(dict.fromkeys(p.type for p in points))
    palette = dict(zip(types, (PALETTE[i % len(PALETTE)] for i in range(len(types))), strict=True))
    fig = go.Figure()
    for kind in types:
        own = [p for p in points if p.type == kind]
        fig.add_trace(go.Scatter(
            x=[p.x for p in own], y=[p.lane for p in own], mode="markers", name=kind,
            customdata=[[p.event_id, p.time_text, direction_name(p.direction), p.wave or "-", _hover(p.quote)]
                        for p in own],
            marker={"size": 15, "color": palette[kind], "line": {"width": 2, "color": palette[kind]},
                    "symbol": [SYMBOLS.get(p.direction, "circle") + ("-open" if (p.wave or 1) > 1 else "")
                               for p in own]},
            hovertemplate=(
                "<b>%{fullData.name}</b> · %{customdata[1]}<br>"
                + _("direction {direction} · wave {wave}").format(direction="%{customdata[2]}", wave="%{customdata[3]}")
                + "<br>%{customdata[4]}<extra></extra>"
            ),
        ))  # fmt: skip
    fig.update_layout(height=140 + 60 * len(lanes), xaxis_title=axis_title, legend_title_text=_("event type"),
                      yaxis={"categoryorder": "array", "categoryarray": list(lanes), "type": "category",
                             "range": [-0.5, len(lanes) - 0.5]},
                      margin={"l": 10, "r": 10, "t": 30, "b": 10}, clickmode="event+select")  # fmt: skip
    return fig


def _hover(quote: str) -> str:
    """The quote for the hover box: shortened and HTML-escaped (plotly renders hover text as HTML)."""
    import html

    short = quote if len(quote) <= HOVER_CHARS else quote[: HOVER_CHARS - 1] + "…"
    return html.escape(short)
