"""Recognizers for the identifiers Presidio has none for, plus offline versions of its own.

Hungarian phone numbers (+36 / 06), TAJ numbers (social security, with their check digit),
tax ids (adóazonosító jel, with check digit), personal ids (személyi szám, with check digit)
and identity card numbers, Hungarian, UK and US postal addresses, North American phone numbers
by their shape, penitentiary institutions (a shipped list plus name patterns), dates and ages in
both languages, e-mail addresses and URLs.

Patterns are case-sensitive unless marked ``(?i)``: a capital letter is the main evidence that
a word is part of a name. Presidio's e-mail recognizer validates domains with ``tldextract``,
whose default extractor downloads the public suffix list on first use; ``OfflineEmailRecognizer``
uses the snapshot bundled with tldextract instead and writes no cache.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from importlib import resources
from typing import Any

import tldextract
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from workbench.deid.terms import Term, TermMatcher

CASE_SENSITIVE = re.MULTILINE | re.DOTALL
_UPPER = "A-ZÁÉÍÓÖŐÚÜŰ"
_LOWER = "a-záéíóöőúüű"
_NAME_WORD = f"[{_UPPER}][{_LOWER}{_UPPER}\\-]+"


@lru_cache(maxsize=1)
def offline_tld_extractor() -> tldextract.TLDExtract:
    """tldextract with its bundled suffix-list snapshot: no download, no cache file."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recognizer, validating domains against the offline suffix list."""

    def validate_result(self, pattern_text: str) -> bool:
        return bool(offline_tld_extractor()(pattern_text).fqdn)


def _digits(text: str) -> list[int]:
    return [int(c) for c in text if c.isdigit()]


def taj_valid(text: str) -> bool:
    """TAJ check digit: odd positions weighted 3, even positions 7, sum mod 10 is the ninth digit."""
    d = _digits(text)
    if len(d) != 9:
        return False
    total = sum(v * (3 if i % 2 == 0 else 7) for i, v in enumerate(d[:8]))
    return total % 10 == d[8]


def tax_id_valid(text: str) -> bool:
    """Adóazonosító jel: starts with 8, digits 2-6 count days since 1867-01-01, weighted mod 11."""
    d = _digits(text)
    if len(d) != 10 or d[0] != 8:
        return False
    check = sum(v * (i + 1) for i, v in enumerate(d[:9])) % 11
    return check != 10 and check == d[9]


def personal_id_valid(text: str) -> bool:
    """Személyi szám: sex/century digit, YYMMDD, serial, check digit (weights depend on the era)."""
    d = _digits(text)
    if len(d) != 11 or d[0] == 0 or d[0] == 9:
        return False
    century = {1: 1900, 2: 1900, 3: 1800, 4: 1800, 5: 2000, 6: 2000, 7: 1900, 8: 1900}[d[0]]
    year = century + d[1] * 10 + d[2]
    try:
        born = dt.date(year, d[3] * 10 + d[4], d[5] * 10 + d[6])
    except ValueError:
        return False
    weights = range(1, 11) if born < dt.date(1997, 1, 1) else range(10, 0, -1)
    check = sum(v * w for v, w in zip(d[:10], weights, strict=True)) % 11
    return check != 10 and check == d[10]


class _ChecksumRecognizer(PatternRecognizer):
    """A pattern whose matches count only when their check digit is right."""

    def __init__(self, entity: str, patterns: list[Pattern], context: list[str], language: str, check: str) -> None:
        super().__init__(
            supported_entity=entity,
            patterns=patterns,
            context=context,
            supported_language=language,
            global_regex_flags=CASE_SENSITIVE,
            name=entity.lower(),
        )
        self._check = {"taj": taj_valid, "tax": tax_id_valid, "personal": personal_id_valid}[check]

    def validate_result(self, pattern_text: str) -> bool:
        return self._check(pattern_text)


def _pattern(name: str, regex: str, score: float) -> Pattern:
    return Pattern(name, regex, score)


_SEP = r"[ \-.]?"
_PHONE = (
    r"(?<![\w+])(?:\+\s?36|0036|06)[ \-/]?\(?(?:1|[2-9]\d)\)?[ \-/]?\d{3}[ \-]?\d{3,4}(?!\d)",
    r"(?<![\w+])\((?:06|\+36)[ \-]?(?:1|[2-9]\d)\)[ \-/]?\d{3}[ \-]?\d{3,4}(?!\d)",
)
# North American numbers by their shape alone: phonenumbers rejects unassigned area codes, but a
# number in a transcript is an identifier whether or not its area code exists.
_PHONE_NANP = (
    r"(?<![\w+])(?:\+1[ \-.]?|001[ \-.]?)?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[ \-.]?)\d{3}[ \-.]?\d{4}"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?!\d)",
)
_STREET_TYPES = (
    "utca|u\\.|út|útja|tér|tere|körút|krt\\.|sor|köz|fasor|sétány|rakpart|lépcső|dűlő|tanya|liget|lakótelep|"
    "park|major|telep|sugárút|árok"
)
_STREET = f"(?:{_NAME_WORD}|\\d+\\.?)(?:[ \\-](?:{_NAME_WORD}|[{_LOWER}]+)){{0,3}} (?:{_STREET_TYPES})"
_HOUSE = r"\d{1,4}(?:/[A-Za-z0-9]+)?\.?(?:\s?(?:[IVX]+|\d{1,2})\.\s?(?:em(?:elet)?\.?\s?)?\d{0,3}\.?)?"
# UK street types and the USPS street suffixes (Publication 28, appendix C1), full words only.
_EN_STREET_WORDS = (
    "Street St\\. Road Rd\\. Avenue Ave\\. Boulevard Blvd\\. Lane Close Drive Way Court Crescent Place Square "
    "Terrace Gardens Grove Hill Row Alley Annex Arcade Bayou Beach Bend Bluff Bluffs Bottom Branch Bridge Brook "
    "Brooks Burg Burgs Bypass Camp Canyon Cape Causeway Center Centers Circle Circles Cliff Cliffs Club Common "
    "Commons Corner Corners Course Courts Cove Coves Creek Crest Crossing Crossroad Curve Dale Dam Divide Drives "
    "Estate Estates Expressway Extension Extensions Fall Falls Ferry Field Fields Flat Flats Ford Fords Forest "
    "Forge Forges Fork Forks Fort Freeway Garden Gateway Glen Glens Green Greens Groves Harbor Harbors Haven "
    "Heights Highway Hills Hollow Inlet Island Islands Isle Junction Junctions Key Keys Knoll Knolls Lake Lakes "
    "Land Landing Light Lights Loaf Lock Locks Lodge Loop Mall Manor Manors Meadow Meadows Mews Mill Mills "
    "Mission Motorway Mount Mountain Mountains Neck Orchard Oval Overpass Park Parks Parkway Parkways Pass "
    "Passage Path Pike Pine Pines Plain Plains Plaza Point Points Port Ports Prairie Radial Ramp Ranch Rapid "
    "Rapids Rest Ridge Ridges River Roads Route Rue Run Shoal Shoals Shore Shores Skyway Spring Springs Spur "
    "Spurs Squares Station Stravenue Stream Streets Summit Throughway Trace Track Trafficway Trail Trailer Tunnel "
    "Turnpike Underpass Union Unions Valley Valleys Via Viaduct View Views Village Villages Ville Vista Walk Walks "
    "Wall Ways Well Wells"
)
_EN_STREET_TYPES = "|".join(sorted(set(_EN_STREET_WORDS.split()), key=lambda w: (-len(w), w)))
_EN_UNIT = r"(?:,? (?:Apt\.?|Apartment|Suite|Ste\.|Unit|Flat|#) ?[A-Za-z0-9\-]{1,6})?"
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|"
    "OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|AS|GU|MP|PR|VI|FM|MH|PW|AA|AE|AP"
)
_ADDRESS = (
    # 1055 Budapest, Kossuth tér 1.
    f"\\b[1-9]\\d{{3}}\\.? {_NAME_WORD}(?:,? [IVX]+\\. ker(?:ület)?\\.?)?,? {_STREET} {_HOUSE}",
    # Kossuth Lajos utca 12. (also as transcribed: Kossuth lajos utca 12.)
    f"(?<![\\w])(?:{_NAME_WORD}(?: (?:{_NAME_WORD}|[{_LOWER}]+)){{0,2}}|\\d{{1,2}}\\.) (?:{_STREET_TYPES}) {_HOUSE}",
    # 1055 Budapest (postal code and town without a street)
    f"\\b[1-9]\\d{{3}} {_NAME_WORD}\\b",
    # 12 High Street / 4 Elm Road / 6488 Jennifer Pike Suite 911
    f"\\b\\d{{1,5}}[A-Za-z]? (?:[A-Z][A-Za-z'\\-]+ ){{1,3}}(?:{_EN_STREET_TYPES})(?!\\w){_EN_UNIT}",
    # UK postcodes
    r"\b[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b",
    # US state and ZIP code (AR 74616)
    f"\\b(?:{_US_STATES}) \\d{{5}}(?:-\\d{{4}})?\\b",
)
_PRISON_WORDS = (
    "Fegyház és Börtön|Börtön és Fogház|Országos Büntetés-végrehajtási Intézet|Büntetés-végrehajtási Intézete?|"
    "Fiatalkorúak Büntetés-végrehajtási Intézete|Fegyház|Börtön|Fogház|Bv\\. Intézet|BV Intézet"
)
_PRISON = (
    f"(?:{_NAME_WORD} ){{1,3}}(?:{_PRISON_WORDS})[{_LOWER}]*",
    f"(?<![\\w])[{_LOWER}]+i (?i:fegyház|börtön|fogház|bv\\.? ?intézet|bv-intézet|büntetés-végrehajtási intézet)"
    f"[{_LOWER}]*",
    r"(?i:\bbv\.? ?intézet\w*|\bbv-intézet\w*)",
    r"\bHMP(?: [A-Z][a-z]+){1,2}\b|\bHMYOI(?: [A-Z][a-z]+){1,2}\b",
    r"(?:[A-Z][\w'\-]+ ){1,3}(?:Prison|Penitentiary|Correctional (?:Facility|Institution|Centre|Center)|"
    r"Young Offender Institution|Detention Cent(?:re|er)|Jail)\b",
)
_MONTHS_HU = "január|február|március|április|május|június|július|augusztus|szeptember|október|november|december"
_MONTHS_HU_ABBR = "jan|febr?|márc|ápr|máj|jún|júl|aug|szept|okt|nov|dec"
_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTHS_EN_ABBR = "Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec"
_DATE = (
    f"\\b(?:19|20)\\d{{2}}\\. ?(?i:{_MONTHS_HU}|{_MONTHS_HU_ABBR}\\.?)(?: \\d{{1,2}}\\.?(?:[{_LOWER}\\-]+)?)?",
    r"\b(?:19|20)\d{2}[.\-/] ?\d{1,2}[.\-/] ?\d{1,2}\.?",
    r"\b\d{1,2}[./\-]\d{1,2}[./\-](?:19|20)?\d{2}\b",
    f"\\b\\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS_EN}|{_MONTHS_EN_ABBR}\\.?)(?:,? (?:19|20)\\d{{2}})?\\b",
    f"\\b(?:{_MONTHS_EN}|{_MONTHS_EN_ABBR}\\.?) \\d{{1,2}}(?:st|nd|rd|th)?(?:,? (?:19|20)\\d{{2}})?\\b",
    f"(?i:\\b(?:{_MONTHS_HU}) \\d{{1,2}}\\.?(?:-?[{_LOWER}]+)?)",
    "\\b(?:19|20)\\d{2}(?:-(?:ban|ben|as|es|ig|tól|től|ra|re|ból|ből|ben|ban|at|et|ra|ről|ról|ig|i|os|ös))?\\b",
)
_NUMBER_WORDS_HU = (
    "egy|két|kettő|három|négy|öt|hat|hét|nyolc|kilenc|tíz|tizen[a-zőöüű]*|húsz|huszon[a-zőöüű]*|"
    "harminc[a-zőöüű]*|negyven[a-zőöüű]*|ötven[a-zőöüű]*|hatvan[a-zőöüű]*|hetven[a-zőöüű]*|"
    "nyolcvan[a-zőöüű]*|kilencven[a-zőöüű]*"
)
_NUMBER_WORDS_EN = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
)
_AGE = (
    f"(?i:\\b(?:\\d{{1,3}}|(?:{_NUMBER_WORDS_HU})+) ?-?éves(?:en|ek|ként|nek|korában|kor|ségem)?\\b)",
    f"(?i:\\b(?:\\d{{1,3}}|(?:{_NUMBER_WORDS_HU})+) éves kor(?:om|omban|ában|ban|a)\\b)",
    f"(?i:\\b(?:\\d{{1,3}}|(?:{_NUMBER_WORDS_EN})(?:[ \\-](?:{_NUMBER_WORDS_EN}))?)[ \\-]years?[ \\-]old\\b)",
    r"(?i:\baged? \d{1,3}\b)",
    # only the number after "at the age of" (four words that identify nobody); Presidio's matcher is the
    # ``regex`` module, which allows this variable-length look-behind
    f"(?i:(?<=\\bat the age of )(?:\\d{{1,3}}|(?:{_NUMBER_WORDS_EN})(?:[ \\-](?:{_NUMBER_WORDS_EN}))?)\\b)",
)


def _pattern_recognizer(entity: str, patterns: tuple[str, ...], score: float, language: str,
                        context: list[str] | None = None) -> PatternRecognizer:  # fmt: skip
    return PatternRecognizer(
        supported_entity=entity,
        name=entity.lower(),
        patterns=[_pattern(f"{entity.lower()} {i}", p, score) for i, p in enumerate(patterns)],
        context=context or [],
        supported_language=language,
        global_regex_flags=CASE_SENSITIVE,
    )


@lru_cache(maxsize=1)
def institution_names() -> tuple[str, ...]:
    text = resources.files("workbench.deid").joinpath("data/institutions_hu.txt").read_text(encoding="utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


class TermRecognizer(EntityRecognizer):
    """A fixed list of terms (the shipped institutions), found in every inflected form."""

    def __init__(self, entity: str, terms: tuple[str, ...], language: str, name: str) -> None:
        self._matcher = TermMatcher(Term(text, text, entity) for text in terms)
        super().__init__(supported_entities=[entity], supported_language=language, name=name)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Any]:
        return [RecognizerResult(m.term.entity_type, m.start, m.end, 0.9) for m in self._matcher.find(text)]


def workbench_recognizers(language: str) -> list[EntityRecognizer]:
    """The recognizers this project adds, for one language (all of them run on both languages)."""
    return [
        _pattern_recognizer("HU_PHONE", _PHONE, 0.7, language, ["telefon", "tel", "mobil", "szám", "phone"]),
        _pattern_recognizer("NANP_PHONE", _PHONE_NANP, 0.4, language, ["phone", "call", "cell", "telefon"]),
        _ChecksumRecognizer("HU_TAJ", [_pattern("taj", rf"\b\d{{3}}{_SEP}\d{{3}}{_SEP}\d{{3}}\b", 0.6)],
                            ["taj", "tb", "társadalombiztosítási"], language, "taj"),
        _ChecksumRecognizer("HU_TAX_ID", [_pattern("tax", r"\b8\d{9}\b", 0.6)],
                            ["adóazonosító", "adószám", "adó"], language, "tax"),
        _ChecksumRecognizer("HU_PERSONAL_ID", [_pattern("personal", r"\b[1-8][ \-]?\d{6}[ \-]?\d{4}\b", 0.6)],
                            ["személyi", "azonosító"], language, "personal"),
        _pattern_recognizer("HU_ID_CARD", (r"\b\d{6}[A-Z]{2}\b", r"\b[A-Z]{2}\d{6}\b"), 0.5, language,
                            ["igazolvány", "személyi"]),
        _pattern_recognizer("HU_ADDRESS", _ADDRESS, 0.6, language, ["lakcím", "cím", "address"]),
        _pattern_recognizer("PRISON", _PRISON, 0.6, language, ["börtön", "intézet", "prison"]),
        TermRecognizer("PRISON", institution_names(), language, "prison list"),
        _pattern_recognizer("DATE", _DATE, 0.5, language),
        _pattern_recognizer("AGE", _AGE, 0.6, language),
        OfflineEmailRecognizer(supported_language=language),
    ]  # fmt: skip
