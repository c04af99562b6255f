"""Which language texts are in, and whether an embedding model covers it.

Detection uses ``py3langid`` 0.4.0 (BSD-3-Clause): a naive Bayes model over byte n-grams for 97
languages, shipped inside the wheel (4.5 MB), numpy only, nothing fetched at run time. Chosen over
lingua-language-detector (more accurate on single words, but its models for all languages weigh
hundreds of megabytes) and fasttext-langdetect (downloads its model on first use, which the
offline rule forbids).

A corpus's languages are the shares of its letters per detected language, so a few short,
misread turns ("Igen." classified as German) weigh little. Texts with fewer than
``MIN_LETTERS`` letters are not classified at all: n-gram statistics of a word or two are noise.

Model choice (``pick_model``): the English-only model is picked only when English holds at least
``ENGLISH_ONLY_SHARE`` of the letters; otherwise the multilingual one. A wrong English-only choice
for Hungarian text gives themes close to noise (bench/RESULTS.md); the multilingual model on
English text costs a little quality, not the meaning.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

UNKNOWN = "und"
MIN_LETTERS = 20
ENGLISH_ONLY_SHARE = 0.9
MULTILINGUAL = "multilingual"
"""Coverage of a model trained on about a hundred languages (XLM-R's); treated as covering all."""

NAMES = {"hu": "Hungarian", "en": "English", "de": "German", "ro": "Romanian", "sk": "Slovak", "sr": "Serbian",
         "hr": "Croatian", "uk": "Ukrainian", "ru": "Russian", "fr": "French", "es": "Spanish", "it": "Italian",
         "pl": "Polish", "cs": "Czech", UNKNOWN: "undetermined"}  # fmt: skip

_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
_identifier: dict[str, Any] = {}
_lock = threading.Lock()


def name(code: str) -> str:
    return NAMES.get(code, code)


def _model() -> Any:
    """The identifier, loaded once per process (it is the shipped model, not user data)."""
    with _lock:
        if "model" not in _identifier:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            _identifier["model"] = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=False)
    return _identifier["model"]


def letters(text: str) -> int:
    return len(_LETTER.findall(text))


def detect(text: str) -> str:
    """ISO 639-1 code of ``text``'s language, or ``und`` when it is too short to tell."""
    if letters(text) < MIN_LETTERS:
        return UNKNOWN
    code, _score = _model().classify(text)
    return str(code)


def detect_all(texts: Sequence[str]) -> list[str]:
    return [detect(t) for t in texts]


def shares(texts: Sequence[str], languages: Sequence[str] | None = None) -> dict[str, float]:
    """Share of the letters per language (``und`` left out), largest first; ``{}`` when none is known."""
    languages = detect_all(texts) if languages is None else languages
    weights: Counter[str] = Counter()
    for text, code in zip(texts, languages, strict=True):
        if code != UNKNOWN:
            weights[code] += letters(text)
    total = sum(weights.values())
    return {code: round(count / total, 4) for code, count in weights.most_common()} if total else {}


def dominant(found: dict[str, float], default: str = UNKNOWN) -> str:
    return next(iter(found), default)


def fill_unknown(languages: Sequence[str], fallback: str) -> list[str]:
    """Per-text languages with ``und`` replaced by ``fallback`` (the corpus's dominant language)."""
    return [fallback if code == UNKNOWN else code for code in languages]


# -- which model covers which language ----------------------------------------------------------

Coverage = frozenset[str] | str
"""The ISO codes a model was trained on, or ``MULTILINGUAL``; ``""`` when nobody said."""


def folder_coverage(folder: Path) -> Coverage:
    """What a model folder says it covers: ``workbench-model.json`` first, else its model card.

    ``workbench-model.json`` is ``{"languages": ["hu", "en"]}`` (or ``"multilingual"``), written by
    the centre that installs the model. Otherwise the ``language:`` list of the front matter of the
    model card (``README.md``), which Hugging Face model folders carry.
    """
    declared = folder / "workbench-model.json"
    if declared.is_file():
        try:
            value = json.loads(declared.read_text(encoding="utf-8")).get("languages", "")
        except (ValueError, AttributeError, OSError):
            return ""
        return _coverage(value)
    card = folder / "README.md"
    if card.is_file():
        try:
            return _coverage(_card_languages(card.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            return ""
    return ""


def _coverage(value: object) -> Coverage:
    if value == MULTILINGUAL or (isinstance(value, list) and MULTILINGUAL in value):
        return MULTILINGUAL
    if isinstance(value, str) and value:
        value = [value]
    if isinstance(value, list):
        codes = frozenset(str(v).strip().lower()[:3] for v in value if str(v).strip())
        return MULTILINGUAL if len(codes) >= 20 else codes  # a card listing dozens: a multilingual model
    return ""


def _card_languages(text: str) -> list[str] | str:
    """The ``language:`` entry of a model card's YAML front matter (a list, an inline list or one code)."""
    if not text.startswith("---"):
        return ""
    front = text[3:].split("\n---", 1)[0].splitlines()
    for index, line in enumerate(front):
        if not line.startswith("language:"):
            continue
        rest = line.split(":", 1)[1].strip()
        if rest.startswith("["):
            return [v.strip(" '\"") for v in rest.strip("[]").split(",") if v.strip()]
        if rest:
            return rest.strip("'\"")
        items = []
        for item in front[index + 1 :]:
            if not item.lstrip().startswith("-"):
                break
            items.append(item.strip().lstrip("-").strip().strip("'\""))
        return items
    return ""


def covers(coverage: Coverage, code: str) -> bool | None:
    """Whether a model with ``coverage`` was trained on ``code``; ``None`` when unknown."""
    if code == UNKNOWN:
        return True
    if coverage == MULTILINGUAL:
        return True
    if isinstance(coverage, frozenset):
        return code in coverage
    return None
