"""The int8 ONNX engine: made offline from the packaged model, and agreeing with sentence-transformers."""

from __future__ import annotations

import socket
from pathlib import Path

import numpy as np
import pytest

from workbench.nlp import embed, onnx_embed

SENTENCES = [
    "My daughter's visits keep me going.",
    "The price of steel rose again this quarter.",
    "I left school at fifteen and started working on building sites.",
    "Az apám sokat ivott, és gyakran megvert minket.",
    "Short.",
    "After my release I want to work as a mechanic, repairing cars in a small workshop near my mother's flat.",
]


class _NoNetwork(AssertionError):
    pass


def test_the_fast_engine_is_made_and_used_offline_and_agrees_with_the_reference(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise _NoNetwork("network access while preparing or running the model")

    if not onnx_embed.available():
        pytest.fail("onnxruntime and onnx are dependencies and must be installed")
    steps: list[tuple[str, int, int]] = []
    with monkeypatch.context() as mp:
        mp.setattr(socket.socket, "connect", refuse)
        mp.setattr(socket.socket, "connect_ex", refuse)
        mp.setattr(socket, "create_connection", refuse)
        with pytest.raises(_NoNetwork):
            socket.create_connection(("127.0.0.1", 9))
        fast = onnx_embed.load(embed.minilm_path(), embed.MINILM, lambda *step: steps.append(step))
        assert fast is not None
        vectors = fast.encode(SENTENCES)
    reference = embed.load_sentence_transformer(embed.minilm_path(), embed.MINILM).encode(SENTENCES)
    cosines = (vectors * reference).sum(axis=1)
    assert vectors.shape == (len(SENTENCES), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert cosines.mean() >= 0.98 and cosines.min() >= 0.95, cosines
    assert steps == [] or steps[-1] == ("ready", 3, 3), "a fresh export reports its steps to the end"
    path = onnx_embed.derived_path(embed.minilm_path())
    assert path.is_file() and path.is_relative_to(onnx_embed.model_dir())
    assert not any(p.name.startswith(".export-") for p in path.parent.parent.iterdir()), "no half-written export"


def test_the_fast_engine_runs_on_a_cpu_only_when_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "device", lambda: "cpu")
    monkeypatch.delenv(onnx_embed.ENGINE_ENV, raising=False)
    assert isinstance(embed._load(embed.MINILM, embed.MINILM), embed.SentenceTransformerEmbedder)
    monkeypatch.setenv(onnx_embed.ENGINE_ENV, "onnx")
    assert isinstance(embed._load(embed.MINILM, embed.MINILM), onnx_embed.OnnxEmbedder)
    monkeypatch.setenv(onnx_embed.ENGINE_ENV, "torch")
    assert isinstance(embed._load(embed.MINILM, embed.MINILM), embed.SentenceTransformerEmbedder)


def test_a_gpu_runs_the_model_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embed, "device", lambda: "cuda")
    assert embed._load_fast(embed.minilm_path(), embed.MINILM, None) is None


def test_derived_files_go_to_the_configured_folder_named_by_the_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WORKBENCH_MODEL_DIR", str(tmp_path / "models"))
    path = onnx_embed.derived_path(embed.minilm_path())
    assert path.parent.parent == tmp_path / "models"
    monkeypatch.delenv("WORKBENCH_MODEL_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert onnx_embed.model_dir() == tmp_path / "data" / "workbench" / "models"


def test_a_changed_model_gets_a_new_file_and_unknown_layouts_fall_back(tmp_path: Path) -> None:
    import json
    import shutil

    folder = tmp_path / "model"
    shutil.copytree(embed.minilm_path(), folder)
    before = onnx_embed.source_digest(folder)
    (folder / "config.json").write_text((folder / "config.json").read_text() + "\n", encoding="utf-8")
    assert onnx_embed.source_digest(folder) != before
    spec = onnx_embed.layout(folder)
    assert spec is not None and spec.pooling == "mean" and spec.normalise and spec.max_length == 256
    pooling = folder / "1_Pooling" / "config.json"
    config = json.loads(pooling.read_text(encoding="utf-8"))
    config["pooling_mode_mean_tokens"], config["pooling_mode_max_tokens"] = False, True
    pooling.write_text(json.dumps(config), encoding="utf-8")
    assert onnx_embed.layout(folder) is None, "max pooling is not reproduced: sentence-transformers runs it"
    assert onnx_embed.load(folder, "local:model:x") is None
