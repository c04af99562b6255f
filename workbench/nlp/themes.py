"""Themes in a small corpus: cluster the embeddings (by density or as a graph), label with c-TF-IDF.

Pipeline (pure computation: vectors and texts in, labels out, no I/O). Two clustering methods
(``ThemeParams.method``), both finding the number of themes themselves; ``graph`` is the default:

- ``graph``: a k-nearest-neighbour graph of the items in the full embedding space (cosine,
  ``neighbours(n)`` = 2·√n neighbours, a rule of corpus size), split into communities by
  Louvain modularity (networkx, seeded). Communities smaller than ``min_cluster_size`` become
  outliers. No refinement by default: the communities already cover every item, and on AG News
  refining moved NMI from 0.556 to 0.528 (on SIB-200 from 0.417 to 0.427). On SIB-200 Hungarian
  (7 topics, multilingual-e5-small) the graph finds 6 themes at NMI 0.42, where density finds 4 at
  0.35 and k-means told k = 7 reaches 0.43; on an AG News sample 0.556 against density's 0.538
  (bench/RESULTS.md, "Themes on Hungarian text").
- ``density`` (steps 1-2): the earlier pipeline, kept for comparison.

1. Reduce: PCA of the unit-length embeddings to a few dimensions (``REDUCER`` below says why
   not UMAP), then unit length again so distances stay cosine-like.
2. Cluster: scikit-learn's HDBSCAN, which finds the number of themes itself and leaves items
   that fit no theme as outliers (label -1). The smallest theme size grows with the corpus
   (``min_cluster_size``), so a few hundred turns give a handful of themes rather than dozens
   of micro-topics.
3. Refine (``refine``, density method): HDBSCAN decides how many themes there are and where they lie, but in 5
   dimensions it leaves a third of the items as outliers and draws loose borders. A few
   spherical k-means steps in the full embedding space, started from HDBSCAN's theme centroids,
   move every item to its nearest theme; one of HDBSCAN's outliers stays an outlier only when it
   is less similar to its nearest centroid than the least typical 5% of the themes' own members
   (``OUTLIER_PERCENTILE``). On AG News this raised NMI from 0.46 to 0.54 (bench/RESULTS.md).
4. Label: class-based TF-IDF (each theme's texts as one document, as in BERTopic) over word
   *stems* (Snowball, per text language: ``workbench.nlp.stem``), so *börtön*, *börtönben* and
   *börtönből* count as one keyword, shown as its most frequent surface form in the theme; minus
   shipped Hungarian and English stop words.
5. Quotes: the items nearest the theme's centroid in the full embedding space.

Everything is deterministic for a given seed: PCA uses the exact SVD, HDBSCAN is
deterministic, and the optional UMAP reducer gets ``random_state``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.nlp.theme_labels import keywords, label

OUTLIER = -1
MIN_ITEMS = 5
Reducer = Literal["pca", "umap"]
Method = Literal["graph", "density"]
METHOD: Method = "graph"
REDUCER: Reducer = "pca"
"""PCA by default. On the AG News benchmark (bench/RESULTS.md) it agrees better with the classes
than UMAP does (NMI 0.46 against 0.40), and UMAP costs a numba compilation of tens of seconds in
every new process (the CLI, each app server) before its first fit, and is exactly reproducible only
single-threaded. UMAP stays available for larger corpora (``ThemeParams(reducer="umap")``)."""

OUTLIER_PERCENTILE = 5.0
"""After refinement an HDBSCAN outlier stays one when its similarity to the nearest theme centroid is
below this percentile of the HDBSCAN members' similarities to their own centroid: a
threshold set by the corpus itself, not a fixed cosine that would mean different things per model."""
REFINE_STEPS = 20

Matrix = npt.NDArray[np.float32]


@dataclass(frozen=True)
class ThemeParams:
    """Pipeline settings; the defaults suit tens of interviews and up to thousands of segments."""

    seed: int = 42
    method: Method = METHOD
    neighbours: int | None = None
    """Graph method: neighbours per item (default ``neighbours(n)``)."""
    reducer: Reducer = REDUCER
    dimensions: int = 5
    min_cluster_size: int | None = None
    min_samples: int | None = None
    refine: bool | None = None
    """Reassign items to the nearest theme in the full space (step 3); default: only for ``density``."""
    merge_above: float | None = None
    """Merge two themes whose centroids' cosine is at least this (``merge_similar``); default off."""
    reassign: bool = False
    """Give an outlier the nearest theme when close enough (``reassign_outliers``); default off."""
    keywords: int = 8
    quotes: int = 3


@dataclass(frozen=True)
class Theme:
    id: int
    size: int
    keywords: tuple[str, ...]
    quotes: tuple[int, ...]
    """Indices of the most representative items, best first."""

    @property
    def label(self) -> str:
        return label(self.keywords, f"theme {self.id}")


@dataclass(frozen=True)
class Clustering:
    labels: list[int]
    """One theme id per item; -1 for outliers."""
    themes: list[Theme]
    coords: list[tuple[float, float]]
    """A 2-D map of the items (for plotting), from the same reduced space the clusters come from."""


def min_cluster_size(n: int) -> int:
    """The smallest theme: 3 items for tiny corpora, about 2% of the items for larger ones."""
    return max(3, min(round(0.02 * n), 500))


def neighbours(n: int) -> int:
    """Neighbours per item in the graph: 2·√n, at least 5, at most n - 1.

    More items need more neighbours for a community to hold together: with a fixed 15 (UMAP's
    and BERTopic's default) Louvain split AG News's 4 classes into 11 communities at n = 2,000.
    """
    return max(2, min(n - 1, max(5, round(2 * math.sqrt(n)))))


def cluster(
    vectors: Matrix,
    texts: Sequence[str],
    params: ThemeParams | None = None,
    languages: Sequence[str] | None = None,
    *,
    text_languages: Sequence[str] | None = None,
) -> Clustering:
    """Themes of ``texts``, whose embeddings are the unit-length rows of ``vectors``.

    ``languages`` (one per text) matters for mixed corpora: a multilingual model still places
    each language in its own region, so the themes would split by language rather than by
    topic. Subtracting each language's mean vector removes that offset (and nothing else
    shared by the texts of one language), so Hungarian and English passages on one topic meet.
    ``text_languages`` (detected, one per text) choose the stemmer for the keywords; without
    them ``languages`` do, and without either each text's language is detected.
    """
    params = params or ThemeParams()
    n = len(texts)
    if vectors.shape[0] != n or (languages is not None and len(languages) != n):
        raise InvalidInputError(_("There must be one embedding (and language) per text."))
    if n < MIN_ITEMS:
        raise InvalidInputError(
            _("Theme clustering needs at least {MIN_ITEMS} texts; got {n}.").format(MIN_ITEMS=MIN_ITEMS, n=n)
        )
    if languages is not None and len(set(languages)) > 1:
        vectors = center_by_group(vectors, languages)
    from threadpoolctl import threadpool_limits

    # The matrices are small (a 384 x 384 covariance): one BLAS thread is several times faster
    # than threads fighting the embedding model's (torch) threads for the same cores.
    with threadpool_limits(limits=1, user_api="blas"):
        reduced = reduce(vectors, params)
        labels = _graph(vectors, params) if params.method == "graph" else _hdbscan(reduced, params)
        if params.refine or (params.refine is None and params.method == "density"):
            labels = refine(vectors, labels)
        if params.reassign:
            labels = reassign_outliers(vectors, labels)
        if params.merge_above is not None:
            labels = merge_similar(vectors, labels, params.merge_above)
        labels = _renumber(labels)
    found = keywords(texts, labels, params.keywords, text_languages or languages)
    themes = [
        Theme(theme_id, int((labels == theme_id).sum()), words, _quotes(vectors, labels, theme_id, params.quotes))
        for theme_id, words in found.items()
    ]
    return Clustering([int(x) for x in labels], themes, _map2d(reduced))


def reduce(vectors: Matrix, params: ThemeParams) -> Matrix:
    n, dim = vectors.shape
    components = max(2, min(params.dimensions, n - 1, dim))
    if params.reducer == "umap":
        with warnings.catch_warnings():  # "TensorFlow not installed": ParametricUMAP is not used
            warnings.simplefilter("ignore", ImportWarning)
            import umap

        model = umap.UMAP(
            n_neighbors=max(2, min(15, n - 1)), n_components=components, min_dist=0.0, metric="cosine",
            random_state=params.seed, n_jobs=1, init="spectral" if n > components + 1 else "random",
        )  # fmt: skip
        return np.asarray(model.fit_transform(vectors), dtype=np.float32)
    from sklearn.decomposition import PCA

    out = PCA(n_components=components, svd_solver="covariance_eigh", random_state=params.seed).fit_transform(vectors)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms, dtype=np.float32)


def center_by_group(vectors: Matrix, groups: Sequence[str]) -> Matrix:
    """Each row minus the mean of its group, back to unit length."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    keys = np.asarray(groups)
    for group in set(groups):
        rows = keys == group
        out[rows] -= out[rows].mean(axis=0)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(out / norms, dtype=np.float32)


def _hdbscan(reduced: Matrix, params: ThemeParams) -> npt.NDArray[np.int64]:
    from sklearn.cluster import HDBSCAN

    size = params.min_cluster_size or min_cluster_size(len(reduced))
    size = max(2, min(size, len(reduced)))
    # A small min_samples keeps the density estimate local, so fewer items end up as outliers.
    samples = params.min_samples or min(5, size)
    model = HDBSCAN(min_cluster_size=size, min_samples=samples, copy=True)
    return np.asarray(model.fit_predict(reduced), dtype=np.int64)


def _graph(vectors: Matrix, params: ThemeParams) -> npt.NDArray[np.int64]:
    """Louvain communities of the cosine k-nearest-neighbour graph; small ones become outliers."""
    import networkx as nx
    from sklearn.neighbors import NearestNeighbors

    n = len(vectors)
    k = max(1, min(params.neighbours or neighbours(n), n - 1))
    index = NearestNeighbors(n_neighbors=k + 1, metric="cosine", algorithm="brute").fit(vectors)
    near = index.kneighbors(vectors, return_distance=False)
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    for i in range(n):
        for j in near[i]:
            if int(j) != i:  # symmetric: the weight is the (clipped) cosine either way
                graph.add_edge(i, int(j), weight=max(float(vectors[i] @ vectors[j]), 0.0))
    communities = nx.community.louvain_communities(graph, weight="weight", seed=params.seed)
    size = max(2, min(params.min_cluster_size or min_cluster_size(n), n))
    labels = np.full(n, OUTLIER, dtype=np.int64)
    kept = [sorted(c) for c in communities if len(c) >= size]
    for theme, members in enumerate(sorted(kept, key=lambda m: (-len(m), m[0]))):
        labels[members] = theme
    return labels


def refine(vectors: Matrix, labels: npt.NDArray[np.int64], steps: int = REFINE_STEPS) -> npt.NDArray[np.int64]:
    """Spherical k-means in the embedding space, seeded with the density themes (ids renumbered 0..k-1)."""
    themes = sorted(set(labels.tolist()) - {OUTLIER})
    if not themes:
        return labels
    labels = np.searchsorted(themes, labels).astype(np.int64) * (labels != OUTLIER) + OUTLIER * (labels == OUTLIER)
    core = labels != OUTLIER
    centroids = _centroids(vectors, labels, len(themes))
    own = (vectors[core] * centroids[labels[core]]).sum(axis=1)
    floor = float(np.percentile(own, OUTLIER_PERCENTILE))
    for _step in range(steps):
        sims = vectors @ centroids.T
        sims[:, ~centroids.any(axis=1)] = -np.inf  # a theme that lost every item attracts none
        keep_out = ~core & (sims.max(axis=1) < floor)  # HDBSCAN's members always keep a theme
        moved = np.where(keep_out, OUTLIER, sims.argmax(axis=1)).astype(np.int64)
        if np.array_equal(moved, labels):
            break
        labels = moved
        centroids = _centroids(vectors, labels, len(themes))
    return _renumber(labels)


def reassign_outliers(
    vectors: Matrix, labels: npt.NDArray[np.int64], percentile: float = OUTLIER_PERCENTILE
) -> npt.NDArray[np.int64]:
    """Each outlier joins its nearest theme (centroid cosine) when it is at least as close as the
    ``percentile``-th least typical of the themes' own members; the others stay outliers.

    The floor comes from the corpus (members' similarities to their own centroid), not a fixed
    cosine, because what counts as close differs per model and per corpus. Members never move.
    """
    labels = _renumber(labels)
    count = int(labels.max()) + 1 if (labels != OUTLIER).any() else 0
    outliers = labels == OUTLIER
    if count == 0 or not outliers.any():
        return labels
    centroids = _centroids(vectors, labels, count)
    own = (vectors[~outliers] * centroids[labels[~outliers]]).sum(axis=1)
    floor = float(np.percentile(own, percentile))
    sims = vectors[outliers] @ centroids.T
    nearest = sims.argmax(axis=1)
    out = labels.copy()
    out[outliers] = np.where(sims.max(axis=1) >= floor, nearest, OUTLIER)
    return out


def merge_similar(vectors: Matrix, labels: npt.NDArray[np.int64], threshold: float) -> npt.NDArray[np.int64]:
    """Merge the two themes with the most similar centroids while that cosine is >= ``threshold``.

    Near-duplicate themes (two communities of one topic) otherwise read as two themes to a lead.
    One pair at a time, centroids recomputed after each merge, ids renumbered by size afterwards.
    """
    labels = _renumber(labels)
    while True:
        count = int(labels.max()) + 1 if (labels != OUTLIER).any() else 0
        if count < 2:
            return labels
        centroids = _centroids(vectors, labels, count)
        sims = centroids @ centroids.T
        np.fill_diagonal(sims, -np.inf)
        first, second = np.unravel_index(int(np.argmax(sims)), sims.shape)
        if sims[first, second] < threshold:
            return _by_size(labels)
        labels = _renumber(np.where(labels == max(first, second), min(first, second), labels).astype(np.int64))


def _by_size(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Theme ids 0..k-1 from the largest theme down (ties by first item), as ``_graph`` numbers them."""
    kept = sorted(
        set(labels.tolist()) - {OUTLIER}, key=lambda t: (-int((labels == t).sum()), int(np.argmax(labels == t)))
    )
    mapping = {old: new for new, old in enumerate(kept)}
    return np.asarray([mapping.get(int(x), OUTLIER) for x in labels], dtype=np.int64)


def _centroids(vectors: Matrix, labels: npt.NDArray[np.int64], count: int) -> Matrix:
    """Unit-length mean of each theme; a theme that lost every item gets a zero row."""
    out = np.zeros((count, vectors.shape[1]), dtype=np.float32)
    for theme in range(count):
        members = labels == theme
        if members.any():
            mean = vectors[members].mean(axis=0)
            out[theme] = mean / (np.linalg.norm(mean) or 1.0)
    return out


def _renumber(labels: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Theme ids 0..k-1 without gaps (a theme can lose every item while refining), outliers untouched."""
    kept = sorted(set(labels.tolist()) - {OUTLIER})
    mapping = {old: new for new, old in enumerate(kept)}
    return np.asarray([mapping.get(int(x), OUTLIER) for x in labels], dtype=np.int64)


def _map2d(reduced: Matrix) -> list[tuple[float, float]]:
    from sklearn.decomposition import PCA

    coords = PCA(n_components=2, svd_solver="covariance_eigh").fit_transform(reduced)
    return [(round(float(x), 4), round(float(y), 4)) for x, y in coords]


def _quotes(vectors: Matrix, labels: npt.NDArray[np.int64], theme_id: int, count: int) -> tuple[int, ...]:
    members = np.flatnonzero(labels == theme_id)
    centroid = vectors[members].mean(axis=0)
    scores = vectors[members] @ centroid
    order = np.argsort(-scores, kind="stable")[:count]
    return tuple(int(members[i]) for i in order)
