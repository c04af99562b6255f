"""Keep spaCy and Presidio from importing torch and transformers, which de-identification never uses.

``import spacy`` reaches ``thinc.compat``, which tries ``import torch`` (about 1.3 s) to offer
PyTorch-wrapped layers. ``import presidio_analyzer`` reaches its Hugging Face token pipe and NER
recognizer, which try ``from transformers import pipeline`` (about 3 s more: transformers pulls in
much of torch), and its device detector, which tries ``import torch`` to look for a GPU. Every one
of these imports is optional there (wrapped in ``try … except ImportError``), and neither the
shipped NerKor model nor the English pipeline needs them (tok2vec and CNN layers on thinc's NumPy
ops; no transformer engine is configured; detection runs on the CPU, as on every machine this
product targets). Refusing exactly those imports took the import of ``workbench.deid.engine``
from about 4.5 s to 0.8 s (``python -X importtime``; bench/RESULTS.md).

The refusal is narrow: it applies only while torch or transformers is not yet imported and only
to an import statement in one of the ``OPTIONAL_IMPORTERS``. Anything else that imports torch
(the themes' sentence encoder) gets it as usual, before or after; those modules then simply run
without their optional torch/transformers support in this process.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

REFUSED = frozenset({"torch", "transformers"})
# thinc's optional PyTorch support, and Presidio's optional engines and recognizers (Hugging Face,
# GLiNER, its GPU device detector): every such import there sits in ``try … except ImportError``.
OPTIONAL_IMPORTERS = ("thinc.compat", "presidio_analyzer.")


def _importer() -> str | None:
    """The module whose import statement is being served (the first frame outside importlib)."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not (name.startswith("importlib") or name == __name__):
            return str(name)
        frame = frame.f_back  # type: ignore[assignment]
    return None


def _refusable(importer: str | None) -> bool:
    return importer is not None and any(importer == m or (m.endswith(".") and importer.startswith(m))
                                        for m in OPTIONAL_IMPORTERS)  # fmt: skip


class OptionalImportRefuser(importlib.abc.MetaPathFinder):
    """Answers ``ModuleNotFoundError`` to the optional torch/transformers imports of spaCy and Presidio."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:  # fmt: skip
        if fullname.partition(".")[0] in REFUSED and _refusable(_importer()):
            raise ModuleNotFoundError(f"{fullname} is not used by de-identification", name=fullname)
        return None


def install() -> None:
    """Put the refuser first on ``sys.meta_path`` (once per process)."""
    if not any(isinstance(finder, OptionalImportRefuser) for finder in sys.meta_path):
        sys.meta_path.insert(0, OptionalImportRefuser())
