"""The linear-time URL recognizer that replaces Presidio's (issue 14: ``1.1.1.…`` took ~27 s there)."""

from __future__ import annotations

import pytest
from presidio_analyzer.predefined_recognizers import UrlRecognizer

from workbench.deid import urls
from workbench.deid.engine import LANGUAGES, Detector, build_analyzer
from workbench.deid.urls import LinearUrlRecognizer, find_urls


def _found(text: str) -> list[str]:
    return [text[start:end] for start, end, _ in find_urls(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://example.com/a?b=1.", ["https://example.com/a?b=1"]),
        ("(http://intranet.bv.gov.hu/ugy/12)", ["http://intranet.bv.gov.hu/ugy/12"]),
        ("www.foo.co.uk, then bar.hu/x and ftp://10.0.0.7/f", ["www.foo.co.uk", "bar.hu/x", "ftp://10.0.0.7/f"]),
        ("a blog at \u201ekovacs-anna.blog.hu\u201d", ["kovacs-anna.blog.hu"]),
        ("szabo.hu:8080/a", ["szabo.hu:8080/a"]),
        ("(www.george.biz) and url:monroe-dawson.info.", ["www.george.biz", "monroe-dawson.info"]),
        ("www.bäckerei-schmidt.de, SRV-78.ACME.NET", ["www.bäckerei-schmidt.de", "SRV-78.ACME.NET"]),
    ],
)
def test_urls_and_bare_domains_are_found(text: str, expected: list[str]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "e.g. i.e. 1.1.1.1 3.14",  # abbreviations, an IP (the IP recognizer's), a number
        "write to anna@example.com",  # the e-mail recognizer's
        "foo.notatld bar.-x.com -.com",  # unknown top-level domain, malformed labels
        "v2.0.1 ...... 12.5.",
        "at 10:30. ratio 3:1. Mr.Smith",
    ],
)
def test_non_urls_are_left_alone(text: str) -> None:
    assert _found(text) == []


def test_a_domain_ends_with_its_label() -> None:
    """Presidio's pattern takes *example.com* out of *example.community*; a label is whole here."""
    assert _found("example.community and example.comx") == ["example.community"]


@pytest.mark.parametrize("unit", ["1.", "a.", "1-", "a.b-", "www.", "http://a", "x/"])
def test_hostile_runs_are_scanned_once(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each character is handed to the URL check at most once (so the work is linear).

    The only pattern is one character class repeated (``_RUN``, no nested repetition to
    backtrack over); everything after it is string operations on that run.
    """
    seen: list[int] = []
    check = urls._url_in

    def counting(run: str) -> tuple[int, int, float] | None:
        seen.append(len(run))
        return check(run)

    monkeypatch.setattr(urls, "_url_in", counting)
    text = unit * (100_000 // len(unit))
    find_urls(text)
    assert sum(seen) <= len(text)


def test_presidio_url_recognizer_is_replaced_in_both_languages() -> None:
    """Attack test: Presidio's backtracking URL pattern must not run on interview text."""
    analyzer = build_analyzer()
    for language in LANGUAGES:
        recognizers = analyzer.registry.get_recognizers(language, all_fields=True)
        assert not any(type(r) is UrlRecognizer for r in recognizers)
        assert any(isinstance(r, LinearUrlRecognizer) for r in recognizers)


def test_the_detector_reports_urls(detector: Detector) -> None:
    text = "Az oldala: https://kovacsanna.hu/rolam és www.pelda.com."
    spans = [(text[s.start : s.end], s.entity_type) for s in detector.detect(text, "hu")]
    assert ("https://kovacsanna.hu/rolam", "URL") in spans and ("www.pelda.com", "URL") in spans


def test_context_words_raise_the_score_without_failing(detector: Detector) -> None:
    """Presidio's context enhancement writes into each result's explanation (it failed without one)."""
    for language, text in (("en", "Our website is www.pelda.com, the link works."), ("hu", "A honlap: pelda.hu.")):
        spans = detector.detect(text, language)
        assert any(s.entity_type == "URL" and s.score > urls.DOMAIN_SCORE for s in spans), spans
