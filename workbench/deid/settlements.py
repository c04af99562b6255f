"""A gazetteer of Hungarian settlements, found in every inflected form, sentence start included.

The capitalized-word candidate detector cannot tell a town opening a sentence (*Szolnoktól nem
messze…*) from any other sentence opener, and no Hungarian NER model installs from PyPI, so
towns are looked up by name: the shipped list ``data/settlements_hu.txt`` plus the towns of
``data/towns_hu.yaml``, matched through ``terms.TermMatcher`` (so *Szolnoktól*, *Egerben*,
*szegedi* are found). A settlement named like an ordinary word (*Baja* "trouble", *Hatvan*
"sixty", *Pápa* "pope": listed in ``data/common_words.txt``) counts only when capitalized inside a
sentence, where capitalization is evidence of a name.

Most of Hungary's ~3,150 settlements are not in the list. Many are compounds ending in a naming
element (*-háza*, *-falva*, *-vár*, *-egyháza*, *-szentmiklós* …), so a capitalized word built as
something + element + an inflection is proposed too, with a low score for review. Both run on
Hungarian text only.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from workbench.deid.candidates import common_words, is_sentence_initial
from workbench.deid.generalize import town_table
from workbench.deid.inflect import inflected_forms
from workbench.deid.terms import Term, TermMatcher

ENTITY = "HU_SETTLEMENT"
LISTED_SCORE = 0.6
SHAPE_SCORE = 0.35
# Settlement-name elements (Hajdúszoboszló aside, most compound village names end in one).
_ELEMENTS = (
    "szentmiklós|szentgyörgy|szentmárton|szentpéter|keresztúr|egerszeg|egyháza|földvár|szállás|berény|németi|"
    "falva|halas|bánya|várad|város|apáti|kőrös|halom|füred|telek|háza|hida|vára|falu|vár"
)
# A final -a lengthens before a suffix (Györgyfalva -> Györgyfalvától): match both.
_ELEMENT = re.compile("(?=(" + "|".join(e[:-1] + "[aá]" if e.endswith("a") else e for e in _ELEMENTS.split("|")) + "))")
_WORD = re.compile(r"\b[A-ZÁÉÍÓÖŐÚÜŰ][a-záéíóöőúüű]{4,}\b")
_MIN_PREFIX = 3


def _lines(name: str) -> list[str]:
    text = resources.files("workbench.deid").joinpath(f"data/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def settlement_names() -> tuple[str, ...]:
    """The shipped settlements, the generalization table's towns included."""
    names = {name.casefold(): name for name in _lines("settlements_hu.txt")}
    names.update({town: town.title() for town in town_table() if town not in names})
    return tuple(sorted(names.values(), key=str.casefold))


@lru_cache(maxsize=1)
def _matcher() -> TermMatcher:
    return TermMatcher(Term(name, name, ENTITY) for name in settlement_names())


def _ambiguous(name: str) -> bool:
    return name.casefold() in common_words()


def listed_settlements(text: str) -> list[tuple[int, int]]:
    """Shipped settlement names in any inflection; common-word names only capitalized mid-sentence."""
    found = []
    for match in _matcher().find(text):
        if _ambiguous(match.term.text) and (not text[match.start].isupper() or is_sentence_initial(text, match.start)):
            continue
        found.append((match.start, match.end))
    return found


def _settlement_shaped(word: str) -> bool:
    lower = word.casefold()
    if lower in common_words():
        return False
    for element in _ELEMENT.finditer(lower, _MIN_PREFIX):
        end = element.start() + len(element.group(1))
        stem = lower[:end] if lower[end - 1] != "á" else lower[: end - 1] + "a"
        if stem not in common_words() and (stem == lower or lower in inflected_forms(stem)):
            return True
    return False


def settlement_shapes(text: str) -> list[tuple[int, int]]:
    """Capitalized words shaped like a compound settlement name plus an inflection (*Kisfaludházán*)."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if _settlement_shaped(m.group())]


class SettlementRecognizer(EntityRecognizer):
    """Hungarian settlements: the shipped gazetteer (scored 0.6) and compound shapes (scored low)."""

    def __init__(self, language: str = "hu") -> None:
        super().__init__(supported_entities=[ENTITY], supported_language=language, name="settlements")

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Any]:
        listed = listed_settlements(text)
        shapes = [s for s in settlement_shapes(text) if not any(a < s[1] and s[0] < b for a, b in listed)]
        return [RecognizerResult(ENTITY, a, b, LISTED_SCORE) for a, b in listed] + [
            RecognizerResult(ENTITY, a, b, SHAPE_SCORE) for a, b in shapes
        ]
