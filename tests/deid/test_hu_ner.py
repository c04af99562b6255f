"""The shipped Hungarian NER model (NerKor): offline loading, its licence, and what it finds.

The sentences below were written for these tests (not taken from NerKor): foreign names and
inflected foreign places in running text, the cases the capitalized-word detector misses at a
sentence start and the gazetteer cannot list.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest

from workbench.deid import hu_ner
from workbench.deid.engine import Detector, build_analyzer
from workbench.deid.hu_ner import extend_name_spans, load_model, model_path
from workbench.deid.spans import Span


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every socket connection fails, as on an offline machine."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield


def _covering(spans: list[Span], text: str, word: str) -> Span | None:
    start = text.index(word)
    return next((s for s in spans if s.start <= start and start + len(word) <= s.end), None)


def test_model_loads_and_detects_offline(no_network: None) -> None:
    load_model.cache_clear()
    nlp = load_model()
    assert nlp.meta["name"] == "hu_nerkor"
    assert {"PER", "LOC", "ORG"} <= set(nlp.get_pipe("ner").labels)
    text = "Tavaly Rotterdamban dolgozott Pieter van der Berg mellett."
    spans = Detector(build_analyzer()).detect(text, "hu")
    assert _covering(spans, text, "Rotterdamban") is not None
    assert _covering(spans, text, "Pieter") is not None


def test_building_the_analyzer_does_not_load_the_model() -> None:
    load_model.cache_clear()
    build_analyzer()
    assert load_model.cache_info().currsize == 0


def test_licence_and_attribution_ship_beside_the_model() -> None:
    folder = model_path()
    assert (folder / "meta.json").is_file() and (folder / "ner" / "model").is_file()
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "Attribution-ShareAlike 4.0 International" in licence
    readme = (folder / "README.md").read_text(encoding="utf-8")
    assert "NerKor" in readme and "Simon" in readme and "Vadász" in readme and "CC BY-SA 4.0" in readme
    assert "./dev train-ner" in readme


# (sentence, word, the types the word may be reported as)
HELD_OUT = [
    ("Nyolc évig Hamburgban élt a családjával.", "Hamburgban", {"PLACE", "CITY"}),
    ("Később Rotterdamba költöztek, onnan Marseille-be.", "Rotterdamba", {"PLACE", "CITY"}),
    ("Oluwaseun Adebayo tanította meg főzni.", "Oluwaseun", {"PERSON", "NAME"}),
    ("Azt mondta, hogy Siobhan O'Sullivan írta a levelet.", "Siobhan", {"PERSON", "NAME"}),
    ("Norvégiában és Finnországban is dolgozott.", "Norvégiában", {"PLACE", "CITY"}),
    ("A Magyar Telekom munkatársa kereste meg.", "Telekom", {"ORGANIZATION", "INSTITUTION", "NAME"}),
]


@pytest.mark.parametrize(("text", "word", "types"), HELD_OUT)
def test_hungarian_engine_finds_foreign_names_and_places(detector: Detector, text: str, word: str,
                                                         types: set[str]) -> None:  # fmt: skip
    spans = detector.detect(text, "hu")
    span = _covering(spans, text, word)
    assert span is not None, word
    assert span.entity_type in types


def test_the_model_types_entities() -> None:
    text = "Az egyik őr, Oluwaseun Adebayo, tavaly Norvégiában dolgozott a Magyar Telekom megbízásából."
    found = {text[start:end]: label for start, end, label in hu_ner.model_entities(text)}
    assert found.get("Oluwaseun Adebayo") == "PERSON"
    assert found.get("Norvégiában") == "LOCATION"
    assert found.get("Magyar Telekom") == "ORGANIZATION"


@pytest.mark.parametrize(
    ("text", "marked", "expected"),
    [
        ("Átmentünk az Erzsébet hídon tegnap.", "Erzsébet", "Erzsébet hídon"),
        ("Pest vármegyében született.", "Pest", "Pest vármegyében"),
        ("A Magyar Tudományos és Művészeti Akadémia ülésén.", "Művészeti Akadémia",
         "Magyar Tudományos és Művészeti Akadémia"),
        ("Tegnap Hamburgban voltunk.", "Hamburgban", "Hamburgban"),
        ("Láttam Horváth Zsoltot.", "Zsoltot", "Horváth Zsoltot"),
        ("Oluwaseun Adebayo tanította.", "Adebayo", "Oluwaseun Adebayo"),
        ("Később Rotterdamba költöztek.", "Rotterdamba", "Rotterdamba"),
        ("Péter és Pál jött.", "Pál", "Pál"),
        ("Azt mondta, Zsolt iskolába ment.", "Zsolt", "Zsolt"),
    ],
)  # fmt: skip
def test_name_spans_widen_to_the_whole_name(text: str, marked: str, expected: str) -> None:
    start = text.index(marked)
    people = ("Zsoltot", "Adebayo", "Pál", "Zsolt")
    kind = "PERSON" if marked in people else "ORGANIZATION" if "Akadémia" in marked else "PLACE"
    (span,) = extend_name_spans(text, [Span(start, start + len(marked), kind, 0.8, "spacy nerkor")])
    assert text[span.start : span.end] == expected


def test_known_terms_and_other_types_are_not_widened() -> None:
    text = "Láttam Horváth Zsoltot 2003. május 4-én."
    spans = [Span(15, 22, "PERSON", 1.0, "known", "P1"), Span(23, 40, "DATE", 0.5, "date")]
    assert extend_name_spans(text, spans) == spans


def test_the_model_runs_once_per_hungarian_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """Presidio's NLP engine runs the NerKor pipeline and the recognizer reads its entities: one pass."""
    nlp = load_model()
    calls: list[str] = []

    class Counting:
        vocab = nlp.vocab  # Presidio reads stop words from it

        def __call__(self, text: str) -> object:
            calls.append(text)
            return nlp(text)

    counting = Counting()
    monkeypatch.setattr(hu_ner, "load_model", lambda: counting)
    monkeypatch.setattr("workbench.deid.engine.load_model", lambda: counting, raising=False)
    analyzer = build_analyzer()

    blank = analyzer.nlp_engine.nlp["hu"]  # type: ignore[attr-defined]

    class NoSecondTokenization:
        vocab = blank.vocab  # Presidio reads stop words from it

        def __call__(self, text: str) -> object:
            raise AssertionError("the text was tokenized a second time by the blank pipeline")

    analyzer.nlp_engine.nlp["hu"] = NoSecondTokenization()  # type: ignore[attr-defined]
    text = "Tavaly Rotterdamban dolgozott Pieter van der Berg mellett."
    spans = Detector(analyzer).detect(text, "hu")
    assert calls == [text]
    assert _covering(spans, text, "Rotterdamban") is not None
    assert _covering(spans, text, "Pieter") is not None


def test_a_text_too_long_for_one_pass_is_read_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hu_ner, "_CHUNK", 80)
    line = "Tavaly Rotterdamban dolgozott Pieter van der Berg mellett.\n"
    text = line * 3
    spans = Detector(build_analyzer()).detect(text, "hu")
    for copy in range(3):
        start = copy * len(line) + line.index("Rotterdamban")
        assert any(s.start <= start < s.end for s in spans), copy


@pytest.mark.parametrize(
    ("text", "person", "town"),
    [
        ("Kovács Anna Pécsen lakik.", "Kovács Anna", "Pécsen"),
        ("Tegnap Kovács Anna Pécsen volt.", "Kovács Anna", "Pécsen"),
        ("Láttam Szabó Pétert Debrecenben.", "Szabó Pétert", "Debrecenben"),
    ],
)
def test_a_person_then_an_inflected_town_are_two_spans(detector: Detector, text: str, person: str,
                                                      town: str) -> None:  # fmt: skip
    """Issue 14: *Kovács Anna Pécsen* came out as one CITY span (model, candidates and widening all
    took the capitalized run as one name, and the gazetteer gave it its type)."""
    found = [(text[s.start : s.end], s.entity_type) for s in detector.detect(text, "hu")]
    assert (person, "PERSON") in found
    assert (town, "CITY") in found


def test_a_settlement_span_takes_no_neighbouring_capitalized_words() -> None:
    text = "Kovács Anna Pécsen lakik."
    town = Span(12, 18, "CITY", 0.6, "settlements")
    assert extend_name_spans(text, [town]) == [town]
    county = "Pest megyében élt."
    assert extend_name_spans(county, [Span(0, 4, "CITY", 0.6, "settlements")])[0].end == len("Pest megyében")


def test_a_place_adjective_surname_is_not_cut_off() -> None:
    """*Pécsi* is a surname as often as a town's adjective: a name reaching over it stays whole."""
    text = "Nagy Pécsi Anna jött."
    spans = [Span(0, 15, "PERSON", 0.85, "spacy nerkor"), Span(5, 10, "CITY", 0.6, "settlements")]
    assert hu_ner.split_at_settlements(text, spans) == [spans[0]]


def test_words_after_the_town_keep_their_own_span() -> None:
    text = "Kovács Anna Pécsen Péterrel élt."
    spans = [Span(0, 27, "NAME", 0.3, "candidate"), Span(12, 18, "CITY", 0.6, "settlements")]
    pieces = [(text[s.start : s.end], s.entity_type) for s in hu_ner.split_at_settlements(text, spans)]
    assert pieces == [("Kovács Anna", "NAME"), ("Péterrel", "NAME"), ("Pécsen", "CITY")]


def test_detect_many_batches_the_model_and_finds_what_detect_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pii detect`` runs the model over many texts with ``nlp.pipe``, each text once, same spans."""
    texts = ["Tavaly Rotterdamban dolgozott Pieter van der Berg mellett.", "Kovács Anna Pécsen lakik.",
             "", "Horváth Zsolt a Magyar Nemzeti Banknál dolgozik.", "x" * 10 + "\n"]  # fmt: skip
    one_by_one = [Detector(build_analyzer()).detect(t, "hu") for t in texts]
    nlp = load_model()
    piped: list[str] = []

    class Counting:
        vocab = nlp.vocab

        def __call__(self, text: str) -> object:
            raise AssertionError("a text went through the model alone, not in a batch")

        def pipe(self, stream: Iterator[str], batch_size: int) -> Iterator[object]:
            for doc in nlp.pipe(stream, batch_size=batch_size):
                piped.append(doc.text)
                yield doc

    monkeypatch.setattr(hu_ner, "load_model", Counting)
    monkeypatch.setattr("workbench.deid.engine.load_model", Counting)
    assert list(Detector(build_analyzer()).detect_many(texts, "hu")) == one_by_one
    assert piped == texts


def test_a_long_text_in_a_batch_is_read_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hu_ner, "_CHUNK", 200)
    line = "Tavaly Rotterdamban dolgozott Pieter van der Berg mellett.\n"
    texts = ["Kovács Anna Pécsen lakik.", line * 6, "Szabó Péter jött."]
    detector = Detector(build_analyzer())
    assert list(detector.detect_many(texts, "hu")) == [detector.detect(t, "hu") for t in texts]
