"""The clustering pipeline on synthetic vectors (exact expectations) and on real sentences."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from workbench.errors import InvalidInputError
from workbench.nlp import embed
from workbench.nlp.theme_labels import keywords, stop_words
from workbench.nlp.themes import (
    OUTLIER,
    ThemeParams,
    center_by_group,
    cluster,
    min_cluster_size,
    refine,
)

TOPICS = {
    "football": "football match goal stadium referee",
    "cooking": "kitchen recipe onion soup oven",
    "letters": "letter envelope stamp postman mailbox",
}


def _blobs(per_topic: int = 20, seed: int = 0) -> tuple[np.ndarray, list[str], list[int]]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(len(TOPICS), 64))
    vectors, texts, truth = [], [], []
    for index, words in enumerate(TOPICS.values()):
        for _ in range(per_topic):
            vectors.append(centres[index] + 0.15 * rng.normal(size=64))
            picked = rng.choice(words.split(), size=3, replace=False)
            texts.append(f"The {picked[0]} and the {picked[1]}, hogy {picked[2]} volt.")
            truth.append(index)
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix / np.linalg.norm(matrix, axis=1, keepdims=True), texts, truth


def test_separated_topics_become_themes_with_their_own_keywords() -> None:
    vectors, texts, truth = _blobs()
    result = cluster(vectors, texts)
    assert normalized_mutual_info_score(truth, result.labels) > 0.95
    assert len(result.themes) == 3 and len(result.coords) == len(texts)
    for theme in result.themes:
        members = [truth[i] for i, label in enumerate(result.labels) if label == theme.id]
        topic_words = set(list(TOPICS.values())[max(set(members), key=members.count)].split())
        assert set(theme.keywords[:5]) <= topic_words, theme.keywords
        assert theme.size == len(members) and len(theme.quotes) == 3
        assert all(result.labels[i] == theme.id for i in theme.quotes)


def test_the_same_seed_gives_the_same_themes_and_map() -> None:
    vectors, texts, _ = _blobs(seed=3)
    params = ThemeParams(seed=7)
    first, second = cluster(vectors, texts, params), cluster(vectors, texts, params)
    assert first.labels == second.labels and first.coords == second.coords and first.themes == second.themes
    assert len(first.themes) == 3


def test_stop_words_of_both_languages_never_label_a_theme() -> None:
    stop = stop_words()
    assert {"the", "and", "hogy", "volt", "szóval", "yeah"} <= stop
    labels = keywords(["the cat and hogy the cat", "volt a kutya, és a kutya", "the the the"], [0, 1, OUTLIER])
    assert labels == {0: ("cat",), 1: ("kutya",)}


def test_language_offsets_are_removed_before_clustering() -> None:
    vectors, texts, truth = _blobs(per_topic=12, seed=5)
    offset = np.zeros(vectors.shape[1], dtype=np.float32)
    offset[0] = 3.0
    languages = ["hu" if i % 2 else "en" for i in range(len(texts))]
    shifted = vectors + np.where(np.asarray(languages)[:, None] == "hu", offset, 0)
    shifted = (shifted / np.linalg.norm(shifted, axis=1, keepdims=True)).astype(np.float32)
    centred = center_by_group(shifted, languages)
    assert np.allclose(np.linalg.norm(centred, axis=1), 1.0, atol=1e-5)
    split = cluster(shifted, texts)
    mixed = cluster(shifted, texts, languages=languages)

    def languages_per_theme(labels: list[int]) -> list[set[str]]:
        return [{languages[i] for i, x in enumerate(labels) if x == theme} for theme in set(labels) - {OUTLIER}]

    assert all(len(found) == 1 for found in languages_per_theme(split.labels)), "without: themes split by language"
    assert sum(len(found) == 2 for found in languages_per_theme(mixed.labels)) >= 2
    assert normalized_mutual_info_score(truth, mixed.labels) > normalized_mutual_info_score(truth, split.labels) + 0.05


def test_tiny_or_mismatched_input_is_refused() -> None:
    vectors, texts, _ = _blobs(per_topic=1)
    with pytest.raises(InvalidInputError, match="at least 5"):
        cluster(vectors, texts)
    with pytest.raises(InvalidInputError, match="one embedding"):
        cluster(vectors[:2], texts)


def test_smallest_theme_grows_with_the_corpus() -> None:
    assert min_cluster_size(40) == 3
    assert min_cluster_size(2000) == 40
    assert min_cluster_size(10**6) == 500


def test_real_sentences_with_minilm() -> None:
    sentences = {
        0: ["My daughter visits me every second Sunday.", "When my little girl comes to visit I feel alive.",
            "The visits from my kid keep me going in here.", "My son's visits are the best day of the month.",
            "Seeing my children at visiting time gives me hope.", "My daughter draws me pictures when she visits."],
        1: ["The guys on the wing said they could find me a job outside.",
            "A group inside promised me work and a place when I get out.",
            "They told me I'd have a role in the movement after release.",
            "Some men here keep offering me a future with their group.",
            "The recruiter said they look after their own on the outside.",
            "They said the brotherhood would take care of me when I'm released."],
        2: ["I want to train as a welder when I leave.", "I'm doing a mechanics course so I can get a job.",
            "My plan is to finish my electrician exams inside.", "I'd like to work with cars after prison.",
            "The carpentry workshop here could give me a trade.", "I am studying for a forklift licence."],
    }  # fmt: skip
    texts = [t for group in sentences.values() for t in group]
    truth = [k for k, group in sentences.items() for _ in group]
    vectors = embed.load_embedder(embed.MINILM).encode(texts)
    result = cluster(vectors, texts, ThemeParams(seed=1))
    assert len(result.themes) >= 2
    assert normalized_mutual_info_score(truth, result.labels) > 0.5


def test_refining_lets_close_outliers_join_and_keeps_far_ones_out() -> None:
    vectors, _texts, truth = _blobs(per_topic=20, seed=2)
    labels = np.asarray(truth, dtype=np.int64) * 2 + 1  # ids 1, 3, 5: refined ids come back as 0, 1, 2
    for hidden in (0, 20, 40):  # a typical item of each topic (its centre), hidden as an outlier
        centre = vectors[hidden + 1 : hidden + 20].mean(axis=0)
        vectors[hidden] = centre / np.linalg.norm(centre)
        labels[hidden] = OUTLIER
    far = np.random.default_rng(9).normal(size=(1, vectors.shape[1])).astype(np.float32)
    vectors = np.vstack([vectors, far / np.linalg.norm(far)])
    labels = np.append(labels, OUTLIER)
    refined = refine(vectors, labels)
    assert refined[:-1].tolist() == truth, "close outliers join their topic; members keep theirs"
    assert refined[-1] == OUTLIER, "an item unlike every theme stays an outlier"
    assert refine(vectors, np.full(len(vectors), OUTLIER, dtype=np.int64)).tolist() == [OUTLIER] * len(vectors)


def test_refining_rescues_items_hdbscan_leaves_out() -> None:
    vectors, texts, truth = _blobs(per_topic=60, seed=4)
    noisy = vectors + 0.3 * np.random.default_rng(1).normal(size=vectors.shape).astype(np.float32)
    noisy = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    raw = cluster(noisy, texts, ThemeParams(method="density", refine=False))
    refined = cluster(noisy, texts, ThemeParams(method="density"))
    assert len(refined.themes) == len(raw.themes) == 3, "refining keeps HDBSCAN's number of themes"
    assert 0 < refined.labels.count(OUTLIER) < raw.labels.count(OUTLIER) * 0.75, "far items stay out"
    score, before = normalized_mutual_info_score(truth, refined.labels), normalized_mutual_info_score(truth, raw.labels)
    assert score > before + 0.03, (before, score)
