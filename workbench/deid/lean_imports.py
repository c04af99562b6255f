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
    """Put the refuser and the pattern deferrer first on ``sys.meta_path`` (once per process)."""
    if not any(isinstance(finder, OptionalImportRefuser) for finder in sys.meta_path):
        sys.meta_path.insert(0, OptionalImportRefuser())
    if _PATTERN_MODULE not in sys.modules and not any(isinstance(f, PredefinedPatternDeferrer) for f in sys.meta_path):
        sys.meta_path.insert(0, PredefinedPatternDeferrer())


# -- Presidio's predefined patterns compile on first use, not at import -------------------------
#
# ``import presidio_analyzer`` builds every predefined recognizer class, and each ``Pattern`` is
# validated by compiling it (``regex.compile``) there and then: the four URL patterns alone are
# alternations of 600 domains, about 1.5 s of start-up on a busy core, and the workbench never
# runs them (its URL recognizer is ``urls.LinearUrlRecognizer``). Presidio's own class-level
# patterns therefore skip that import-time check; a ``PatternRecognizer`` compiles each pattern
# when it first analyses text (the same ``regex`` module, so an invalid one would fail there).
# Every other ``Pattern`` (the workbench's, anything built at run time) is validated as before.
_PATTERN_MODULE = "presidio_analyzer.pattern"
_PREDEFINED = "presidio_analyzer.predefined_recognizers."


def _defer_predefined_validation(module: ModuleType) -> None:
    pattern = module.Pattern
    validate = pattern._Pattern__validate_regex

    def check(regex: str) -> None:
        caller = sys._getframe(2).f_globals.get("__name__", "")  # the module building the Pattern
        if not str(caller).startswith(_PREDEFINED):
            validate(regex)

    pattern._Pattern__validate_regex = staticmethod(check)


class _PatternLoader(importlib.abc.Loader):
    def __init__(self, inner: importlib.abc.Loader) -> None:
        self._inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self._inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self._inner.exec_module(module)
        _defer_predefined_validation(module)


class PredefinedPatternDeferrer(importlib.abc.MetaPathFinder):
    """Loads ``presidio_analyzer.pattern`` so that Presidio's predefined patterns compile on first use."""

    def find_spec(self, fullname: str, path: Sequence[str] | None = None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:  # fmt: skip
        if fullname != _PATTERN_MODULE:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatternLoader(spec.loader)
        return spec
