"""The clustering steps after the communities are found: merging near-duplicates, reassigning outliers, sizes."""

from __future__ import annotations

import numpy as np

from workbench.nlp.themes import (
    OUTLIER,
    ThemeParams,
    cluster,
    merge_similar,
    min_cluster_size,
    neighbours,
    reassign_outliers,
)


def _unit(rows: np.ndarray) -> np.ndarray:
    return np.asarray(rows / np.linalg.norm(rows, axis=1, keepdims=True), dtype=np.float32)


def _blobs(centres: list[list[float]], per: int, spread: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    dims = len(centres[0])
    return _unit(np.vstack([np.asarray(c) + spread * rng.standard_normal((per, dims)) for c in centres]))


def test_two_themes_of_one_topic_merge_and_distinct_ones_do_not() -> None:
    # Themes 0 and 1 lie in almost the same direction, theme 2 is orthogonal to both.
    vectors = _blobs([[1, 0, 0, 0], [1, 0.05, 0, 0], [0, 0, 1, 0]], per=20, spread=0.05)
    labels = np.repeat(np.arange(3), 20).astype(np.int64)
    merged = merge_similar(vectors, labels, threshold=0.95)
    assert len(set(merged.tolist())) == 2
    assert len(set(merged[:40].tolist())) == 1, "the near-duplicates became one theme"
    assert set(merged[40:].tolist()).isdisjoint(merged[:40].tolist())
    assert merged[0] == 0 and int((merged == 0).sum()) == 40, "the merged (largest) theme is numbered first"
    untouched = merge_similar(vectors, labels, threshold=0.9999)
    assert len(set(untouched.tolist())) == 3, "below the threshold nothing merges"


def test_merging_keeps_outliers_out() -> None:
    vectors = _blobs([[1, 0, 0], [1, 0.02, 0], [0, 1, 0]], per=10, spread=0.02)
    labels = np.repeat(np.arange(3), 10).astype(np.int64)
    labels[[3, 25]] = OUTLIER
    merged = merge_similar(vectors, labels, threshold=0.95)
    assert merged[3] == OUTLIER and merged[25] == OUTLIER
    assert len(set(merged.tolist()) - {OUTLIER}) == 2


def test_close_outliers_join_their_nearest_theme_and_far_ones_stay_out() -> None:
    vectors = _blobs([[1, 0, 0, 0], [0, 1, 0, 0]], per=30, spread=0.05)
    near_b = _unit(np.asarray([[0.02, 1, 0.01, 0]]))
    far = _unit(np.asarray([[0, 0, 0, 1]]))
    vectors = np.vstack([vectors, near_b, far]).astype(np.float32)
    labels = np.concatenate([np.repeat(np.arange(2), 30), [OUTLIER, OUTLIER]]).astype(np.int64)
    out = reassign_outliers(vectors, labels)
    assert out[60] == out[45] == 1, "the outlier next to theme 1 joins it"
    assert out[61] == OUTLIER, "an outlier far from every theme stays one"
    assert np.array_equal(out[:60], labels[:60]), "members never move"


def test_reassigning_without_themes_or_outliers_changes_nothing() -> None:
    vectors = _blobs([[1, 0], [0, 1]], per=5, spread=0.01)
    none = np.full(10, OUTLIER, dtype=np.int64)
    assert np.array_equal(reassign_outliers(vectors, none), none)
    full = np.repeat(np.arange(2), 5).astype(np.int64)
    assert np.array_equal(reassign_outliers(vectors, full), full)


def test_size_rules_grow_with_the_corpus_and_stay_in_bounds() -> None:
    assert min_cluster_size(10) == 3 and min_cluster_size(1_000) == 20 and min_cluster_size(100_000) == 500
    assert neighbours(4) == 3, "never more neighbours than other items"
    assert neighbours(100) == 20 and neighbours(10_000) == 200
    sizes = [neighbours(n) for n in (50, 500, 5_000)]
    assert sizes == sorted(sizes) and len(set(sizes)) == 3


def test_the_pipeline_applies_the_steps_when_asked() -> None:
    vectors = _blobs([[1, 0, 0, 0], [1, 0.03, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]], per=15, spread=0.03, seed=3)
    texts = [f"text number {i} about topic {i // 15}" for i in range(60)]
    plain = cluster(vectors, texts, ThemeParams(method="density", refine=False))
    merged = cluster(vectors, texts, ThemeParams(method="density", refine=False, merge_above=0.95, reassign=True))
    assert len(merged.themes) <= len(plain.themes)
    assert sum(x == OUTLIER for x in merged.labels) <= sum(x == OUTLIER for x in plain.labels)
    assert len({merged.labels[i] for i in range(30)}) == 1, "the two near-duplicate blobs are one theme"
