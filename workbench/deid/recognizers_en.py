"""English identifiers in the formats people actually write them (issue 14), as Presidio recognizers.

What ``recognizers.py`` and Presidio's defaults find was measured on the project's own templates;
on text written elsewhere, the misses were house and unit numbers, non-US street layouts, postal
codes, international phone layouts, ages written in words or implied (*he was 23*), times and
weekdays, long numbers that fail a checksum, licence and other ID tokens, and titles before
names. Each family here is one Presidio ``EntityRecognizer`` running a few compiled patterns.

A pattern may name a group ``v``: then only that group is the identifier and the rest is
context that must be present (*I was* **23**, *username* **dave_k77**), which the standard
``PatternRecognizer`` cannot express (its context words only raise a score, and the workbench
keeps every score for review).

Decisions (precision):

- Numbers are identifiers when they are long (six digits or more, however grouped and whether
  or not a checksum holds: in a transcript a card, account or licence number is an identifier
  even when mistyped), when they have a phone, postcode, date or time shape, or when context
  says so (*aged 60*, *at the age of* **19**, *Flat 4*, *PO Box 12*). Ordinary counts (*3 years*, *two kids*, *5 times*)
  are not: a bare number is an age only after a person (*I was*, *he's*, *she turned*) or as
  *at 17* not followed by a unit or a time word.
- Times and weekdays are identifiers (they date an event, as the public benchmark labels them);
  *Sun* and *Sat* count only with a date or time after them, or after *on*/*every*/*last*/*next*.
- A title (*Mr*, *Dr*, *Sgt*, *Auntie* …) followed by capitalized words makes the whole run a
  person, particles (*van*, *de*, *le*) included.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from workbench.deid.candidates import common_words
from workbench.deid.recognizers import _EN_STREET_WORDS

_FLAGS = re.MULTILINE
_CAP = r"[A-ZÀ-ÖØ-Þ]"
_WORDCH = r"[\w'\u2019\-]"
# Atomic and bounded (Python 3.11): a name never gives characters back, so runs of names separated by
# spaces or hyphens cannot backtrack exponentially on hostile input ("Ab-Ab-Ab-…").
_NAME = f"(?>{_CAP}{_WORDCH}{{0,40}})"
_PARTICLE = r"(?:van|von|der|den|de|du|des|le|la|da|di|del|della|dos|al|el|ten|ter|bin|ibn|ap|mac|St\.?)"
_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    "seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|a hundred"
)
_WORD_NUMBER = f"(?:(?:{_NUMBER_WORDS})(?:[ \\-](?:{_NUMBER_WORDS}))?)"
_AGE_NUMBER = f"(?:1[0-1]\\d|\\d{{1,2}}|{_WORD_NUMBER})"


@dataclass(frozen=True)
class Rule:
    """One pattern: the identifier is group ``v`` when the pattern has one, else the whole match."""

    regex: str
    score: float = 0.6
    check: Callable[[str], bool] | None = None
    # the value must be a proper noun to the NLP pipeline (spaCy's tagger): for a capitalized word that
    # opens a sentence, where capitals say nothing; without NLP artifacts the rule does not fire
    proper: bool = False


class RuleRecognizer(EntityRecognizer):
    """A Presidio recognizer for one entity, running compiled rules with value groups and checks."""

    def __init__(self, entity: str, name: str, rules: tuple[Rule, ...], language: str = "en") -> None:
        self._rules = [(re.compile(rule.regex, _FLAGS), rule) for rule in rules]
        self._needs_tags = any(rule.proper for rule in rules)
        super().__init__(supported_entities=[entity], supported_language=language, name=name)

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None) -> list[Any]:
        entity = self.supported_entities[0]
        found: list[RecognizerResult] = []
        proper = _proper_nouns(nlp_artifacts) if self._needs_tags else frozenset()
        for pattern, rule in self._rules:
            if rule.proper and not proper:
                continue
            for match in pattern.finditer(text):
                group = "v" if "v" in pattern.groupindex and match.start("v") >= 0 else 0
                start, end = match.span(group)
                if end <= start or (rule.check and not rule.check(match.group(group))):
                    continue
                if rule.proper and start not in proper:
                    continue
                found.append(RecognizerResult(entity, start, end, rule.score))
        return found


def _proper_nouns(nlp_artifacts: NlpArtifacts | None) -> frozenset[int]:
    """Start offsets of the tokens the pipeline tags as proper nouns (empty without a tagger)."""
    tokens = getattr(nlp_artifacts, "tokens", None)
    if tokens is None:
        return frozenset()
    return frozenset(token.idx for token in tokens if token.pos_ == "PROPN")


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _digit_count(text: str) -> int:
    return sum(c.isdigit() for c in text)


# -- people -------------------------------------------------------------------------------------

_TITLES = (
    "Mr|Mrs|Ms|Mx|Miss|Mister|Madam|Madame|Mme|Mlle|Dr|Doctor|Prof|Professor|Sir|Dame|Lady|Lord|Rev|Revd|"
    "Reverend|Fr|Father|Sister|Brother|Pastor|Imam|Rabbi|Bishop|Sgt|Sergeant|Cpl|Corporal|Pte|Capt|Captain|"
    "Lt|Lieut|Lieutenant|Col|Colonel|Maj|Gen|Cmdr|Commander|Officer|Constable|DCI|Det|"
    "Detective|Inspector|Supt|Superintendent|Governor|Warden|Judge|Justice|Magistrate|Councillor|Cllr|Nurse|Matron|"
    "Coach|Auntie|Aunty|Aunt|Uncle|Nana|Grandma|Grandpa|Granny|Herr|Frau|Mevrouw|Meneer|Monsieur|"
    "Senhor|Señor|Señora|Sra|Sr"
)
_NAME_RUN = f"{_NAME}(?:[ \\-](?:{_PARTICLE} )*{_NAME}){{0,3}}"
PERSON_RULES = (
    # Dr. Eleanor Whitfield, Sgt O'Neill, Inspector Tycho le Matelot, Mrs. Dr. Kerri Heaphy
    Rule(f"\\b(?:(?:{_TITLES})\\.? ){{1,2}}(?:{_PARTICLE} )?{_NAME_RUN}", 0.65),
)

# -- addresses ----------------------------------------------------------------------------------

_EXTRA_STREET = (
    "Parade Esplanade Circuit Promenade Rise Chase Wynd Quay Quays Walkway Broadway Embankment Approach Cross "
    "Gate Green Hey Mount Vale Wharf Yard Heath Croft Fold Brae Loaning Causeway Concourse Grange Leys Nook "
    "Cul-de-sac Ring Boulevard Marg Nagar Chowk Road Lane Street Colony Layout Sector Peth Gali Bagh Circus Garth "
    "Lea Strand Brow Dene Drove Mead Paddock Spinney Steps Link Links Retreat Oaks Woods Villas Copse Heights View "
    "Loop Bend Ridge Crossing Trace Glen Dale Strip End Bank Side Lanes Paddocks Acre Acres Hollow Pathway Byway "
    "Bridge Row Terrace Vennel Close Twitten Ginnel Alley Reach Entrance Drift Dell Folly Pightle Rosary Gait Fairway "
    "Harbour Harbours Dock Docks Basin Marina Quayside Precinct Piazza Moor Holme Leas Meadway Pavement Lawn Lawns "
    "Orchards Pastures Plantation Quadrant Slope Sideroad Wood Market Mount"
)
_ABBR_STREET = (
    "St|Rd|Ave|Av|Blvd|Bvd|Dr|Ln|Ct|Pl|Cres|Cr|Tce|Terr|Ter|Hwy|Pde|Cl|Gr|Gro|Grv|Sq|Pkwy|Pky|Cir|Esp|Crt|Cct|"
    "Rte|Wy|Gdns|Trl|Vw|Str|Xing|Plz|Ctr|Tpke|Expy|Fwy|Rdg|Hts|Mtn|Grn|Prom|Cnr|Crst|Dve|Pk|Mt|Pt"
)
_STREET_TYPE = "|".join(
    sorted(set(_EN_STREET_WORDS.replace("\\.", "").split() + _EXTRA_STREET.split()), key=lambda w: (-len(w), w))
)
_UNIT = (
    r"(?:Flat|Unit|Apt|Apartment|Suite|Ste|Studio|Room|Rm|Level|Lvl|Floor|Fl|Shop|Lot|Block|Blk|Bldg|Building|Plot|"
    r"Door|Stall|Kiosk|Villa|Maisonette|Penthouse|Appt|Appartement|Bât|Bâtiment|Étage|Escalier|Esc|Wohnung|Whg|"
    r"Stock|Etage|Haus)"
)
# the same words in lower case, accepted only before a house number and street (apt 5, 12 Main St)
_UNIT_LOWER = (
    r"(?:flat|unit|apt|apartment|suite|studio|room|level|shop|lot|block|appt|appartement)\.? ?\d{1,4}[A-Za-z]?"
)
_HOUSE = r"\d{1,5}[A-Za-z]?(?:[\-/\u2013]\d{1,5}[A-Za-z]?){0,2}"
_UNIT_PART = (
    f"(?:{_UNIT}s?\\.? ?(?:No\\.? ?)?(?:#?[A-Z]?\\d{{1,4}}[A-Za-z]?(?:[/\\-\u2013]\\d{{1,4}}[A-Za-z]?)?|[A-Z]\\b)|"
    f"(?:Basement|Ground Floor|Lower Ground Floor|First Floor|Second Floor|Third Floor|Top Floor|Upper|Lower|"
    f"Garden|Rear|Front) (?:Flat|Maisonette|Apartment)|"
    f"#\\d{{1,4}}(?:-\\d{{1,5}})?[A-Za-z]?|"
    f"H\\.? ?No\\.? ?{_HOUSE}|(?:Rural Route|R\\.R\\.|RR|RD|Rural Delivery|Star Route) ?\\d{{1,3}})"
)
# a unit or floor written after the street line: , apt 4 / , 2nd floor / , 2. OG / bus 3
_AFTER_UNIT = (
    r"(?:,? ?(?:(?:apt|apartment|flat|unit|suite|ste|room|bus|boîte|app)\.? ?#?\d{1,4}[A-Za-z]?|"
    r"(?:\d{1,2}(?:st|nd|rd|th)|ground|first|second|third|top) floor|\d{1,2}\. ?(?:OG|Etage|Stock|étage)|EG|DG|UG|"
    r"(?:Hinterhaus|Vorderhaus|Seitenflügel|Gartenhaus))\b)"
)
# the quarter after a street type: 200 Main Street North, 12 King St NW
_DIRECTION = (
    "(?:North|South|East|West|Northeast|Northwest|Southeast|Southwest|NE|NW|SE|SW|N|S|E|W|Nord|Sud|Est|Ouest|"
    "Upper|Lower)"
)
# A word of a street's name: a capitalized word, an ordinal (*5th Avenue*, *W 42nd St*), an
# abbreviated saint or mount (*St. John's Road*, *Mt. Pleasant Rd*) or compass point (*100 E. Main
# St.*). Atomic: the dotted forms are tried before a plain word, which would otherwise take *St*.
_STREET_WORD = (
    f"(?>(?:St|Mt|Ft|Pt)\\.|[NSEW]\\.|\\d{{1,3}}(?:st|nd|rd|th)\\b|{_NAME}(?: (?:of the|of|upon|on)(?= {_CAP}))?)"
)
# a floor before a street line: 3rd Floor, 10 High St / Ground Floor, 2 Mill Lane
_FLOOR = r"(?:\d{1,2}(?:st|nd|rd|th)|Ground|First|Second|Third|Fourth|Fifth|Top|Upper|Lower|Basement) (?:Floor|Fl\.?)"
# Street types written in lower case, as transcripts often have them (*12 Baker street*); full words only.
_LOWER_STREET = (
    "street|road|avenue|lane|drive|close|crescent|terrace|place|court|square|gardens|grove|way|row|walk|mews|"
    "hill|parade|boulevard|highway|circle|trail|quay|wynd|rise|green|park"
)
# house numbers written with No. / Nr. / Number before them: No. 72 Morgan Close, Barnesstrasse Nr. 4
_HOUSE_NO = f"(?:(?:Nos|No|Nr|Nº|Number)\\.? ?)?{_HOUSE}"
# care of a person or a building name before a street line: c/o Krammer, Rose Court,
_CARE_OF = f"(?:c/o|C/O|care of) {_NAME}(?: {_NAME}){{0,2}}"
# Suffix types of German, Dutch, Swiss and Austrian streets (Hauptstraße 5, Kerkstraat 12, Lucasboulevard 7).
# (Not -berg, -feld, -dam, -haven, -acker, -anger: surnames and towns before a number or year end so.)
_COMPOUND_STREET = (
    "straße|strasse|str\\.|gasse|weg|platz|allee|ring|damm|ufer|steig|markt|chaussee|stieg|pfad|zeile|hof|"
    "straat|laan|plein|gracht|kade|singel|dijk|dreef|pad|steeg|plantsoen|boulevard|park|gaarde|hout|veld|baan|"
    "graben|winkel|brücke|garten|heide|höhe|kai|promenade|wiese|bogen|grund|blick|twiete|koppel|kamp|burgwal|wal|"
    "hoek|erf|kwartier|weide|akker|gatan|gata|gade|vej|vejen|vägen|väg|veien|vegen|vei|stræde|plads|torget|torg|"
    "gränd|stigen|katu|tie|kuja|polku|utca|ulica"
)
# after a house number: Dutch floors (Prinsengracht 263-II, 12 hs, 12-huis) and French bis/ter
_HOUSE_SUFFIX = r"(?:[\- ](?:I{1,3}|IV|V|hs|huis|bg|bis|ter)\b|-[A-Z]\b| [A-K] \d{1,3}\b)?"
_FRENCH_STREET = (
    "rue|avenue|av\\.|boulevard|boul\\.?|bd\\.?|ch\\.|place|chemin|allée|allé|impasse|quai|route|cours|square|rang|montée|côte|voie|"
    "passage|promenade|sentier|rond-point|carrefour|faubourg|parvis|esplanade|Rue|Avenue|Boulevard|Place|Chemin|Bd\\.?|"
    "Allée|Impasse|Quai|Route"
)
_FR_LINK = r"(?:(?:de la|de l'|des|du|de|d'|la|le|les|l'|aux|au) ?)?"
# Street types written before the name, the house number after it (much of Europe and Latin America):
# Via Roma 12, Calle Mayor 45, Rua Augusta 100, Rue du Marché 4, ul. Długa 5/7, Platz der Republik 1
_PREFIX_STREET = (
    "Via|Viale|Corso|Piazza|Piazzale|Largo|Vicolo|Strada|Calle|Carrer|Avenida|Avda\\.|Paseo|Passeig|Plaza|Plaça|Praça|"
    "Rua|Travessa|Estrada|Alameda|Rambla|Camino|Carretera|Ronda|Rue|Avenue|Boulevard|Bd\\.?|Chemin|Place|Allée|"
    "Impasse|Quai|Route|Laan|Ulica|ul\\.|(?<!et )al\\.|Aleja|Aleje|Bulevardul|Calea|Ulice|Trg|Ulitsa|Prospekt|Platz|"
    "Straße|Strasse|Allee|rue|avenue|boulevard|chemin|place|allée|impasse|quai|route|via|viale|calle|avenida|rua|piazza|plaza"
)
_LINK = (
    r"(?:(?:de la|de las|de los|de l'|del|dels|dei|degli|della|delle|dello|des|du|de|d'|da|do|dos|das|di|la|le|les|"
    r"l'|van de|van der|van|der|den|dem|am|aux|au) ?)?"
)
# a building's name before its street line: Rose Cottage, Mill Lane / The Maltings, Dublin Road
_BUILDING = (
    "Cottage|Cottages|House|Farm|Farmhouse|Lodge|Barn|Hall|Manor|Rectory|Vicarage|Grange|Mansions|Buildings|Towers|"
    "Tower|Court|Villa|Villas|Bungalow|Maltings|Works|Chambers|Apartments|Residences|Mews|Heights|Wharf|Mill|Yard"
)
_BUILDING_NAME = f"(?:(?:The )?(?:{_NAME} ){{0,3}}(?:{_BUILDING})|The {_NAME}(?: {_NAME})?)"
_UPPER_STREET = (
    "STREET|ROAD|AVENUE|LANE|DRIVE|CLOSE|CRESCENT|TERRACE|PLACE|COURT|SQUARE|GARDENS|GROVE|WAY|ROW|WALK|MEWS|"
    "PARADE|BOULEVARD|HIGHWAY|ST|RD|AVE|BLVD"
)
ADDRESS_RULES = (
    # Flat 4, 12 High Street / 7/200 Singh Junction / 6488 Jennifer Pike Suite 911 / 141 Carter Mountains /
    # c/o Pillai, 100 Choudhary Road / No. 72 Morgan Close / Apt. 4, 200 Main Street North
    Rule(
        f"(?:\\b{_CARE_OF},? )?(?:(?:{_UNIT_PART}|{_FLOOR}|\\b{_UNIT_LOWER})(?:,? ?/?| [\\-\u2013] | ))?"
        f"\\b{_HOUSE_NO},?\\s"
        f"(?:{_STREET_WORD}\\s){{1,4}}(?:(?:{_STREET_TYPE})s?|(?:{_ABBR_STREET})\\b\\.?)"
        f"(?!\\w)(?: {_DIRECTION}\\b\\.?)?(?:,? ?{_UNIT_PART}|{_AFTER_UNIT})*",
        0.6,
    ),
    # Via Roma 12, Calle de Alcalá 45, Straße des 17. Juni 5, rue du Marché 4, ul. Marszałkowska 12/4
    Rule(
        f"\\b(?:{_PREFIX_STREET}) {_LINK}(?:\\d{{1,2}}\\. )?{_NAME}(?:[ \\-]{_LINK}{_NAME}){{0,3}},? {_HOUSE}\\b"
        f"{_HOUSE_SUFFIX}{_AFTER_UNIT}?",
        0.55,
    ),
    # a flat or unit, then its street without a house number, on the same line or the next:
    # Flat 12, Smith Causeway / Unit 4\nHarbour Way / Apartment 5 - Ocean Drive
    Rule(
        f"\\b(?:{_UNIT_PART}|{_FLOOR})(?:,[ \\t]?|[ \\t]*\\n[ \\t]*| [\\-\u2013] | )(?:{_STREET_WORD} ){{0,3}}"
        f"{_STREET_WORD} (?:(?:{_STREET_TYPE})s?|(?:{_ABBR_STREET})\\b\\.?)(?!\\w)(?: {_DIRECTION}\\b\\.?)?",
        0.55,
    ),
    # the whole line in capitals, as forms and records write it: 12 HIGH STREET, FLAT 4, 7 MILL LANE
    Rule(
        f"(?<![:.\\d])\\b(?:(?:FLAT|UNIT|APT|APARTMENT|SUITE|STUDIO)\\.? ?\\d{{1,4}}[A-Z]?,? )?{_HOUSE},? "
        f"(?:(?!AM\\b|PM\\b)[A-Z][A-Z'\\-]{{0,30}}+ ){{1,4}}(?:{_UPPER_STREET})\\b\\.?",
        0.55,
    ),
    # Rose Cottage, Mill Lane / The Old Rectory, 4 Church Street / Kings Court, 45 London Road
    Rule(
        f"\\b{_BUILDING_NAME},\\s(?:{_HOUSE_NO},?\\s)?(?:{_STREET_WORD}\\s){{1,4}}(?:(?:{_STREET_TYPE})s?|"
        f"(?:{_ABBR_STREET})\\b\\.?)(?!\\w)",
        0.5,
    ),
    # the same with the street type in lower case: 12 Baker street, 7 Mill lane (a house number required)
    Rule(f"\\b{_HOUSE_NO},?\\s(?:{_STREET_WORD}\\s){{1,3}}(?:{_LOWER_STREET})\\b", 0.5),
    # a numbered road with a house number: 1234 County Road 12, 5 State Route 9, 12 Hwy 7
    Rule(
        f"\\b{_HOUSE_NO} (?:(?:State|County|US|U\\.S\\.|Provincial|Interstate|Farm to Market) )?"
        r"(?:Highway|Hwy|Route|Rte|Road|Rd|Line|Concession)\.? \d{1,4}[A-Z]?\b",
        0.55,
    ),
    # Hauptstraße 5, Jens-Drubin-Straße 47-26, Fischerstr. 1/9, Kerkstraat 12a, Am Markt 3
    Rule(
        f"\\b(?:(?:{_NAME} (?:(?:van|von|de|der|den|ten|ter|het) ){{1,2}})?{_CAP}[\\w\\-]{{0,40}}?"
        f"(?:{_COMPOUND_STREET}|-(?i:{_COMPOUND_STREET}))|"
        f"(?:{_NAME} ){{1,3}}(?i:{_COMPOUND_STREET})|"
        f"(?:Am|An der|An den|Auf der|Auf dem|Auf den|Hinter der|Hinter dem|Unter den|Vor dem|Bei der|Beim|Im|In der|"
        f"In den|Zum|Zur|Zu den) {_NAME}) ?{_HOUSE_NO}\\b{_HOUSE_SUFFIX}{_AFTER_UNIT}?",
        0.6,
    ),
    # 36, rue Langlois / 214 avenue Charlotte Gilles / 12 bis, rue de la Paix / rue de la Paix 4
    Rule(
        f"\\b{_HOUSE}(?: ?(?i:bis|ter))?,? (?:{_FRENCH_STREET}) {_FR_LINK}{_NAME}(?:[ \\-]{_FR_LINK}{_NAME}){{0,3}}",
        0.6,
    ),
    # Elm Street, Church Lane (no number)
    Rule(
        f"\\b(?:{_NAME} ){{1,3}}(?:Street|Road|Avenue|Lane|Drive|Close|Crescent|Terrace|Boulevard|Place|Court|"
        "Square|Gardens|Grove|Parade|Way|Row|Walk|Mews|Hill|Rise|Wynd|Quay|Esplanade|Circle|Trail|Highway|Straße|"
        f"Strasse|straat)\\b(?: {_HOUSE_NO}\\b(?![.:/]\\d))?",
        0.5,
    ),
    # care of: c/o Krammer, C/O Anna Berg
    Rule(f"\\b{_CARE_OF}\\b", 0.5),
    # units and house numbers standing alone: Flat 16, Unit 3B, Apt. 5, Suite 200, #47, #07-167, H.No. 39, RR 3
    Rule(f"\\b{_UNIT_PART}\\b(?!;)|(?<![\\w#&])#\\d{{1,4}}(?:-\\d{{1,5}})?[A-Za-z]?\\b(?!;)", 0.5),
    # PO Box 123, P.O. Box 12, Post Office Box 7, GPO Box 5, Locked Bag 9, Private Bag 3, Box 5843
    Rule(
        r"\b(?:P\.? ?O\.? ?Box|Post Office Box|GPO Box|PO Box|Locked Bag|Private Bag|PMB|Box|Postfach|Postbus|"
        r"Apartado|Casilla|Caixa Postal|BP|CP|CS|TSA|Antwoordnummer|Postlagernd|Boîte postale)"
        r"\.? \d{1,6}(?:-\d{1,6})?\b",
        0.65,
    ),
)
_UK_POSTCODE = r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[A-Z]{2}\b"
_CA_POSTCODE = r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b"
_EIRCODE = r"\b[AC-FHKNPRTV-Y]\d[\dW] ?(?=[\dA-Z]{0,3}[A-Z])[\dAC-FHKNPRTV-Y]{4}\b"
_NL_POSTCODE = r"\b[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}\b"
_REGIONS = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|NM|NY|NC|ND|OH|OK|"
    "OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR|NSW|VIC|Vic|QLD|Qld|SA|WA|TAS|Tas|NT|ACT|AB|BC|MB|NB|NL|NS|NU|"
    "ON|PE|QC|SK|YT"
)
_NUMERIC_CODE = r"\d{4,6}(?:-\d{4})?|\d{3} \d{3}|[A-Z]{1,2}-\d{4,5}"
POSTCODE_RULES = (
    Rule(_UK_POSTCODE, 0.6),
    Rule(_CA_POSTCODE, 0.6),
    Rule(_EIRCODE, 0.5),
    Rule(_NL_POSTCODE, 0.5),
    Rule(r"\b\d{5}-\d{4}\b", 0.6),  # ZIP+4
    # after a state, province or territory: TX 75001, NSW 2000, ON K1A 0B1
    Rule(f"\\b(?:{_REGIONS})\\.?,? (?P<v>{_NUMERIC_CODE})\\b", 0.6),
    # after the words: postcode 2000, zip: 90210, PLZ 10115, PIN 560001
    Rule(
        f"(?i:\\b(?:post ?code|postal code|zip(?: code)?|plz|pin(?: code)?|code postal)\\b)[:.]?\\s*(?P<v>"
        f"{_NUMERIC_CODE}|[A-Z0-9]{{2,4}} ?[A-Z0-9]{{3}})\\b",
        0.6,
    ),
    # before a town: 10115 Berlin, 75008 Paris, 2673 Brianton, D-80331 München
    Rule(
        f"(?<![\\w.,:/\\-])(?P<v>(?:[A-Z]{{1,2}}-)?\\d{{4,6}}) (?={_NAME})(?!(?:{_STREET_TYPE}|Jan|Feb|Mar|Apr|May|"
        "Jun|Jul|Aug|Sep|Oct|Nov|Dec|January|February|March|April|June|July|August|September|October|November|"
        "December)\\b)",
        0.45,
    ),
    # after a town: Bad Radkersburg 7100, Bhopal 317066 (not after a month: that is a date)
    Rule(
        f"(?<!\\w)(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|"
        f"July|August|September|October|November|December|Box|Bag|Flat|Unit|Suite|Apt|Room|Level|No|Number)\\b)"
        f"{_NAME},? (?P<v>\\d{{4,6}})(?![\\w:.,/\\-]\\d)",
        0.4,
    ),
    # a bare code between commas in an address line: ..., 99501, Poland
    Rule(r"(?<=, )(?P<v>\d{4,6})(?=,|\.|\s*$|\s*\n)", 0.4),
)

# -- phones -------------------------------------------------------------------------------------

_PHONE_BODY = r"(?:\(\d{1,5}\)[ .\-]?)?\d{1,5}(?:[ .\-]\d{1,5}){0,5}"


def phone_like(text: str) -> bool:
    """Seven to fifteen digits, and a phone's sign: a +/00 prefix, a bracketed area code, or a
    leading 0 (trunk prefix) with at least nine digits; bare groupings are left to the number rule."""
    digits = _digit_count(text.split("x", maxsplit=1)[0].split("ext", maxsplit=1)[0])
    if not 7 <= digits <= 15:
        return False
    plain = text.lstrip()
    return plain.startswith(("+", "00", "(")) or (plain.startswith("0") and digits >= 9)


PHONE_RULES = (
    # +44 20 7946 0958, 0044 (0)20 7946 0958, +49(0) 204381321, (37) 699 956 915, 0904 522353, 07700.900.123
    Rule(
        f"(?<![\\w+])(?:(?:\\+|00)\\d{{1,3}}[ .\\-]?(?:\\(0\\)[ .\\-]?)?)?{_PHONE_BODY}"
        r"(?:\s?(?:x|ext\.?|extension)\s?\d{1,5})?(?![\w])",
        0.55,
        phone_like,
    ),
    # after the words: tel. 34 56 78 90, mobile: 555 0199
    Rule(
        r"(?i:\b(?:tel|phone|mobile|mob|cell|landline|fax|ring|call|text|whatsapp)\b)\.?:?\s*(?:on |me on )?"
        r"(?P<v>\+?\d[\d .\-()]{5,}\d)",
        0.5,
    ),
)

# -- numbers and ID-like tokens -----------------------------------------------------------------


def long_number(text: str) -> bool:
    """Six to twenty-four digits in a run (cards, accounts, licences, sort codes; no checksum)."""
    return 6 <= _digit_count(text) <= 24


_ID_WORDS = (
    "no|nr|num|number|id|ref|reference|licen[cs]e|dl|passport|account|acct|a/c|sort code|card|card ending|"
    "ending|badge|case|file|prisoner|inmate|booking|reg|registration|plate|policy|member|membership|customer|"
    "patient|nhs|nino|ni|ssn|sin|tfn|pps|pps number|serial|document|permit|visa|ticket|order|claim|invoice|"
    "national insurance|social security|insurance|medicare|bsn|steuer-?id|personalausweis|numéro"
)
ID_RULES = (
    # long digit runs however grouped: 4532 7720 1234 5678, 20-45-67, 123.456.789, 51769849
    Rule(r"(?<![\w.,+/])\d{1,6}(?:[ \-./]?\d{2,6}){1,6}(?![\w]|[.,]\d)", 0.45, long_number),
    # tokens mixing capitals and at least three digits: MORGA753116SM9IJ, J2226-73207-18817, A1234BC
    Rule(
        r"\b(?=[A-Z0-9\-/]{0,40}[A-Z])(?=(?:[A-Z\-/]{0,40}\d){3})[A-Z0-9]{1,30}(?:[\-/][A-Z0-9]{1,30}){0,6}\b",
        0.5,
        lambda t: len(t.replace("-", "").replace("/", "")) >= 5,
    ),
    # UK National Insurance numbers: QQ 12 34 56 C
    Rule(r"\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\d{2} ?\d{2} ?\d{2} ?[A-D]\b", 0.6),
    # a short code after an ID word: prisoner no. 4471, ref: AB/12, licence 12345, card ending 0024
    Rule(
        f"(?i:\\b(?:{_ID_WORDS})\\b)\\.?(?: no\\.?| number)?:? ?#?(?P<v>(?=[\\w\\-/]*\\d)[A-Za-z0-9][\\w\\-/]{{2,}})",
        0.45,
    ),
    # a letter prefix and digits: DL 1234567, AB 123456
    Rule(r"\b[A-Z]{1,3}[ \-]\d{5,}\b", 0.5),
)
_HANDLE_WORDS = (
    "username|user name|user|user id|userid|account name|login|login name|log-in|logged in as|logged on as|"
    "logged into|signed in as|signed on as|handle|screen name|gamertag|nickname|nick|alias|socials|"
    "social|instagram|insta|twitter|tiktok|snapchat|snap|facebook|fb|discord|telegram|reddit|steam|skype|xbox|psn"
)
# words after "logged in as" and the like that are no handle (shared or generic accounts identify nobody)
_NOT_HANDLES = _word_set(
    "usual normal normally before well such expected planned requested required needed admin administrator root "
    "guest user anonymous default interface account unknown someone somebody"
)
# a run of a handle's letters and digits, accented letters included (b.häfliger89, o'brienh)
_HANDLE_PART = r"[a-zß-öø-ÿ0-9]{1,30}+"  # separators: . _ ' -
USERNAME_RULES = (
    # @dave_k77 (not an e-mail: nothing word-like before the @)
    Rule(r"(?<![\w.@])@[A-Za-z0-9_][A-Za-z0-9_.]{1,30}[A-Za-z0-9_]", 0.6),
    # after a handle word: username dave.k77, on insta as jdoe_88, socials: michellelee6
    Rule(
        f"(?i:\\b(?:{_HANDLE_WORDS})\\b)(?: (?:is|was|as|name))?:? (?:as )?(?P<v>@?[A-Za-z][\\w.]{{2,30}}[\\w])",
        0.5,
        lambda t: any(c.isdigit() or c in "_." for c in t) or t.startswith("@"),
    ),
    # after words that can only introduce a handle, any single lower-case token: username susansoto,
    # logged in as davek, gamertag: wolfie (not "my username is on the card": a common word is no handle)
    Rule(
        r"(?i:\b(?:username|user name|user id|userid|login name|account name|account user|screen name|gamertag|"
        r"handle|logged (?:in|on) as|signed (?:in|on) as)\b)(?:'s| (?:is|was))?:? "
        f"(?P<v>(?>{_HANDLE_PART}(?:[._'\\-]{_HANDLE_PART}){{0,6}}))(?![\\w@])",
        0.45,
        lambda t: t.casefold() not in common_words() and t.casefold() not in _NOT_HANDLES,
    ),
    # lower-case letters then digits, as handles are made: jameswilliams11, susan_soto
    Rule(
        r"(?<![\w@.\-/])[a-z]{4,30}+(?:[._][a-z]{1,30}+)?\d{1,4}(?![\w@.\-/])|(?<![\w@.])[a-z]{2,30}+_[a-z0-9_]{2,30}+(?![\w@])",
        0.4,
    ),
)

URL_RULES = (
    # a whole web address, path and query included
    Rule(r"(?i:\b(?:https?://|ftp://|www\.))[^\s<>\"']+[^\s<>\"'.,;:!?)\]]", 0.6),
)


_CALENDAR = frozenset(
    (
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
    )
)


def _uncommon_words(text: str) -> bool:
    """No word is common, an acronym, a month or a weekday (those open sentences without being names)."""
    common = common_words()
    return all(w.casefold() not in common and w.casefold() not in _CALENDAR and not w.isupper() for w in text.split())


_OPENING = '(?:^|(?<=[.!?:;] )|(?<=[.!?:;]  )|(?<=[.!?] ["\u201c]))'
_SURNAME = f"(?>{_CAP}(?:[a-zß-öø-ÿ]|['\u2019\\-]{_CAP}?(?=[a-zß-öø-ÿ])){{2,30}}+)(?![\\w'\u2019\\-])"
_PERSON_VERB = (
    "said|says|told|tells|asked|asks|never|always|just|also|was|wasn't|is|isn't|had|hadn't|has|came|went|did|didn't|"
    "does|doesn't|would|wouldn't|could|couldn't|knew|got|called|rang|phoned|wanted|kept|took|gave|made|"
    "reckoned|thought|shouted|laughed|smiled|nodded|left|arrived|promised|lied|helped|hit|stabbed|sold|"
    "bought|drove|visited|wrote|signed|testified|admitted|denied|and (?:I|me|him|her)"
)
# what opens a speaker's turn without being a name
_INTERJECTIONS = _word_set(
    "yeah yes yep yup yah no nope nah okay ok alright right sure sorry hmm hm mm mhm um uh er erm ah oh ooh wow "
    "well look listen honestly exactly absolutely definitely probably maybe basically actually seriously "
    "obviously totally true correct indeed fine great good cool really thanks cheers mate hello hi hey bye "
    "pardon what why how where when who whatever nothing never always sometimes everything anything sort kind "
    "like so because anyway dunno whoa jeez christ damn shit fuck bloody precisely agreed certainly perhaps "
    "possibly prison jail court home work school police family nobody somebody everybody"
)


def _not_interjection(text: str) -> bool:
    return text.casefold() not in _INTERJECTIONS and _uncommon_words(text)


_LABEL = (
    "Name|Full name|Surname|Forename|Client|Patient|Prisoner|Inmate|Offender|Visitor|Contact|Next of kin|NOK|"
    "Supervisor|Employer contact|Referred by|Referrer|Officer|Caseworker|Case worker|Witness|Victim|Partner|"
    "Mother|Father|Parent|Guardian|Sponsor|Signed|From|To|Attn|Re"
)
NAME_RULES = (
    # a name after a record field label: Name: Alen Iten, Next of kin - Troy Moody
    Rule(f"(?i:\\b(?:{_LABEL}))\\s?[:\\-]\\s?(?P<v>{_NAME}(?: (?:{_PARTICLE} )*{_NAME}){{1,3}})", 0.5),
    # two uncommon capitalized words opening a sentence or a line: "Troy Moody rang", "A: Alen Iten (32)"
    # (the name-candidate detector leaves a sentence's first word alone)
    Rule(f"(?:^|(?<=[.!?:;] )|(?<=[.!?:;]  ))(?P<v>{_NAME} {_NAME})\\b(?! {_CAP})", 0.3, _uncommon_words),
    # one uncommon capitalized word opening a sentence, then a verb said of people: "Osborne never
    # listened", "R: Murphy said I could stay" (the name-candidate detector leaves such words alone)
    Rule(f"{_OPENING}(?P<v>{_SURNAME})(?= (?:{_PERSON_VERB})\\b)", 0.3, _uncommon_words, proper=True),
    # one such word alone opening a speaker's turn, then a comma or a full stop: "R: Cox. That's the
    # name.", "A: Paradis, he was the one." (not an interjection: "A: Yeah, ...", "R: Sorry.")
    Rule(f"(?:^|(?<=\\s))[A-Z]{{1,2}}\\d?: (?P<v>{_SURNAME})(?=[.,] )", 0.3, _not_interjection, proper=True),
)


_NAME2 = f"(?>{_CAP}{_WORDCH}{{1,40}})"
_ORG_SUFFIX = (
    "Ltd|Limited|LLC|LLP|Inc|Corp|Corporation|Co|GmbH|AG|KG|OHG|GbR|e\\.V|SARL|SAS|SA|BV|NV|PLC|plc|Pty|Group|"
    "Holdings|Logistics|Partners|Sons|Brothers|Trust|Foundation|Council|College|School|Academy|University|Hospital|"
    "Clinic|Surgery|Centre|Center|Bank|Church|Mosque|Services|Solutions|Associates|Agency|Society|Club|Union"
)
ORG_RULES = (
    # Clarke, O'Neill and Patchett; Lewis & Sons; Smith and Partners
    Rule(f"\\b{_NAME2}(?:, {_NAME2}){{0,3}},? (?:and|&) {_NAME2}\\b", 0.4),
    # Forstner KG, Wood-Hill Ltd, Medway Community College
    Rule(f"\\b(?:{_NAME2} ){{1,4}}(?:{_ORG_SUFFIX})\\b\\.?", 0.5),
)


# -- dates, times, weekdays ---------------------------------------------------------------------

_MONTH = (
    "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|"
    "Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_HOUR_WORD = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_AMPM = r"(?:[ap]\.?m\.?|[AP]\.?M\.?)(?!\w)"
_PART_OF_DAY = r"(?:in the (?:morning|afternoon|evening)|at night|tonight|this (?:morning|afternoon|evening))"
TIME_RULES = (
    # 14:45, 9:15 am, 10:30:15, 23.59h
    Rule(f"\\b(?:[01]?\\d|2[0-4])[:h][0-5]\\d(?:[:][0-5]\\d)?(?: ?{_AMPM}| ?h(?:rs)?\\b| ?{_PART_OF_DAY})?", 0.55),
    # 10.30pm, 9am, 9 p.m., 11 in the morning, 3 o'clock
    Rule(f"\\b(?:1[0-2]|0?[1-9])(?:[.:][0-5]\\d)? ?(?:{_AMPM}|o'?clock\\b|{_PART_OF_DAY})", 0.55),
    # 1430 hours, 0915h, 2100hrs
    Rule(r"\b(?:[01]\d|2[0-3])[0-5]\d ?(?:hours|hrs|h)\b", 0.55),
    # half past nine, quarter to one, ten past 6, five o'clock, noon, midnight
    Rule(
        f"(?i:\\b(?:(?:half|quarter|twenty-five|twenty|ten|five)(?: minutes)? (?:past|to|after) (?:{_HOUR_WORD}|"
        f"\\d{{1,2}}|noon|midnight)|(?:{_HOUR_WORD}) o'?clock|noon|midnight|midday)\\b)"
        f"(?: {_PART_OF_DAY})?",
        0.5,
    ),
    # at 10.30 (a time after a time preposition, with a dot)
    Rule(
        r"(?i:\b(?:at|by|from|until|till|til|to|around|about|after|before|since)) (?P<v>(?:[01]?\d|2[0-3])\.[0-5]\d)"
        r"(?![\d.,]|\s?(?:%|percent|pounds|euros|dollars|quid|m\b|km|kg|miles))",
        0.45,
    ),
)
_DAY = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
WEEKDAY_RULES = (
    Rule(f"\\b(?:{_DAY})s?\\b", 0.55),
    Rule(r"\b(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri)\b\.?", 0.5),
    # Sat and Sun are also words: only before a date or time, or after on/every/last/next
    Rule(
        r"\b(?:Sat|Sun)\b\.?(?=,? ?\d)|(?i:\b(?:on|every|last|next|this|each|till|until|from))\s(?P<v>Sat|Sun)\b\.?",
        0.5,
    ),
)
DATE_RULES = (
    # 23-Mar-2000, 28 Aug 98, 5 Sept. '09
    Rule(
        f"\\b\\d{{1,2}}(?:st|nd|rd|th)?[ \\-/.](?:{_MONTH})\\.?[ \\-/.,]+(?:'?\\d{{2}}|(?:1[89]|20)\\d{{2}})\\b", 0.55
    ),
    # the 3rd of May, the 21st, 3rd May
    Rule(
        f"\\b(?:the )?\\d{{1,2}}(?:st|nd|rd|th) (?:of )?(?:{_MONTH})\\b\\.?|\\bthe \\d{{1,2}}(?:st|nd|rd|th)\\b"
        "(?! (?:century|time|floor|birthday|place|row|round|minute|lap|grade|year|anniversary))",
        0.5,
    ),
    # March 2019, Jan. 2001, May '98, Sept 5th 2019
    Rule(
        f"\\b(?:{_MONTH})\\.?,? (?:'\\d{{2}}\\b|(?:1[89]|20)\\d{{2}}\\b|\\d{{1,2}}(?:st|nd|rd|th)?,? "
        f"(?:1[89]|20)\\d{{2}}\\b)",
        0.55,
    ),
    # 14.03.2019, 2019/03/14, 03-14-19, 14/3/19, 2019.03.14
    Rule(r"\b(?:\d{1,2}[./\-]\d{1,2}[./\-](?:\d{4}|\d{2})|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})\b", 0.6),
    # the 1990s, the '90s, 1990's
    Rule(r"\b(?:1[89]|20)\d0'?s\b|(?<!\w)'\d0s\b", 0.5),
)

# -- ages ---------------------------------------------------------------------------------------

_SUBJECT = (
    r"(?:I|[Hh]e|[Ss]he|[Ww]e|[Tt]hey|[Yy]ou|I'm|I\u2019m|[Hh]e's|[Ss]he's|[Hh]e\u2019s|[Ss]he\u2019s|[Ww]e're|[Tt]hey're|"
    r"[Yy]ou're|[Hh]im|[Hh]er|[Mm]e|[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)"
)
_NOT_SUBJECT = (
    "It|There|That|This|What|Which|Who|Where|When|Here|Everything|Nothing|Score|Total|Room|Cell|Number|Page|"
    "Chapter|Level|Year|Grade|Floor|Block|Wing|Bus|Platform|Gate|Table|Row|Price|Cost|Rent|Fine|Sentence|Bail"
)
_AGE_VERB = (
    r"(?:was|is|am|were|are|turned|turns|turning|just turned|'d just turned|reached|hit|being|been|became|"
    r"aged|now|only|just)"
)
_NOT_AGE_AFTER = (
    r"(?!\w|[:.,]\d|\s?(?:%|percent|per cent|pounds|quid|euros|dollars|p\b|pence|cents?|times|minutes|mins|"
    r"hours|hrs|days|weeks|months|miles|km|kilos?|kg|stone|feet|foot|ft|metres|meters|m\b|mph|degrees|points|people|men|women|"
    r"kids|children|of (?:us|them|the)|grand|k\b|[ap]\.?m\b|o'?clock|in the (?:morning|afternoon|evening)|"
    r"years? (?!old)|yrs? (?!old)|-\w))"
)
# what may follow a bare age: the end of a clause, or words that go on talking about the person
_AGE_END = (
    r"(?=\s*(?:[.,;:!?)\-\u2013\u2014]|$|(?:now|then|and|but|when|while|at the time|by then|or so|or something|"
    r"maybe|I think|I|he|she|we|they|my|his|her|you know|years? old|in \d{4}|back then|so|because|if)\b))"
)
AGE_RULES = (
    # 31-year-old, 62yo, 45 yrs old, 23 y/o, 17-yr-old, sixty-three years of age, 7 year old
    Rule(
        f"(?i:\\b{_AGE_NUMBER}[ \\-]?(?:(?:years?|yrs?|yr)[ \\-]?old|y/?o|y\\.o\\.|yo|(?:years?|yrs?) of age)\\b)", 0.65
    ),
    # aged 60, age: 45, Age fifty-six, at the age of 19, at age 12
    # ("aged 60" whole, as one short phrase; after "at the age of" only the number)
    Rule(f"(?i:\\baged?\\b:? ?(?:about |around |just |only )?{_AGE_NUMBER}\\b)", 0.65),
    Rule(f"(?i:\\b(?:at the age of|at age)\\b:? ?(?:about |around |just |only )?)(?P<v>{_AGE_NUMBER})\\b", 0.65),
    # I was 23. / he's 62 now / she is forty-four / when I was fourteen / he was about 41
    Rule(
        f"\\b(?!{_NOT_SUBJECT}\\b){_SUBJECT}(?:['\u2019]s| {_AGE_VERB})(?: (?:only|just|about|around|nearly|almost|"
        f"barely|maybe|like|probably|roughly|over|under))? (?P<v>{_AGE_NUMBER}){_NOT_AGE_AFTER}{_AGE_END}",
        0.5,
    ),
    # at 17 I left school / at nineteen (not at 5 pm, at 50 mph)
    Rule(
        f"(?i:\\b(?:at|by|from|till|until|since) )(?P<v>1[3-9]|[2-9]\\d|(?:thirteen|fourteen|fifteen|sixteen|"
        f"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy)(?:-[a-z]+)?){_NOT_AGE_AFTER}"
        r"(?=\s*(?:,|\.|;|I|he|she|we|they|you|my|his|her|years? old|\)|$))",
        0.45,
    ),
    # a name and (35): Béatrice Lemay (35), Alen Iten (thirty-two)
    Rule(f"{_NAME} \\((?P<v>{_AGE_NUMBER})\\)", 0.5),
    # in his forties, in her early thirties, in their mid-twenties, teenager is not an age
    Rule(
        r"\bin (?:his|her|their|my|your|our) (?:early |mid-?|late )?(?:teens|twenties|thirties|forties|fifties|"
        r"sixties|seventies|eighties|nineties|20s|30s|40s|50s|60s|70s|80s)\b",
        0.5,
    ),
)


def english_recognizers(language: str = "en") -> list[EntityRecognizer]:
    """The English recognizers (registered for English text by ``engine.build_analyzer``)."""
    return [
        RuleRecognizer("PERSON", "en titled name", PERSON_RULES, language),
        RuleRecognizer("ADDRESS", "en address", ADDRESS_RULES, language),
        RuleRecognizer("ADDRESS", "en postcode", POSTCODE_RULES, language),
        RuleRecognizer("PHONE_NUMBER", "en phone", PHONE_RULES, language),
        RuleRecognizer("ID_NUMBER", "en id number", ID_RULES, language),
        RuleRecognizer("USERNAME", "en username", USERNAME_RULES, language),
        RuleRecognizer("URL", "en url", URL_RULES, language),
        RuleRecognizer("PERSON", "en labelled name", NAME_RULES, language),
        RuleRecognizer("ORGANIZATION", "en organisation", ORG_RULES, language),
        RuleRecognizer("DATE", "en time", TIME_RULES, language),
        RuleRecognizer("DATE", "en weekday", WEEKDAY_RULES, language),
        RuleRecognizer("DATE", "en date", DATE_RULES, language),
        RuleRecognizer("AGE", "en age", AGE_RULES, language),
    ]
