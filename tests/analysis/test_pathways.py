"""State sequences, optimal matching and pathway groups, against hand-computed examples."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import adjusted_rand_score

from workbench.analysis import synthetic_lives
from workbench.analysis.pathways import (
    BASELINE,
    Grid,
    Mark,
    StateSequence,
    labels_of,
    medoid,
    om_distance,
    om_matrix,
    pam_labels,
    pathways,
    sequences,
    spell_rows,
    spells,
    sts_rows,
    substitution_costs,
    ward_groups,
)

A, B, C = 0, 1, 2


def _constant(n: int, cost: float = 2.0) -> np.ndarray:
    sub = np.full((n, n), cost)
    np.fill_diagonal(sub, 0.0)
    return sub


@pytest.mark.parametrize(
    ("a", "b", "sub", "indel", "expected"),
    [
        # TraMineR defaults (substitution 2, indel 1): deleting B costs 1.
        ([A, B, C], [A, C], 2.0, 1.0, 1.0),
        # AAB -> BAA: insert B in front and delete the last B (2), cheaper than two substitutions (4).
        ([A, A, B], [B, A, A], 2.0, 1.0, 2.0),
        # AB -> BA with substitution 1.5, indel 2: two substitutions (3) beat delete + insert (4).
        ([A, B], [B, A], 1.5, 2.0, 3.0),
        # ... and with indel 1 the indel pair (2) wins.
        ([A, B], [B, A], 1.5, 1.0, 2.0),
        # one against nothing: three deletions.
        ([A, B, C], [], 2.0, 1.0, 3.0),
        ([C, C], [C, C], 2.0, 1.0, 0.0),
    ],
)
def test_om_matches_hand_computed_examples(a: list[int], b: list[int], sub: float, indel: float,
                                           expected: float) -> None:  # fmt: skip
    costs = _constant(3, sub)
    assert om_distance(a, b, costs, indel) == pytest.approx(expected)
    assert om_matrix([a, b], costs, indel)[0, 1] == pytest.approx(expected)


def test_trate_costs_by_hand() -> None:
    """AAB and ABB: A->A once, A->B twice, B->B once; p(A->B) = 2/3, p(B->A) = 0."""
    seqs = [StateSequence("1", ("A", "A", "B")), StateSequence("2", ("A", "B", "B"))]
    sub, indel = substitution_costs(seqs, ["A", "B"], "trate")
    assert sub[0, 1] == sub[1, 0] == pytest.approx(2 - 2 / 3)
    assert indel == pytest.approx((2 - 2 / 3) / 2)
    assert om_distance([0, 0, 1], [0, 1, 1], sub, indel) == pytest.approx(4 / 3)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=1, max_size=9), min_size=2, max_size=7),
       st.floats(0.5, 3.0), st.floats(0.5, 3.0))  # fmt: skip
def test_the_vectorised_matrix_is_the_pairwise_recursion(coded: list[list[int]], sub_cost: float,
                                                         indel: float) -> None:  # fmt: skip
    rng = np.random.default_rng(len(coded))
    sub = rng.uniform(0.2, sub_cost + 0.2, size=(4, 4))
    sub = (sub + sub.T) / 2
    np.fill_diagonal(sub, 0)
    matrix = om_matrix(coded, sub, indel)
    for i in range(len(coded)):
        for j in range(len(coded)):
            expected = 0.0 if i == j else om_distance(coded[i], coded[j], sub, indel)
            assert matrix[i, j] == pytest.approx(expected)


def test_carry_forward_rule() -> None:
    grid = Grid(10, 30, 2)
    marks = [Mark("p", 13.5, "offending"), Mark("p", 17.0, "prison"), Mark("p", 17.5, "released"),
             Mark("q", 25, "prison")]  # fmt: skip
    got = {s.participant: s.states for s in sequences(marks, grid, ends={"p": 21.9}, participants=["r"])}
    # bands 10-11, 12-13 (offending at 13.5 is before the band's end), 14-15, 16-17 (last mark wins), 18-19, 20-21
    assert got["p"] == (BASELINE, "offending", "offending", "released", "released", "released")
    # no end given: the sequence ends with the last mark's band
    assert got["q"] == (BASELINE,) * 7 + ("prison",)
    assert "r" not in got, "a life without marks and without an end has no length"


def test_sts_and_spell_tables() -> None:
    grid = Grid(10, 16, 2)
    seqs = [StateSequence("P1", ("x", "x", "y")), StateSequence("P2", ("y",))]
    columns, rows = sts_rows(seqs, grid, {"P1": {"gender": "f"}}, ["gender"])
    assert columns == ["id", "gender", "10-11", "12-13", "14-15"]
    assert rows[1] == {"id": "P2", "gender": "unknown", "10-11": "y", "12-13": "", "14-15": ""}
    assert spells(("x", "x", "y")) == [(1, 2, "x"), (3, 3, "y")]
    _, spell = spell_rows(seqs, grid)
    assert spell[0] | {} == {"id": "P1", "spell": 1, "start": 1, "end": 2, "start_band": "10-11",
                             "end_band": "12-13", "state": "x"}  # fmt: skip


def test_medoid_is_the_member_nearest_the_others() -> None:
    d = np.array([[0, 1, 4], [1, 0, 2], [4, 2, 0]], dtype=float)
    assert medoid(d, [0, 1, 2]) == 1
    assert medoid(d, [0, 2]) == 0  # a tie: the first


def test_pam_moves_lives_that_a_first_partition_put_in_the_wrong_group() -> None:
    """Six lives on a line, two clear groups; a start that puts 10 with 0-2 is corrected by the swaps."""
    points = np.array([0, 1, 2, 10, 11, 12], dtype=float)
    d = np.abs(points[:, None] - points[None, :])
    labels = pam_labels(d, [1, 1, 1, 1, 2, 2])
    assert list(labels) in ([1, 1, 1, 2, 2, 2], [2, 2, 2, 1, 1, 1])
    refined = ward_groups(d, 2)
    assert sorted(g.members for g in refined) == [(0, 1, 2), (3, 4, 5)]


def test_grouping_recovers_the_templates() -> None:
    """60 seeded synthetic lives from 4 templates: Ward on OM finds them (ARI well above chance, 0)."""
    lives = synthetic_lives.draw(60, seed=7)
    grid = Grid(8, 40, 2)
    marks = [m for life in lives for m in life.marks]
    seqs = sequences(marks, grid, ends={life.participant: life.end for life in lives})
    truth = {life.participant: life.template for life in lives}
    result = pathways(seqs, grid, groups=4)
    found = labels_of(result.groups, len(seqs))
    ari = adjusted_rand_score([truth[s.participant] for s in seqs], found)
    assert ari > 0.7, ari
    assert len(result.groups) == 4
    for group in result.groups:
        assert group.medoid in group.members
