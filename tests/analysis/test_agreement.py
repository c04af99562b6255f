"""Agreement statistics against published worked examples and independent implementations."""

from __future__ import annotations

import warnings

import krippendorff
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from workbench.analysis.agreement import (
    LEVELS,
    character_units,
    coded_only,
    cohen_kappa,
    krippendorff_alpha,
    measures,
    pairable_units,
    parse_matrix_csv,
    percent_agreement,
    segment_units,
)
from workbench.analysis.agreement_counts import (
    BinaryTally,
    binary_measures,
    binary_pairable_units,
    binary_percent,
    character_counts,
)
from workbench.errors import InvalidInputError

N = np.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
# 12 units, values 1..5, missing data. Published: nominal .743, ordinal .815, interval .849, ratio .797.
EXAMPLE_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_2011_example_c_four_coders_with_missing_data(level: str, published: float) -> None:
    assert krippendorff_alpha(EXAMPLE_C, level) == pytest.approx(published, abs=5e-4)  # type: ignore[arg-type]


def test_krippendorff_2011_example_a_binary_two_observers() -> None:
    data = [[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]
    assert krippendorff_alpha(data) == pytest.approx(0.095, abs=5e-4)
    assert percent_agreement(data) == pytest.approx(0.6)


def test_krippendorff_2011_example_b_nominal_two_observers() -> None:
    index = {label: i for i, label in enumerate("abcde")}
    data = [[index[v] for v in "aabbdcccedda"], [index[v] for v in "babbbccceddd"]]
    assert krippendorff_alpha(data) == pytest.approx(0.692, abs=5e-4)


def _table(both_yes: int, a_yes_b_no: int, a_no_b_yes: int, both_no: int) -> list[list[float]]:
    pairs = [(1, 1)] * both_yes + [(1, 0)] * a_yes_b_no + [(0, 1)] * a_no_b_yes + [(0, 0)] * both_no
    return [[a for a, _ in pairs], [b for _, b in pairs]]


@pytest.mark.parametrize(
    ("cells", "po", "kappa"),
    [
        ((20, 5, 10, 15), 0.70, 0.4),  # 50 grant proposals read by two editors: p_e = 0.5
        ((45, 15, 25, 15), 0.60, 0.1304),  # same p_o, different marginals, different kappa
        ((25, 35, 5, 35), 0.60, 0.2593),
    ],
)
def test_cohen_kappa_textbook_two_by_two_tables(cells: tuple[int, int, int, int], po: float, kappa: float) -> None:
    data = _table(*cells)
    assert percent_agreement(data) == pytest.approx(po)
    assert cohen_kappa(data) == pytest.approx(kappa, abs=5e-5)


def test_undefined_measures_are_none_not_numbers() -> None:
    same = [[1, 1, 1], [1, 1, 1]]
    assert krippendorff_alpha(same) is None  # no variation: 0/0
    assert cohen_kappa(same) is None
    assert percent_agreement(same) == 1.0
    lonely = [[1, N, 2], [N, 3, N]]  # no unit judged by two coders
    assert krippendorff_alpha(lonely) is None and percent_agreement(lonely) is None and cohen_kappa(lonely) is None
    assert cohen_kappa(EXAMPLE_C) is None, "kappa is for exactly two coders"
    assert measures(np.empty((2, 0))).units == 0


# -- property tests against independent implementations ---------------------------------------


@st.composite
def reliability_matrices(draw: st.DrawFn, min_coders: int = 2, max_coders: int = 5) -> np.ndarray:
    coders = draw(st.integers(min_coders, max_coders))
    units = draw(st.integers(2, 25))
    values = draw(st.lists(st.integers(1, 6), min_size=2, max_size=5, unique=True))
    missing = draw(st.floats(0.0, 0.5))
    cells = draw(
        st.lists(st.tuples(st.sampled_from(values), st.floats(0, 1)), min_size=coders * units, max_size=coders * units)
    )
    matrix = np.array([v if r >= missing else np.nan for v, r in cells], dtype=float).reshape(coders, units)
    return matrix


def _reference_alpha(matrix: np.ndarray, level: str) -> float | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            value = krippendorff.alpha(reliability_data=matrix, level_of_measurement=level)
        except ValueError:  # the package refuses a single-valued domain
            return None
    return None if np.isnan(value) else float(value)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(matrix=reliability_matrices(), level=st.sampled_from(LEVELS))
def test_alpha_matches_the_krippendorff_package(matrix: np.ndarray, level: str) -> None:
    ours = krippendorff_alpha(matrix, level)  # type: ignore[arg-type]
    reference = _reference_alpha(matrix, level)
    if reference is None:
        assert ours is None
    else:
        assert ours == pytest.approx(reference, abs=1e-9)


@settings(max_examples=150, deadline=None)
@given(matrix=reliability_matrices(max_coders=2))
def test_kappa_matches_scikit_learn_on_the_units_both_coded(matrix: np.ndarray) -> None:
    both = ~np.isnan(matrix).any(axis=0)
    assume(both.sum() >= 1)
    with warnings.catch_warnings():  # scikit-learn warns when both coders used a single label
        warnings.simplefilter("ignore", UserWarning)
        reference = cohen_kappa_score(matrix[0, both], matrix[1, both], replace_undefined_by=np.nan)
    ours = cohen_kappa(matrix)
    if np.isnan(reference):
        assert ours is None
    else:
        assert ours == pytest.approx(reference, abs=1e-9)
    assert percent_agreement(matrix) == pytest.approx(float((matrix[0, both] == matrix[1, both]).mean()))


@settings(max_examples=80, deadline=None)
@given(matrix=reliability_matrices(), repeats=st.lists(st.integers(0, 4), min_size=25, max_size=25))
def test_a_weight_counts_as_that_many_copies_of_a_unit(matrix: np.ndarray, repeats: list[int]) -> None:
    weights = np.array(repeats[: matrix.shape[1]], dtype=float)
    expanded = np.repeat(matrix, weights.astype(int), axis=1)
    for level in LEVELS:
        weighted, copied = krippendorff_alpha(matrix, level, weights), krippendorff_alpha(expanded, level)  # type: ignore[arg-type]
        assert (weighted is None) == (copied is None)
        if weighted is not None and copied is not None:
            assert weighted == pytest.approx(copied, abs=1e-9)
    assert measures(matrix, weights=weights).units == pairable_units(expanded)
    pa, pb = percent_agreement(matrix, weights), percent_agreement(expanded)
    assert (pa is None and pb is None) or pa == pytest.approx(pb)


@st.composite
def coder_spans(draw: st.DrawFn) -> tuple[int, list[list[tuple[int, int]] | None]]:
    length = draw(st.integers(1, 60))
    coders = draw(st.integers(2, 4))
    spans: list[list[tuple[int, int]] | None] = []
    for _ in range(coders):
        if draw(st.booleans()) and draw(st.booleans()):
            spans.append(None)
            continue
        pairs = draw(st.lists(st.tuples(st.integers(0, length - 1), st.integers(1, length)), max_size=4))
        spans.append([(a, b) for a, b in pairs if a < b])
    return length, spans


def _per_character(length: int, spans: list[list[tuple[int, int]] | None]) -> np.ndarray:
    matrix = np.full((len(spans), length), np.nan)
    for row, own in enumerate(spans):
        if own is not None:
            matrix[row] = 0
            for a, b in own:
                matrix[row, a:b] = 1
    return matrix


@settings(max_examples=150, deadline=None)
@given(case=coder_spans())
def test_character_runs_equal_one_unit_per_character(case: tuple[int, list[list[tuple[int, int]] | None]]) -> None:
    length, spans = case
    runs, weights = character_units(length, spans)
    explicit = _per_character(length, spans)
    assert weights.sum() == length
    assert np.array_equal(np.repeat(runs, weights.astype(int), axis=1), explicit, equal_nan=True)
    fast, slow = measures(runs, weights=weights), measures(explicit)
    assert fast.units == slow.units
    for name in ("percent", "kappa", "alpha"):
        a, b = getattr(fast, name), getattr(slow, name)
        assert (a is None and b is None) or a == pytest.approx(b, abs=1e-12)
    kept, kept_weights = coded_only(runs, weights)
    coded_chars = int((np.nan_to_num(explicit) > 0).any(axis=0).sum())
    assert kept_weights.sum() == coded_chars and (np.nan_to_num(kept) > 0).any(axis=0).all()


def test_segment_units_mark_any_overlap_and_missing_coders() -> None:
    segments = [(0, 10), (10, 20), (20, 30)]
    matrix = segment_units(segments, [[(5, 12)], [], None])
    assert matrix[0].tolist() == [1, 1, 0]
    assert matrix[1].tolist() == [0, 0, 0]
    assert np.isnan(matrix[2]).all()
    touching = segment_units(segments, [[(10, 20)]])
    assert touching[0].tolist() == [0, 1, 0], "a span that ends where a segment starts does not overlap it"


def test_uncoded_text_inflates_percent_agreement_but_not_the_coded_only_view() -> None:
    runs, weights = character_units(1000, [[(0, 10)], [(5, 15)]])
    every = measures(runs, weights=weights)
    assert every.percent == pytest.approx(990 / 1000)
    kept, kept_weights = coded_only(runs, weights)
    assert percent_agreement(kept, kept_weights) == pytest.approx(5 / 15)


# -- binary units from per-unit counts against the matrix functions ------------------------------


def _tally_of(matrix: np.ndarray, weights: np.ndarray | None = None) -> BinaryTally:
    """Written out column by column: who judged each unit (not NaN) and who coded it (1)."""
    counts = BinaryTally(matrix.shape[0])
    for column in range(matrix.shape[1]):
        judged = sum(1 << row for row in range(matrix.shape[0]) if not np.isnan(matrix[row, column]))
        coded = sum(1 << row for row in range(matrix.shape[0]) if matrix[row, column] == 1)
        counts.add(judged, coded, 1.0 if weights is None else float(weights[column]))
    return counts


def _equal(got: object, want: object) -> None:
    for name in ("units", "percent", "kappa", "alpha"):
        a, b = getattr(got, name), getattr(want, name)
        assert (a is None) == (b is None), name
        assert a is None or a == pytest.approx(b, rel=1e-12, abs=1e-12), name


@st.composite
def binary_matrices(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray | None]:
    """Coders x units of 0 / 1 with missing cells, whole coders missing, and optional unit weights."""
    coders = draw(st.integers(1, 5))
    units = draw(st.integers(0, 40))
    ones, missing = draw(st.floats(0, 1)), draw(st.sampled_from([0.0, 0.0, 0.1, 0.4]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    matrix = (rng.random((coders, units)) < ones).astype(float)
    matrix[rng.random((coders, units)) < missing] = np.nan
    absent = draw(st.lists(st.integers(0, coders - 1), max_size=2))
    matrix[absent] = np.nan  # a coder who did not code (this part of) the project at all
    weights = None
    if draw(st.booleans()):
        weights = rng.integers(0, 500, units).astype(float) if draw(st.booleans()) else rng.random(units) * 50
    return matrix, weights


@settings(max_examples=400, deadline=None)
@given(case=binary_matrices())
def test_counts_give_the_matrix_measures_of_binary_units(case: tuple[np.ndarray, np.ndarray | None]) -> None:
    matrix, weights = case
    counts = _tally_of(matrix, weights)
    _equal(binary_measures(counts), measures(matrix, "nominal", weights))
    kept, kept_weights = coded_only(matrix, weights)
    coded = counts.coded_only()
    assert binary_pairable_units(coded) == pairable_units(kept, kept_weights)
    got, want = binary_percent(coded), percent_agreement(kept, kept_weights)
    assert (got is None) == (want is None) and (got is None or got == pytest.approx(want, rel=1e-12))


@settings(max_examples=100, deadline=None)
@given(case=binary_matrices(), parts=st.integers(1, 4))
def test_tallies_of_parts_add_up_to_the_tally_of_the_whole(
    case: tuple[np.ndarray, np.ndarray | None], parts: int
) -> None:
    """Pooling interviews or codes: adding tallies is the same as concatenating matrix columns."""
    matrix, weights = case
    w = np.ones(matrix.shape[1]) if weights is None else weights
    pooled = BinaryTally(matrix.shape[0])
    for piece in np.array_split(np.arange(matrix.shape[1]), parts):
        pooled.update(_tally_of(matrix[:, piece], w[piece]))
    _equal(binary_measures(pooled), measures(matrix, "nominal", w))


def test_the_units_nobody_coded_are_one_count() -> None:
    """Two coders, 1,000 turns, 10 coded: one cell holds the 990 turns neither coded."""
    matrix = np.zeros((2, 1000))
    matrix[0, :6] = 1
    matrix[1, 3:10] = 1
    counts = _tally_of(matrix)
    assert counts.cells[(0b11, 0)] == 990 and len(counts.cells) == 4
    _equal(binary_measures(counts), measures(matrix))
    assert binary_measures(counts).kappa == pytest.approx(cohen_kappa(matrix))


@settings(max_examples=200, deadline=None)
@given(case=coder_spans())
def test_character_counts_equal_the_character_runs(case: tuple[int, list[list[tuple[int, int]] | None]]) -> None:
    length, spans = case
    runs, weights = character_units(length, spans)
    judged = sum(1 << row for row, own in enumerate(spans) if own is not None)
    counts = BinaryTally(len(spans))
    for coded, characters in character_counts(length, [own or [] for own in spans]).items():
        counts.add(judged, coded, characters)
    assert counts.cells == _tally_of(runs, weights).cells
    assert sum(character_counts(length, [own or [] for own in spans]).values()) == length


def test_character_counts_clip_spans_to_the_text_and_merge_a_coders_overlaps() -> None:
    counts = character_counts(100, [[(-5, 10), (5, 20), (90, 130)], [(15, 30), (200, 300), (40, 40)]])
    assert counts == {0b01: 15 + 10, 0b11: 5, 0b10: 10, 0: 100 - 40}


# -- the matrix CSV ---------------------------------------------------------------------------


def test_matrix_csv_reads_coders_units_and_missing_cells() -> None:
    units = ["1,1,,1", "2,2,3,2", "3,3,3,3", "3,3,3,3", "2,2,2,2", "1,2,3,4", "4,4,4,4", "1,1,2,1", "2,2,2,2",
             ",5,5,5", ",,1,1", ",3,,"]  # fmt: skip
    text = "\ufeffA,B,C,D\n" + "\n".join(units) + "\n"
    data = parse_matrix_csv(text, "nominal")
    assert data.coders == ("A", "B", "C", "D")
    assert np.array_equal(data.data, np.array(EXAMPLE_C, dtype=float), equal_nan=True)
    assert krippendorff_alpha(parse_matrix_csv(text, "interval").data, "interval") == pytest.approx(0.849, abs=5e-4)


def test_matrix_csv_takes_text_labels_for_nominal_data_and_semicolons() -> None:
    data = parse_matrix_csv("anna;bence\nyes;yes\nno;yes\nmaybe;\n", "nominal")
    assert data.labels == ("maybe", "no", "yes")
    assert data.data.shape == (2, 3) and np.isnan(data.data[1, 2])


@pytest.mark.parametrize(
    ("text", "level", "message"),
    [
        ("A,B\nx,1\n", "interval", "Row 2, column 'A' is not a number"),
        ("A\n1\n", "nominal", "at least two coders"),
        ("A,A\n1,1\n", "nominal", "each once"),
        ("A,B\n", "nominal", "at least one unit row"),
        ("A,B\n1,2,3\n", "nominal", "Row 2 has 3 cells"),
        ("A,B\n1,2\n", "cardinal", "Unknown level"),
    ],
)
def test_matrix_csv_problems_are_explained(text: str, level: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_matrix_csv(text, level)  # type: ignore[arg-type]
