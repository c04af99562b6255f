"""The DEVELOPMENT English set for de-identification (issue 14): what the recognizers were tuned on.

Its Faker locales (``en_US``, ``en_NZ``, ``en_IN``, ``de_AT``, ``fr_CA``, ``de_CH``), templates and
slot writings are disjoint from the held-out set's (``bench/deid_heldout_en.py``, which says what
it holds out). The English recognizers' unit tests draw their examples from here or are written
by hand in the same spirit; the held-out set is only ever scored, by ``bench/deid_bench.py``.
Same gold types and kinds as the held-out set, so the two reports line up.
"""

from __future__ import annotations

import random

from faker import Faker

from bench.deid_data import Example, Filled
from bench.deid_heldout_en import Generator, Writer

LOCALES = ("en_US", "en_NZ", "en_IN", "de_AT", "fr_CA", "de_CH")
_TITLES = ("Mr", "Mrs.", "Ms", "Dr.", "Prof", "Capt.", "Lt.", "Pastor", "Detective", "Coach", "Auntie", "Uncle")
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WORDS = ("eighteen", "nineteen", "twenty", "twenty-one", "thirty-two", "forty-four", "fifty", "sixty-five")


def _person(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    if arg == "surname":
        return Filled(fake.last_name(), "PERSON", "surname")
    if arg == "title":
        return Filled(f"{rng.choice(_TITLES)} {fake.last_name()}", "PERSON", "titled name")
    if arg == "first":
        return Filled(fake.first_name(), "PERSON", "first name")
    return Filled(fake.name(), "PERSON", "full name")


def _town(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.city(), "LOCATION", "town")


def _org(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(rng.choice((fake.company(), f"{fake.last_name()} High School")), "ORGANIZATION", "organisation")


_ROAD_TYPES = (
    "Street", "St", "Road", "Rd", "Avenue", "Ave", "Lane", "Close", "Crescent", "Cres", "Terrace", "Tce", "Way",
    "Row", "Parade", "Gardens", "Mews", "Wynd", "Drive", "Place", "Grove", "Court", "Square", "Rise", "Hill",
    "Walk", "View", "Heights", "Circle", "Trail", "Path", "Highway", "Boulevard", "Esplanade", "Quay", "Green",
)  # fmt: skip
_BUILDINGS = ("House", "Court", "Mansions", "Towers", "Lodge", "Cottage", "Apartments", "Villas", "Chambers")
_GERMAN_TYPES = ("straße", "strasse", "gasse", "weg", "platz", "allee", "ring", "str.")
_DUTCH_TYPES = ("straat", "laan", "weg", "plein", "gracht", "kade", "singel", "dijk")
_FRENCH = ("rue", "avenue", "boulevard", "chemin", "place", "allée", "impasse", "route")


def _house(rng: random.Random) -> str:
    n = rng.randint(1, 480)
    return rng.choice((f"{n}", f"{n}", f"{n}{rng.choice('abcABC')}", f"{n}-{n + 2}", f"No. {n}"))


def _street_layout(fake: Faker, rng: random.Random) -> str:
    """One of many real-world street-line layouts, built from the locale's names."""
    name = rng.choice((fake.last_name(), fake.last_name(), f"{fake.first_name()} {fake.last_name()}"))
    road = f"{name} {rng.choice(_ROAD_TYPES)}"
    n, unit = rng.randint(1, 480), rng.randint(1, 40)
    layouts = (
        lambda: f"Flat {unit}{rng.choice('ABC')}, {n} {road}",
        lambda: f"Unit {unit}/{n} {road}",
        lambda: f"{unit}/{n} {road}",
        lambda: f"Apt. {unit}, {n} {road} {rng.choice(('North', 'South', 'East', 'West'))}",
        lambda: f"Level {unit % 9 + 1}, {n} {road}",
        lambda: f"{name} {rng.choice(_BUILDINGS)}, {n} {road}",
        lambda: f"{_house(rng)} {road}",
        lambda: f"{n}, {rng.choice(_FRENCH)} {rng.choice(('de la ', 'du ', 'des ', ''))}{fake.last_name()}",
        lambda: f"{fake.last_name()}{rng.choice(_GERMAN_TYPES)} {_house(rng)}",
        lambda: f"{fake.last_name()}{rng.choice(_DUTCH_TYPES)} {n}-{unit}",
        lambda: f"RR {unit % 9 + 1}, {n} {road}",
        lambda: f"Rural Route {unit % 9 + 1}",
        lambda: f"c/o {fake.last_name()}, {n} {road}",
        lambda: f"{n} {fake.last_name()} Rd, Lot {unit}",
        lambda: f"Plot No. {n}, {fake.last_name()} Nagar",
        lambda: f"Block {n}, {fake.last_name()} {rng.choice(('Avenue', 'Street', 'Road'))} {unit}, #{unit:02d}-{n}",
    )
    return rng.choice(layouts)()


def _street(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    if rng.random() < 0.6:
        return Filled(_street_layout(fake, rng), "ADDRESS", "street")
    address = fake.street_address()
    if rng.random() < 0.2:
        address = f"{address} #{rng.randint(1, 300)}"
    return Filled(address, "ADDRESS", "street")


def _postcode(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    code = fake.postcode()
    if fake.locales[0] == "en_US" and rng.random() < 0.4:
        code = f"{code}-{rng.randint(1000, 9999)}"
    return Filled(code, "ADDRESS", "postcode")


def _pobox(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(rng.choice(("PO Box", "P.O. Box", "Box")) + f" {rng.randint(1, 9999)}", "ADDRESS", "po box")


def _phone(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    if rng.random() < 0.5:
        return Filled(fake.phone_number(), "PHONE", "phone")
    d = "".join(str(rng.randint(0, 9)) for _ in range(10))
    forms = (f"+64 21 {d[:3]} {d[3:7]}", f"+91 {d[:5]} {d[5:]}", f"+43 664 {d[:7]}", f"({d[:3]}) {d[3:6]}-{d[6:]}",
             f"+41 {d[:2]} {d[2:5]} {d[5:7]} {d[7:9]}", f"{d[:3]}.{d[3:6]}.{d[6:]}")  # fmt: skip
    return Filled(rng.choice(forms), "PHONE", "phone")


def _email(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.company_email(), "EMAIL", "email")


def _url(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(rng.choice((fake.uri(), f"{fake.domain_name()}")), "URL", "url")


def _username(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    if arg == "plain":  # the template says it is a handle
        first, last = fake.first_name().lower(), fake.last_name().lower()
        forms = (fake.user_name(), f"{first}{last}", f"{first[0]}.{last}{rng.randint(1, 99)}", f"{first}_{last}",
                 f"{last}{first[0]}", f"{first}.{last}")  # fmt: skip
        return Filled(rng.choice(forms), "URL", "username")
    return Filled(f"@{fake.user_name()}", "URL", "username")


def _ip(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.ipv4_public(), "URL", "ip")


def _date(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    d = fake.date_between("-30y", "today")
    month = _MONTHS[d.month - 1]
    forms = (f"{d.month}/{d.day}/{d.year}", f"{month}. {d.day}, {d.year}", f"{d.day} {month}",
             f"{d.year}/{d.month:02d}/{d.day:02d}", f"{d.month}-{d.day}-{str(d.year)[2:]}")  # fmt: skip
    return Filled(rng.choice(forms), "DATE", "date")


def _time(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    h, m = rng.randint(1, 11), rng.choice((0, 15, 25, 35))
    forms = (f"{h}:{m:02d} pm", f"{h}:{m:02d}AM", f"{h + 12}h{m:02d}", "noon", "midnight", f"{h} in the evening")
    return Filled(rng.choice(forms), "DATE", "time")


def _weekday(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    day = rng.choice(_DAYS)
    return Filled(rng.choice((day, f"{day[:3]}.")), "DATE", "weekday")


def _age(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    n = rng.randint(15, 70)
    return Filled(rng.choice((f"{n} years old", f"{n}-yr-old", rng.choice(_WORDS), f"{n}")), "AGE", "age")


def _card(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    digits = "".join(str(rng.randint(0, 9)) for _ in range(rng.choice((15, 16))))
    return Filled(rng.choice((digits, f"{digits[:4]} {digits[4:10]} {digits[10:]}")), "ID", "card")


def _licence(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    letter = fake.random_uppercase_letter()
    forms = (f"{letter}{rng.randint(1000000, 9999999)}", f"{letter}{rng.randint(100, 999)}-{rng.randint(100, 999)}-"
             f"{rng.randint(100, 999)}-{rng.randint(100, 999)}", f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(100, 999)}")  # fmt: skip  # noqa: E501
    return Filled(rng.choice(forms), "ID", "licence")


def _ident(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    forms = (
        fake.ssn(),
        f"#{rng.randint(10000, 999999)}",
        f"{fake.random_uppercase_letter()}{rng.randint(10000000, 99999999)}",
    )
    return Filled(rng.choice(forms), "ID", "id")


def _iban(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.iban(), "ID", "iban")


def _account(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(str(rng.randint(10**9, 10**12)), "ID", "account")


WRITERS: dict[str, Writer] = {
    "person": _person, "town": _town, "org": _org, "street": _street, "postcode": _postcode, "pobox": _pobox,
    "phone": _phone, "email": _email, "url": _url, "username": _username, "ip": _ip, "date": _date, "time": _time,
    "weekday": _weekday, "age": _age, "card": _card, "licence": _licence, "id": _ident, "iban": _iban,
    "account": _account,
}  # fmt: skip

TEMPLATES = (
    "Q: Tell me about your family. A: My sister {person:first} lives in {town}, she is {age}.",
    "A: We stayed at {street}, {town} {postcode} until the landlord kicked us out.",
    "A: {person:title} from {org} gave me a reference, you can reach him at {phone}.",
    "A: It happened on {weekday}, {date}, at {time}, I remember because of the game.",
    "Q: Any other contact? A: Email {email}, or on Instagram I'm {username}.",
    "A: The bank was {org}; my account number was {account} and the card was {card}.",
    "A: They took my license, {licence}, and my ID card {id}.",
    "Record {date}: {person} ({age}), {street}, {pobox}, {town}. Phone {phone}.",
    "Transfer to IBAN {iban} on {date} flagged by {org}.",
    "Login from {ip} to {url} by {username} at {time} {weekday}.",
    "A: I was {age} and {person:first} was {age}, we met at {org} in {town}.",
    "Q: How long were you there? A: About two years, from {date} to {date}.",
    "A: We moved to {street}, near the station, then to {street}.",
    "Address on file: {street}, {town}. Forwarding: {street}.",
    "A: Online I went by {username}, user name: {username:plain}, and on Discord handle {username:plain}.",
    "Note: logged on as {username:plain} from {ip}; account user {username:plain}.",
    "R: {person:surname} said I could stay. I: Who? R: {person:surname}. That's the name.",
    "I: And the officer? R: {person:surname}, he was the one. {person:surname} never listened.",
)

DEV = Generator("dev-en", LOCALES, TEMPLATES, WRITERS)


def generate(count: int = 200, seed: int = 5) -> list[Example]:
    """The development English set: ``count`` labelled texts, seeded."""
    return DEV.generate(count, seed)
