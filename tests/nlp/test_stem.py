"""Hungarian (and English) stems: inflected forms are one keyword, shown as a real word."""

from __future__ import annotations

from workbench.nlp.stem import Stemmer, display_form, unify, words
from workbench.nlp.themes import OUTLIER, keywords


def test_inflected_hungarian_forms_share_a_stem() -> None:
    stemmer = Stemmer()
    forms = [["börtön", "börtönben", "börtönből", "börtönök", "börtönt"]]
    assert len(set(unify(forms, [stemmer.stems(forms[0], "hu")])[0])) == 1
    assert stemmer.stem("börtön", "hu") != stemmer.stem("bíróság", "hu")
    assert stemmer.stem("prisons", "en") == stemmer.stem("prison", "en")
    assert stemmer.stem("börtönben", "xx") == "börtönben", "a language without a stemmer keeps the word"


def test_words_are_letters_only_and_lower_cased() -> None:
    assert words("A Börtönben 2024-ben, ő is ott volt!") == ["börtönben", "ben", "ott", "volt"]


def test_a_keyword_counts_every_inflection_and_shows_the_commonest_form() -> None:
    texts = [
        "A börtönben nehéz volt.", "A börtönből jöttem ki.", "Börtönben ültem sokáig.", "Börtönben tanultam.",
        "Focimeccset néztünk.", "A meccset elvesztettük.", "Meccs után ünnepeltünk.", "A stadion tele volt.",
    ]  # fmt: skip
    labels = [0, 0, 0, 0, 1, 1, 1, OUTLIER]
    found = keywords(texts, labels, top=3, languages=["hu"] * len(texts))
    assert found[0][0] == "börtönben", found  # 4 inflections counted as one, shown in the commonest form
    assert "börtönből" not in found[0], "an inflection is not a second keyword"
    assert display_form(__import__("collections").Counter({"meccset": 2, "meccs": 2})) == "meccs"
