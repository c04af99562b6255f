"""What the detector loads: only what a language needs, and never torch or transformers (start-up).

``workbench pii detect --lang hu`` took about 8 s to start, most of it importing torch and
transformers through spaCy's and Presidio's optional imports and loading the English pipeline
for Hungarian text. These tests run in a fresh interpreter where the import state matters.
"""

from __future__ import annotations

import subprocess
import sys

from workbench.deid.engine import ENGLISH_MODEL, Detector, build_analyzer


def _fresh(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    return done.stdout.strip()


def test_detection_imports_neither_torch_nor_transformers() -> None:
    code = (
        "import sys\n"
        "from workbench.deid.engine import shared_detector\n"
        "spans = shared_detector().detect('Kovács Anna Pécsen lakik.', 'hu')\n"
        "assert spans, spans\n"
        "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n"
    )
    assert _fresh(code) == "[]"


def test_torch_still_imports_for_everything_else() -> None:
    """Only spaCy's and Presidio's optional imports are refused; the themes' encoder still gets torch."""
    code = (
        "import workbench.deid.engine\n"
        "import torch\n"
        "from workbench.deid.lean_imports import _refusable\n"
        "print(torch.tensor([2.0]).item(), _refusable('workbench.nlp.embed'), _refusable('thinc.compat'))\n"
    )
    assert _fresh(code) == "2.0 False True"


def test_hungarian_detection_loads_no_english_model_or_recognizers() -> None:
    analyzer = build_analyzer()
    Detector(analyzer).detect("Kovács Anna Pécsen lakik.", "hu")
    assert "en" not in analyzer.nlp_engine.nlp  # type: ignore[attr-defined]
    assert {r.supported_language for r in analyzer.registry.recognizers} == {"hu"}


def test_english_loads_on_first_english_text() -> None:
    analyzer = build_analyzer()
    spans = Detector(analyzer).detect("I met John Smith at 12 High Street.", "en")
    assert analyzer.nlp_engine.nlp["en"].meta["name"] in ENGLISH_MODEL  # type: ignore[attr-defined]
    assert any(s.entity_type == "ADDRESS" for s in spans)


def test_fast_artifacts_match_presidio_s_own() -> None:
    """The array-based NLP artifacts hold what Presidio's ``SpacyNlpEngine`` builds token by token."""
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = build_analyzer().nlp_engine
    for language, text in (("en", "Mr. Smith's flat: 4B, 12 High St."), ("hu", "Kovács Anna Pécsen, a tér 3.")):
        ours = engine.process_text(text, language)
        theirs = SpacyNlpEngine._doc_to_nlp_artifact(engine, ours.tokens, language)  # type: ignore[arg-type]
        assert (ours.lemmas, ours.tokens_indices, ours.keywords) == (theirs.lemmas, theirs.tokens_indices,
                                                                     theirs.keywords)  # fmt: skip
        assert [e.text for e in ours.entities] == [e.text for e in theirs.entities]
