# ruff: noqa: E501, RUF001 - the rule tables keep one regular expression per line; en dashes are matched on purpose
"""Time expressions in life stories: "when I was sixteen", "16 évesen", "2003-ban", "két évvel később".

``propose_time`` reads the first time expression of a passage and returns it as an
``EventTime`` (an age, a year, a date or a position relative to another event, with a
precision) together with where it was found; ``TimeProposal.resolve`` turns it into an age
and a calendar year given the participant's birth year, the age of the previous event (for
"two years later") and the ages of recorded events by type (for "after my first sentence").

Why rules and not a date parser. ``dateparser`` 1.5.0 (Hungarian included) was tried on the
phrases this module must read: it finds none of the ages ("when I was sixteen", "16 évesen"),
none of the Hungarian case-suffixed years ("2003-ban", "a kilencvenes években"), and it
resolves "two years later" against today's date rather than against the story; only full
dates ("2010. május 3-án") came out right. Life stories time events by age and by other
events far more than by dates, so a small documented rule set over number words, age and
year phrases, decades, life stages and event anchors serves better, with no dependency and
nothing downloaded. The rules, per language, are the ``_RULES_EN`` / ``_RULES_HU`` tables
below; each is a regular expression and a builder. Accuracy on 100+ English and 100+
Hungarian interview-like phrases, a development set and two held-out sets is measured in
``tests/nlp/test_timeexpr.py`` and ``bench/timeexpr_bench.py`` and reported
in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from workbench.domain.events import EventTime, Precision, TimeKind

PREVIOUS = "previous"
"""``anchor_type`` of a time relative to the event told just before ("two years later")."""
NOW = "now"
"""``anchor_type`` of a time counted back from the interview ("two years ago", "tavaly")."""

# -- numbers ---------------------------------------------------------------------------------

_EN_UNITS = {
    "zero": 0, "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
_EN_FEW = {"a couple of": 2, "a couple": 2, "a good few": 3, "a few": 3, "several": 4}

_HU_UNITS = {
    "egy": 1, "kettő": 2, "két": 2, "három": 3, "négy": 4, "öt": 5, "hat": 6, "hét": 7, "nyolc": 8, "kilenc": 9,
}  # fmt: skip
_HU_TENS = {"tíz": 10, "húsz": 20, "harminc": 30, "negyven": 40, "ötven": 50, "hatvan": 60, "hetven": 70}
_HU_TEN_PREFIX = {"tizen": 10, "huszon": 20, "harminc": 30, "negyven": 40, "ötven": 50, "hatvan": 60, "hetven": 70}
_HU_FEW = {"jó pár": 3, "pár": 2, "egy-két": 2, "néhány": 3, "egypár": 2}


def _alt(words: Mapping[str, int] | list[str]) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


EN_NUM = (
    rf"(?:\d{{1,3}}(?:\.5)?|(?:{_alt(_EN_TENS)})(?:[- ](?:{_alt([w for w in _EN_UNITS if _EN_UNITS[w] < 10 and w not in ('a', 'an', 'zero')])}))?"
    rf"|{_alt([w for w in _EN_UNITS if w not in ('a', 'an')])})"
)
HU_NUM = rf"(?:\d{{1,3}}(?:,5)?|(?:{_alt(_HU_TEN_PREFIX)})(?:{_alt(_HU_UNITS)})|{_alt(_HU_TENS)}|{_alt(_HU_UNITS)})"
EN_COUNT = rf"(?:(?:{EN_NUM}|an?)\s+and\s+a\s+half|{_alt(_EN_FEW)}|{EN_NUM}|an?|half\s+a)"
HU_COUNT = rf"(?:{HU_NUM}\s+és\s+fél|másfél|{_alt(_HU_FEW)}|{HU_NUM}|fél)"


def number(text: str) -> float:  # noqa: PLR0911, PLR0912 - one return per number system
    """The value of a numeral or a number word (English or Hungarian), e.g. "twenty-one", "tizenhat"."""
    word = text.strip().lower().replace(",", ".")
    if re.fullmatch(r"\d+(?:\.\d+)?", word):
        return float(word)
    for table in (_EN_FEW, _HU_FEW):
        if word in table:
            return float(table[word])
    if word in ("half a", "fél"):
        return 0.5
    if word == "másfél":
        return 1.5
    halves = re.fullmatch(r"(.+?)\s+(?:and\s+a\s+half|és\s+fél)", word)
    if halves:
        return number(halves.group(1)) + 0.5
    if word in _EN_UNITS:
        return float(_EN_UNITS[word])
    for tens, value in _EN_TENS.items():
        if word.startswith(tens):
            rest = word[len(tens) :].strip(" -")
            return float(value + (_EN_UNITS[rest] if rest else 0))
    if word in _HU_UNITS:
        return float(_HU_UNITS[word])
    if word in _HU_TENS:
        return float(_HU_TENS[word])
    for prefix, value in _HU_TEN_PREFIX.items():
        if word.startswith(prefix) and word[len(prefix) :] in _HU_UNITS:
            return float(value + _HU_UNITS[word[len(prefix) :]])
    raise ValueError(f"not a number: {text!r}")


# -- anchor events ----------------------------------------------------------------------------

_ANCHORS_EN: tuple[tuple[str, str], ...] = (
    ("release", r"(?:my|the)\s+release|(?:i|we)\s+(?:got|was|were)\s+(?:out|released)|getting\s+out|i\s+came\s+out"),
    ("incarceration", r"(?:my|the)\s+(?:first\s+)?(?:sentence|conviction|arrest|prison\s+term)|(?:i|we)\s+(?:went|got\s+sent|was\s+sent)\s+(?:to\s+prison|inside|down)|"
                      r"(?:i|we)\s+(?:got|was|were)\s+(?:locked\s+up|arrested|sentenced|convicted)|(?:going|being\s+sent)\s+(?:to\s+prison|inside)"),
    ("school_exit", r"(?:i\s+)?(?:left|quit|dropped\s+out\s+of|finished)\s+school|(?:i\s+)?(?:got|was)\s+expelled|leaving\s+school"),
    ("family_rupture", r"my\s+(?:father|dad|mother|mum|mom|parents)\s+(?:left|died|split(?:\s+up)?|divorced|separated)|(?:the|my\s+parents')\s+divorce"),
    ("extremist_contact", r"(?:i\s+)?(?:joined|met)\s+(?:them|the\s+(?:group|movement|lads|brothers))"),
    ("first_offence", r"my\s+first\s+(?:offence|offense|crime|theft|robbery)"),
)  # fmt: skip
_ANCHORS_HU: tuple[tuple[str, str], ...] = (
    ("release", r"(?:a\s+)?szabadulás(?:om|a)?\b\w*|(?:ki)?szabadultam|kiengedtek|kijöttem|kikerültem"),
    ("incarceration", r"(?:az\s+)?(?:első\s+)?(?:ítélet|elítélés|letartóztatás|bebörtönzés)(?:em|e)?\w*|bekerültem|börtönbe\s+kerültem|lecsuktak|letartóztattak|elítéltek|bevittek"),
    ("school_exit", r"(?:ott|abba)hagytam\s+az\s+iskolát|kimaradtam\s+az\s+iskolából|kirúgtak\s+az\s+iskolából|befejeztem\s+az\s+iskolát"),
    ("family_rupture", r"(?:apám|anyám|a\s+szüleim)\s+(?:elment|meghalt|elváltak|szétmentek)|a\s+válás\w*"),
    ("extremist_contact", r"csatlakoztam\s+hozzájuk|megismertem\s+őket|beléptem\s+a\s+\w+"),
    ("first_offence", r"az\s+első\s+bűncselekmény\w*"),
)  # fmt: skip


def _anchor_of(text: str, table: tuple[tuple[str, str], ...]) -> str | None:
    """The event type whose phrase comes first in ``text`` ("after I left school I was arrested": school)."""
    best: tuple[int, str] | None = None
    for key, pattern in table:
        found = re.search(pattern, text, re.IGNORECASE)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), key)
    return None if best is None else best[1]


# -- proposals --------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeProposal:
    """A time found in a text: ``time`` as the store keeps it, ``start``/``end`` its place, ``rule`` which rule."""

    time: EventTime
    start: int
    end: int
    rule: str

    def resolve(
        self,
        *,
        birth_year: int | None = None,
        previous_age: float | None = None,
        anchor_ages: Mapping[str, float] | None = None,
        reference_year: int | None = None,
    ) -> tuple[float | None, float | None]:
        """(age, year) of the proposal's midpoint; either is None when the context does not allow it."""
        time = self.time
        mid = time.midpoint()
        if mid is None:
            return None, None
        if time.kind is TimeKind.AGE:
            return mid, None if birth_year is None else birth_year + mid
        if time.kind in (TimeKind.YEAR, TimeKind.DATE):
            year = float(int(mid)) if time.kind is TimeKind.DATE else mid
            return (None if birth_year is None else year - birth_year), year
        anchor = previous_age if time.anchor_type == PREVIOUS else (anchor_ages or {}).get(time.anchor_type or "")
        if time.anchor_type == NOW:
            base_year = reference_year or dt.date.today().year
            year = base_year + mid
            return (None if birth_year is None else year - birth_year), year
        if anchor is None:
            return None, None
        age = anchor + mid
        return age, None if birth_year is None else birth_year + age


Builder = Callable[[re.Match[str]], EventTime | None]


def _g(match: re.Match[str], name: str) -> str:
    return (match.groupdict().get(name) or "") if name in match.re.groupindex else ""


def _age(value: float, precision: Precision = Precision.EXACT, end: float | None = None) -> EventTime | None:
    if not 0 <= value <= 110 or (end is not None and not value <= end <= 110):
        return None
    return EventTime(TimeKind.AGE, value, precision, end=end)


def _year(value: float, precision: Precision = Precision.EXACT, end: float | None = None) -> EventTime | None:
    if not 1900 <= value <= 2100:
        return None
    return EventTime(TimeKind.YEAR, value, precision, end=end)


def _full_year(text: str) -> float:
    """'2003' -> 2003, "'98"/'98' -> 1998, '03' -> 2003 (two digits: 30 and above are the 1900s)."""
    digits = text.strip("'’")
    value = int(digits)
    if len(digits) == 2:
        value += 1900 if value >= 30 else 2000
    return float(value)


def _precision(words: str, default: Precision = Precision.EXACT) -> Precision:
    w = words.lower()
    if re.search(r"\b(?:about|around|roughly|approximately|maybe|or so|ish|körülbelül|kb\.?|nagyjából|úgy|olyan|"
                 r"talán|lehettem|táján|tájékán|körül)\b|ish\b", w):  # fmt: skip
        return Precision.ABOUT
    return default


_DECADE_EN = {
    "twenties": 20, "thirties": 30, "forties": 40, "fifties": 50, "sixties": 60, "teens": 13,
    "nineties": 1990, "eighties": 1980, "seventies": 1970,
}  # fmt: skip
_DECADE_HU = {
    "kétezertízes": 2010, "kétezres": 2000, "tizen": 13, "huszon": 20,
    "húszas": 20, "harmincas": 30, "negyvenes": 40, "ötvenes": 50, "hatvanas": 60,
    "kilencvenes": 1990, "nyolcvanas": 1980, "hetvenes": 1970,
}  # fmt: skip


def _decade(start: float, part: str) -> EventTime | None:
    """A decade of life (20 = one's twenties) or of the calendar (1990), narrowed by early/mid/late."""
    thirds = ((13, 15), (15, 17), (17, 19)) if start == 13 else ((0, 3), (4, 6), (7, 9))
    offset = 0.0 if start == 13 else start
    lo, hi = (13.0, 19.0) if start == 13 else (start, start + 9)
    p = part.lower()
    for words, (a, b) in zip((r"early|elej", r"mid|közep", r"late|vég"), thirds, strict=True):
        if re.search(words, p):
            lo, hi = offset + a, offset + b
    if start >= 1900:
        return _year(lo, Precision.RANGE, hi)
    return _age(lo, Precision.RANGE, hi)


def _relative(count: str, unit: str, sign: int, anchor: str, precision: Precision = Precision.EXACT) -> EventTime:
    value = number(count) if count else 1.0
    u = unit.lower()
    if u.startswith(("month", "hónap")):
        value /= 12
    elif u.startswith(("week", "hét")):
        value /= 52
    elif u.startswith(("day", "nap")):
        value /= 365
    if count.lower() in (*_EN_FEW, *_HU_FEW):
        precision = Precision.ABOUT
    return EventTime(TimeKind.RELATIVE, sign * round(value, 3), precision, anchor_type=anchor)


_MONTHS_EN = {m: i for i, m in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}  # fmt: skip
_MONTHS_HU = {m: i for i, m in enumerate(
    ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember", "október",
     "november", "december"), start=1)}  # fmt: skip


def _date(year: str, month: int, day: str | None) -> EventTime | None:
    try:
        if day:
            return EventTime(TimeKind.DATE, date=dt.date(int(year), month, int(day)))
        first = dt.date(int(year), month, 1)
        last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        return EventTime(TimeKind.DATE, precision=Precision.RANGE, date=first, end_date=last)
    except ValueError:
        return None


# -- English rules ------------------------------------------------------------------------------

_APPROX_EN = r"(?P<approx>about|around|roughly|approximately|maybe|almost|nearly|barely|just|only|still)?\s*"
_YEAR4 = r"(?:19|20)\d\d"
_EN_ANCHOR_TAIL = r"(?P<tail>[^.;!?]{0,60})"


def _en_relative(m: re.Match[str]) -> EventTime | None:
    sign = -1 if re.match(r"before|earlier|prior", _g(m, "dir"), re.IGNORECASE) else 1
    anchor = None
    direction = _g(m, "dir").lower()  # "into": "two years into my sentence", counted from its start
    if direction == "into" or (
        direction in ("after", "before") and not re.match(r"\s*(?:that|this)\b", _g(m, "tail"), re.I)
    ):
        anchor = _anchor_of(_g(m, "tail"), _ANCHORS_EN)
        if anchor is None:
            return None
    count = _g(m, "count") + (" and a half" if _g(m, "half") else "")
    return _relative(count, _g(m, "unit"), sign, anchor or PREVIOUS, _precision(_g(m, "approx")))


def _en_the_year_after(m: re.Match[str]) -> EventTime | None:
    """The year after I turned twenty (an age), "the year before my release" (an event), "the year after, ..."."""
    sign = 1 if _g(m, "dir").lower() == "after" else -1
    step = 1.0 if _g(m, "unit").lower() == "year" else 0.5
    tail = _g(m, "tail")
    turned = re.match(rf"\s*i\s+(?:turned|was|hit|reached)\s+(?P<n>{EN_NUM})\b", tail, re.IGNORECASE)
    if turned:
        return _age(number(turned.group("n")) + sign * step)
    if re.match(r"\s*(?:that|this|it)\b|\s*[,;.]|\s*$", tail, re.IGNORECASE):
        return EventTime(TimeKind.RELATIVE, sign * step, anchor_type=PREVIOUS)
    anchor = _anchor_of(tail[:40], _ANCHORS_EN)
    if anchor is None:
        return None
    return EventTime(TimeKind.RELATIVE, sign * step, anchor_type=anchor)


def _en_bare_anchor(m: re.Match[str]) -> EventTime | None:
    anchor = _anchor_of(_g(m, "tail"), _ANCHORS_EN)
    if anchor is None:
        return None
    word = _g(m, "dir").lower()
    precision = {"after": Precision.AFTER, "since": Precision.AFTER, "before": Precision.BEFORE,
                 "until": Precision.BEFORE, "till": Precision.BEFORE}.get(word, Precision.EXACT)  # fmt: skip
    return EventTime(TimeKind.RELATIVE, 0, precision, anchor_type=anchor)


_RULES_EN: tuple[tuple[str, str, Builder], ...] = (
    ("date_dmy", rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_alt(_MONTHS_EN)}),?\s+(?P<y>{_YEAR4})\b",
     lambda m: _date(_g(m, "y"), _MONTHS_EN[_g(m, "m").lower()], _g(m, "d"))),
    ("date_mdy", rf"\b(?P<m>{_alt(_MONTHS_EN)})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>{_YEAR4})\b",
     lambda m: _date(_g(m, "y"), _MONTHS_EN[_g(m, "m").lower()], _g(m, "d"))),
    ("date_iso", rf"\b(?P<y>{_YEAR4})-(?P<m>\d\d)-(?P<d>\d\d)\b",
     lambda m: _date(_g(m, "y"), int(_g(m, "m")), _g(m, "d")) if 1 <= int(_g(m, "m")) <= 12 else None),
    ("month_year", rf"\b(?P<m>{_alt(_MONTHS_EN)})\s+(?:of\s+)?(?P<y>{_YEAR4})\b",
     lambda m: _date(_g(m, "y"), _MONTHS_EN[_g(m, "m").lower()], None)),
    ("the_year_after", rf"\b(?:the|that)\s+(?P<unit>year|summer|winter|spring|autumn|fall)\s+(?P<dir>after|before)\b{_EN_ANCHOR_TAIL}",
     _en_the_year_after),
    ("school_year", r"\bin\s+(?:year\s+(?P<y>[1-9]|1[0-3])|(?:the\s+)?(?P<g>[1-9]|1[0-2])(?:st|nd|rd|th)\s+grade)\b(?!\s+of\b)",
     lambda m: _age(int(_g(m, "y")) + 4.5, Precision.ABOUT) if _g(m, "y") else _age(int(_g(m, "g")) + 5.5, Precision.ABOUT)),
    ("age_of_kid", rf"\b(?:kid|boy|girl|lad|child|teenager)\s+of\s+{_APPROX_EN}(?P<n>{EN_NUM})\b(?!\s*(?:years?|months?)\s+(?:later|after|ago))",
     lambda m: _age(number(_g(m, "n")), _precision(_g(m, "approx")))),
    ("age_range", rf"\bbetween\s+(?:the\s+ages?\s+of\s+)?(?P<a>{EN_NUM})\s+and\s+(?P<b>{EN_NUM})\b(?!\s*years?\s+(?:ago|later))|"
                  rf"\b(?P<a2>{EN_NUM})\s*(?:or|to|-|–)\s*(?P<b2>{EN_NUM})(?=\s*(?:years?\s+old|year-olds?|\b(?:when|as)\b|,|\.|$))",
     lambda m: _age(number(_g(m, "a") or _g(m, "a2")), Precision.RANGE, number(_g(m, "b") or _g(m, "b2")))),
    ("age_bound", rf"\b(?P<dir>before|until|till|by\s+the\s+time|by|after|since|from\s+the\s+age\s+of)\s+(?:i\s+(?:was|turned|reached|hit|got\s+to)\s+|the\s+age\s+of\s+|age\s+)?(?P<n>{EN_NUM})\b(?!\s*(?:years?|months?)\s+(?:later|after|before|ago)|\s*(?:o['’]?\s?clock|am|pm|percent|%|points|votes|times|metres|meters|miles)\b)",
     lambda m: None if re.fullmatch(r"by\s+\S+", m.group(0).lower()) and number(_g(m, "n")) < 5 else
     _age(number(_g(m, "n")), Precision.AFTER if re.match(r"after|since|from", _g(m, "dir"), re.I) else Precision.BEFORE)),
    ("age_stage", r"\b(?:in|during)\s+my\s+(?P<part>early|mid|late)?[- ]?(?P<dec>teens|twenties|thirties|forties|fifties|sixties)\b",
     lambda m: _decade(_DECADE_EN[_g(m, "dec").lower()], _g(m, "part"))),
    ("age_teen", r"\bas\s+a\s+teenager\b", lambda m: _age(13, Precision.RANGE, 19)),
    ("age_was", rf"\b(?:when|while|since|once)\s+i\s+(?:was|turned|had\s+turned|were|got\s+to|hit|reached)\s+{_APPROX_EN}(?P<n>{EN_NUM})\b(?!\s*(?:years?|months?)\s+(?:later|after|ago))",
     lambda m: _age(number(_g(m, "n")), _precision(_g(m, "approx")))),
    ("age_at", rf"\b(?:at|aged|age)\s+(?:the\s+age\s+of\s+)?{_APPROX_EN}(?P<n>{EN_NUM})\b(?!\s*(?:years?|months?|percent|%|o'clock|am|pm))",
     lambda m: _age(number(_g(m, "n")), _precision(_g(m, "approx")))),
    ("age_old", rf"\b{_APPROX_EN}(?P<n>{EN_NUM})[- ]years?[- ]old\b",
     lambda m: _age(number(_g(m, "n")), _precision(_g(m, "approx")))),
    ("age_i_was", rf"\bi(?:\s+was|\s+turned|\s+(?:must|might|would|could)\s+have\s+been|\s+(?:must|might|would|could)['’]ve\s+been|['’]d\s+have\s+been|['’]d\s+been)\s+{_APPROX_EN}(?P<n>{EN_NUM})\b(?P<ish>\s*or\s+so|ish)?(?!\s*(?:years?|months?)\s+(?:later|after|ago)|\s*(?:kids|people|of\s+us|times)|\s+of\b|\s+(?!(?:as|is|was|this|years|months|yrs)\b)[a-z]{{2,}}s\b)",
     lambda m: _age(number(_g(m, "n")),
                    Precision.ABOUT if _g(m, "ish") or re.search(r"must|might|would|could|['’]d", m.group(0).lower()) else _precision(_g(m, "approx")))),
    ("year_range", rf"\b(?:from|between)\s+(?P<a>{_YEAR4})\s+(?:to|and|until|till)\s+(?P<b>{_YEAR4})\b|\b(?P<a2>{_YEAR4})\s*[-–]\s*(?P<b2>{_YEAR4})\b",
     lambda m: _year(float(_g(m, "a") or _g(m, "a2")), Precision.RANGE, float(_g(m, "b") or _g(m, "b2")))),
    ("decade", r"\b(?:in\s+)?the\s+(?P<part>early|mid|late)?[- ]?(?:(?P<dec>nineties|eighties|seventies)|['’]?(?P<num>(?:19|20)?\d0)['’]?s)\b",
     lambda m: _decade(_DECADE_EN[_g(m, "dec").lower()] if _g(m, "dec") else _full_year(_g(m, "num")[-2:])
                       if len(_g(m, "num")) == 2 else float(_g(m, "num")), _g(m, "part"))),
    ("year_bound", rf"\b(?P<dir>before|until|till|by|after|since|from)\s+(?P<y>{_YEAR4})\b",
     lambda m: _year(float(_g(m, "y")),
                     Precision.AFTER if _g(m, "dir").lower() in ("after", "since", "from") else Precision.BEFORE)),
    ("year", rf"\b(?P<approx>around|about|circa|roughly|maybe)?\s*(?:in\s+|back\s+in\s+|during\s+)?(?:the\s+(?:summer|winter|spring|autumn|fall)\s+of\s+)?(?P<y>{_YEAR4})\b",
     lambda m: _year(float(_g(m, "y")), _precision(_g(m, "approx")))),
    ("year_short", r"\b(?:in|during|since|from|by|of)\s+(?P<y>['’]\d\d)\b", lambda m: _year(_full_year(_g(m, "y")))),
    ("ago", rf"\b{_APPROX_EN}(?P<count>{EN_COUNT})\s+(?P<unit>years?|months?)\s+ago\b",
     lambda m: _relative(_g(m, "count"), _g(m, "unit"), -1, NOW, _precision(_g(m, "approx")))),
    ("last_year", r"\blast\s+year\b", lambda m: EventTime(TimeKind.RELATIVE, -1, anchor_type=NOW)),
    ("relative", rf"\b{_APPROX_EN}(?P<count>{EN_COUNT})\s+(?P<unit>years?|months?|weeks?)(?P<half>\s+and\s+a\s+half)?\s+(?P<dir>later|after|afterwards|before|earlier|on|into)\b{_EN_ANCHOR_TAIL}",
     _en_relative),
    ("next_year", r"\b(?:the\s+)?(?:following|next)\s+(?P<unit>year|summer|spring|winter|autumn)\b",
     lambda m: EventTime(TimeKind.RELATIVE, 1, anchor_type=PREVIOUS)),
    ("bare_anchor", rf"\b(?P<dir>after|since|before|until|till|when|once)\b{_EN_ANCHOR_TAIL}", _en_bare_anchor),
    ("later", r"\b(?:later\s+on|some\s+years\s+later|years\s+later)\b",
     lambda m: EventTime(TimeKind.RELATIVE, 3, Precision.ABOUT, anchor_type=PREVIOUS)),
)  # fmt: skip


# -- Hungarian rules -----------------------------------------------------------------------------

_APPROX_HU = r"(?P<approx>körülbelül|kb\.?|nagyjából|úgy|olyan|talán|majdnem|alig)?\s*"
_HU_SUFFIX_YEAR = r"(?:-?(?:ban|ben|ig|tól|től|as|es|ös|ra|re|ban|ben|ban))?"


def _hu_age_tail(m: re.Match[str]) -> Precision:
    tail = _g(m, "tail").lower()
    if re.search(r"óta|után|től|tól", tail):
        return Precision.AFTER
    if re.search(r"\big\b|koromig|korig|előtt|alatt", tail) or tail.endswith("ig"):
        return Precision.BEFORE
    return _precision(_g(m, "approx") + " " + tail)


def _hu_relative(m: re.Match[str]) -> EventTime | None:
    direction = _g(m, "dir").lower()
    sign = -1 if direction in ("korábban", "előtte", "előtt", "azelőtt") else 1
    tail = _g(m, "tail")
    anchor = _anchor_of(tail, _ANCHORS_HU) if direction in ("után", "előtt") or _g(m, "mid") else None
    if _g(m, "mid"):
        anchor = _anchor_of(_g(m, "mid"), _ANCHORS_HU)
        if anchor is None:
            return None
    return _relative(_g(m, "count"), _g(m, "unit"), sign, anchor or PREVIOUS, _precision(_g(m, "approx")))


def _hu_age_turned(m: re.Match[str]) -> EventTime | None:
    """ "tizenhat lettem", "húsz körül voltam": not "egy lettem közülük" (one of them), not "hat körül" (six o'clock)."""
    value = number(_g(m, "n") or _g(m, "n2"))
    if value < (13 if re.search(r"körül|táján", m.group(0), re.IGNORECASE) else 5):
        return None
    return _age(value, _precision(_g(m, "approx") + " " + m.group(0)))


def _hu_year_around_event(m: re.Match[str]) -> EventTime | None:
    """ "a szabadulásom előtti évben" (the year before my release), "az első ítéletem utáni nyáron"."""
    anchor = _anchor_of(_g(m, "mid"), _ANCHORS_HU)
    if anchor is None:
        return None
    step = 1.0 if _g(m, "unit").lower() == "évben" else 0.5
    sign = -1 if _g(m, "dir").lower() == "előtti" else 1
    return EventTime(TimeKind.RELATIVE, sign * step, anchor_type=anchor)


def _hu_bare_anchor(m: re.Match[str]) -> EventTime | None:
    anchor = _anchor_of(m.group(0), _ANCHORS_HU)
    if anchor is None:
        return None
    text = m.group(0).lower()
    precision = Precision.EXACT
    if re.search(r"\b(?:után|miután|óta)\b", text):
        precision = Precision.AFTER
    elif re.search(r"\b(?:előtt|mielőtt|amíg)\b|\w+ig\b", text):
        precision = Precision.BEFORE
    return EventTime(TimeKind.RELATIVE, 0, precision, anchor_type=anchor)


_RULES_HU: tuple[tuple[str, str, Builder], ...] = (
    ("date_ymd", rf"\b(?P<y>{_YEAR4})\.?\s+(?P<m>{_alt(_MONTHS_HU)})\s+(?P<d>\d{{1,2}})\.?(?:-?(?:án|én|jén|ján|a|e|ika|ike|én))?",
     lambda m: _date(_g(m, "y"), _MONTHS_HU[_g(m, "m").lower()], _g(m, "d"))),
    ("date_dots", rf"\b(?P<y>{_YEAR4})\.\s?(?P<m>\d\d)\.\s?(?P<d>\d\d)\.?",
     lambda m: _date(_g(m, "y"), int(_g(m, "m")), _g(m, "d")) if 1 <= int(_g(m, "m")) <= 12 else None),
    ("month_year", rf"\b(?P<y>{_YEAR4})\.?\s+(?P<m>{_alt(_MONTHS_HU)})(?:ban|ben|jában|jében|ában|ében|ától|étől)\b",
     lambda m: _date(_g(m, "y"), _MONTHS_HU[_g(m, "m").lower().rstrip()], None)),
    ("age_range", rf"\b(?P<a>{HU_NUM})\s*(?:-|–|és|vagy)\s*(?P<b>{HU_NUM})\s*éves",
     lambda m: _age(number(_g(m, "a")), Precision.RANGE, number(_g(m, "b")))),
    ("age_stage", r"\b(?:a\s+)?(?P<dec>húszas|harmincas|negyvenes|ötvenes|hatvanas)\s+éveim(?:ben|\s+(?P<part>elején|közepén|végén))",
     lambda m: _decade(_DECADE_HU[_g(m, "dec").lower()], _g(m, "part"))),
    ("age_teen", r"\b(?:kamasz|tinédzser|tini)(?:ként|koromban)\b", lambda m: _age(13, Precision.RANGE, 19)),
    ("age_adult", r"\b(?:amikor\s+)?nagykorú\s+lettem\b|\bbetöltöttem\s+a\s+tizennyolcat\b|\bnagykorúságom\w*",
     lambda m: _age(18)),
    ("year_short", r"(?<!\w)['’](?P<y>\d\d)(?=-?(?:ban|ben|as|es|ig|től|tól|ra|re)\b|\s+(?:nyarán|telén|tavaszán|őszén|elején|végén|közepén|körül|táján)\b)",
     lambda m: _year(_full_year(_g(m, "y")))),
    ("age_stage_word", r"\b(?P<dec>tizen|huszon)\s*éves(?:en|ként|\s+(?:voltam|lehettem|koromban|lettem))?\b"
                       r"|\b(?P<dec2>harmincas|negyvenes|ötvenes|hatvanas)\s+(?:voltam|lehettem|lettem|koromban)\b",
     lambda m: _decade(_DECADE_HU[(_g(m, "dec") or _g(m, "dec2")).lower()], "")),
    ("age_turned", rf"\b{_APPROX_HU}(?P<n>{HU_NUM})\s+(?:lettem|lehettem|múltam|(?:körül|táján)\s+(?:voltam|lehettem|jártam))\b"
                   rf"|\b(?:betöltöttem\s+a|töltöttem\s+be\s+a)\s+(?P<n2>{HU_NUM})(?:at|et|ot|öt|t)\b",
     _hu_age_turned),
    ("age", rf"\b{_APPROX_HU}(?P<n>{HU_NUM})\s*(?:-?\s*)?éves(?P<tail>en|ként|\s+(?:koromban|korában|koromig|koromtól|"
            r"korom\s+(?:óta|után|előtt|táján|körül)|fejjel|lehettem|voltam|lettem|múltam|se\s+voltam|sem\s+voltam))?",
     lambda m: _age(number(_g(m, "n")), _hu_age_tail(m))),
    ("age_bound", rf"\b(?P<n>{HU_NUM})\s+(?:éves\s+)?kor(?:om)?(?P<tail>ig|tól|ban|\s+(?:óta|után|előtt))",
     lambda m: _age(number(_g(m, "n")), _hu_age_tail(m))),
    ("year_range", rf"\b(?P<a>{_YEAR4})\s*(?:-|–|és)\s*(?P<b>{_YEAR4})(?:\s+között|-ig)?",
     lambda m: _year(float(_g(m, "a")), Precision.RANGE, float(_g(m, "b")))),
    ("decade", r"\b(?:a\s+)?(?:(?P<dec>kétezertízes|kétezres|kilencvenes|nyolcvanas|hetvenes)|['’]?(?P<num>(?:19|20)?\d0)-?\s*(?:as|es))\s+év(?:ek|ekben)(?:\s+(?P<part>elején|közepén|végén))?",
     lambda m: _decade(float(_DECADE_HU[_g(m, "dec").lower()]) if _g(m, "dec") else _full_year(_g(m, "num")[-2:])
                       if len(_g(m, "num")) == 2 else float(_g(m, "num")), _g(m, "part"))),
    ("year_bound", rf"\b(?P<y>{_YEAR4})(?P<tail>-?(?:ig|tól|től)|\s+(?:óta|után|előtt|előttig))\b",
     lambda m: _year(float(_g(m, "y")),
                     Precision.BEFORE if re.search(r"ig|előtt", _g(m, "tail")) else Precision.AFTER)),
    ("year", rf"\b(?P<y>{_YEAR4})(?:-?(?:ban|ben|as|es|ös)|\s+(?:nyarán|telén|tavaszán|őszén|elején|végén|közepén)|\s+(?P<approx>körül|táján|tájékán))?\b",
     lambda m: _year(float(_g(m, "y")), _precision(_g(m, "approx")))),
    ("ago", rf"\b{_APPROX_HU}(?P<count>{HU_COUNT})\s*(?P<unit>év|hónap)(?:e|vel\s+ezelőtt|e\s+már)\b",
     lambda m: _relative(_g(m, "count"), _g(m, "unit"), -1, NOW, _precision(_g(m, "approx")))),
    ("last_year", r"\btavaly\b", lambda m: EventTime(TimeKind.RELATIVE, -1, anchor_type=NOW)),
    ("relative_anchor", rf"\b{_APPROX_HU}(?P<count>{HU_COUNT})\s*(?P<unit>év|hónap|hét)(?:vel|val|pal|re|ra)\s+(?P<mid>(?:a|az)\s+[^.;!?]{{0,40}}?)\s+(?P<dir>után|előtt)\b",
     _hu_relative),
    ("relative_hogy", rf"\b{_APPROX_HU}(?P<count>{HU_COUNT})\s*(?P<unit>év|hónap|hét)(?:vel|val|pal|re|ra)\s+(?P<dir>azután|azelőtt),?\s+hogy(?P<mid>[^.;!?]{{0,60}})",
     _hu_relative),
    ("relative", rf"\b{_APPROX_HU}(?P<count>{HU_COUNT})\s*(?P<unit>év|hónap|hét)(?:vel|val|pal|re|ra|)\s*(?P<dir>később|korábban|múlva|rá|utána|előtte)\b(?P<tail>)",
     _hu_relative),
    ("relative_hogy_first", rf"\b(?P<dir>azelőtt|azután)\s+{_APPROX_HU}(?P<count>{HU_COUNT})\s*(?P<unit>év|hónap|hét)(?:vel|val|pal),?\s+hogy(?P<mid>[^.;!?]{{0,60}})",
     _hu_relative),
    ("relative_ra", rf"\brá\s+{_APPROX_HU}(?P<count>{HU_COUNT})\s*(?P<unit>év|hónap|hét)(?:re|ra)\b(?P<dir>)",
     _hu_relative),
    ("year_around_event", r"\b(?P<mid>(?:a|az)\s+[^.;!?]{0,40}?)\s+(?P<dir>előtti|utáni)\s+(?P<unit>évben|nyáron|télen|tavasszal|ősszel)\b",
     _hu_year_around_event),
    ("next_year", r"\b(?:az\s+azt\s+követő\s+évben)\b|\b(?:a\s+)?(?:következő|rá\s*következő|rákövetkező)\s+(?:évben|nyáron|télen|tavasszal|ősszel)\b|\begy\s+évre\s+rá\b",
     lambda m: EventTime(TimeKind.RELATIVE, 1, anchor_type=PREVIOUS)),
    ("bare_anchor", r"\b(?:(?:mi)?után|mielőtt|amikor|amíg|óta)\b[^.;!?]{0,50}|\b(?:a|az)\s+[^.;!?]{0,40}?\b(?:után|előtt|óta)\b"
                    r"|\b(?:a|az)\s+(?:első\s+)?\w+(?:ig|óta)\b",
     _hu_bare_anchor),
    ("later", r"\b(?:évekkel\s+később|később|aztán\s+évek\s+múlva)\b",
     lambda m: EventTime(TimeKind.RELATIVE, 3, Precision.ABOUT, anchor_type=PREVIOUS)),
)  # fmt: skip

_COMPILED: dict[str, list[tuple[str, re.Pattern[str], Builder]]] = {
    lang: [(name, re.compile(pattern, re.IGNORECASE), build) for name, pattern, build in rules]
    for lang, rules in (("en", _RULES_EN), ("hu", _RULES_HU))
}


def find_times(text: str, language: str) -> list[TimeProposal]:
    """Every time expression in ``text``, in text order; where two overlap, the earlier rule in the table wins."""
    rules = _COMPILED.get(language, _COMPILED["en"])
    found: list[TimeProposal] = []
    taken: list[tuple[int, int]] = []
    for name, pattern, build in rules:
        for match in pattern.finditer(text):
            start, end = match.span()
            if start == end or any(start < b and a < end for a, b in taken):
                continue
            try:
                time = build(match)
            except (ValueError, KeyError):
                time = None
            if time is None:
                continue
            taken.append((start, end))
            found.append(TimeProposal(time, start, end, name))
    return sorted(found, key=lambda p: p.start)


def propose_time(text: str, language: str, *, birth_year: int | None = None) -> TimeProposal | None:
    """The time a passage most likely tells: the first explicit one, else the first relative one.

    With a birth year, a year told by the narrator stays a year (the timeline converts it);
    ``birth_year`` is accepted so callers need not know which kinds need it.
    """
    del birth_year  # the proposal keeps the narrator's own terms; ``resolve`` converts
    found = find_times(text, language)
    explicit = [p for p in found if p.time.kind is not TimeKind.RELATIVE]
    specific = [p for p in found if p.rule not in _VAGUE]
    ranked = explicit or specific or found
    return ranked[0] if ranked else None


_VAGUE = frozenset({"later"})
"""Rules for "later on", "később": used only when the passage tells nothing more precise."""
