"""English identifiers as people write them (issue 14): every recognizer in ``recognizers_en``.

Examples are in the style of the DEVELOPMENT set only (``bench/deid_dev_en.py``: en_US, en_NZ,
en_IN, de_AT, fr_CA, de_CH layouts) or written by hand; nothing here comes from the held-out set
(``bench/deid_heldout_en.py``), which measures these recognizers and must stay unseen by them.
"""

from __future__ import annotations

from functools import cache

import pytest

from workbench.deid.engine import Detector
from workbench.deid.recognizers_en import RuleRecognizer, english_recognizers


@cache
def _recognizers() -> dict[str, RuleRecognizer]:
    return {r.name: r for r in english_recognizers() if isinstance(r, RuleRecognizer)}


def found(name: str, text: str) -> list[str]:
    """What the named recognizer flags in ``text``, in order."""
    results = _recognizers()[name].analyze(text, [])
    return [text[r.start : r.end] for r in sorted(results, key=lambda r: r.start)]


def flags(name: str, text: str, value: str) -> bool:
    """Whether the recognizer's spans, merged, cover ``value`` where it occurs in ``text``."""
    start = text.index(value)
    covered = set()
    for r in _recognizers()[name].analyze(text, []):
        covered |= set(range(r.start, r.end))
    return set(range(start, start + len(value))) <= covered


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Coach Brennan told me to keep my head down.", "Coach Brennan"),
        ("A: Lt. Anderson from the base gave me a reference.", "Lt. Anderson"),
        ("My Auntie O'Neill took us in.", "Auntie O'Neill"),
        ("We saw Dr. Priya van der Berg on the ward.", "Dr. Priya van der Berg"),
        ("Then Mrs. Dr. Anika Erler wrote to the court.", "Mrs. Dr. Anika Erler"),
    ],
)
def test_titles_before_names_are_part_of_the_person(text: str, name: str) -> None:
    assert flags("en titled name", text, name)


@pytest.mark.parametrize("text", ["The doctor said no.", "I told Mr that", "the judge was fair", "Dear Sir, thanks"])
def test_titles_without_a_name_are_not_people(text: str) -> None:
    assert found("en titled name", text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("We stayed at 15910 Mark Locks Suite 015 for a while.", "15910 Mark Locks Suite 015"),
        ("Then 705 Wekawainui Drive, near the river.", "705 Wekawainui Drive"),
        ("She lives at Johanna-Schuler-Platz 4/2 now.", "Johanna-Schuler-Platz 4/2"),
        ("Our flat was on Häfligerstrasse 87, third floor.", "Häfligerstrasse 87"),
        ("Send it to 141 allé Tardif please.", "141 allé Tardif"),
        ("He moved to 12 bis, rue de la Montagne last year.", "12 bis, rue de la Montagne"),
        ("It was H.No. 39 Swamy Marg, behind the temple.", "H.No. 39 Swamy Marg"),
        ("We had Unit 3B, 40 Queen Street for two years.", "Unit 3B, 40 Queen Street"),
        ("My cousin rents on Church Lane.", "Church Lane"),
        # layouts of the development set's second round (NZ, IN, AT, CH, CA, SG, ZA writings)
        ("We had Flat 3B, 27 Mill Lane then.", "Flat 3B, 27 Mill Lane"),
        ("It was Unit 5/12 Smith St for a year.", "Unit 5/12 Smith St"),
        ("Write to 12, rue de la Paix please.", "12, rue de la Paix"),
        ("She was at Hauptstraße 5a.", "Hauptstraße 5a"),
        ("Then Apt. 4, 200 Main Street North, upstairs.", "Apt. 4, 200 Main Street North"),
        ("Office on Level 3, 100 Queen St now.", "Level 3, 100 Queen St"),
        ("Post goes to c/o Pillai, 100 Choudhary Road.", "c/o Pillai, 100 Choudhary Road"),
        ("Farm at RR 3, 48 Connor Quay, out of town.", "RR 3, 48 Connor Quay"),
        ("Mail to Rural Route 8, then the farm.", "Rural Route 8"),
        ("They lived at No. 72 Morgan Close.", "No. 72 Morgan Close"),
        ("Our flat on Kerkstraat 12-3 was small.", "Kerkstraat 12-3"),
        ("We rented 12-14 Abbey Mews together.", "12-14 Abbey Mews"),
        ("A room at 5 Kelly Wynd, Dundee.", "5 Kelly Wynd"),
        ("It was Barnesstrasse No. 434 in the end.", "Barnesstrasse No. 434"),
        ("Her place, Plot No. 163, Webster Nagar, was near.", "Plot No. 163, Webster Nagar"),
        ("He stayed at 9 Orchard Spinney for a bit.", "9 Orchard Spinney"),
    ],
)
def test_street_addresses_in_many_layouts(text: str, address: str) -> None:
    assert flags("en address", text, address)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # written by hand for the third round (general street-line writings, not from either bench set)
        ("He lived at 350 5th Avenue for years.", "350 5th Avenue"),
        ("Office at 123 W 42nd St, upstairs.", "123 W 42nd St"),
        ("At 100 E. Main St we met.", "100 E. Main St"),
        ("We moved to 12 St. John's Road then.", "12 St. John's Road"),
        ("I grew up at 4 The Paddocks, near the mill.", "4 The Paddocks"),
        ("It was Flat B, 22 Grove Road.", "Flat B, 22 Grove Road"),
        ("Block C, 14 Harbour View, second floor.", "Block C, 14 Harbour View"),
        ("I lived at 12 Baker street for a bit.", "12 Baker street"),
        ("It was 1234 boul. Saint-Laurent, up north.", "1234 boul. Saint-Laurent"),
        ("It was 55 ch. du Lac then.", "55 ch. du Lac"),
        ("Unit 4 - 120 King St W, downtown.", "Unit 4 - 120 King St W"),
        ("He was at 3/45-47 Smith Pde for a year.", "3/45-47 Smith Pde"),
        ("Our office: 3rd Floor, 10 High St.", "3rd Floor, 10 High St"),
        ("Flat 2/1, 15 Byres Road was cold.", "Flat 2/1, 15 Byres Road"),
        ("We lived at 12 Green Lanes.", "12 Green Lanes"),
        ("The farm, 1234 County Road 12, is gone.", "1234 County Road 12"),
        ("at 11 Pine Ridge Trl and 2 Bay Vw", "11 Pine Ridge Trl"),
        ("Write to Postbus 1234 instead.", "Postbus 1234"),
        ("a room at Prinsengracht 263-II then", "Prinsengracht 263-II"),
        ("They lived Unter den Linden 77 for years.", "Unter den Linden 77"),
        ("We were at apt 5, 12 Main St then.", "apt 5, 12 Main St"),
        ("She had Schillerhöhe 4a, up the hill.", "Schillerhöhe 4a"),
    ],
)
def test_more_street_line_writings(text: str, address: str) -> None:
    assert flags("en address", text, address)


@pytest.mark.parametrize(
    "text",
    ["In 2005 prices rose.", "I was 5 Years old then.", "He came 2nd in the race.", "Give me 5 minutes, please.",
     "We met on the 3rd floor.", "It took 12 Weeks to heal.", "Mr Goldberg 12 years ago", "Amsterdam 2019 was fun",
     "the Hacker 5 crew", "unit 3 of the course"],
)  # fmt: skip
def test_the_new_writings_leave_counts_alone(text: str) -> None:
    assert found("en address", text) == []


def test_a_singapore_block_layout_is_covered_word_by_word() -> None:
    text = "Block 141, Bail Avenue 16, #16-141, Singapore."
    for word in ("Block 141", "Bail Avenue 16", "#16-141"):
        assert flags("en address", text, word)


@pytest.mark.parametrize("text", ["P.O. Box 5174, Wetzikon", "write to PO Box 77", "Box 5843, then", "GPO Box 12"])
def test_po_boxes(text: str) -> None:
    assert any("Box" in value for value in found("en address", text))


@pytest.mark.parametrize(
    "text",
    ["I spent 3 Years there.", "We had 5 years inside.", "Toronto &#39;s SkyDome", "He won 2 Grand Prix races.",
     "He came No. 5 in the race.", "care of the children was hard", "RR was fine with it", "No. 1 Son"],
)  # fmt: skip
def test_counts_and_entities_are_not_addresses(text: str) -> None:
    assert found("en address", text) == []


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Austin, TX 75001", "75001"),
        ("zip 85906-1234 on the form", "85906-1234"),
        ("4170 Haslach an der Mühl", "4170"),
        ("moved to Christchurch 8031 later", "8031"),
        ("from Bhopal 317066, India", "317066"),
        ("Sherbrooke QC J1E 7V7", "J1E 7V7"),
        ("postcode: 6012 I think", "6012"),
        ("an address in Glarus, 8750, Switzerland", "8750"),
    ],
)
def test_postal_codes_by_shape_and_neighbourhood(text: str, code: str) -> None:
    assert flags("en postcode", text, code)


@pytest.mark.parametrize("text", ["He paid 4000 dollars.", "we walked 1200 metres", "room for 12345 people"])
def test_plain_numbers_are_not_postal_codes(text: str) -> None:
    assert found("en postcode", text) == []


@pytest.mark.parametrize(
    "number",
    ["+64 21 525 4814", "+43 664 1234567", "+41 52 690 74 39", "(020) 466 9074", "0743915000", "05690 74391 500",
     "0043 (0)662 537 48"],
)  # fmt: skip
def test_international_phone_layouts(number: str) -> None:
    assert flags("en phone", f"Ring me on {number} tonight.", number)


@pytest.mark.parametrize("text", ["I had 12 345 reasons.", "It was 2019.", "score 3-1", "I was 1 of 20"])
def test_short_numbers_are_not_phones(text: str) -> None:
    assert found("en phone", text) == []


@pytest.mark.parametrize(
    "number",
    ["4111 1111 1111 1112", "0332 245383 23640", "123456789012", "C8999094", "A123-456-789-012", "DL 1234567",
     "QQ 12 34 56 C", "20-45-67"],
)  # fmt: skip
def test_long_numbers_and_id_tokens_whatever_their_checksum(number: str) -> None:
    values = found("en id number", f"They wrote down {number} on the sheet.")
    assert any(number in v or (v in number and len(v) >= 5) for v in values), values


def test_a_short_code_counts_after_an_id_word() -> None:
    assert flags("en id number", "prisoner no. 4471, wing B", "4471")
    assert flags("en id number", "card ending 0024", "0024")


@pytest.mark.parametrize("text", ["COVID-19 closed it", "I did 3 years", "an MP3 player", "top 10 list", "in 2019"])
def test_ordinary_numbers_are_not_ids(text: str) -> None:
    assert found("en id number", text) == []


@pytest.mark.parametrize(
    ("text", "handle"),
    [("on Instagram I'm @davidterry", "@davidterry"), ("username dave.k77 on there", "dave.k77"),
     ("logged in as jameswilliams11 again", "jameswilliams11"), ("my gamertag: sniper_wolf", "sniper_wolf"),
     ("Note: logged on as b.häfliger89 from home", "b.häfliger89"), ("account user bernasconin.", "bernasconin"),
     ("user name: j_doe, I think", "j_doe"), ("on Discord handle j.doe77 too", "j.doe77"),
     ("logged on as o'brienh today", "o'brienh"), ("user id viola.springer", "viola.springer")],
)  # fmt: skip
def test_usernames(text: str, handle: str) -> None:
    assert flags("en username", text, handle)


def test_a_plain_word_is_a_username_after_a_handle_word() -> None:
    assert flags("en username", "he logged in as baradekaraj from home", "baradekaraj")
    assert flags("en username", "my username is qiten", "qiten")
    assert found("en username", "my username is on the card") == []
    assert flags("en username", "Note: logged on as wrideshsandal from there", "wrideshsandal")
    assert found("en username", "logged on as usual") == []
    assert found("en username", "signed in as guest, then as admin") == []


@pytest.mark.parametrize("text", ["mail matthew70@page-cairns.nz", "hello world", "I said yes as usual"])
def test_emails_and_words_are_not_usernames(text: str) -> None:
    assert found("en username", text) == []


def test_urls_keep_their_path() -> None:
    url = "https://naidu.biz/wp-content/categoriesauthor.php?id=4"
    assert found("en url", f"see {url}, it lists hostels") == [url]


@pytest.mark.parametrize(
    "time", ["7:15 pm", "6:35AM", "13h25", "noon", "4 in the evening", "half past seven", "1430 hours", "9 a.m."]
)
def test_times_in_common_writings(time: str) -> None:
    assert flags("en time", f"It started at {time} that day.", time)


@pytest.mark.parametrize("text", ["It cost £3.50 each.", "up 3.5 percent", "we won 2-1", "I am 5 ft 9"])
def test_prices_and_scores_are_not_times(text: str) -> None:
    assert found("en time", text) == []


@pytest.mark.parametrize(
    ("text", "day"),
    [("It was Thursday", "Thursday"), ("on Thu. we met", "Thu."), ("every Sat he came", "Sat"),
     ("Sun 5 May", "Sun"), ("Mondays were hard", "Mondays")],
)  # fmt: skip
def test_weekdays(text: str, day: str) -> None:
    assert flags("en weekday", text, day)


@pytest.mark.parametrize("text", ["The Sun was out.", "Sat on the bench", "I sat down"])
def test_sun_and_sat_as_words_are_not_weekdays(text: str) -> None:
    assert found("en weekday", text) == []


@pytest.mark.parametrize(
    "date", ["Jan. 24, 2002", "24-Jan-2002", "1996/12/19", "11-27-05", "the 3rd of May", "May 2019", "1990s"]
)
def test_dates_in_common_writings(date: str) -> None:
    assert flags("en date", f"That was {date}, I think.", date)


def test_ordinal_centuries_are_not_dates() -> None:
    assert found("en date", "in the 21st century") == []


@pytest.mark.parametrize(
    ("text", "age"),
    [("my son, a 17-yr-old, was there", "17-yr-old"), ("He was 45 yrs old.", "45 yrs old"),
     ("She is 44.", "44"), ("I was 19 when I left.", "19"), ("he's 62 now", "62"), ("aged 33", "aged 33"),
     ("at the age of 19 I left", "19"),
     ("at 17 I left school", "17"), ("a man in her early thirties", "in her early thirties"),
     ("Lemay (35), of Laval", "35"), ("when I was fourteen, my dad left", "fourteen"),
     ("Forty years of age, unemployed", "Forty years of age")],
)  # fmt: skip
def test_ages_in_digits_words_and_context(text: str, age: str) -> None:
    assert flags("en age", text, age)


def test_after_at_the_age_of_only_the_number_is_the_age() -> None:
    assert found("en age", "at the age of 19 I left") == ["19"]


@pytest.mark.parametrize(
    "text",
    ["I was 5 minutes late.", "We were 3 people.", "It was 20 degrees.", "I did 3 years.", "at 5 pm we left",
     "John's 3 kids", "he was 2 metres tall", "It is 10 past", "I was 1st in line"],
)  # fmt: skip
def test_counts_are_not_ages(text: str) -> None:
    assert found("en age", text) == []


@pytest.mark.parametrize(
    ("text", "org"), [("we met at Ghose, Hegde and Viswanathan then", "Ghose, Hegde and Viswanathan"),
                      ("I worked for Wolf Forster AG.", "Wolf Forster AG")]
)  # fmt: skip
def test_organisations_in_running_text(text: str, org: str) -> None:
    assert flags("en organisation", text, org)


def test_lower_case_pairs_are_not_organisations() -> None:
    assert found("en organisation", "salt and pepper, bread and butter") == []


@pytest.mark.parametrize(
    ("text", "name"), [("Name: Alen Iten", "Alen Iten"), ("Yes. Troy Moody rang me.", "Troy Moody"),
                       ("Next of kin - Melek Trattner", "Melek Trattner")]
)  # fmt: skip
def test_names_after_labels_and_opening_sentences(text: str, name: str) -> None:
    assert flags("en labelled name", text, name)


@pytest.mark.parametrize(
    "text", ["The Police came.", "Last Monday was hard.", "Yes. NHS Trust paid.", "So Tom Jones Sang"]
)
def test_common_openers_are_not_names(text: str) -> None:
    assert found("en labelled name", text) == []


def test_english_recognizers_run_on_english_text_only(detector: Detector) -> None:
    text = "Dr. Priya Sharma rang at 7:15 pm on Thursday from +64 21 525 4814."
    english = {s.recognizer for s in detector.presidio_spans(text, "en")}
    assert {"en titled name", "en time", "en weekday", "en phone"} <= english
    assert not any(name.startswith("en ") for name in {s.recognizer for s in detector.presidio_spans(text, "hu")})


def test_the_detector_labels_new_formats_with_project_types(detector: Detector) -> None:
    text = "My licence C8999094 and my handle @davidterry were on the form."
    kinds = {text[s.start : s.end]: s.entity_type for s in detector.detect(text, "en")}
    assert kinds.get("C8999094") == "ID"
    assert kinds.get("@davidterry") == "URL"


@pytest.mark.parametrize(
    ("text", "surname"),
    [
        ("R: Murphy said I could stay.", "Murphy"),
        ("I: Who? R: Cox. That's the name.", "Cox"),
        ("Osborne never listened to us.", "Osborne"),
        ("I: And the officer? R: Paradis, he was the one.", "Paradis"),
    ],
)
def test_a_surname_alone_opening_a_sentence_or_turn(detector: Detector, text: str, surname: str) -> None:
    # through the detector: these rules need the tagger's word class (a proper noun), which plain
    # recognizer calls without NLP artifacts lack
    assert (surname, "PERSON") in {(text[s.start : s.end], s.entity_type) for s in detector.detect(text, "en")}


@pytest.mark.parametrize(
    "text",
    ["R: Yeah, he was.", "A: Sorry. I forgot.", "R: Okay. Next.", "Q: Why? A: Drugs, mostly.", "A: Money. That was it.",
     "Nobody said anything.", "A: Prison, that's where.", "R: Weed. Mostly weed.", "A: Christmas, I think."],
)  # fmt: skip
def test_interjections_and_words_opening_a_turn_are_not_surnames(detector: Detector, text: str) -> None:
    assert [s for s in detector.detect(text, "en") if s.entity_type == "PERSON"] == []


def test_sentence_opening_surname_rules_need_the_tagger() -> None:
    assert found("en labelled name", "R: Murphy said I could stay.") == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("They lived at 12\u201314 High Street for years.", "12\u201314 High Street"),
        ("Units 3-5, 20 Mill Road was the shop.", "Units 3-5"),
        ("Basement Flat, 14 Elm Grove, then.", "Basement Flat, 14 Elm Grove"),
        ("Rose Cottage, Mill Lane is where she grew up.", "Rose Cottage, Mill Lane"),
        ("The Maltings, Dublin Road, was the block.", "The Maltings, Dublin Road"),
        ("She rented in Via Roma 12 that summer.", "Via Roma 12"),
        ("Calle de Alcalá 45, Madrid.", "Calle de Alcalá 45"),
        ("at Rua Augusta 100, Lisbon", "Rua Augusta 100"),
        ("write to ul. Marszałkowska 12/4", "ul. Marszałkowska 12/4"),
        ("Straße des 17. Juni 5, Berlin", "Straße des 17. Juni 5"),
        ("in Jan van Galenstraat 12 then", "Jan van Galenstraat 12"),
        ("Drottninggatan 53, Stockholm", "Drottninggatan 53"),
        ("Vesterbrogade 8, København", "Vesterbrogade 8"),
        ("rue du Marché 4, Genève", "rue du Marché 4"),
        ("Hauptstr. 5, 2. OG, links", "Hauptstr. 5, 2. OG"),
        ("Kerkstraat 12 bus 3, Gent", "Kerkstraat 12 bus 3"),
        ("at 12 High St, apt 4 then", "12 High St, apt 4"),
        ("5 Bridge of Allan Road, Stirling", "5 Bridge of Allan Road"),
        ("45 Harbour View Road, Sydney", "45 Harbour View Road"),
        ("Flat 12, Smith Causeway, Leeds", "Flat 12, Smith Causeway"),
        ("ADDRESS: FLAT 4, 12 HIGH STREET, LEEDS", "FLAT 4, 12 HIGH STREET"),
        ("P.O. Box 12-345, Nairobi", "P.O. Box 12-345"),
    ],
)
def test_street_lines_of_many_countries(text: str, address: str) -> None:
    """House numbers before and after the street, flats and units, building names, PO boxes."""
    assert flags("en address", text, address)


@pytest.mark.parametrize(
    "text",
    ["It ended at 7:13 PM PT. on Sunday.", "10 Palestinians in Gaza Camp were hurt.",
     "2 Troops Said Killed by Turkey Land", "Smith et al. Nature 12 said so.", "She has a Place 4 you.",
     "He works in the office of the mayor.", "We came in at 3 of the clock."],
)  # fmt: skip
def test_these_writings_leave_headlines_and_counts_alone(text: str) -> None:
    assert found("en address", text) == []
