"""Theme labels: one language per theme, spoken stop words and phrases out, names out, phrases in."""

from __future__ import annotations

from workbench.nlp.theme_labels import keywords, label, proper_nouns, stop_words, tokens

VISITS_EN = [
    "You know, the visiting room is like the best hour, my daughter comes to the visiting room.",
    "I mean, in the visiting room Ellie brings her drawings, you know.",
    "When Ellie is in the visiting room I feel like a person again.",
    "The visiting room on Sunday, yeah, that keeps me going.",
]
WORK_HU = [
    "Hát szóval a műhelyben dolgozom, hanem annyit mondok, a műhely jó hely.",
    "Zsolt mondta, hogy a műhelyben tanulok szakmát, hát igen.",
    "A műhelyben Zsolttal hegesztek, szóval a szakma fontos nekem.",
    "Annyit mondok, hogy a szakmát a műhelyben tanultam meg.",
]
WORK_EN = ["The workshop teaches me a trade.", "I learn welding in the workshop."]


def test_spoken_fillers_and_phrases_are_stop_words() -> None:
    stop = stop_words()
    for filler in ("hanem", "annyit", "hát", "szóval", "like", "yeah", "know"):
        assert filler in stop
    assert tokens("You know, I mean the prison", stop) == ["prison"]
    assert "kind" not in tokens("it is kind of a long sentence", frozenset())


def test_names_written_capitalised_inside_a_sentence_are_proper_nouns() -> None:
    found = proper_nouns(VISITS_EN + WORK_HU)
    assert {"ellie", "zsolttal"} <= found
    assert "visiting" not in found and "műhelyben" not in found


def test_labels_hold_no_fillers_no_names_and_one_language() -> None:
    texts = VISITS_EN + WORK_HU + WORK_EN
    labels = [0] * 4 + [1] * 6
    languages = ["en"] * 4 + ["hu"] * 4 + ["en"] * 2
    found = keywords(texts, labels, 8, languages, exclude={"zsolt"})
    words = {w for terms in found.values() for term in terms for w in term.split()}
    assert not words & stop_words()
    assert not words & {"ellie", "zsolt", "zsolttal", "sunday"}
    assert "visiting room" in found[0], "a phrase that recurs is one term"
    assert "visiting" not in found[0] and "room" not in found[0], "the phrase takes its words' place"
    assert not set(found[1]) & {"workshop", "trade", "welding"}, "the Hungarian theme's label stays Hungarian"
    assert found[1] and found[1][0].startswith("műhely")


def test_without_exclusions_a_lowercase_name_would_show() -> None:
    texts = ["zsolt and zsolt at the workshop", "zsolt said the workshop", "zsolt again", "the garden", "garden"]
    shown = keywords(texts, [0, 0, 0, 1, 1], 8, ["en"] * 5)
    assert "zsolt" in shown[0]
    assert "zsolt" not in keywords(texts, [0, 0, 0, 1, 1], 8, ["en"] * 5, exclude={"zsolt"})[0]


def test_label_is_the_first_terms() -> None:
    assert label(("visiting room", "daughter", "drawings", "hour")) == "visiting room, daughter, drawings"
    assert label((), "theme 3") == "theme 3"
