"""Theme clustering quality and speed on AG News, next to BERTopic and k-means.

AG News test set (``../shared/datasets/ag_news/test.csv``: 7,600 news items, 4 classes of 1,900).
Each text is ``title. description``. Embedded once with all-MiniLM-L6-v2 and cached in
``bench/.cache`` (public data, gitignored); every method then clusters the same vectors:

- ours: ``workbench.nlp.themes.cluster`` (kNN graph + Louvain, not told the number of
  classes), and the earlier density method (PCA + HDBSCAN + refinement);
- BERTopic 0.17 with its defaults, given the precomputed embeddings;
- k-means told the true k = 4 (an upper reference, not a competitor).

NMI and ARI are against the classes, with outliers (-1) counted as one more group (so a method
cannot look good by discarding hard items), medians over seeds. Also measured: the shipped CPU
engine (int8 ONNX, ``CLUSTER_BENCH_PARTS=speed``, ``CLUSTER_BENCH_SPEED_N`` texts) against a bare
sentence-transformers ``encode`` of the same texts, our embedding path's overhead, and the time of a project re-run
after adding one interview against the first run.
"""

from __future__ import annotations

import csv
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

DATA = Path(os.environ.get("AG_NEWS_DIR", Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ag_news"))
CACHE = Path(__file__).resolve().parent / ".cache"
SEEDS = (1, 2, 3)
ROUNDS = 3
Vectors = npt.NDArray[np.float32]

if TYPE_CHECKING:
    from workbench.nlp.embed import Embedder
    from workbench.services.workspace import Workspace


def load_ag_news(limit: int | None = None) -> tuple[list[str], list[int]]:
    """Texts and class labels (0-3); ``limit`` takes a stratified, order-preserving sample."""
    texts: list[str] = []
    labels: list[int] = []
    with (DATA / "test.csv").open(encoding="utf-8", newline="") as handle:
        for klass, title, description in csv.reader(handle):
            texts.append(f"{title.strip()}. {description.replace(chr(92), ' ').strip()}")
            labels.append(int(klass) - 1)
    if limit is not None and limit < len(texts):
        per_class = limit // 4
        taken: dict[int, int] = {}
        keep = []
        for index, label in enumerate(labels):
            if taken.get(label, 0) < per_class:
                taken[label] = taken.get(label, 0) + 1
                keep.append(index)
        texts = [texts[i] for i in keep]
        labels = [labels[i] for i in keep]
    return texts, labels


def cached_embeddings(texts: list[str], name: str) -> Vectors:
    """MiniLM vectors of ``texts``, computed once and kept in bench/.cache."""
    from workbench.nlp.embed import MINILM, load_embedder

    CACHE.mkdir(exist_ok=True)
    (CACHE / ".gitignore").write_text("*\n", encoding="utf-8")
    path = CACHE / f"{name}-{len(texts)}-minilm.npy"
    if path.is_file():
        return np.load(path)  # type: ignore[no-any-return]
    vectors = load_embedder(MINILM).encode(texts, on_progress=_progress("embedding AG News"))
    np.save(path, vectors)
    return vectors


def _progress(what: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        if done == total or done % 640 == 0:
            print(f"  {what}: {done}/{total}", file=sys.stderr, flush=True)

    return report


def _timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


# -- Hungarian paraphrases --------------------------------------------------------------------

HU_PAIRS = (
    ("Az apám sokat ivott, és gyakran megvert minket.",
     "Édesapám alkoholista volt, rendszeresen bántalmazott bennünket otthon."),
    ("A börtönben egy csoport tagjai azt ígérték, hogy kint munkát adnak nekem.",
     "Bent néhány rab megígérte, hogy szabadulás után elhelyeznek valahol dolgozni."),
    ("Soha nem bántam meg, amit tettem, mert igazam volt.", "Máig úgy érzem, jogos volt a tettem, nem sajnálom."),
    ("A lányom látogatásai tartják bennem a lelket.", "Az ad erőt, amikor a gyerekem bejön hozzám beszélőre."),
    ("Azt szeretném, ha kiszabadulás után autószerelőként dolgozhatnék.",
     "Ha kijövök, szerelőműhelyben akarok elhelyezkedni, kocsikat javítani."),
    ("Az iskolában mindenki lenézett, mert szegények voltunk.", "Az osztálytársaim megvetettek a nyomorunk miatt."),
    ("A rendőrök ok nélkül igazoltattak minket minden héten.",
     "Hetente megállítottak a zsaruk, pedig semmit sem csináltunk."),
    ("A pszichológussal való beszélgetések segítettek kiszállni a mozgalomból.",
     "A terápia segített eltávolodni attól a szervezettől."),
)  # fmt: skip
HU_LOOKALIKES = (
    "Az apám sokat dolgozott, és gyakran elvitt minket horgászni.",
    "A börtönben egy csoport tagjai focimeccset szerveztek vasárnap.",
    "Soha nem tanultam meg úszni, mert nem volt uszoda a faluban.",
    "A lányom iskolába jár, és jól tanul.",
    "Autószerelőként dolgoztam, mielőtt bekerültem.",
    "Az iskolában mindenki szerette a tornatanárt.",
    "A rendőrök minden héten ellenőrzik a forgalmat a főúton.",
    "A pszichológus szerint a mozgás jót tesz az alvásnak.",
)
"""Each shares words with the sentence of the same index but means something else."""


def paraphrase_ranks(embedder: Embedder) -> tuple[list[int], int]:
    """Rank of each sentence's paraphrase among all 16 candidates, and how often it beats its look-alike."""
    anchors = embedder.encode([a for a, _ in HU_PAIRS])
    candidates = embedder.encode([p for _, p in HU_PAIRS] + list(HU_LOOKALIKES))
    sims = anchors @ candidates.T
    n = len(HU_PAIRS)
    ranks = [int((sims[i] > sims[i, i]).sum()) + 1 for i in range(n)]
    beats = sum(int(sims[i, i] > sims[i, n + i]) for i in range(n))
    return ranks, beats


# -- clustering quality -----------------------------------------------------------------------


def _scores(labels: list[int], predicted: list[int]) -> tuple[float, float, int, int]:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    found = len({p for p in predicted if p != -1})
    outliers = sum(1 for p in predicted if p == -1)
    return normalized_mutual_info_score(labels, predicted), adjusted_rand_score(labels, predicted), found, outliers


def ours(
    vectors: Vectors,
    texts: list[str],
    seed: int,
    *,
    method: str = "graph",
    reducer: str = "pca",
    dimensions: int = 5,
    refine: bool | None = None,
) -> list[int]:
    from workbench.nlp.themes import ThemeParams, cluster

    params = ThemeParams(seed=seed, method=method, reducer=reducer, dimensions=dimensions, refine=refine)  # type: ignore[arg-type]
    return cluster(vectors, texts, params).labels


def bertopic_defaults(vectors: Vectors, texts: list[str], seed: int) -> list[int]:
    """BERTopic with its default UMAP and HDBSCAN settings; only UMAP's seed is fixed."""
    from bertopic import BERTopic
    from umap import UMAP

    umap_model = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    topics, _ = BERTopic(umap_model=umap_model).fit_transform(texts, embeddings=vectors)
    return [int(t) for t in topics]


def kmeans_true_k(vectors: Vectors, _texts: list[str], seed: int, k: int = 4) -> list[int]:
    from sklearn.cluster import KMeans

    return [int(x) for x in KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(vectors)]


def quality(vectors: Vectors, texts: list[str], labels: list[int]) -> None:
    methods: dict[str, Callable[[Vectors, list[str], int], list[int]]] = {
        "workbench themes (kNN graph + Louvain, k unknown)": ours,
        "  density: PCA + HDBSCAN + refine (issue 6)": lambda v, t, s: ours(v, t, s, method="density"),
        "  density, without refinement": lambda v, t, s: ours(v, t, s, method="density", refine=False),
        "  density, PCA to 3 dimensions instead of 5": lambda v, t, s: ours(v, t, s, method="density", dimensions=3),
        "  density, UMAP instead of PCA": lambda v, t, s: ours(v, t, s, method="density", reducer="umap"),
        "BERTopic 0.17 defaults (k unknown)": bertopic_defaults,
        "k-means told the true k=4": kmeans_true_k,
    }
    print(f"clustering {len(texts)} AG News items (4 classes), median over seeds {SEEDS}")
    print(f"  {'method':46} {'NMI':>6} {'ARI':>6} {'themes':>7} {'outliers':>9} {'time s':>7}")
    for name, method in methods.items():
        rows = []
        for seed in SEEDS:
            predicted, seconds = _timed(lambda m=method, s=seed: m(vectors, texts, s))  # type: ignore[misc]
            rows.append((*_scores(labels, predicted), seconds))  # type: ignore[arg-type]
        nmi, ari, found, outliers, seconds = (statistics.median(col) for col in zip(*rows, strict=True))
        print(f"  {name:46} {nmi:6.3f} {ari:6.3f} {found:7.0f} {outliers:9.0f} {seconds:7.1f}", flush=True)


def other_samples(vectors: Vectors, texts: list[str], labels: list[int]) -> None:
    """The same rule on random subsets the defaults were not chosen on (sizes of real projects)."""
    print("random subsets (seeded draws without replacement), ours vs k-means told k=4")
    for size in (500, 1000, 3000):
        for seed in (11, 12, 13):
            pick = np.sort(np.random.default_rng(seed).choice(len(texts), size, replace=False))
            sub_v, sub_t, sub_l = vectors[pick], [texts[i] for i in pick], [labels[i] for i in pick]
            nmi, ari, found, outliers = _scores(sub_l, ours(sub_v, sub_t, seed))
            k_nmi = _scores(sub_l, kmeans_true_k(sub_v, sub_t, seed))[0]
            print(f"  n={size:5} draw {seed}: ours NMI {nmi:.3f} ARI {ari:.3f} themes {found} "
                  f"outliers {outliers / size:.1%} | k-means k=4 NMI {k_nmi:.3f}", flush=True)  # fmt: skip


# -- embedding overhead and incremental re-runs -----------------------------------------------


def _transcript(texts: list[str]) -> str:
    return "\n\n".join(f"Interviewer: Tell me more.\n\nParticipant: {t}" for t in texts)


def _forget_vectors(ws: Workspace) -> None:
    from workbench.store import schema as s

    with ws.write() as repo:
        repo.conn.execute(s.embedding.delete())


def pipeline_costs(texts: list[str], interviews: int = 40, per_interview: int = 25) -> None:
    """Embedding overhead against a bare encode, and a re-run after one new interview, on a real project."""
    import tempfile

    from workbench.crypto.kdf import KdfParams
    from workbench.nlp.embed import MINILM, load_sentence_transformer, minilm_path
    from workbench.services import themes
    from workbench.services.interviews import add_transcript
    from workbench.services.projects import init_project

    embedder = load_sentence_transformer(minilm_path(), MINILM)
    chunks = [texts[i * per_interview : (i + 1) * per_interview] for i in range(interviews + 1)]
    corpus = [t for chunk in chunks[:interviews] for t in chunk]
    with tempfile.TemporaryDirectory() as tmp:
        ws = init_project(Path(tmp) / "p", "benchmark passphrase", "lead", language="en", kdf=KdfParams())
        for number, chunk in enumerate(chunks[:interviews]):
            add_transcript(ws, _transcript(chunk), title=f"bench {number}", language="en")
        embedder.model.encode(corpus[:64], batch_size=32, show_progress_bar=False)  # warm-up
        with ws.read() as repo:
            units = themes._corpus(ws, repo, None).units

        def ours_embed() -> None:
            with ws.write() as repo:
                _, new = themes.embed_units(repo, units, embedder, None)
                themes.save_vectors(repo, embedder.model_id, new)

        bare_runs, ours_runs = [], []
        for _ in range(ROUNDS):  # alternate, so a change in machine load hits both alike
            bare_runs.append(_timed(lambda: embedder.model.encode(corpus, batch_size=32, show_progress_bar=False))[1])
            ours_runs.append(_timed(ours_embed)[1])
            _forget_vectors(ws)
        bare, piped = statistics.median(bare_runs), statistics.median(ours_runs)
        first, first_s = _timed(lambda: themes.run_themes(ws))
        add_transcript(ws, _transcript(chunks[interviews]), title="one more", language="en")
        second, second_s = _timed(lambda: themes.run_themes(ws))
        ws.close()
    print(f"embedding {len(units)} turns, MiniLM, {interviews} interviews")
    print(f"  (median of {ROUNDS} alternating rounds)")
    print(f"  bare model.encode:                       {bare:7.2f} s = {len(corpus) / bare:6.0f} texts/s")
    print(f"  ours (HMAC, cache lookup, encode, seal, store): {piped:7.2f} s = {len(units) / piped:6.0f} texts/s")
    print(f"  throughput ours / bare:                  {bare / piped:7.2f}  (overhead {piped / bare - 1:+.1%})")
    print(f"  first themes run:                        {first_s:7.2f} s ({first.embedded} embedded)")  # type: ignore[attr-defined]
    print(
        f"  re-run after adding one interview:      {second_s:7.2f} s ({second.embedded} embedded) = "  # type: ignore[attr-defined]
        f"{second_s / first_s:.1%} of the first"
    )


def engine_speed(texts: list[str], labels: list[int], seeds: tuple[int, ...] = SEEDS) -> None:
    """The shipped CPU engine (int8 ONNX) against a bare sentence-transformers ``encode``, one run.

    Rounds alternate so a change in the shared machine's load hits both alike; the first call of
    each engine is a warm-up. Agreement: cosine of each text's two vectors. Theme quality: our
    clustering and told-k k-means on both vector sets of the same texts, NMI difference.
    """
    from workbench.nlp.embed import MINILM, load_embedder, load_sentence_transformer, minilm_path

    bare = load_sentence_transformer(minilm_path(), MINILM)
    start = time.perf_counter()
    fast = load_embedder(MINILM, on_prepare=lambda step, done, total: print(f"  preparing: {step} {done}/{total}"))
    print(f"  engine: {type(fast).__name__} (loaded, or prepared at first use, in {time.perf_counter() - start:.1f} s)")
    n = len(texts)
    bare.model.encode(texts[:32], batch_size=32, show_progress_bar=False)
    fast.encode(texts[:32])
    bare_runs, fast_runs = [], []
    for _ in range(ROUNDS):
        bare_runs.append(_timed(lambda: bare.model.encode(texts, batch_size=32, show_progress_bar=False))[1])
        fast_runs.append(_timed(lambda: fast.encode(texts))[1])
    reference = bare.encode(texts)
    ours_v = fast.encode(texts)
    cosines = (reference * ours_v).sum(axis=1)
    b, f = statistics.median(bare_runs), statistics.median(fast_runs)
    print(f"embedding {n} AG News texts, MiniLM, median of {ROUNDS} alternating rounds")
    print(f"  bare sentence-transformers encode: {b:7.2f} s = {n / b:6.1f} texts/s (rounds {bare_runs})")
    print(f"  shipped engine:                    {f:7.2f} s = {n / f:6.1f} texts/s (rounds {fast_runs})")
    print(f"  throughput ratio: {b / f:.2f}x; cosine to reference mean {cosines.mean():.4f} min {cosines.min():.4f}")
    for name, method in (("ours", ours), ("k-means k=4", kmeans_true_k)):
        ref_nmi = statistics.median(_scores(labels, method(reference, texts, s))[0] for s in seeds)
        new_nmi = statistics.median(_scores(labels, method(ours_v, texts, s))[0] for s in seeds)
        print(
            f"  theme NMI {name}: reference vectors {ref_nmi:.3f}, "
            f"shipped engine {new_nmi:.3f} ({new_nmi - ref_nmi:+.3f})"
        )


def hungarian_paraphrases() -> None:
    """Top-1 retrieval of a paraphrase among paraphrases and look-alike distractors."""
    from workbench.nlp.embed import KNOWN_MODELS, load_embedder

    print("Hungarian paraphrases: 8 sentences, each against 8 paraphrases + 8 look-alike distractors")
    for model in KNOWN_MODELS:
        ranks, beats = paraphrase_ranks(load_embedder(model))
        top1 = sum(r == 1 for r in ranks) / len(ranks)
        mrr = statistics.mean(1 / r for r in ranks)
        print(f"  {model:24} top-1 {top1:.2f}  MRR {mrr:.2f}  paraphrase beats its look-alike {beats}/8  ranks {ranks}")


def main() -> None:
    sample = int(os.environ.get("CLUSTER_BENCH_SAMPLE", "0")) or None
    texts, labels = load_ag_news(sample)
    vectors = cached_embeddings(texts, "ag_news_test")
    print(f"{len(texts)} texts, mean {statistics.mean(len(t.split()) for t in texts):.0f} words")
    parts = os.environ.get("CLUSTER_BENCH_PARTS", "hungarian,quality,samples,speed,pipeline").split(",")
    if "hungarian" in parts:
        hungarian_paraphrases()
    if "quality" in parts:
        quality(vectors, texts, labels)
    if "samples" in parts:
        other_samples(vectors, texts, labels)
    if "speed" in parts:
        size = int(os.environ.get("CLUSTER_BENCH_SPEED_N", "1000"))
        engine_speed(*load_ag_news(size))
    if "pipeline" in parts:
        pipeline_costs(load_ag_news()[0])


if __name__ == "__main__":
    main()
