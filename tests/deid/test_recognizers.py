"""Recognizers for Hungarian identifiers, inflected known names, name candidates, offline operation."""

from __future__ import annotations

import socket

import pytest

from workbench.deid.candidates import candidate_spans
from workbench.deid.engine import Detector, build_analyzer
from workbench.deid.inflect import harmonies, inflected_forms
from workbench.deid.recognizers import offline_tld_extractor, personal_id_valid, taj_valid, tax_id_valid
from workbench.deid.terms import Term, TermMatcher


def _found(detector: Detector, text: str, kind: str, language: str = "hu") -> list[str]:
    return [text[s.start : s.end] for s in detector.presidio_spans(text, language) if s.entity_type == kind]


@pytest.mark.parametrize(
    "number",
    ["+36 30 123 4567", "+36-30-123-4567", "06 30 123 4567", "06-30/123-4567", "+36301234567", "(06 1) 234-5678",
     "06 1 234 5678", "0036 20 987 6543", "06 52 123 456"],
)  # fmt: skip
def test_hungarian_phone_numbers(detector: Detector, number: str) -> None:
    text = f"Hívjon a {number} számon, ha kérdése van."
    assert number in _found(detector, text, "PHONE")


def _taj(first8: str) -> str:
    check = sum(int(d) * (3 if i % 2 == 0 else 7) for i, d in enumerate(first8)) % 10
    return first8 + str(check)


def test_taj_numbers_need_a_valid_check_digit(detector: Detector) -> None:
    valid = _taj("12345678")
    assert valid == "123456788"  # worked by hand: 3+14+9+28+15+42+21+56 = 188
    wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
    assert taj_valid(valid) and not taj_valid(wrong)
    spaced = f"{valid[:3]} {valid[3:6]} {valid[6:]}"
    assert _found(detector, f"A TAJ-száma {spaced}.", "ID") == [spaced]
    assert _found(detector, f"A TAJ-száma {wrong}.", "ID") == []


def test_tax_and_personal_ids_check_their_digits() -> None:
    assert tax_id_valid("8312345671")  # 8*1+3*2+1*3+2*4+3*5+4*6+5*7+6*8+7*9 = 210, 210 mod 11 = 1
    assert not tax_id_valid("8312345672")
    assert not tax_id_valid("7312345671"), "a tax id starts with 8"
    digits = "1850312123"  # man born 1985-03-12 (before 1997: weights 1..10)
    check = sum(int(d) * w for d, w in zip(digits, range(1, 11), strict=True)) % 11
    assert personal_id_valid(digits + str(check))
    assert not personal_id_valid(digits + str((check + 1) % 10))
    assert not personal_id_valid("1851332123" + "0"), "month 13 is no date"


@pytest.mark.parametrize(
    "address",
    ["1055 Budapest, Kossuth tér 1.", "6720 Szeged, Kárász utca 12.", "Petőfi Sándor utca 3.", "4025 Debrecen"],
)
def test_hungarian_postal_addresses(detector: Detector, address: str) -> None:
    text = f"Akkor a {address} alatt laktunk."
    assert any(address in found for found in _found(detector, text, "ADDRESS")), text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Három évet ültem a Váci Fegyház és Börtönben, aztán átvittek.", "Váci Fegyház és Börtönben"),
        ("A Tiszalöki Országos Büntetés-végrehajtási Intézetbe kerültem.",
         "Tiszalöki Országos Büntetés-végrehajtási Intézetbe"),
        ("Előtte a szegedi börtönben voltam.", "szegedi börtönben"),
        ("Aztán a BV intézetben dolgozott.", "BV intézetben"),
        ("Utána a Kisvárosi Börtön lett az otthonom.", "Kisvárosi Börtön"),
        ("I spent two years in HMP Belmarsh before the transfer.", "HMP Belmarsh"),
    ],
)  # fmt: skip
def test_penitentiary_institutions_list_and_patterns(detector: Detector, text: str, expected: str) -> None:
    assert any(expected in found for found in _found(detector, text, "INSTITUTION")), _found(
        detector, text, "INSTITUTION"
    )


def test_dates_ages_emails_urls(detector: Detector) -> None:
    text = ("2003. március 5-én születtem, tizenhat évesen kerültem be. Írjon a kovacs.b@example.hu címre, "
            "vagy nézze meg a https://www.example.hu/profil oldalt. 1998-ban költöztünk.")  # fmt: skip
    assert "2003. március 5-én" in _found(detector, text, "DATE")
    assert "1998-ban" in _found(detector, text, "DATE")
    assert _found(detector, text, "AGE") == ["tizenhat évesen"]
    assert _found(detector, text, "EMAIL") == ["kovacs.b@example.hu"]
    assert any("example.hu/profil" in u for u in _found(detector, text, "URL"))
    english = "He was 34 years old when he met her on 5 March 2019."
    assert _found(detector, english, "AGE", "en") == ["34 years old"]
    assert "5 March 2019" in _found(detector, english, "DATE", "en")


def test_vowel_harmony_and_assimilation() -> None:
    assert harmonies("Kovács") == {"back"} and harmonies("Szeged") == {"front"} and "rounded" in harmonies("Gergő")
    forms = inflected_forms("Kovács")
    assert {"kovácsnak", "kovácsékhoz", "kováccsal", "kovácsék", "kovácsot", "kovácsné"} <= forms
    assert "kovácsnek" not in forms, "a back-vowel name takes back suffixes only"
    assert {"szegeden", "szegedre", "szegedtől", "szegeddel", "szegedi"} <= inflected_forms("Szeged")
    assert {"annának", "annát", "annával"} <= inflected_forms("Anna")
    assert {"gergővel", "gergőnek", "gergőhöz"} <= inflected_forms("Gergő")
    assert {"tihannyal", "zsolttal", "kissel"} <= inflected_forms("Tihany") | inflected_forms(
        "Zsolt"
    ) | inflected_forms("Kiss")


def test_known_names_are_found_in_inflected_forms() -> None:
    terms = [("p1", "Horváth Zsolt", "PERSON"), ("p1", "Zsolt", "PERSON"), ("p2", "Kovács", "PERSON"),
             ("c1", "Szeged", "CITY"), ("p3", "Kiss", "PERSON")]  # fmt: skip
    matcher = TermMatcher(Term(*t) for t in terms)
    text = ("Kovácsnak írtam, aztán Kovácsékhoz mentünk Szegeden. Horváth Zsoltnak dolgoztunk, Zsolttal "
            "jártam. Egy szegedi gyárban. Kovácsné is ott volt. Don't kiss me.")  # fmt: skip
    found = {text[m.start : m.end]: m.term.key for m in matcher.find(text)}
    assert found == {"Kovácsnak": "p2", "Kovácsékhoz": "p2", "Szegeden": "c1", "Horváth Zsoltnak": "p1",
                     "Zsolttal": "p1", "szegedi": "c1", "Kovácsné": "p2"}  # fmt: skip


def test_candidates_find_names_no_model_knows() -> None:
    text = ("V: Zsolt meg se jelent. Akkor már a Horváth-féle társasággal jártam, mint Zsoltnál. "
            "Anyám havonta bejön. Az Önnel való beszélgetés jó volt. Erika csomagot küld.")  # fmt: skip
    found = [text[s.start : s.end] for s in candidate_spans(text)]
    assert "Zsolt" in found and "Zsoltnál" in found and "Horváth-féle" in found and "Erika" in found
    assert not {"Anyám", "Akkor", "Önnel", "Az"} & set(found), "sentence openers and polite pronouns are not names"


def test_nothing_touches_the_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    offline_tld_extractor.cache_clear()
    detector = Detector(build_analyzer())
    spans = detector.detect("Írjon: anna.kiss@example.co.uk, +36 30 123 4567, https://example.org/x", "hu")
    assert {s.entity_type for s in spans} >= {"EMAIL", "PHONE", "URL"}
    assert detector.detect("Mail john.smith@example.com about Ellie.", "en")
