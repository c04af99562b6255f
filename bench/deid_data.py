"""A labelled, reproducible evaluation set for the de-identification benchmark (issue 7).

Interview-like sentences in English and Hungarian are built from templates whose slots are
filled by Faker (``en_US``, ``hu_HU``) and by small generators for what Faker lacks or gets
wrong for this purpose (Hungarian phone numbers in +36 / 06 formats, TAJ numbers, tax ids and
personal ids with valid check digits, penitentiary institutions, inflected Hungarian names,
Hungarian dates and ages). Every slot becomes one gold span, in code points, end exclusive,
covering the whole inflected word (*Kovács Bélának*, *Váci Fegyház és Börtönbe*). The fixed
template text holds no identifier. The same seed gives the same set.

Hungarian inflection follows vowel harmony (the last vowel other than *i*/*í* decides), final
*a*/*e* lengthens before a suffix, *-val/-vel* assimilates to a final consonant, and names
come family name first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

from workbench.deid.metrics import Labelled
from workbench.deid.recognizers import institution_names, personal_id_valid, taj_valid, tax_id_valid

GOLD_TYPES = ("PERSON", "LOCATION", "ADDRESS", "INSTITUTION", "PHONE", "ID", "EMAIL", "URL", "DATE", "AGE")
_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


@dataclass(frozen=True)
class Example:
    id: str
    language: str
    text: str
    spans: tuple[Labelled, ...]
    known: tuple[tuple[str, str], ...] = ()  # (base form, type) of its people and towns, as recorded at intake


@dataclass(frozen=True)
class Filled:
    text: str
    type: str
    kind: str
    base: str = ""  # a person's or town's uninflected name


# -- Hungarian morphology ---------------------------------------------------------------------

_BACK = set("aáoóuú")
_ROUNDED = set("öőüű")
_VOWELS = _BACK | _ROUNDED | set("eéií")
_DIGRAPHS = ("cs", "dz", "gy", "ly", "ny", "sz", "ty", "zs")
_SUFFIXES = {  # back, front, front rounded
    "nak": ("nak", "nek", "nek"), "nál": ("nál", "nél", "nél"), "hoz": ("hoz", "hez", "höz"),
    "tól": ("tól", "től", "től"), "ról": ("ról", "ről", "ről"), "ba": ("ba", "be", "be"),
    "ban": ("ban", "ben", "ben"), "ból": ("ból", "ből", "ből"), "ék": ("ék", "ék", "ék"),
    "ékhoz": ("ékhoz", "ékhez", "ékhez"), "éknál": ("éknál", "éknél", "éknél"), "éktől": ("éktől", "éktől", "éktől"),
    "ékkal": ("ékkal", "ékkel", "ékkel"),
}  # fmt: skip
_TAKES_BARE_T = ("j", "l", "ly", "n", "ny", "r", "s", "sz", "z", "zs")


def harmony(word: str) -> int:
    """0 back, 1 front, 2 front rounded: the last vowel other than i/í decides (Bálint: back)."""
    for char in reversed(word.lower()):
        if char in _BACK:
            return 0
        if char in _ROUNDED:
            return 2
        if char in "eé":
            return 1
    return 1


def _lengthened(word: str) -> str:
    return word[:-1] + {"a": "á", "e": "é"}.get(word[-1], word[-1])


def _doubled(word: str) -> str:
    for digraph in _DIGRAPHS:
        if word.endswith(digraph):
            return word[: -len(digraph)] + digraph[0] + digraph
    return word if word[-1] == word[-2] else word + word[-1]


def inflect(word: str, suffix: str) -> str:
    """``word`` with one Hungarian case ending (or the family form -ék and its cases)."""
    h = harmony(word)
    vowel_final = word[-1].lower() in _VOWELS
    if suffix == "val":
        return _lengthened(word) + ("val", "vel", "vel")[h] if vowel_final else _doubled(word) + ("al", "el", "el")[h]
    if suffix == "t":
        if vowel_final:
            return _lengthened(word) + "t"
        if word.endswith(_TAKES_BARE_T):
            return word + "t"
        return word + ("ot", "et", "öt")[h]
    return _lengthened(word) + _SUFFIXES[suffix][h]


def _day_suffix(day: int) -> str:
    if day % 10 == 0:
        return {10: "én", 20: "án", 30: "án"}[day]
    return {1: "jén", 2: "án", 3: "án", 4: "én", 5: "én", 6: "án", 7: "én", 8: "án", 9: "én"}[day % 10]


def _year_suffix(year: int) -> str:
    """-ban/-ben after a year, by the last number word pronounced (2015: tizenöt -> ben)."""
    if year % 10:
        return "ban" if year % 10 in (3, 6, 8) else "ben"
    if year % 100:
        return "ban" if (year % 100) // 10 in (2, 3, 6, 8) else "ben"
    return "ben" if year % 1000 == 0 else "ban"


# -- identifier generators --------------------------------------------------------------------


def make_taj(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(8)]
    digits.append(sum(v * (3 if i % 2 == 0 else 7) for i, v in enumerate(digits)) % 10)
    raw = "".join(map(str, digits))
    text = rng.choice((f"{raw[:3]} {raw[3:6]} {raw[6:]}", f"{raw[:3]}-{raw[3:6]}-{raw[6:]}", raw))
    assert taj_valid(text), text
    return text


def _birthday(rng: random.Random) -> dt.date:
    return dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))


def make_tax_id(rng: random.Random) -> str:
    while True:
        days = (_birthday(rng) - dt.date(1867, 1, 1)).days
        digits = [8, *map(int, f"{days:05d}"), *(rng.randrange(10) for _ in range(3))]
        check = sum(v * (i + 1) for i, v in enumerate(digits)) % 11
        if check != 10:
            text = "".join(map(str, [*digits, check]))
            assert tax_id_valid(text), text
            return text


def make_personal_id(rng: random.Random) -> str:
    while True:
        born = _birthday(rng)
        sex = rng.choice((1, 2)) + (4 if born.year >= 2000 else 0)
        digits = [sex, *map(int, born.strftime("%y%m%d")), *(rng.randrange(10) for _ in range(3))]
        weights = range(1, 11) if born < dt.date(1997, 1, 1) else range(10, 0, -1)
        check = sum(v * w for v, w in zip(digits, weights, strict=True)) % 11
        if check != 10:
            raw = "".join(map(str, [*digits, check]))
            text = rng.choice((raw, f"{raw[0]} {raw[1:7]} {raw[7:]}", f"{raw[0]}-{raw[1:7]}-{raw[7:]}"))
            assert personal_id_valid(text), text
            return text


_MOBILE = ("20", "30", "31", "50", "70")
_AREAS = ("22", "24", "26", "28", "29", "32", "33", "34", "42", "46", "52", "56", "62", "66", "72", "76", "88", "96")


def make_hu_phone(rng: random.Random) -> str:
    area = rng.choice((*_MOBILE, *_MOBILE, "1", *_AREAS))
    length = 6 if area in _AREAS else 7
    number = "".join(str(rng.randrange(10)) for _ in range(length))
    head, tail = number[:3], number[3:]
    formats = (
        f"+36 {area} {head} {tail}", f"+36-{area}-{head}-{tail}", f"06 {area} {head} {tail}",
        f"06-{area}/{head}-{tail}", f"06/{area}/{number}", f"+36{area}{number}", f"(06 {area}) {head} {tail}",
        f"06{area}{number}", f"+36 ({area}) {head}-{tail}",
    )  # fmt: skip
    return rng.choice(formats)


_MONTHS_HU = ("január", "február", "március", "április", "május", "június", "július", "augusztus", "szeptember",
              "október", "november", "december")  # fmt: skip
_NUMBERS_HU = ("tizen", "huszon", "harminc")
_UNITS_HU = ("egy", "két", "három", "négy", "öt", "hat", "hét", "nyolc", "kilenc")


def _hu_date(rng: random.Random, form: str | None) -> Filled:
    day = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(365 * 38))
    form = form or rng.choice(("full", "numeric", "md", "year"))
    if form == "full":
        return Filled(f"{day.year}. {_MONTHS_HU[day.month - 1]} {day.day}-{_day_suffix(day.day)}", "DATE", "full date")
    if form == "numeric":
        return Filled(f"{day.year}.{day.month:02d}.{day.day:02d}.", "DATE", "numeric date")
    if form == "md":
        return Filled(f"{_MONTHS_HU[day.month - 1]} {day.day}-{_day_suffix(day.day)}", "DATE", "day and month")
    return Filled(f"{day.year}-{_year_suffix(day.year)}", "DATE", "year")


def _hu_age(rng: random.Random, form: str | None) -> Filled:
    years = rng.randrange(14, 70)
    in_words = years < 40 and rng.random() < 0.3
    number = f"{_NUMBERS_HU[years // 10 - 1]}{_UNITS_HU[years % 10 - 1]}" if in_words and years % 10 else str(years)
    if form == "kor":
        return Filled(f"{number} éves koromban", "AGE", "age phrase")
    return Filled(f"{number} {'évesen' if form == 'en' else 'éves'}", "AGE", "age")


_PRISON_TYPES = ("Fegyház és Börtön", "Büntetés-végrehajtási Intézet", "Börtön és Fogház",
                 "Országos Büntetés-végrehajtási Intézet")  # fmt: skip


def _adjective(town: str) -> str:
    return town if town.endswith("i") else town + "i"


def _hu_prison(fake: Faker, rng: random.Random, suffix: str | None, *, colloquial: bool = False) -> Filled:
    if colloquial:
        word = rng.choice(("börtön", "fegyház", "fogház"))
        text = f"{_adjective(fake.city()).lower()} {inflect(word, suffix) if suffix else word}"
        return Filled(text, "INSTITUTION", "prison, colloquial")
    if rng.random() < 0.5:
        name, kind = rng.choice(institution_names()), "prison, official list"
    else:
        name, kind = f"{_adjective(fake.city())} {rng.choice(_PRISON_TYPES)}", "prison, other town"
    if suffix:
        head, _, last = name.rpartition(" ")
        name = f"{head} {inflect(last, suffix)}".strip()
    return Filled(name, "INSTITUTION", kind)


def _hu_person(fake: Faker, rng: random.Random, part: str, suffix: str | None) -> Filled:
    given = fake.first_name_male() if rng.random() < 0.5 else fake.first_name_female()
    family = fake.last_name()
    if part == "family":
        return Filled(inflect(family, suffix or "ék"), "PERSON", "family name, -ék forms", family)
    word = given if part == "given" else f"{family} {given}"
    if suffix:
        head, _, last = word.rpartition(" ")
        return Filled(f"{head} {inflect(last, suffix)}".strip(), "PERSON", "inflected name", word)
    return Filled(word, "PERSON", "given name" if part == "given" else "full name", word)


def _hu_town(fake: Faker, suffix: str | None) -> Filled:
    town = fake.city()
    return Filled(inflect(town, suffix) if suffix else town, "LOCATION", "town", town)


def _hu_filler(fake: Faker, rng: random.Random, slot: str, arg: str | None) -> Filled:
    postcode = str(rng.randrange(1011, 9985))
    fillers: dict[str, Callable[[], Filled]] = {
        "name": lambda: _hu_person(fake, rng, "full", arg),
        "given": lambda: _hu_person(fake, rng, "given", arg),
        "family": lambda: _hu_person(fake, rng, "family", arg),
        "town": lambda: _hu_town(fake, arg),
        "prison": lambda: _hu_prison(fake, rng, arg),
        "colloquial": lambda: _hu_prison(fake, rng, arg, colloquial=True),
        "address": lambda: Filled(f"{postcode} {fake.city()}, {fake.street_address()}", "ADDRESS", "postal address"),
        "street": lambda: Filled(fake.street_address(), "ADDRESS", "street address"),
        "phone": lambda: Filled(make_hu_phone(rng), "PHONE", "hu phone"),
        "taj": lambda: Filled(make_taj(rng), "ID", "taj"),
        "tax": lambda: Filled(make_tax_id(rng), "ID", "tax id"),
        "personal": lambda: Filled(make_personal_id(rng), "ID", "personal id"),
        "email": lambda: Filled(fake.email(safe=False), "EMAIL", "e-mail"),
        "url": lambda: Filled(fake.url(), "URL", "url"),
        "date": lambda: _hu_date(rng, arg),
        "age": lambda: _hu_age(rng, arg),
    }
    return fillers[slot]()


_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")  # fmt: skip
_EN_NUMBERS = ("fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")


def _en_date(rng: random.Random, form: str | None) -> Filled:
    day = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(365 * 38))
    month = _EN_MONTHS[day.month - 1]
    form = form or rng.choice(("full", "full", "numeric", "year"))
    if form == "numeric":
        return Filled(f"{day.month:02d}/{day.day:02d}/{day.year}", "DATE", "numeric date")
    if form == "year":
        return Filled(str(day.year), "DATE", "year")
    return Filled(rng.choice((f"{month} {day.day}, {day.year}", f"{day.day} {month} {day.year}")), "DATE",
                  "full date")  # fmt: skip


def _en_age(rng: random.Random, form: str | None) -> Filled:
    years = rng.randrange(14, 70)
    if form == "bare":  # "at the age of 17": only the number is the identifier
        return Filled(str(years) if years > 20 else _EN_NUMBERS[min(years, 20) - 14], "AGE", "age, bare number")
    return Filled(rng.choice((f"{years} years old", f"aged {years}")), "AGE", "age")


def _en_prison(fake: Faker, rng: random.Random) -> Filled:
    choice = rng.randrange(3)
    if choice == 0:
        return Filled(rng.choice(institution_names()), "INSTITUTION", "prison, official list")
    town = fake.city()
    if choice == 1:
        return Filled(f"HMP {town}", "INSTITUTION", "prison, HMP")
    kind = rng.choice(("State Prison", "Correctional Facility", "County Jail", "Detention Center"))
    return Filled(f"{town} {kind}", "INSTITUTION", "prison, other town")


def _en_address(fake: Faker) -> str:
    return f"{fake.street_address()}, {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"


def _en_town(town: str) -> Filled:
    return Filled(town, "LOCATION", "town", town)


def _en_person(name: str, kind: str) -> Filled:
    return Filled(name, "PERSON", kind, name)


def _en_filler(fake: Faker, rng: random.Random, slot: str, arg: str | None) -> Filled:
    fillers: dict[str, Callable[[], Filled]] = {
        "name": lambda: _en_person(f"{fake.first_name()} {fake.last_name()}", "full name"),
        "first": lambda: _en_person(fake.first_name(), "given name"),
        "last": lambda: _en_person(fake.last_name(), "family name"),
        "town": lambda: _en_town(fake.city()),
        "prison": lambda: _en_prison(fake, rng),
        "address": lambda: Filled(_en_address(fake), "ADDRESS", "postal address"),
        "street": lambda: Filled(fake.street_address(), "ADDRESS", "street address"),
        "phone": lambda: Filled(fake.phone_number(), "PHONE", "us phone"),
        "huphone": lambda: Filled(make_hu_phone(rng), "PHONE", "hu phone"),
        "ssn": lambda: Filled(fake.ssn(), "ID", "ssn"),
        "taj": lambda: Filled(make_taj(rng), "ID", "taj"),
        "tax": lambda: Filled(make_tax_id(rng), "ID", "tax id"),
        "personal": lambda: Filled(make_personal_id(rng), "ID", "personal id"),
        "email": lambda: Filled(fake.email(safe=False), "EMAIL", "e-mail"),
        "url": lambda: Filled(fake.url(), "URL", "url"),
        "date": lambda: _en_date(rng, arg),
        "age": lambda: _en_age(rng, arg),
    }
    return fillers[slot]()


HU_TEMPLATES = (
    "Aztán bekerültem a {prison:ba}, ott ismertem meg {name:t}.",
    "{family:ék} a szomszédban laktak, sokszor átjártam {family:ékhoz}.",
    "A címem {address}, oda lehet levelet küldeni.",
    "Hívjon a {phone} számon, ha bármi van.",
    "A TAJ-számom {taj}, azt kérték a befogadáskor.",
    "Az adóazonosító jelem {tax}, a munkáltató kérte el.",
    "A személyi számom {personal}, ezt írták a papírra.",
    "{date:full} szabadultam, akkor jöttem haza.",
    "Még csak {age} voltam, amikor először lebuktam.",
    "{age:kor} kerültem intézetbe.",
    "{age:en} ültem le először.",
    "Írjon a {email} címre, azt nézem.",
    "Van egy oldalunk is, a {url}, ott minden fent van.",
    "{town:tól} nem messze nőttem fel, egy kis faluban.",
    "A {prison:ban} töltöttem három évet, {name} volt a zárkatársam.",
    "Később {name:val} együtt dolgoztunk a konyhán.",
    "Amikor {family:éknál} laktam, minden rendben volt.",
    "A nevelőm {name} volt, {date:year} jött oda.",
    "Levelet kaptam {name:tól} {date:md}.",
    "Az öcsém most {town} mellett lakik, a {street} alatt.",
    "Mondtam {given:nak}, hogy hívja fel a {phone} számot.",
    "A tárgyalás {date:numeric} volt, akkor {age} voltam.",
    "Átszállítottak a {colloquial:ba}, ott már volt ismerősöm.",
    "Nagyon hiányzik {given}, a kislányom.",
    "A bíró azt mondta, hogy {name:nak} is felelnie kell.",
    "{date:year} költöztünk el, a {address} címre.",
    "A testvérem elérhető a {email} címen vagy a {phone} telefonszámon.",
    "{name} vitt be minket a {prison:ba} látogatni.",
    "A kartonomon ez állt: TAJ {taj}, adóazonosító {tax}.",
    "Anyám mindig {given:ról} mesélt, aki {town} környékén élt.",
    "A {colloquial:ban} nem volt könnyű, de {given} segített.",
    "Minden héten beszéltem {family:ékkal} telefonon.",
    "Utána {town} felé vettük az irányt, mert {given:nál} akartunk aludni.",
)
EN_TEMPLATES = (
    "Then I ended up in {prison}, that's where I met {name}.",
    "My address was {address}, you can send letters there.",
    "Call me on {phone} if anything comes up.",
    "My social security number is {ssn}, they asked for it at intake.",
    "My TAJ number is {taj} and my tax ID is {tax}.",
    "On {date:full} I was released and came home.",
    "I was {age} when I got arrested the first time.",
    "Write to {email}, I check it every day.",
    "We have a website too, {url}, everything is there.",
    "I grew up near {town}, in a small village.",
    "I spent three years in {prison}, and {name} was my cellmate.",
    "Later I worked in the kitchen with {first}.",
    "When I stayed at {last}'s place, everything was fine.",
    "My probation officer was {name}, she started there in {date:year}.",
    "I got a letter from {name} on {date:full}.",
    "My brother lives in {town} now, at {street}.",
    "Tell {first} to call {phone}.",
    "The hearing was on {date:numeric}, and I was {age}.",
    "They moved me to {prison}, and my mother could not visit.",
    "My personal ID number is {personal}.",
    "You can reach my sister at {email} or on {huphone}.",
    "{name} took us to visit {prison}.",
    "At the age of {age:bare} I left school.",
    "The social worker, {name}, wrote down {address} as my home.",
    "My cousin {first} still calls me from {huphone}.",
)
_FILLERS = {"hu": _hu_filler, "en": _en_filler}
_TEMPLATES = {"hu": HU_TEMPLATES, "en": EN_TEMPLATES}
_LOCALES = {"hu": "hu_HU", "en": "en_US"}


def _fill(template: str, language: str, fake: Faker, rng: random.Random) -> Example:
    parts: list[str] = []
    spans: list[Labelled] = []
    known: list[tuple[str, str]] = []
    position = 0
    length = 0
    for match in _SLOT.finditer(template):
        literal = template[position : match.start()]
        filled = _FILLERS[language](fake, rng, match.group(1), match.group(2))
        if language == "hu" and re.search(r"(?:^| )[Aa] $", literal) and filled.text[0].lower() in _VOWELS:
            literal = literal[:-1] + "z "  # the article "a" is "az" before a vowel
        parts.append(literal)
        length += len(literal)
        text = filled.text if length else filled.text[0].upper() + filled.text[1:]
        spans.append(Labelled(length, length + len(text), filled.type, filled.kind))
        known += [(filled.base, filled.type)] if filled.base else []
        parts.append(text)
        length += len(text)
        position = match.end()
    parts.append(template[position:])
    return Example("", language, "".join(parts), tuple(spans), tuple(known))


def generate(language: str, count: int, seed: int = 7) -> list[Example]:
    """``count`` labelled sentences in ``language`` ("en" or "hu"), the same for the same seed."""
    rng = random.Random(f"{seed}-{language}")
    fake = Faker(_LOCALES[language])
    fake.seed_instance(seed)
    templates = _TEMPLATES[language]
    examples = []
    for number in range(count):
        template = templates[number % len(templates)] if number < len(templates) else rng.choice(templates)
        example = _fill(template, language, fake, rng)
        examples.append(dataclasses.replace(example, id=f"{language}-{number:04d}"))
    return examples
