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


def test_pipelines_multiply_through_numpy_with_the_same_results() -> None:
    """The models run on numpy's BLAS (faster than thinc's BLIS here) and find what BLIS finds."""
    import spacy

    from workbench.deid.hu_ner import load_model, model_path

    engine = build_analyzer().nlp_engine
    texts = {
        "hu": "Tegnap Kovács Anna a budapesti Nemzeti Múzeumban találkozott Szabó Péterrel, aki Pécsről jött.",
        "en": "Yesterday John Smith met Mary Jones at the British Museum in London, then flew to Paris.",
    }
    for language, ours in (("hu", load_model()), ("en", engine.nlp["en"])):  # type: ignore[attr-defined]
        assert all(not node.ops.use_blis for _, pipe in ours.pipeline if getattr(pipe, "model", None) is not None
                   for node in pipe.model.walk())  # fmt: skip
        stock = spacy.load(model_path() if language == "hu" else ENGLISH_MODEL)
        assert any(node.ops.use_blis for node in stock.pipeline[0][1].model.walk())
        mine, theirs = ours(texts[language]), stock(texts[language])
        assert mine.ents, language
        assert [(e.start_char, e.end_char, e.label_) for e in mine.ents] == [
            (e.start_char, e.end_char, e.label_) for e in theirs.ents
        ]
        assert [t.tag_ for t in mine] == [t.tag_ for t in theirs]


def test_presidio_s_predefined_patterns_compile_on_first_use_not_at_import() -> None:
    """Start-up: the 600-domain URL patterns are not compiled at import; other patterns still validate."""
    code = (
        "import regex\n"
        "compiled = []\n"
        "real = regex.compile\n"
        "regex.compile = lambda p, *a, **k: (compiled.append(len(p)), real(p, *a, **k))[1]\n"
        "import workbench.deid.engine\n"
        "from presidio_analyzer import Pattern\n"
        "from presidio_analyzer.predefined_recognizers import UrlRecognizer\n"
        "at_import = max(compiled, default=0)\n"
        "try:\n"
        "    Pattern('broken', '(unclosed', 0.5)\n"
        "    print('not validated')\n"
        "except ValueError:\n"
        "    pass\n"
        "found = UrlRecognizer().analyze('see www.example.com now', ['URL'])\n"
        "print(at_import < 3000, [r.start for r in found], max(compiled) > 3000)\n"
    )
    assert _fresh(code) == "True [4] True"
