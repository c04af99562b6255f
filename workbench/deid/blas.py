"""Matrix products for the spaCy pipelines through numpy's BLAS instead of thinc's bundled BLIS.

thinc's CPU ops multiply with the ``blis`` package; numpy ships OpenBLAS. On this machine's
AVX2 cores a (1,400 x 384) by (384 x 384) product took 91 ms in BLIS and 26 ms in OpenBLAS
(one thread each), and the NerKor model's pass over 100 devel passages took about 1.45 times
less with OpenBLAS, with the same entities (``tests/deid/test_engine.py``). thinc's own
``NumpyOps(use_blis=False)`` does exactly this (its base ``Ops.gemm`` is ``numpy.dot``); the
pipelines are switched to it after loading, since spaCy builds them with thinc's current ops.
"""

from __future__ import annotations

from typing import Any

from thinc.api import NumpyOps

_OPS = NumpyOps(use_blis=False)


def use_numpy_blas(nlp: Any) -> Any:
    """``nlp`` with every layer of every trainable pipe on numpy's matrix product; returns ``nlp``."""
    for _, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None or not hasattr(model, "walk"):
            continue
        for node in model.walk():
            node.ops = _OPS
    return nlp
