"""Semantic search speed: how long a search takes over 50,000 stored, encrypted passages.

    nice -n 10 .venv/bin/python -m bench.search_bench --passages 50000 --runs 15

A project is generated through the services the app uses (``init_project``, ``add_transcript``):
interviews of generated Hungarian-like two-speaker text until the participants' sentences (what
search looks through) reach ``--passages``. Their vectors are stored the way a first search
stores them (``repo.embeddings.add_vectors``, sealed per interview, found by text MAC) but are
random unit vectors rather than the model's: embedding 50,000 sentences on two busy cores takes
over an hour, and the cost of a search does not depend on what the vectors say. The query is
embedded by the real multilingual model every time. Then it measures, in-process:

* cold: the first search of a session (every sentence and vector decrypted into the session's
  index), once per ``--cold`` fresh workspace;
* warm: a search once the session holds its index (median of ``--runs`` different queries), split
  into the model's embedding of the query and everything else (score, rank, band, codes, audit);
* the peer: the same top-k by a bare numpy matrix-vector product over a plain in-memory matrix,
  the floor any brute-force search meets, and its ratio to the warm search without the query.

Medians in seconds; record dated results in bench/RESULTS.md. Not a pass/fail test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.store_bench import make_transcript

PASSPHRASE = "search benchmark passphrase"
WORDS_PER_INTERVIEW = 12_000
QUERIES = [
    "a családom meglátogatott a börtönben", "munkát keresek, ha kiengedtek", "my mother visits me",
    "a csoport megígérte, hogy vigyáz rám", "the recruiter promised me a job", "iskola után a gyárban dolgoztam",
    "bíróság ítélet után", "testvérem levelet írt", "a rendőr elvitt", "I want to learn a trade",
    "nagymama nevelt fel", "a kocsmában verekedtem", "hitet találtam bent", "a jövőmről gondolkodom",
    "my brother wrote to me", "az edzőm segített",
]  # fmt: skip


class _QueryOnly:
    """The real model's id and query embedding; the stored passages' vectors are written directly."""

    def __init__(self) -> None:
        from workbench.nlp import embed

        self.inner = embed.load_embedder(embed.MULTILINGUAL_E5)
        self.model_id = self.inner.model_id
        self.dim = self.inner.dim
        self.query_s: list[float] = []

    def encode(self, texts: Any, on_progress: Any = None) -> Any:
        if len(texts) > 1:
            raise RuntimeError("the benchmark stores the passages' vectors itself")
        start = time.perf_counter()
        out = self.inner.encode(texts)
        self.query_s.append(time.perf_counter() - start)
        return out


def build(directory: Path, passages: int, seed: int) -> tuple[int, int, float]:
    """A project whose participants' sentences number at least ``passages``; (sentences, interviews, seconds)."""
    from workbench.crypto.kdf import KdfParams
    from workbench.domain.models import SegmentKind
    from workbench.nlp import embed
    from workbench.services.interviews import add_transcript
    from workbench.services.projects import init_project
    from workbench.services.themes import live_interviews, participant_units

    started = time.perf_counter()
    ws = init_project(
        directory, PASSPHRASE, "lead", language="hu", kdf=KdfParams(time_cost=1, memory_kib=8 * 1024, parallelism=1)
    )  # unlock is not measured
    rng = random.Random(seed)
    vectors = np.random.default_rng(seed)
    count = interviews = 0
    try:
        while count < passages:
            text = make_transcript(WORDS_PER_INTERVIEW, rng=rng)
            interview_id = add_transcript(ws, text, title=f"Interview {interviews + 1}", language="hu")
            interviews += 1
            with ws.write() as repo:
                summary = next(i for i in live_interviews(repo) if i.id == interview_id)
                units = participant_units(repo, [summary], SegmentKind.SENTENCE)
                store = repo.embeddings
                rows = vectors.standard_normal((len(units), 384)).astype(np.float32)
                rows /= np.linalg.norm(rows, axis=1, keepdims=True)
                store.add_vectors(interview_id, embed.MULTILINGUAL_E5, {store.text_mac(u.text): rows[i]
                                                                        for i, u in enumerate(units)})  # fmt: skip
            count += len(units)
    finally:
        ws.close()
    return count, interviews, time.perf_counter() - started


def measure(directory: Path, runs: int, cold: int) -> dict[str, float]:
    from workbench.services.projects import open_project
    from workbench.services.search import search

    embedder = _QueryOnly()
    embedder.encode(["warm the model"])
    embedder.query_s.clear()
    colds = []
    for _ in range(cold):
        ws = open_project(directory, PASSPHRASE)
        start = time.perf_counter()
        found = search(ws, QUERIES[0], limit=20, embedder=embedder)  # type: ignore[arg-type]
        colds.append(time.perf_counter() - start)
        ws.close()
    ws = open_project(directory, PASSPHRASE)
    search(ws, QUERIES[0], limit=20, embedder=embedder)  # type: ignore[arg-type]
    embedder.query_s.clear()
    warm = []
    for i in range(runs):
        start = time.perf_counter()
        found = search(ws, QUERIES[i % len(QUERIES)], limit=20, embedder=embedder)  # type: ignore[arg-type]
        warm.append(time.perf_counter() - start)
    index = ws._semantic_search_index  # type: ignore[attr-defined]  # the session's index, for the peer
    matrix = np.array(index.vectors, copy=True)
    ws.close()
    query = np.asarray(embedder.inner.encode(["peer"])[0], dtype=np.float32)
    peer = []
    for _ in range(runs):
        start = time.perf_counter()
        scores = matrix @ query
        top = np.argpartition(-scores, 19)[:20]
        top[np.argsort(-scores[top])]
        peer.append(time.perf_counter() - start)
    excl = [w - q for w, q in zip(warm, embedder.query_s, strict=True)]
    return {
        "passages": float(found.searched), "cold_s": statistics.median(colds), "warm_s": statistics.median(warm),
        "warm_max_s": max(warm), "query_embed_s": statistics.median(embedder.query_s),
        "warm_without_query_s": statistics.median(excl), "peer_numpy_s": statistics.median(peer),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passages", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--cold", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        directory = Path(tmp) / "project"
        sentences, interviews, built = build(directory, args.passages, args.seed)
        print(f"project: {sentences} participant sentences in {interviews} interviews, built in {built:.0f} s")
        figures = measure(directory, args.runs, args.cold)
    ratio = figures["warm_without_query_s"] / figures["peer_numpy_s"]
    print(f"passages searched                     {figures['passages']:.0f}")
    print(f"cold: first search of a session       {figures['cold_s']:.3f} s (median of {args.cold})")
    print(f"warm: a search, query embedding incl. {figures['warm_s']:.3f} s (median of {args.runs}; "
          f"max {figures['warm_max_s']:.3f} s)")  # fmt: skip
    print(f"  of which embedding the query        {figures['query_embed_s']:.3f} s")
    print(f"  the rest (score, rank, codes, audit) {figures['warm_without_query_s']:.3f} s")
    print(f"peer: bare numpy top-20               {figures['peer_numpy_s']:.4f} s "
          f"(warm search without the query: {ratio:.0f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
