"""A faster CPU engine for sentence-transformers models: an int8 ONNX export made on this machine.

Why: on a CPU, embedding dominates a theme run (about 6 minutes for 5,000 passages on two busy
cores). Dynamically quantised int8 weights run through onnxruntime give at least twice the
passages per second of sentence-transformers' own ``encode`` of the same model, with vectors at
cosine >= 0.99 to the reference ones (``bench/cluster_bench.py``, ``bench/RESULTS.md``).

How: at first use the packaged model folder (nothing is downloaded) is exported with
``torch.onnx`` (eager attention, so onnxruntime's BERT optimiser can fuse it), optimised, and
its weight matrices quantised to int8, except each layer's feed-forward output projection,
whose activations have the outliers that per-tensor int8 handles worst (with it quantised the
mean cosine to the reference fell to 0.96). Products of two activations (attention scores) stay
float. Pooling and normalisation follow the folder's sentence-transformers configuration
(mean or CLS pooling); any other layout falls back to sentence-transformers.

Where the derived file lives: ``model_dir()``: ``$WORKBENCH_MODEL_DIR`` when set, else
``$XDG_DATA_HOME/workbench/models`` (``~/.local/share/workbench/models``), one folder per source
model named by a hash of its weights, so a changed model is exported anew. The file holds only
model weights (no user data); it is written to a temporary name and renamed, so an interrupted
export leaves nothing half-written. Nothing here is imported unless onnxruntime and onnx are.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _

Vectors = npt.NDArray[np.float32]
PrepareFn = Callable[[str, int, int], None]
"""``(step, done, total)`` while a model is being prepared (three steps: export, optimise, quantise)."""
ENGINE_ENV = "WORKBENCH_EMBED_ENGINE"
"""``onnx`` opts in to this engine on a CPU; unset or ``torch`` keeps sentence-transformers.

Opt-in, not the default: on the 2026-12-01 measurement it was 1.91x faster but cost 0.045 theme
NMI and its vectors shift slightly with the other texts of a batch (dynamic activation scales),
so the reference engine stays the default until both are fixed (bench/RESULTS.md)."""
FORMAT = "int8-v1"
"""Part of the file's folder name: a change to how the export is made makes a new file."""
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def available() -> bool:
    """onnxruntime and onnx are installed (they are dependencies; a stripped install may lack them)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("onnxruntime", "onnx"))


def wanted() -> bool:
    return os.environ.get(ENGINE_ENV, "torch").strip().lower() == "onnx"


def model_dir() -> Path:
    """Where derived model files are kept (see the module docstring)."""
    configured = os.environ.get("WORKBENCH_MODEL_DIR")
    if configured:
        return Path(configured).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "workbench" / "models"


@dataclass(frozen=True)
class Layout:
    """What the export needs to know of a sentence-transformers folder."""

    folder: Path
    pooling: str
    """``mean`` or ``cls``."""
    normalise: bool
    max_length: int


def layout(folder: Path) -> Layout | None:
    """The folder's Transformer → Pooling (→ Normalize) pipeline, or None for anything else."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = [str(m["type"]).rsplit(".", 1)[-1] for m in modules]
        if kinds[:2] != ["Transformer", "Pooling"] or any(k != "Normalize" for k in kinds[2:]):
            return None
        pooling_path = folder / str(modules[1]["path"]) / "config.json"
        pooling = json.loads(pooling_path.read_text(encoding="utf-8"))
        config_path = folder / "sentence_bert_config.json"
        config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.is_file() else {}
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v is True]
    mode = (
        {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}.get(modes[0]) if len(modes) == 1 else None
    )
    if mode is None:
        return None
    return Layout(folder, mode, "Normalize" in kinds, int(config.get("max_seq_length") or 512))


def source_digest(folder: Path) -> str:
    """Hash of the weights and tokenizer: the derived file's name, so it is remade when they change."""
    digest = hashlib.sha256(FORMAT.encode())
    for name in ("model.safetensors", "pytorch_model.bin", "tokenizer.json", "config.json"):
        path = folder / name
        if path.is_file():
            digest.update(name.encode())
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def derived_path(folder: Path) -> Path:
    return model_dir() / f"{folder.name[:60]}-{source_digest(folder)}-{FORMAT}" / "model.onnx"


def prepare(spec: Layout, on_step: PrepareFn | None = None) -> Path:
    """The int8 file for ``spec``'s model, exporting it first when it is not there yet."""
    target = derived_path(spec.folder)
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".export-") as tmp:
        work = Path(tmp)
        _step(on_step, "exporting", 0)
        inputs = _export(spec.folder, work / "float.onnx")
        _step(on_step, "optimising", 1)
        _optimise(spec.folder, work / "float.onnx", work / "optimised.onnx")
        _step(on_step, "quantising", 2)
        _quantise(work / "optimised.onnx", work / "model.onnx")
        (work / "inputs.json").write_text(json.dumps(inputs), encoding="utf-8")
        (work / "inputs.json").replace(target.parent / "inputs.json")
        (work / "model.onnx").replace(target)  # last: its presence means the export is complete
        _step(on_step, "ready", 3)
    return target


def _step(on_step: PrepareFn | None, step: str, done: int) -> None:
    if on_step is not None:
        on_step(step, done, 3)


def _export(folder: Path, out: Path) -> list[str]:
    import torch
    from transformers import AutoModel, AutoTokenizer

    model = AutoModel.from_pretrained(str(folder), local_files_only=True, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    sample = tokenizer(["a short text", "a somewhat longer text to export with"], padding=True, return_tensors="pt")
    names = [name for name in INPUTS if name in sample]

    class Hidden(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, *args: Any) -> Any:
            return self.inner(**dict(zip(names, args, strict=True)), return_dict=True).last_hidden_state

    axes = {name: {0: "batch", 1: "sequence"} for name in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Hidden(model), tuple(sample[name] for name in names), str(out), input_names=names,
            output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False,
        )  # fmt: skip
    return names


def _optimise(folder: Path, source: Path, out: Path) -> None:
    """onnxruntime's BERT fusions (attention, layer norm, GELU) where the architecture is BERT-like."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    heads, hidden = config.get("num_attention_heads"), config.get("hidden_size")
    if config.get("model_type") not in {"bert", "roberta", "xlm-roberta", "mpnet"} or not heads or not hidden:
        source.replace(out)
        return
    from onnxruntime.transformers import optimizer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = optimizer.optimize_model(
            str(source), model_type="bert", num_heads=int(heads), hidden_size=int(hidden), opt_level=1
        )
    model.save_model_to_file(str(out))


def _quantise(source: Path, out: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source)).graph
    weights = {tensor.name for tensor in graph.initializer}
    keep_float = [
        node.name
        for node in graph.node
        if node.op_type == "MatMul"
        and (not any(name in weights for name in node.input) or _feed_forward_output(node.name))
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        quantize_dynamic(
            str(source), str(out), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"],
            nodes_to_exclude=keep_float, extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )  # fmt: skip


def _feed_forward_output(name: str) -> bool:
    """The second feed-forward projection of a BERT layer (``layer.N/output/dense``), not attention's."""
    return "/output/dense" in name and "attention" not in name


@dataclass
class OnnxEmbedder:
    """A sentence-transformers model run as int8 ONNX; same ``encode`` contract as the others."""

    model_id: str
    session: Any
    tokenizer: Any
    spec: Layout
    inputs: tuple[str, ...]
    dim: int

    def encode(self, texts: Sequence[str], on_progress: Callable[[int, int], None] | None = None) -> Vectors:
        from workbench.nlp.embed import batched

        return batched(texts, self._batch, self.dim, on_progress)

    def _batch(self, chunk: list[str]) -> Vectors:
        tokens = self.tokenizer(
            chunk, padding=True, truncation=True, max_length=self.spec.max_length, return_tensors="np"
        )
        feed = {name: np.asarray(tokens[name], dtype=np.int64) for name in self.inputs}
        hidden = np.asarray(self.session.run(None, feed)[0], dtype=np.float32)
        if self.spec.pooling == "cls":
            return np.asarray(hidden[:, 0], dtype=np.float32)
        mask = np.asarray(tokens["attention_mask"], dtype=np.float32)[..., None]
        return np.asarray((hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9), dtype=np.float32)


def load(folder: Path, key: str, on_step: PrepareFn | None = None) -> OnnxEmbedder | None:
    """The int8 engine for ``folder``, or None when its layout is not one this engine reproduces."""
    spec = layout(folder)
    if spec is None:
        return None
    import onnxruntime as ort
    from transformers import AutoTokenizer

    try:
        path = prepare(spec, on_step)
    except (OSError, RuntimeError, ValueError) as exc:
        raise InvalidInputError(
            _(
                "Preparing the fast CPU version of the model in {folder_name} failed ({name}). Set "
                "{ENGINE_ENV}=torch to use the model as it is, or check that {model_dir} is writable."
            ).format(folder_name=folder.name, name=type(exc).__name__, ENGINE_ENV=ENGINE_ENV, model_dir=model_dir())
        ) from exc
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = _threads()
    options.log_severity_level = 3
    # Threads that sleep when idle instead of spinning: on a shared machine spinning threads
    # compete with everything else (measured 1.45x against 1.24x the same run, bench/RESULTS.md).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    names = tuple(json.loads((path.parent / "inputs.json").read_text(encoding="utf-8")))
    tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    probe = OnnxEmbedder(key, session, tokenizer, spec, names, 0)
    dim = int(probe._batch(["dimension probe"]).shape[1])
    return OnnxEmbedder(key, session, tokenizer, spec, names, dim)


def _threads() -> int:
    """As many threads as torch would use (the cores this process may run on)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
