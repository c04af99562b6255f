"""A HELD-OUT English evaluation set for de-identification (issue 14): written before the recognizers.

This file was written and committed before any of the English recognizers in
``workbench/deid/recognizers_en.py``; its locales, templates and slot writings are **held out**:
they are not used in the recognizers' unit tests (``tests/deid/test_recognizers_en.py`` draws
only on the development set, ``bench/deid_dev_en.py``) and were not looked at while tuning them.

Held out:

- **Faker locales** ``en_GB``, ``en_AU``, ``en_IE``, ``en_CA``, ``de_DE``, ``fr_FR``, ``nl_NL`` (names,
  street addresses, postal codes, phone numbers, towns, companies, IBANs); the development set
  uses ``en_US``, ``en_NZ``, ``en_IN``, ``de_AT``, ``fr_CA``, ``de_CH`` instead.
- **Templates** ``TEMPLATES`` below: interview answers (speaker turns, hesitations, lower-case
  speech) and case-record lines (``Field: value`` layouts, notes), written for this file only.
- **Slot writings** the ``_w_*`` functions below: how a date, time, age, phone number, card or
  licence number is written (e.g. ``(37) 699 956 915``, ``half past nine``, ``aged 60``, a 16-digit
  number that fails the Luhn check, a UK driving-licence number).

Types (gold ``type``, with a finer ``kind`` for the report): PERSON (names, with titles such as
*Dr*, *Mrs*, *Sgt* inside the span), LOCATION (towns, countries), ORGANIZATION (companies,
schools, employers in running text), ADDRESS (kinds: street with the house number before or
after it, flat/unit, PO box, postcode), PHONE, EMAIL, URL (kinds: url, username, ip), ID (kinds:
card, licence, id, iban, account), DATE (kinds: date, time, weekday), AGE. Every slot is one gold
span in code points, end exclusive; the fixed template text holds no identifier. The same seed
gives the same set. Ordinary counts in the templates ("three years", "two kids") are NOT
identifiers and are not labelled, so flagging them costs precision.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from faker import Faker

from bench.deid_data import Example, Filled
from workbench.deid.metrics import Labelled

LOCALES = ("en_GB", "en_AU", "en_IE", "en_CA", "de_DE", "fr_FR", "nl_NL")
GOLD_TYPES = ("PERSON", "LOCATION", "ORGANIZATION", "ADDRESS", "PHONE", "EMAIL", "URL", "ID", "DATE", "AGE")
_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")
Writer = Callable[[Faker, random.Random, str | None], Filled]


@dataclass(frozen=True)
class Generator:
    """Templates and slot writers over a set of Faker locales: one evaluation set."""

    name: str
    locales: tuple[str, ...]
    templates: tuple[str, ...]
    writers: dict[str, Writer]

    def generate(self, count: int, seed: int = 11) -> list[Example]:
        rng = random.Random(seed)
        fakes = {}
        for i, locale in enumerate(self.locales):
            fake = Faker(locale)
            fake.seed_instance(seed * 100 + i)
            fakes[locale] = fake
        examples = []
        for n in range(count):
            template = (
                self.templates[n % len(self.templates)] if n < len(self.templates) else rng.choice(self.templates)
            )
            fake = fakes[rng.choice(self.locales)]
            examples.append(self._fill(f"{self.name}-{n}", template, fake, rng))
        return examples

    def _fill(self, ident: str, template: str, fake: Faker, rng: random.Random) -> Example:
        out: list[str] = []
        spans: list[Labelled] = []
        position = 0
        last = 0
        for match in _SLOT.finditer(template):
            literal = template[last : match.start()]
            out.append(literal)
            position += len(literal)
            filled = self.writers[match.group(1)](fake, rng, match.group(2))
            out.append(filled.text)
            spans.append(Labelled(position, position + len(filled.text), filled.type, filled.kind))
            position += len(filled.text)
            last = match.end()
        out.append(template[last:])
        return Example(ident, "en", "".join(out), tuple(spans))


# -- slot writers (held out) --------------------------------------------------------------------

_TITLES = ("Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Miss", "Dr", "Dr.", "Prof.", "Sgt", "Officer", "Judge",
           "Father", "Sister", "Rev.", "Sir", "Dame", "Inspector", "Nurse")  # fmt: skip
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # fmt: skip
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SMALL = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy")
_TEENS = ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")


def _ord(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _words(n: int) -> str:
    if n < 13:
        return _SMALL[n - 1]
    if n < 20:
        return _TEENS[n - 13]
    tens, ones = divmod(n, 10)
    word = _TENS[tens - 2]
    return f"{word}-{_SMALL[ones - 1]}" if ones else word


def _w_person(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    first, last = fake.first_name(), fake.last_name()
    if arg == "title" or (arg is None and rng.random() < 0.4):
        title = rng.choice(_TITLES)
        text = f"{title} {last}" if rng.random() < 0.5 else f"{title} {first} {last}"
        return Filled(text, "PERSON", "titled name")
    if arg == "first":
        return Filled(first, "PERSON", "first name")
    if arg == "last":
        return Filled(last, "PERSON", "surname")
    return Filled(f"{first} {last}", "PERSON", "full name")


def _w_town(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.city(), "LOCATION", "town")


def _w_country(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    countries = ("Portugal", "Romania", "Jamaica", "Poland", "Ireland", "Scotland", "Nigeria", "Lithuania", "Turkey",
                 "Morocco", "Canada", "New Zealand")  # fmt: skip
    return Filled(rng.choice(countries), "LOCATION", "country")


def _w_org(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    town = fake.city()
    options = (fake.company(), f"{town} Community College", f"St {fake.first_name()}'s Primary School",
               f"{fake.last_name()} Logistics", f"{town} General Hospital",
               f"{fake.last_name()} & Partners")  # fmt: skip
    return Filled(rng.choice(options), "ORGANIZATION", "organisation")


def _w_street(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    address = fake.street_address().replace("\n", ", ")
    roll = rng.random()
    if roll < 0.15:
        address = f"Flat {rng.randint(1, 40)}, {address}"
    elif roll < 0.25:
        address = f"Unit {rng.randint(1, 20)}{rng.choice('AB ').strip()}/{address}"
    elif roll < 0.32:
        address = f"{address}, apt {rng.randint(1, 120)}"
    return Filled(address, "ADDRESS", "street")


def _w_pobox(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    forms = ("PO Box {n}", "P.O. Box {n}", "Post Office Box {n}", "Locked Bag {n}", "GPO Box {n}")
    return Filled(rng.choice(forms).format(n=rng.randint(10, 99999)), "ADDRESS", "po box")


def _w_postcode(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.postcode(), "ADDRESS", "postcode")


def _w_full_address(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(f"{fake.street_address()}, {fake.postcode()} {fake.city()}".replace("\n", ", "), "ADDRESS",
                  "street")  # fmt: skip


def _w_phone(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    roll = rng.random()
    if roll < 0.45:
        return Filled(fake.phone_number(), "PHONE", "phone")
    d = [str(rng.randint(0, 9)) for _ in range(12)]
    forms = (
        f"({d[0]}{d[1]}) {''.join(d[2:5])} {''.join(d[5:8])} {''.join(d[8:11])}",
        f"+44 {d[0]}{d[1]} {''.join(d[2:6])} {''.join(d[6:10])}",
        f"+353 8{d[0]} {''.join(d[1:4])} {''.join(d[4:8])}",
        f"0{d[0]}{d[1]}{d[2]}.{''.join(d[3:6])}.{''.join(d[6:10])}",
        f"+61 4{d[0]}{d[1]} {''.join(d[2:5])} {''.join(d[5:8])}",
        f"0049 (0) {''.join(d[0:3])} {''.join(d[3:10])}",
        f"07{''.join(d[0:3])} {''.join(d[3:9])}",
        f"+33 6 {d[0]}{d[1]} {d[2]}{d[3]} {d[4]}{d[5]} {d[6]}{d[7]}",
    )
    return Filled(rng.choice(forms), "PHONE", "phone")


def _w_email(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.email() if rng.random() < 0.6 else fake.free_email(), "EMAIL", "email")


def _w_url(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(rng.choice((fake.url(), f"www.{fake.domain_name()}", f"{fake.domain_name()}/{fake.slug()}")),
                  "URL", "url")  # fmt: skip


def _w_username(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    name = fake.user_name()
    return Filled(rng.choice((f"@{name}", name, f"{name}{rng.randint(1, 99)}")), "URL", "username")


def _w_ip(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    return Filled(fake.ipv4() if rng.random() < 0.8 else fake.ipv6(), "URL", "ip")


def _w_date(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    d = fake.date_between("-40y", "today")
    month = _MONTHS[d.month - 1]
    forms = (
        f"{d.day:02d}/{d.month:02d}/{d.year}", f"{d.day}.{d.month}.{d.year}", d.isoformat(),
        f"{_ord(d.day)} {month} {d.year}", f"{month} {d.day}, {d.year}", f"the {_ord(d.day)} of {month}",
        f"{d.day} {month[:3]} {str(d.year)[2:]}", f"{month} {d.year}", f"{d.day}-{month[:3]}-{d.year}",
        f"{d.day:02d}/{d.month:02d}/{str(d.year)[2:]}", str(d.year),
    )  # fmt: skip
    return Filled(rng.choice(forms), "DATE", "date")


def _w_time(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    h, m = rng.randint(1, 12), rng.choice((0, 5, 10, 15, 20, 30, 40, 45, 50))
    forms = (
        f"{h}:{m:02d}", f"{h + 12}:{m:02d}", f"{h}.{m:02d}pm", f"{h}am", f"{h} p.m.", f"{h}:{m:02d} in the morning",
        f"half past {_words(h)}", f"quarter to {_words(h)}", f"{h}{m:02d} hours", f"{_words(h)} o'clock",
        f"{h:02d}{m:02d}h",
    )  # fmt: skip
    return Filled(rng.choice(forms), "DATE", "time")


def _w_weekday(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    day = rng.choice(_WEEKDAYS)
    return Filled(rng.choice((day, f"{day}s", day[:3])), "DATE", "weekday")


def _w_age(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    n = rng.randint(14, 79)
    forms = (str(n), _words(n))
    return Filled(rng.choice(forms), "AGE", "age")


def _w_age_phrase(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    n = rng.randint(14, 79)
    forms = (f"{n}-year-old", f"{n} yrs old", f"{_words(n)}-year-old", f"aged {n}", f"age {n}", f"{n} y/o",
             f"{n}yo", f"{_words(n)} years of age")  # fmt: skip
    return Filled(rng.choice(forms), "AGE", "age")


def _luhn_fail(rng: random.Random) -> str:
    digits = [rng.randint(0, 9) for _ in range(16)]
    digits[0] = rng.choice((3, 4, 5, 6))
    total = 0
    for i, v in enumerate(reversed(digits)):
        total += v if i % 2 == 0 else (v * 2 - 9 if v * 2 > 9 else v * 2)
    if total % 10 == 0:
        digits[-1] = (digits[-1] + 1) % 10
    return "".join(map(str, digits))


def _w_card(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    number = fake.credit_card_number() if rng.random() < 0.3 else _luhn_fail(rng)
    sep = rng.choice((" ", "-", ""))
    grouped = sep.join(number[i : i + 4] for i in range(0, len(number), 4))
    return Filled(grouped, "ID", "card")


def _w_licence(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    surname = re.sub(r"[^A-Z]", "", fake.last_name().upper())[:5].ljust(5, "9")
    y, mm, dd = rng.randint(50, 99), rng.randint(1, 12), rng.randint(1, 28)
    uk = f"{surname}{str(y)[0]}{mm:02d}{dd:02d}{str(y)[1]}{fake.random_uppercase_letter()}{fake.random_uppercase_letter()}9{rng.choice('ABCDEFGHJK')}{rng.choice('ABCDEFGHJK')}"  # noqa: E501
    forms = (uk, f"{rng.randint(10000000, 99999999)}", f"{fake.random_uppercase_letter()}{rng.randint(1000, 9999)}-"
             f"{rng.randint(10000, 99999)}-{rng.randint(10000, 99999)}", f"DL {rng.randint(100000, 999999)}{rng.randint(10, 99)}")  # fmt: skip  # noqa: E501
    return Filled(rng.choice(forms), "ID", "licence")


def _w_id(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    L = fake.random_uppercase_letter
    forms = (
        f"{L()}{L()} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABCD')}",
        f"{rng.randint(100000000, 999999999)}", f"{L()}{rng.randint(1000, 9999)}{L()}{L()}",
        f"{rng.randint(100, 999)} {rng.randint(100, 999)} {rng.randint(1000, 9999)}",
        f"REF-{rng.randint(2000, 2025)}-{rng.randint(100, 99999):05d}", f"{L()}{L()}{rng.randint(100000, 9999999)}",
    )  # fmt: skip
    return Filled(rng.choice(forms), "ID", "id")


def _w_iban(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    iban = fake.iban()
    if rng.random() < 0.5:
        iban = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    return Filled(iban, "ID", "iban")


def _w_account(fake: Faker, rng: random.Random, arg: str | None) -> Filled:
    forms = (f"{rng.randint(10000000, 99999999)}", f"{rng.randint(10, 99)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
             f"{rng.randint(100, 999)}-{rng.randint(100000, 999999)}-{rng.randint(0, 9)}")  # fmt: skip
    return Filled(rng.choice(forms), "ID", "account")


WRITERS: dict[str, Writer] = {
    "person": _w_person, "town": _w_town, "country": _w_country, "org": _w_org, "street": _w_street,
    "pobox": _w_pobox, "postcode": _w_postcode, "address": _w_full_address, "phone": _w_phone, "email": _w_email,
    "url": _w_url, "username": _w_username, "ip": _w_ip, "date": _w_date, "time": _w_time, "weekday": _w_weekday,
    "age": _w_age, "agephrase": _w_age_phrase, "card": _w_card, "licence": _w_licence, "id": _w_id, "iban": _w_iban,
    "account": _w_account,
}  # fmt: skip

# -- templates (held out) -----------------------------------------------------------------------

TEMPLATES = (
    # interview answers
    "I: Where did you grow up? R: Um, {town} mostly, we had a flat on {street} till I was {age}.",
    "R: My probation officer, {person:title}, she rang me on {phone} every {weekday} at {time}.",
    "So I was {age} when I first got nicked, it was outside the chippy on {street}, {postcode}.",
    "R: Yeah, me and {person:first} worked at {org} for about three years, then it shut down.",
    "I moved to {country} with my cousin {person} in {date} and came back two years later.",
    "Honestly I don't remember, maybe {date}? It was {weekday}, I know that, around {time}.",
    "R: {person:title} was the one who got me into the programme at {org}, proper decent bloke.",
    "You can write to me at {pobox}, {town} {postcode}, or email {email}.",
    "My mum's still at {address}, her landline is {phone}.",
    "R: He was {age}. I was {age}. We were kids, you know, just two kids in {town}.",
    "The {agephrase} was stopped near {street} at about {time} on {weekday}.",
    "I: And your brother? R: {person:first}, he's {agephrase} now, lives in {town} with his girlfriend.",
    "I used my mate's card, {card}, to book the train, that's what they got me on.",
    "R: They found my licence in the car, number {licence}, so that was that.",
    "I had an account on there as {username}, the police pulled everything off it.",
    "They traced it to {ip}, which was the router at my nan's place.",
    "R: My wages went into {iban}, then I'd take it out in cash the same day.",
    "R: I lived with my aunt {person:title} at {street} in {town}, near the old station.",
    "I started at {org} on {date}, cleaning, six to two, every day except {weekday}.",
    "R: There's a website, {url}, where they list all the hostels, that's how I found the one in {town}.",
    "I: Can you spell the name? R: {person:last}, like it sounds. He was about {age}, maybe older.",
    "The appointment is on {weekday} {date} at {time} with {person:title} at {org}.",
    "When I was {age} we moved from {town} to {town}, my dad got a job at {org}.",
    # case-record lines
    "Name: {person} | DOB: {date} | Age: {age} | Address: {address}",
    "Contact: {phone} (mobile), {phone} (work); e-mail {email}",
    "Prisoner no. {id}. Received {date} from {org}. Next of kin: {person:title}, {phone}.",
    "Account: {account}, sort code {account}. Card ending {card}.",
    "ID document: {id}, issued {date}; driving licence {licence}.",
    "Postal address: {pobox}, {postcode}. Forwarding: {street}, {town}.",
    "Note ({date}, {time}): {person:title} called from {phone} re: housing at {street}.",
    "Visitor log {date}: {person} ({agephrase}), relationship: friend, from {town}, {country}.",
    "IP {ip} logged in as {username} on {date} at {time}.",
    "Payment to {iban} ref {id} on {weekday}.",
    "Employer: {org}, {address}. Supervisor: {person:title}.",
    "Referred by {person:title} ({org}) on {date}; seen {weekday} {time}.",
    "Home: {street}, {town}, {postcode}, {country}. Tel. {phone}.",
    "Website: {url}; socials: {username}.",
    "The client, {agephrase}, reports living at {street} since {date}.",
    "Subject was {age} at the time of the offence ({date}).",
    "Bank card {card} and licence {licence} were seized at {street} on {date}.",
)


HELDOUT = Generator("heldout-en", LOCALES, TEMPLATES, WRITERS)


def generate(count: int = 400, seed: int = 11) -> list[Example]:
    """The held-out English set: ``count`` labelled texts, seeded."""
    return HELDOUT.generate(count, seed)


def kinds(examples: Sequence[Example]) -> list[str]:
    return sorted({s.kind for e in examples for s in e.spans})
