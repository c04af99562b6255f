"""The context-word boost: Presidio's results, in work linear in the text (hostile input).

Presidio's ``LemmaContextAwareEnhancer`` lower-cases and searches the lemmas around every result
afresh; 100,000 characters of ``1.`` (one token, 12,500 IP and number matches inside it) kept
the English detector busy for about 17 s. The work is counted here, not timed: every lemma is a
string that counts the characters it lower-cases or searches, and the count must grow in
proportion to the text (twice the text, about twice the work), not with its square.
"""

from __future__ import annotations

from presidio_analyzer import RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer

from workbench.deid.context import LinearContextEnhancer
from workbench.deid.engine import Detector, build_analyzer


class _CountingStr(str):
    calls = 0

    def lower(self) -> str:
        _CountingStr.calls += len(self)
        return str.lower(self)

    def __contains__(self, other: object) -> bool:
        _CountingStr.calls += len(self)
        return str.__contains__(self, other)  # type: ignore[operator]


def _lemma_work(enhancer: LemmaContextAwareEnhancer, text: str) -> tuple[int, int]:
    """Characters of lemmas the analyzer's context boost reads on ``text``, and how many results."""
    analyzer = build_analyzer()
    analyzer.context_aware_enhancer = enhancer
    artifacts = analyzer.nlp_engine.process_text(text, "en")
    artifacts.lemmas = [_CountingStr(lemma) for lemma in artifacts.lemmas]
    _CountingStr.calls = 0
    results = analyzer.analyze(text=text, language="en", nlp_artifacts=artifacts)
    return _CountingStr.calls, len(results)


def test_hostile_run_of_one_dot_costs_work_linear_in_the_text() -> None:
    # one spaCy token; Presidio's IP and number patterns match all along it
    sizes = (2_500, 5_000)
    (small, small_results), (large, large_results) = (_lemma_work(LinearContextEnhancer(), "1." * n) for n in sizes)
    assert large_results >= 2 * small_results > 500
    assert large <= 2.5 * small, (small, large)  # each lemma lower-cased once, each (context word, token) tested once
    (theirs_small, _), (theirs_large, _) = (_lemma_work(LemmaContextAwareEnhancer(), "1." * n) for n in sizes)
    assert theirs_large > 3.5 * theirs_small  # what the protection removes: work per result over the whole token


def test_same_boosts_as_presidio_on_ordinary_text() -> None:
    text = (
        "My phone number is 212-555-5555 and my credit card is 4111 1111 1111 1111. Call me on +44 20 7946 0958. "
        "My social security number is 078-05-1120, my IP 192.168.0.10, e-mail jan@example.org, "
        "IBAN GB82 WEST 1234 5698 7654 32. Passport no. AB1234567; licence 12345678. Ref: 4471/B. "
        "Phone: 06 30 123 4567; card ending 0024 and the account 12345678 at sort code 12-34-56."
    )
    ours, theirs = build_analyzer(), build_analyzer()
    theirs.context_aware_enhancer = LemmaContextAwareEnhancer()
    found = ours.analyze(text=text, language="en", return_decision_process=True)
    expected = theirs.analyze(text=text, language="en", return_decision_process=True)

    def key(results: list[RecognizerResult]) -> list[tuple[int, int, str, float, str]]:
        said = [getattr(r.analysis_explanation, "supportive_context_word", "") or "" for r in results]
        return sorted((r.start, r.end, r.entity_type, round(r.score, 6), w) for r, w in zip(results, said, strict=True))

    assert key(found) == key(expected)
    boosted = [k[-1] for k in key(found)]
    assert any(boosted)  # the text holds context words the boost must find


def test_detector_uses_the_linear_enhancer() -> None:
    assert isinstance(build_analyzer().context_aware_enhancer, LinearContextEnhancer)
    assert Detector(build_analyzer()).detect("1." * 2_000, "en") is not None
