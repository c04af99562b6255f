"""Themes on Hungarian text (SIB-200) and English news (AG News), for whatever model is configured.

``python -m bench.cluster_hu [--model NAME_OR_FOLDER] [--seeds 1,2,3,4,5] [--ablation]``

- SIB-200 Hungarian (``../shared/datasets/sib200_hu/sib200_hun.csv``): 1,004 sentences, 7 topics.
- AG News test (``../shared/datasets/ag_news/test.csv``): 7,600 news items, 4 classes
  (``CLUSTER_HU_AG_SAMPLE`` takes a stratified sample).

Each corpus is embedded once per model and cached in ``bench/out/`` (public data, gitignored);
then every method clusters the same vectors. Without ``--model`` the model is the one the
language rule picks for each corpus (``workbench.nlp.language``), as a project would get.

Methods: ours as shipped (k unknown), ours with each added signal switched off (``--ablation``),
k-means told the true k on the same vectors, and BERTopic 0.17 defaults on the same vectors
(``--bertopic``; it needs the ``bench`` extra). NMI and ARI count outliers (-1) as one more
group; five seeds by default, medians and ranges printed.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import numpy.typing as npt


def _datasets() -> Path:
    """The nearest ``shared/datasets`` above this file (a checkout, or a worktree beside one)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "datasets").is_dir():
            return parent / "shared" / "datasets"
    return Path("shared") / "datasets"


SIB = Path(os.environ.get("SIB200_HU_DIR", _datasets() / "sib200_hu")) / "sib200_hun.csv"
AG = Path(os.environ.get("AG_NEWS_DIR", _datasets() / "ag_news")) / "test.csv"
OUT = Path(__file__).resolve().parent / "out"
Vectors = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Corpus:
    name: str
    texts: list[str]
    labels: list[int]
    language: str

    @property
    def k(self) -> int:
        return len(set(self.labels))


def load_sib200() -> Corpus:
    with SIB.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    names = sorted({r["label"] for r in rows})
    return Corpus("SIB-200 Hungarian", [r["text"] for r in rows], [names.index(r["label"]) for r in rows], "hu")


def load_ag_news(limit: int | None = None) -> Corpus:
    texts: list[str] = []
    labels: list[int] = []
    with AG.open(encoding="utf-8", newline="") as handle:
        for klass, title, description in csv.reader(handle):
            texts.append(f"{title.strip()}. {description.replace(chr(92), ' ').strip()}")
            labels.append(int(klass) - 1)
    if limit is not None and limit < len(texts):
        taken: dict[int, int] = {}
        keep = []
        for index, label in enumerate(labels):
            if taken.get(label, 0) < limit // 4:
                taken[label] = taken.get(label, 0) + 1
                keep.append(index)
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    return Corpus("AG News", texts, labels, "en")


def embeddings(corpus: Corpus, model: str) -> tuple[Vectors, str]:
    """Vectors of the corpus under ``model``, computed once and kept in bench/out/."""
    from workbench.nlp.embed import load_embedder, model_id

    key = model_id(model)
    digest = hashlib.sha256("\n".join(corpus.texts).encode()).hexdigest()[:10]
    safe = key.replace(":", "_").replace("/", "_")
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{corpus.name.replace(' ', '_')}-{len(corpus.texts)}-{digest}-{safe}.npy"
    if path.is_file():
        return np.load(path), key
    start = time.perf_counter()
    vectors = load_embedder(model).encode(corpus.texts, on_progress=_progress(f"embedding {corpus.name}"))
    print(f"  embedded {len(corpus.texts)} texts with {key} in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    np.save(path, vectors)
    return vectors, key


def _progress(what: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if done == total or done % 640 == 0:
            print(f"  {what}: {done}/{total}", file=sys.stderr, flush=True)

    return report


def scores(labels: list[int], predicted: list[int]) -> tuple[float, float, int, int]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    found = len({p for p in predicted if p != -1})
    outliers = sum(1 for p in predicted if p == -1)
    return normalized_mutual_info_score(labels, predicted), adjusted_rand_score(labels, predicted), found, outliers


def ours(corpus: Corpus, vectors: Vectors, seed: int, **options: object) -> list[int]:
    from workbench.nlp.themes import ThemeParams, cluster

    params = replace(ThemeParams(seed=seed), **options)  # type: ignore[arg-type]
    return cluster(vectors, corpus.texts, params, text_languages=[corpus.language] * len(corpus.texts)).labels


def lexical(corpus: Corpus) -> Vectors:
    """LSA of TF-IDF over Snowball stems: min(100, n/10) components, unit rows (bench-only signal)."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer

    from workbench.nlp.stem import Stemmer, words
    from workbench.nlp.themes import stop_words

    stemmer = Stemmer()
    stop = sorted({stemmer.stem(w, corpus.language) for w in stop_words()})
    docs = [" ".join(stemmer.stems(words(t), corpus.language)) for t in corpus.texts]
    pattern = r"\S+"  # the stems are already split by spaces
    matrix = TfidfVectorizer(token_pattern=pattern, min_df=2, max_df=0.5, sublinear_tf=True, stop_words=stop)
    counts = matrix.fit_transform(docs)
    dims = max(2, min(100, len(docs) // 10, counts.shape[1] - 1))
    z = TruncatedSVD(dims, algorithm="arpack", random_state=0).fit_transform(counts)
    z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)
    return z.astype(np.float32)


def fused(vectors: Vectors, lsa: Vectors, weight: float = 0.1) -> Vectors:
    """Embedding and lexical rows side by side, ``weight`` of the squared norm lexical, unit length."""
    out = np.hstack([vectors * np.sqrt(1 - weight), lsa * np.sqrt(weight)])
    return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def kmeans_told_k(corpus: Corpus, vectors: Vectors, seed: int) -> list[int]:
    from sklearn.cluster import KMeans

    return [int(x) for x in KMeans(n_clusters=corpus.k, n_init=10, random_state=seed).fit_predict(vectors)]


def bertopic_defaults(corpus: Corpus, vectors: Vectors, seed: int) -> list[int]:
    """BERTopic 0.17 with its default UMAP and HDBSCAN; only UMAP's seed is fixed."""
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    topics, _ = BERTopic(umap_model=umap_model).fit_transform(corpus.texts, embeddings=vectors)
    return [int(t) for t in topics]


Method = Callable[[Corpus, Vectors, int], list[int]]


def methods(corpus: Corpus, vectors: Vectors, *, ablation: bool, bertopic: bool) -> dict[str, Method]:
    found: dict[str, Method] = {"workbench themes as shipped (kNN graph + Louvain, k unknown)": ours}
    if ablation:
        lsa = lexical(corpus)
        both = fused(vectors, lsa)
        found |= {
            "  graph with the refinement (k-means steps from the communities)": lambda c, v, s: ours(
                c, v, s, refine=True
            ),
            "  density (PCA + HDBSCAN + refine: the method before)": lambda c, v, s: ours(c, v, s, method="density"),
            "  graph on embedding + stemmed TF-IDF/LSA (w 0.1)": lambda c, _v, s: ours(c, both, s),
            "  density on embedding + stemmed TF-IDF/LSA (w 0.1)": lambda c, _v, s: ours(c, both, s, method="density"),
            "  k-means told k on embedding + stemmed TF-IDF/LSA": lambda c, _v, s: kmeans_told_k(c, both, s),
            "  k-means told k on stemmed TF-IDF/LSA alone": lambda c, _v, s: kmeans_told_k(c, lsa, s),
        }
    if bertopic:
        found["BERTopic 0.17 defaults, same vectors (k unknown)"] = bertopic_defaults
    found[f"k-means told the true k = {corpus.k} (reference)"] = kmeans_told_k
    return found


def report(corpus: Corpus, vectors: Vectors, seeds: list[int], *, ablation: bool, bertopic: bool) -> None:
    print(f"  {'method':62} {'NMI':>6} {'range':>13} {'ARI':>6} {'themes':>7} {'outliers':>8} {'s':>6}")
    for name, method in methods(corpus, vectors, ablation=ablation, bertopic=bertopic).items():
        rows = []
        for seed in seeds:
            start = time.perf_counter()
            predicted = method(corpus, vectors, seed)
            rows.append((*scores(corpus.labels, predicted), time.perf_counter() - start))
        nmi, ari, found, outliers, seconds = (statistics.median(col) for col in zip(*rows, strict=True))
        low, high = min(r[0] for r in rows), max(r[0] for r in rows)
        print(f"  {name:62} {nmi:6.3f} {low:6.3f}-{high:5.3f} {ari:6.3f} {found:7.0f} {outliers:8.0f} {seconds:6.1f}",
              flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a known model name or a local model folder; default: the language rule")
    parser.add_argument("--corpora", default="sib,ag", help="comma-separated: sib, ag")
    parser.add_argument("--seeds", default="1,2,3,4,5")
    parser.add_argument("--ablation", action="store_true", help="also each added signal switched off")
    parser.add_argument("--bertopic", action="store_true", help="also BERTopic defaults (the bench extra)")
    parser.add_argument("--embed-only", action="store_true", help="fill the embedding cache and stop")
    args = parser.parse_args()
    from workbench.nlp.embed import default_model

    ag_limit = int(os.environ.get("CLUSTER_HU_AG_SAMPLE", "0")) or None
    wanted = args.corpora.split(",")
    corpora = ([load_sib200()] if "sib" in wanted else []) + ([load_ag_news(ag_limit)] if "ag" in wanted else [])
    seeds = [int(s) for s in args.seeds.split(",")]
    for corpus in corpora:
        model = args.model or default_model(corpus.language)
        vectors, key = embeddings(corpus, model)
        print(f"{corpus.name}: {len(corpus.texts)} texts, {corpus.k} classes, model {key}, dim {vectors.shape[1]}, "
              f"seeds {args.seeds}; medians (NMI range over seeds)", flush=True)  # fmt: skip
        if not args.embed_only:
            report(corpus, vectors, seeds, ablation=args.ablation, bertopic=args.bertopic)


if __name__ == "__main__":
    main()
