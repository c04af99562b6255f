"""Hungarian de-identification on NerKor devel, text nobody here wrote (issue 14).

NerKor (NYTK, CC BY-SA 4.0) is the public Hungarian named-entity gold standard; its devel split
(five genres: fiction, legal, news, web, wikipedia) lies in ``shared/datasets/nerkor`` (or
``$NERKOR_DIR``). The shipped NER model was selected on this split, so its figures here are
devel figures, not a held-out test; the rest of the detector was not tuned on it beyond the
goal check. Sentences are rebuilt as text (``training.nerkor.text_and_offsets``) and joined ten
at a time, in corpus order within a genre, into passages (an interview answer's length), then run
through:

- **workbench**: ``Detector(build_analyzer()).detect(text, "hu")``, exactly what
  ``workbench pii detect --lang hu`` runs (the NerKor model, patterns, gazetteer, name
  candidates, name widening), with no project known entities;
- **Presidio default, NerKor pipeline** (the fair peer, since 2026-12-01): Presidio's default
  recognizers with the same spaCy pipeline as its NLP engine, as ``bench.deid_bench`` defines the
  peer for English: Presidio's own ``SpacyNlpEngine`` given the shipped ``hu_nerkor`` model folder
  for ``hu``, Presidio's default label mapping (PER, LOC, ORG to PERSON, LOCATION, ORGANIZATION)
  with MISC in ``labels_to_ignore``, and the offline e-mail recognizer;
- **Presidio default, blank pipeline**: the peer exactly as ``bench.deid_bench`` builds it (its
  default recognizers, a blank ``hu`` spaCy pipeline: no NER, so it finds no names);
- **capitalised words**: every capitalised word that does not open a sentence, nothing else.

Scoring is by NerKor token (tokens with a letter or digit). A token is an identifier when tagged
PER, LOC or ORG, and detected when any of its characters lies in a predicted span (types are
ignored: "any label"). MISC tokens (works, events, products, nationalities in capitals) are
**excluded from both counts**: neither a miss nor a false alarm, since masking them is
defensible and leaving them is too. Recall is per gold type; precision is per predicted
category (PER: PERSON; LOC: PLACE, CITY, ADDRESS; ORG: ORGANIZATION, INSTITUTION; NAME: the
untyped name candidates; OTHER: dates, ids, ...), counting a detected token as correct when it is
an identifier of any type. Dates, ages and ids are identifiers NerKor does not annotate, so each
of them counts against P; P(names) counts name detections only. The NER model's own
entity-level P/R/F (spaCy's scorer, exact span and label, gold tokenization, sentence by
sentence) is reported per genre and type. Speed is words (whitespace-separated) per second,
median of ``--runs`` timed passes over the first ``--speed-passages`` passages of every genre,
the systems alternating after one untimed warm-up pass each, pinned to one core. The workbench
is timed as ``workbench pii detect`` runs it (``Detector.detect_many``: the model batched with
``nlp.pipe``; the same spans as ``detect``, which the scoring uses); the NerKor peer is timed both
with Presidio's default ``analyze`` per text and with its ``BatchAnalyzerEngine`` (same batch size).

Run alone: ``.venv/bin/python -m bench.deid_nerkor [--runs 3] [--speed-passages 20]``;
``python -m bench`` runs it after ``bench.deid_bench``; ``report()`` returns the lines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from presidio_analyzer import AnalyzerEngine, BatchAnalyzerEngine
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine

from bench.deid_bench import PASSAGE, _pin_to_one_core, presidio_default, presidio_detect
from training.nerkor import GENRES, TYPES, Sentence, default_source, read_split, text_and_offsets
from workbench.deid.candidates import is_sentence_initial
from workbench.deid.engine import BATCH_SIZE, ENGLISH_MODEL, LANGUAGES, Detector, build_analyzer
from workbench.deid.hu_ner import model_path
from workbench.deid.metrics import Labelled, ratio
from workbench.deid.recognizers import OfflineEmailRecognizer

OURS, PEER, PRESIDIO, CAPS = "workbench", "Presidio (NerKor)", "Presidio (blank)", "capitalised words"
PEER_BATCH = "Presidio (NerKor, batched)"
TIMED = (OURS, PEER, PEER_BATCH, PRESIDIO)
RECALL_GOAL, PRECISION_GOAL = 0.95, 0.5
CATEGORY = {"PERSON": "PER", "PLACE": "LOC", "CITY": "LOC", "ADDRESS": "LOC", "LOCATION": "LOC",
            "ORGANIZATION": "ORG", "INSTITUTION": "ORG", "NAME": "NAME"}  # fmt: skip
PREDICTED = ("PER", "LOC", "ORG", "NAME", "OTHER")
NAME_CATEGORIES = ("PER", "LOC", "ORG", "NAME")

Detect = Callable[[str], list[Labelled]]
DetectAll = Callable[[Sequence[str]], object]  # many texts at once (the timed passes)


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    gold: str  # PER, LOC, ORG, MISC or O


@dataclass(frozen=True)
class Passage:
    genre: str
    text: str
    tokens: tuple[Token, ...]

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class TokenScore:
    """Token counts: identifiers per gold type (found or not), detections per predicted category."""

    gold: dict[str, int] = field(default_factory=dict)
    found: dict[str, int] = field(default_factory=dict)
    predicted: dict[str, int] = field(default_factory=dict)
    correct: dict[str, int] = field(default_factory=dict)
    misc_detected: int = 0
    misc: int = 0

    def recall(self, kind: str | None = None) -> float:
        keys = [kind] if kind else list(TYPES)
        return ratio(sum(self.found.get(k, 0) for k in keys), sum(self.gold.get(k, 0) for k in keys))

    def precision(self, category: str | None = None) -> float:
        keys = [category] if category else list(PREDICTED)
        return ratio(sum(self.correct.get(k, 0) for k in keys), sum(self.predicted.get(k, 0) for k in keys))

    def merge(self, other: TokenScore) -> None:
        for mine, theirs in ((self.gold, other.gold), (self.found, other.found), (self.predicted, other.predicted),
                             (self.correct, other.correct)):  # fmt: skip
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value
        self.misc += other.misc
        self.misc_detected += other.misc_detected

    def name_precision(self) -> float:
        """Precision over name detections only (dates, ids, ages: identifiers NerKor does not annotate)."""
        keys = NAME_CATEGORIES
        return ratio(sum(self.correct.get(k, 0) for k in keys), sum(self.predicted.get(k, 0) for k in keys))

    def add(self, token: Token, category: str | None) -> None:
        if token.gold == "MISC":
            self.misc += 1
            self.misc_detected += category is not None
            return
        if token.gold in TYPES:
            self.gold[token.gold] = self.gold.get(token.gold, 0) + 1
            self.found[token.gold] = self.found.get(token.gold, 0) + (category is not None)
        if category is not None:
            self.predicted[category] = self.predicted.get(category, 0) + 1
            self.correct[category] = self.correct.get(category, 0) + (token.gold in TYPES)


def _tag_type(tag: str) -> str:
    return "O" if tag == "O" else tag[2:]


def passages(sentences: Sequence[Sentence]) -> list[Passage]:
    """Consecutive sentences of one genre, ``PASSAGE`` at a time, with their scored tokens."""
    result: list[Passage] = []
    for first in range(0, len(sentences), PASSAGE):
        group = sentences[first : first + PASSAGE]
        parts: list[str] = []
        tokens: list[Token] = []
        offset = 0
        for sentence in group:
            text, offsets = text_and_offsets(sentence)
            for (start, end), word, tag in zip(offsets, sentence.tokens, sentence.tags, strict=True):
                if any(c.isalnum() for c in word):
                    tokens.append(Token(offset + start, offset + end, _tag_type(tag)))
            parts.append(text)
            offset += len(text) + 1
        result.append(Passage(group[0].genre, " ".join(parts), tuple(tokens)))
    return result


def score(detect: Detect, batch: Sequence[Passage], result: TokenScore) -> None:
    for passage in batch:
        spans = sorted(detect(passage.text), key=lambda s: s.start)
        for token in passage.tokens:
            hit = next((s for s in spans if s.start < token.end and token.start < s.end), None)
            result.add(token, None if hit is None else CATEGORY.get(hit.type, "OTHER"))


def capitalised_words(text: str) -> list[Labelled]:
    """The heuristic: each capitalised word that does not open a sentence."""
    import re

    return [Labelled(m.start(), m.end(), "NAME") for m in re.finditer(r"\w+", text)
            if m.group()[0].isupper() and not is_sentence_initial(text, m.start())]  # fmt: skip


def presidio_nerkor() -> AnalyzerEngine:
    """Presidio's defaults on the same pipeline as ours: its ``SpacyNlpEngine`` given the NerKor model folder.

    The default label mapping already takes PER, LOC and ORG to PERSON, LOCATION and
    ORGANIZATION; MISC is ignored (otherwise Presidio keeps it under its own name and logs a
    warning per entity). The e-mail recognizer is swapped for the offline one, as in ``bench.deid_bench``.
    """
    engine = SpacyNlpEngine(
        models=[{"lang_code": "en", "model_name": ENGLISH_MODEL}, {"lang_code": "hu", "model_name": str(model_path())}],
        ner_model_configuration=NerModelConfiguration(labels_to_ignore=["MISC"]),
    )
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=list(LANGUAGES))
    for language in LANGUAGES:
        analyzer.registry.remove_recognizer("EmailRecognizer", language=language)
        analyzer.registry.add_recognizer(OfflineEmailRecognizer(supported_language=language))
    return analyzer


def systems() -> tuple[dict[str, Detect], dict[str, DetectAll]]:
    """Each system text by text (scored), and as timed: the workbench as ``workbench pii detect`` runs
    it (``detect_many``, the model batched), the NerKor peer both ways (``analyze`` per text, its
    default, and ``BatchAnalyzerEngine``, its own batching with the same batch size)."""
    detector = Detector(build_analyzer())
    nerkor = presidio_nerkor()
    peer = presidio_detect(nerkor)
    presidio = presidio_detect(presidio_default())
    batch_peer = BatchAnalyzerEngine(nerkor)
    scored: dict[str, Detect] = {
        OURS: lambda text: [Labelled(s.start, s.end, s.entity_type) for s in detector.detect(text, "hu")],
        PEER: lambda text: peer(text, "hu"),
        PRESIDIO: lambda text: presidio(text, "hu"),
        CAPS: capitalised_words,
    }
    timed_as: dict[str, DetectAll] = {
        OURS: lambda texts: list(detector.detect_many(texts, "hu")),
        PEER: lambda texts: [peer(text, "hu") for text in texts],
        PEER_BATCH: lambda texts: batch_peer.analyze_iterator(list(texts), "hu", batch_size=BATCH_SIZE),
        PRESIDIO: lambda texts: [presidio(text, "hu") for text in texts],
    }
    return scored, timed_as


def model_scores(by_genre: dict[str, list[Sentence]]) -> dict[str, dict[str, tuple[float, float, float]]]:
    """The NER model's entity-level (P, R, F) per genre (and ``all``), per type and ``ALL``."""
    from spacy.tokens import Doc
    from spacy.training import Example

    from training.nerkor import spaces, to_doc
    from workbench.deid.hu_ner import load_model

    nlp = load_model()
    out: dict[str, dict[str, tuple[float, float, float]]] = {}
    groups = {**by_genre, "all": [s for genre in GENRES for s in by_genre[genre]]}
    for name, sentences in groups.items():
        examples = [Example(Doc(nlp.vocab, words=list(s.tokens), spaces=spaces(s.tokens)), to_doc(nlp, s))
                    for s in sentences]  # fmt: skip
        scores = nlp.evaluate(examples)
        per_type = scores.get("ents_per_type") or {}
        row = {t: (v["p"], v["r"], v["f"]) for t, v in per_type.items()}
        row["ALL"] = (scores["ents_p"], scores["ents_r"], scores["ents_f"])
        out[name] = row
    return out


def timed(detect: DetectAll, batch: Sequence[Passage]) -> float:
    texts = [passage.text for passage in batch]
    start = time.perf_counter()
    detect(texts)
    return time.perf_counter() - start


@dataclass
class Results:
    tokens: dict[str, dict[str, TokenScore]]  # genre (and "all") -> system -> scores
    model: dict[str, dict[str, tuple[float, float, float]]]
    speed: dict[str, float]  # system -> words per second
    sentences: int
    speed_words: int


def run(source: Path, runs: int, speed_passages: int) -> Results:
    by_genre = {genre: read_split(source, "devel", (genre,)) for genre in GENRES}
    batches = {genre: passages(sentences) for genre, sentences in by_genre.items()}
    detectors, timed_as = systems()
    tokens: dict[str, dict[str, TokenScore]] = {"all": {name: TokenScore() for name in detectors}}
    for genre, batch in batches.items():
        tokens[genre] = {}
        for name, detect in detectors.items():
            tokens[genre][name] = TokenScore()
            score(detect, batch, tokens[genre][name])
            tokens["all"][name].merge(tokens[genre][name])
    sample = [p for genre in GENRES for p in batches[genre][:speed_passages]]
    seconds: dict[str, list[float]] = {name: [] for name in TIMED}
    for name in TIMED:
        timed(timed_as[name], sample[:PASSAGE])  # warm-up: first-call pattern compilation, lazy loads
    for _ in range(runs):
        for name, values in seconds.items():
            values.append(timed(timed_as[name], sample))
    words = sum(p.words for p in sample)
    speed = {name: words / statistics.median(values) for name, values in seconds.items()}
    return Results(tokens, model_scores(by_genre), speed, sum(len(s) for s in by_genre.values()), words)


# -- report -------------------------------------------------------------------------------------


def _cell(s: TokenScore, category: str) -> str:
    return f"{s.precision(category):5.2f}" if s.predicted.get(category) else "    -"


def _row(label: str, s: TokenScore) -> str:
    recalls = " ".join(f"{s.recall(t):5.2f}" for t in TYPES)
    precisions = " ".join(_cell(s, c) for c in NAME_CATEGORIES)
    names = f"{s.name_precision():5.3f}" if any(s.predicted.get(c) for c in NAME_CATEGORIES) else "    -"
    return (f"  {label:<18} R {s.recall():5.3f} P {s.precision():5.3f} P(names) {names} | "
            f"R {recalls} | P {precisions}")  # fmt: skip


def lines(results: Results) -> list[str]:
    out = [
        f"== NerKor devel (Hungarian): {results.sentences:,} sentences in passages of {PASSAGE}; token level, "
        "any label, MISC tokens excluded",
        f"  {'system':<18} {'all':>15} | R {'  PER   LOC   ORG':<17} | P {'  PER   LOC   ORG  NAME'}",
    ]
    for genre in ("all", *GENRES):
        scores = results.tokens[genre]
        first = next(iter(scores.values()))
        out.append(f"-- {genre}: {sum(first.gold.values()):,} identifier tokens "
                   f"({', '.join(f'{t} {first.gold.get(t, 0):,}' for t in TYPES)}), {first.misc:,} MISC")  # fmt: skip
        out += [_row(name, s) for name, s in scores.items()]
    out.append("NER model alone, entity level (exact span and type), P/R/F:")
    out.append(f"  {'genre':<10}" + "".join(f"{t:>18}" for t in (*TYPES, "MISC", "ALL")))
    for genre in ("all", *GENRES):
        row = results.model[genre]
        cells = "".join("    {:.2f} {:.2f} {:.2f}".format(*row.get(t, (0.0,) * 3)) for t in (*TYPES, "MISC", "ALL"))
        out.append(f"  {genre:<10}{cells}")
    ours = results.speed[OURS]
    peers = " | ".join(f"{name} {results.speed[name]:,.0f} ({ours / results.speed[name]:.2f}x)" for name in TIMED[1:])
    out.append(f"words/s (median of runs, {results.speed_words:,} words): workbench {ours:,.0f} | {peers}")
    total = results.tokens["all"][OURS]
    met = total.recall() >= RECALL_GOAL and total.precision() >= PRECISION_GOAL
    out.append(
        f"goal (issue 14): token recall >= {RECALL_GOAL} at precision >= {PRECISION_GOAL}: "
        f"{'met' if met else 'NOT met'} (R {total.recall():.3f}, P {total.precision():.3f})"
    )
    return out


def report(runs: int = 3, speed_passages: int = 20, source: Path | None = None) -> list[str]:
    """The NerKor section's lines (one line saying why, when the corpus is absent)."""
    folder = source or default_source()
    if not (folder / "devel-news.tsv").is_file():
        return [f"NerKor devel not found in {folder} (set NERKOR_DIR): Hungarian NerKor benchmark skipped"]
    return lines(run(folder, runs, speed_passages))


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.deid_nerkor", description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed passes (the median is reported)")
    parser.add_argument("--speed-passages", type=int, default=20, help="passages per genre in the timed sample")
    parser.add_argument("--source", type=Path, default=None, help="NerKor folder (default $NERKOR_DIR or shared/)")
    args = parser.parse_args(list(argv))
    pinned = _pin_to_one_core()
    print(f"NerKor de-identification benchmark ({pinned})")
    print("\n".join(report(args.runs, args.speed_passages, args.source)))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
