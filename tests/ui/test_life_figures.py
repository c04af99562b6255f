"""The Pathways figures: every life a row, grouped, the groups divided by a line, unseen bands named."""

from __future__ import annotations

from workbench.analysis.pathways import Grid, Pathways, StateSequence, pathways
from workbench.ui.life_figures import pathway_figure, row_order, typical_figure


def _result() -> Pathways:
    grid = Grid(10, 20, 2)  # five bands
    seqs = [
        StateSequence("A", ("none", "prison", "prison", "released", "released")),
        StateSequence("B", ("none", "prison", "prison", "released")),  # the last band unobserved
        StateSequence("C", ("none", "none", "offending", "offending", "offending")),
        StateSequence("D", ("none", "none", "offending", "offending")),
        StateSequence("E", ("none", "none", "none", "none", "none")),
    ]
    return pathways(seqs, grid, groups=3)


def test_every_life_is_a_row_in_group_order_with_unseen_bands_named() -> None:
    result = _result()
    heatmap = pathway_figure(result).data[0]
    order = row_order(result)
    assert len(heatmap.y) == 5 and [name.split(" · ")[0] for name in heatmap.y] == [
        result.sequences[r].participant for r in order
    ]
    row_b = [name.split(" · ")[0] for name in heatmap.y].index("B")
    assert heatmap.z[row_b][-1] is None and heatmap.text[row_b][-1] == "not observed"
    assert list(heatmap.x) == result.grid.labels()


def test_a_line_divides_each_pair_of_neighbouring_groups() -> None:
    result = _result()
    shapes = pathway_figure(result).layout.shapes
    sizes = [len(g.members) for g in result.groups]
    assert len(result.groups) == 3 and len(shapes) == 2
    assert [s.y0 for s in shapes] == [sizes[0] - 0.5, sizes[0] + sizes[1] - 0.5]
    assert all(s.xref == "x domain" and (s.x0, s.x1) == (0, 1) for s in shapes)


def test_the_typical_figure_has_one_row_per_group() -> None:
    result = _result()
    heatmap = typical_figure(result).data[0]
    assert len(heatmap.y) == len(result.groups)
