"""Hungarian named entities: a spaCy NER model trained on NerKor, as a Presidio recognizer.

No Hungarian NER model installs from PyPI, so the workbench ships its own:
``models/hu_nerkor`` is a spaCy pipeline (tok2vec + ner) trained on the NerKor gold standard
(NYTK, CC BY-SA 4.0; licence and attribution beside it; ``./dev train-ner`` retrains it). It is
loaded from the package directory, never downloaded, once per process and only when Hungarian
text is first analysed, so ``workbench pii detect`` and the app start without it.

The model's PER, LOC and ORG entities (MISC is not an identifier: titles, events, products) are
widened before they are reported, because a partly masked name still identifies (see
``extend_name_spans``, which the engine also applies to the name-candidate and gazetteer spans).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.lang.hu.stop_words import STOP_WORDS as HU_STOP_WORDS

from workbench.deid.candidates import common_words, is_sentence_initial, known_name_forms
from workbench.deid.inflect import inflected_forms
from workbench.deid.spans import Span

MODEL_NAME = "hu_nerkor"
MODEL_SCORE = 0.85
RECOGNIZER_NAME = "spacy nerkor"
_LABELS = {"PER": "PERSON", "LOC": "LOCATION", "ORG": "ORGANIZATION"}
_CHUNK = 100_000  # characters per model call (spaCy's max_length is 1,000,000; memory grows with it)
MODEL_MARK = "workbench_hu_nerkor"  # ``Doc.user_data`` key: the doc's entities are this model's
_WORD = re.compile(r"[^\W_]+(?:[\-'\u2019][^\W_]+)*")
# Lower-case words that join the capitalized words of one organization or place name
# (*Magyar Tudományos és Művészeti Akadémia*, *Universidad de Granada*, *Ludwig van Beethoven*).
_CONNECTORS = frozenset({"és", "of", "and", "de", "del", "der", "des", "du", "la", "le", "van", "von", "für", "y",
                         "und", "et", "di", "da", "dos", "das"})  # fmt: skip
# Lower-case nouns that end a place or organization name after its capitalized words
# (*Pest vármegyében*, *Erzsébet hídon*, *Kossuth téren*, *Fővárosi Ítélőtábla elnöksége* is not one).
_NAME_NOUNS = (
    "vármegye megye járás kerület utca út útja körút tér tere köz sor fasor sétány rakpart híd hídja sziget "
    "szigetek félsziget hegy hegység tó folyó patak völgy csatorna öböl tenger pályaudvar állomás repülőtér "
    "kikötő park liget erdő puszta tanya dűlő lakótelep negyed telep bizottság hatóság hivatal minisztérium "
    "egyetem főiskola kórház iskola gimnázium intézet alapítvány egyesület társaság párt szövetség zrt kft bt "
    "nyrt rt stúdió kiadó tanács bíróság ügyészség kamara"
)
_MAX_WORDS = 10  # a widened span never grows beyond this many words (headings in capitals)


def model_path() -> Path:
    """The shipped model folder inside the installed package."""
    return Path(str(resources.files("workbench.deid").joinpath(f"models/{MODEL_NAME}")))


@lru_cache(maxsize=1)
def load_model() -> Any:
    """The NerKor pipeline, loaded from the package folder (a path: spaCy never downloads it)."""
    import spacy

    from workbench.deid.blas import use_numpy_blas

    return use_numpy_blas(spacy.load(model_path()))


# Forms ``inflect`` does not generate: *híd* takes back-vowel endings despite its front vowel.
_IRREGULAR = "hídon hídra hídról hídhoz hídnál hídtól hídig hidat hídat hídba hídban hídból hídként"
_MIN_PREFIX_NOUN = 5
_MAX_NOUN_ENDING = 6


@lru_cache(maxsize=1)
def _noun_forms() -> frozenset[str]:
    # The shipped nouns only (no interview words), so caching them is safe.
    forms = {form for noun in _NAME_NOUNS.split() for form in inflected_forms(noun)}
    return frozenset(forms | set(_IRREGULAR.split()))


@lru_cache(maxsize=1)
def _noun_stems() -> tuple[str, ...]:
    """Longer nouns without a final vowel, matched as prefixes (*vármegy-ében*, *sziget-eken*)."""
    nouns = [n for n in _NAME_NOUNS.split() if len(n) >= _MIN_PREFIX_NOUN]
    return tuple(n[:-1] if n[-1] in "aeiou" else n for n in nouns)


def is_name_noun(word: str) -> bool:
    """Whether ``word`` is an inflected lower-case noun that ends a place or organization name."""
    lower = word.casefold()
    if lower in _noun_forms():
        return True
    return any(lower.startswith(stem) and len(lower) - len(stem) <= _MAX_NOUN_ENDING for stem in _noun_stems())


def _chunks(text: str) -> list[tuple[int, str]]:
    """``text`` cut at line breaks into pieces of at most ``_CHUNK`` characters (roughly)."""
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > _CHUNK:
        cut = text.rfind("\n", start, start + _CHUNK)
        cut = cut + 1 if cut > start else start + _CHUNK
        pieces.append((start, text[start:cut]))
        start = cut
    pieces.append((start, text[start:]))
    return pieces


def trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span cut to its words, without Hungarian function words at its edges; None when none is left.

    The model sometimes takes in a sentence opener (*Aztán Kovácsnak*), a postposition (*Trabant
    miatt*) or a trailing *és*. Only spaCy's Hungarian stop words of three letters or more and the
    joiners are cut, never a known name form: content words that are also names (*Isten*, *Nagy*)
    and regnal numerals (*I.* of *I. István*) stay, since recall comes first.
    """
    words = list(_WORD.finditer(text, start, end))
    while words and _function_word(words[0].group()):
        words.pop(0)
    while words and _function_word(words[-1].group()):
        words.pop()
    if not words:
        return None
    return words[0].start(), max(words[-1].end(), end if text[words[-1].end() : end] == "." else 0)


def _function_word(word: str) -> bool:
    lower = word.casefold()
    if word in _CONNECTORS:
        return True
    return len(lower) >= 3 and lower in HU_STOP_WORDS and lower not in known_name_forms()


def single_pass(text: str) -> bool:
    """Whether ``text`` is short enough for one model call (longer texts go through ``_chunks``)."""
    return len(text) <= _CHUNK


def _label(name: str) -> str | None:
    """The Presidio entity of a model label, raw (PER) or as Presidio's NLP engine maps it (PERSON)."""
    return _LABELS.get(name) or (name if name in _PRESIDIO else None)


_PRESIDIO = frozenset(_LABELS.values())


def _trimmed(text: str, ents: Iterable[Any], offset: int = 0) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for ent in ents:
        label = _label(ent.label_)
        kept = trim(text, offset + ent.start_char, offset + ent.end_char) if label else None
        if kept and label:
            found.append((kept[0], kept[1], label))
    return found


def model_entities(text: str) -> list[tuple[int, int, str]]:
    """The model's PER/LOC/ORG entities as (start, end, Presidio entity) character spans, edges trimmed."""
    nlp = load_model()
    found: list[tuple[int, int, str]] = []
    for offset, piece in _chunks(text):
        found += _trimmed(text, nlp(piece).ents, offset)
    return found


def artifact_entities(text: str, nlp_artifacts: NlpArtifacts | None) -> list[tuple[int, int, str]]:
    """The model's entities as ``model_entities`` gives them, read from Presidio's NLP artifacts when
    the engine already ran the model on ``text`` (one pass per text), else from a model call."""
    doc = getattr(nlp_artifacts, "tokens", None)
    if doc is not None and doc.user_data.get(MODEL_MARK) and doc.text == text:
        return _trimmed(text, nlp_artifacts.entities if nlp_artifacts else ())
    return model_entities(text)


class HungarianNerRecognizer(EntityRecognizer):
    """Presidio recognizer over the shipped NerKor model (persons, places, organizations)."""

    def __init__(self, language: str = "hu") -> None:
        super().__init__(supported_entities=list(_LABELS.values()), supported_language=language,
                         name=RECOGNIZER_NAME)  # fmt: skip

    def load(self) -> None:
        return None  # loaded on first use (``load_model``), not when the analyzer is built

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Any]:
        return [
            RecognizerResult(label, start, end, MODEL_SCORE, recognition_metadata={"recognizer_name": RECOGNIZER_NAME})
            for start, end, label in artifact_entities(text, nlp_artifacts)
            if not entities or label in entities
        ]


# -- widening name spans ------------------------------------------------------------------------


def _capitalized(word: str) -> bool:
    return word[0].isupper()


def _joinable(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    return text[left[1] : right[0]] in (" ", "-", "\u00a0")


def _widen(text: str, words: list[tuple[int, int, str]], first: int, last: int, *, joiners: bool,
           nouns: bool) -> tuple[int, int]:  # fmt: skip
    """Word indices of the span after taking in neighbouring capitalized words, joiners and name nouns."""
    common = common_words()

    def name_word(i: int, size: int) -> bool:
        # A sentence opener is capitalized whatever it is. It joins a one-word person's name
        # (*Oluwaseun* of *Oluwaseun Adebayo*) unless it is a common word, but not a longer one
        # (*Láttam* before *Horváth Zsoltot*), and a place or organization only as a known name.
        word = words[i][2]
        if not _capitalized(word) or len(word) == 1 or word.casefold() in common:
            return False
        if not is_sentence_initial(text, words[i][0]) or word.casefold() in known_name_forms():
            return True
        return not joiners and size == 1

    while first > 0 and last - first < _MAX_WORDS and _joinable(text, words[first - 1], words[first]):
        if name_word(first - 1, last - first + 1):
            first -= 1
        elif (joiners and first > 1 and words[first - 1][2] in _CONNECTORS and name_word(first - 2, 2)
              and _joinable(text, words[first - 2], words[first - 1])):  # fmt: skip
            first -= 2
        else:
            break
    while last + 1 < len(words) and last - first < _MAX_WORDS and _joinable(text, words[last], words[last + 1]):
        nxt = words[last + 1][2]
        if _capitalized(nxt) and not is_sentence_initial(text, words[last + 1][0]):
            last += 1
        elif (joiners and last + 2 < len(words) and nxt in _CONNECTORS and _capitalized(words[last + 2][2])
              and _joinable(text, words[last + 1], words[last + 2])):  # fmt: skip
            last += 2
        elif nouns and nxt[0].islower() and is_name_noun(nxt):
            last += 1
            break
        else:
            break
    return first, last


SETTLEMENTS = "settlements"  # the gazetteer recognizer's name (``settlements.SettlementRecognizer``)


def _noun_after(text: str, words: list[tuple[int, int, str]], last: int) -> int:
    if last + 1 < len(words) and _joinable(text, words[last], words[last + 1]):
        nxt = words[last + 1][2]
        if nxt[0].islower() and is_name_noun(nxt):
            return last + 1
    return last


# Types whose spans are widened, and those of them whose names take lower-case joiners.
WIDENED = frozenset({"PERSON", "NAME", "PLACE", "CITY", "ORGANIZATION", "INSTITUTION"})
_JOINED = frozenset({"PLACE", "CITY", "ORGANIZATION", "INSTITUTION"})


def extend_name_spans(text: str, spans: list[Span]) -> list[Span]:
    """Name spans widened to whole names: the capitalized run they sit in, and a trailing name noun.

    A model or a candidate often catches part of a name: *Zsolt* of *Horváth Zsolt* at a sentence
    start, *Nemzeti Bank* of *Magyar Nemzeti Bank*, *Erzsébet* of *Erzsébet hídon*. Each such span
    grows over adjacent capitalized words (a common word opening a sentence excepted), over
    ``és``/``of``/``de``… between capitalized words for places and organizations, and over one
    following lower-case name noun in any inflection (*vármegyében*, *hídon*, *szigeteken*).
    """
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
    if not words:
        return spans
    starts = [w[0] for w in words]
    out: list[Span] = []
    for span in spans:
        if span.entity_type not in WIDENED or span.recognizer == "known":
            out.append(span)
            continue
        first = max(0, bisect.bisect_right(starts, span.start) - 1)
        if words[first][1] <= span.start and first + 1 < len(words):
            first += 1
        last = max(first, bisect.bisect_left(starts, span.end) - 1)
        if not (words[first][0] < span.end and span.start < words[last][1]):
            out.append(span)
            continue
        # A person's name takes no name noun (*Zsolt iskolába ment*); a place, an institution or an
        # untyped candidate does (*Erzsébet hídon*).
        kind = span.entity_type
        if span.recognizer == SETTLEMENTS:
            # A Hungarian settlement's name is one word: the capitalized words around it are not part
            # of it (*Kovács Anna Pécsen*, *Pécsi Anna*); only a following name noun is (*Pest megyében*).
            last = _noun_after(text, words, last)
        else:
            first, last = _widen(text, words, first, last, joiners=kind in _JOINED, nouns=kind != "PERSON")
        out.append(Span(min(span.start, words[first][0]), max(span.end, words[last][1]), span.entity_type,
                        span.score, span.recognizer, span.term_key))  # fmt: skip
    return out


# -- a person, then a town ----------------------------------------------------------------------


def _settlement_boundaries(text: str, spans: list[Span]) -> list[tuple[int, int]]:
    """Gazetteer settlements that open a word after a space and are not place adjectives.

    A place adjective (*szegedi*, *Pécsi*) is often a surname (*Kovács Pécsi Anna*), so a name
    is not cut there; a listed town in its base or case-inflected form (*Pécs*, *Pécsen*,
    *Debrecenből*) never continues a person's or an organization's name in Hungarian.
    """
    return [
        (s.start, s.end)
        for s in spans
        if s.recognizer == SETTLEMENTS and s.start > 0 and text[s.start - 1] == " "
        and not text[s.start : s.end].casefold().endswith("i")
    ]  # fmt: skip


def split_at_settlements(text: str, spans: list[Span]) -> list[Span]:
    """Name spans cut where a listed settlement follows other words: *Kovács Anna Pécsen* is two spans.

    The model, the name candidates and the widening all take a run of capitalized words as one
    name, so a person followed by an inflected town (*Kovács Anna Pécsen lakik*) came out as one
    span, and the overlap resolution then gave it one type. Hungarian settlement names are single
    (possibly hyphenated) words, so a span that reaches over a gazetteer settlement from words
    before it is cut there: the words before keep the span's type, the town is the gazetteer's
    own span (CITY), and any words after it form a span of their own. A town inside the model's
    person or organization name is dropped instead (``_without_inner_settlements``).
    """
    cuts = _settlement_boundaries(text, spans)
    out: list[Span] = []
    for span in spans:
        pieces = [span]
        if span.entity_type in WIDENED and span.recognizer not in ("known", SETTLEMENTS):
            for start, end in cuts:
                pieces = [p for piece in pieces for p in _cut(text, piece, start, end)]
        out += pieces
    return _without_inner_settlements(out)


def _without_inner_settlements(spans: list[Span]) -> list[Span]:
    """Drop a gazetteer town lying strictly inside the model's person or organization name.

    *Pécsi* of *Pécsi Anna* (a surname) or *Budapesti* of *Budapesti Corvinus Egyetem*: the longer
    span covers every character already, and the town would otherwise give it its type (the
    overlap resolution ranks patterns above the model).
    """
    outer = [s for s in spans if s.recognizer == RECOGNIZER_NAME and s.entity_type in ("PERSON", "ORGANIZATION")]
    return [
        s for s in spans
        if s.recognizer != SETTLEMENTS
        or not any(o.start <= s.start and s.end <= o.end and o.length > s.length for o in outer)
    ]  # fmt: skip


def _cut(text: str, span: Span, start: int, end: int) -> list[Span]:
    """``span`` without the settlement at ``start``..``end`` when it reaches over it from words before."""
    if not (span.start < start < span.end):
        return [span]
    pieces = [Span(span.start, len(text[span.start : start].rstrip()) + span.start, span.entity_type, span.score,
                   span.recognizer, span.term_key)]  # fmt: skip
    after = next((m for m in _WORD.finditer(text, end, span.end)), None)
    if after is not None and span.end > end:
        pieces.append(Span(after.start(), span.end, span.entity_type, span.score, span.recognizer, span.term_key))
    return [p for p in pieces if p.end > p.start]
