"""The embedding engines: offline loading, unit vectors, and the Hungarian check behind the defaults."""

from __future__ import annotations

import socket
import statistics
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from bench.cluster_bench import paraphrase_ranks
from workbench.errors import InvalidInputError
from workbench.nlp import embed


class _NoNetwork(AssertionError):
    pass


@pytest.fixture(scope="module")
def minilm() -> Iterator[tuple[embed.Embedder, list[str]]]:
    """MiniLM loaded (and used once) while every socket connection raises; yields what was attempted."""
    attempts: list[str] = []

    def refuse(*args: object, **_kwargs: object) -> None:
        attempts.append(repr(args[1:] or args))
        raise _NoNetwork("network access during model load")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket.socket, "connect_ex", refuse)
        mp.setattr(socket, "create_connection", refuse)
        with pytest.raises(_NoNetwork):  # the guard itself works
            socket.create_connection(("127.0.0.1", 9))
        attempts.clear()
        embed._cache.pop(embed.MINILM, None)
        model = embed.load_embedder(embed.MINILM)
        model.encode(["a first sentence, encoded offline"])
    yield model, attempts


def test_minilm_loads_and_encodes_with_the_network_blocked(minilm: tuple[embed.Embedder, list[str]]) -> None:
    model, attempts = minilm
    assert attempts == []
    assert model.model_id == embed.MINILM and model.dim == 384
    assert embed.load_embedder(embed.MINILM) is model, "the model object is cached per process"


def test_vectors_are_unit_length_float32_and_deterministic(minilm: tuple[embed.Embedder, list[str]]) -> None:
    model, _ = minilm
    texts = ["My sister visits me every month.", "My sister visits me every month.", "The bus was late."]
    seen: list[tuple[int, int]] = []
    vectors = model.encode(texts, on_progress=lambda done, total: seen.append((done, total)))
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert np.allclose(vectors[0], vectors[1])
    assert seen[-1] == (3, 3)
    alone = model.encode([texts[2]])[0]
    assert np.allclose(vectors[2], alone, atol=1e-4), "batches are sorted by length, results come back in order"
    assert model.encode([]).shape == (0, 384)


def test_similar_english_sentences_are_closer_than_unrelated_ones(minilm: tuple[embed.Embedder, list[str]]) -> None:
    model, _ = minilm
    a, b, c = model.encode(
        ["My daughter's visits keep me going.", "Seeing my child on visiting day gives me strength.",
         "The price of steel rose again this quarter."]
    )  # fmt: skip
    assert a @ b > a @ c + 0.2


def test_the_multilingual_model_ranks_hungarian_paraphrases_where_minilm_fails(
    minilm: tuple[embed.Embedder, list[str]],
) -> None:
    minilm_ranks, _ = paraphrase_ranks(minilm[0])
    e5_ranks, e5_beats = paraphrase_ranks(embed.load_embedder(embed.MULTILINGUAL_E5))
    mrr = {name: statistics.mean(1 / r for r in ranks) for name, ranks in (("minilm", minilm_ranks), ("e5", e5_ranks))}
    assert mrr["e5"] >= 0.6 > mrr["minilm"] + 0.2
    assert max(e5_ranks) <= 2, "the paraphrase is first or second, at worst behind its look-alike"
    assert e5_beats >= 3


def test_defaults_per_language_and_model_ids() -> None:
    assert embed.default_model("en") == embed.MINILM
    assert embed.default_model("hu") == embed.MULTILINGUAL_E5
    assert embed.model_id(embed.MULTILINGUAL_E5) == embed.MULTILINGUAL_E5
    local = embed.model_id(str(embed.minilm_path()))
    assert local.startswith("local:model:") and len(local) <= 100


def test_unknown_models_are_refused_without_any_download(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="Unknown embedding model"):
        embed.load_embedder("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2")
    (tmp_path / "notes.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="folder holding a sentence-transformers model"):
        embed.load_embedder(str(tmp_path))


def test_a_centre_plugs_in_a_model_folder_it_has_on_disk(tmp_path: Path) -> None:
    """Bring your own model: a sentence-transformers folder, with the languages it covers declared."""
    import json
    import shutil

    folder = tmp_path / "our-model"
    shutil.copytree(embed.minilm_path(), folder)
    (folder / "workbench-model.json").write_text(json.dumps({"languages": ["hu", "en"]}), encoding="utf-8")
    model = embed.load_embedder(str(folder))
    assert model.model_id.startswith("local:our-model:") and model.dim == 384
    vectors = model.encode(["Egy mondat.", "Another sentence."])
    assert vectors.shape == (2, 384) and np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert embed.coverage(str(folder)) == frozenset({"hu", "en"})
    assert embed.uncovered(str(folder), {"hu": 1.0}) == []


def test_an_onnx_only_folder_needs_onnxruntime_and_says_so(tmp_path: Path) -> None:
    import importlib.util

    if all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "optimum")):
        pytest.skip("onnxruntime and optimum are installed here: the message for their absence cannot be shown")
    import shutil

    folder = tmp_path / "exported"
    shutil.copytree(embed.minilm_path(), folder)
    (folder / "model.safetensors").unlink()
    (folder / "onnx").mkdir()
    (folder / "onnx" / "model.onnx").write_bytes(b"")
    with pytest.raises(InvalidInputError, match="onnxruntime"):
        embed.load_embedder(str(folder))
