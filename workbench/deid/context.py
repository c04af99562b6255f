"""Presidio's context-word score boost, in time linear in the text.

Presidio's ``LemmaContextAwareEnhancer`` looks up every result's context afresh: it walks the
tokens from the start of the text to find the result's token, walks the lemmas around it testing
each against the keyword *list*, and lower-cases every context word again for every context word
of the recognizer. Each of those is linear in the text per result, so a text with many results is
quadratic, and one long token with many results inside it (100,000 characters of ``1.``: one
spaCy token, thousands of IP-address and number matches, each comparing context words against
the whole token) kept the English detector busy for about 17 s.

``LinearContextEnhancer`` computes the same boosts (same window: the result's token and the
``context_prefix_count`` keywords before it and ``context_suffix_count`` after it; same substring
or whole-word matching; tested against Presidio's on ordinary text) from one index per call:
lemmas lower-cased once, keyword positions in a sorted list, a result's token found by bisection,
and each (recognizer context word, token) test done at most once per text.
"""

from __future__ import annotations

import copy
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts

_RECOGNIZER_ID = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_ENHANCED = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


class _ContextIndex:
    """One text's tokens and keywords, arranged so each result's context costs O(log n)."""

    def __init__(self, artifacts: NlpArtifacts) -> None:
        self._tokens = artifacts.tokens
        self._starts: Sequence[int] = artifacts.tokens_indices
        keywords = set(artifacts.keywords)
        self._lowered = [lemma.lower() for lemma in artifacts.lemmas]
        # positions of the lemmas Presidio would collect as context (its keyword test, per lemma)
        self._keyword_at = [i for i, lemma in enumerate(self._lowered) if lemma in keywords]
        self._tested: dict[tuple[str, int], bool] = {}

    def token_at(self, start: int) -> int:
        """The first token starting at ``start`` or covering it (Presidio's ``_find_index_of_match_token``)."""
        i = bisect_right(self._starts, start) - 1
        if i < 0:
            i = 0
        elif start >= self._starts[i] + len(self._tokens[i]):
            i += 1  # the result starts in the space after token i: the next token is the first that ends later
        if i >= len(self._starts):
            raise ValueError("A detected span lies outside the tokenized text.")
        return i

    def window(self, token: int, before: int, after: int) -> list[int]:
        """Keyword positions Presidio's ``_add_n_words`` collects: ``before + 1`` up to the token, ``after + 1`` on."""
        at = self._keyword_at
        stop, begin = bisect_right(at, token), bisect_left(at, token)
        return sorted(set(at[max(0, stop - before - 1) : stop] + at[begin : begin + after + 1]))

    def supports(self, word: str, position: int, mode: str) -> bool:
        """Whether context word ``word`` (lower case) matches the lemma at ``position``; each pair tested once."""
        key = (word, position)
        found = self._tested.get(key)
        if found is None:
            lemma = self._lowered[position]
            found = word in lemma if mode == "substring" else word == lemma
            self._tested[key] = found
        return found


def _matches(word: str, extra: Sequence[str], mode: str) -> bool:
    return any((word in k) if mode == "substring" else (word == k) for k in extra)


class LinearContextEnhancer(LemmaContextAwareEnhancer):
    """``LemmaContextAwareEnhancer`` with the same results, linear in the text (see the module doc)."""

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        results = list(raw_results)  # a boosted result is replaced by a boosted copy (Presidio deep-copies all)
        if nlp_artifacts is None:
            return results
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        extra = [word.lower() for word in context or []]
        index: _ContextIndex | None = None
        for i, result in enumerate(results):
            meta = result.recognition_metadata
            recognizer = by_id.get(meta[_RECOGNIZER_ID]) if meta and _RECOGNIZER_ID in meta else None
            if recognizer is None or not recognizer.context or meta.get(_ENHANCED):
                continue
            if not nlp_artifacts.tokens:
                positions: list[int] = []
                words = [*extra, ""]  # Presidio's context without tokens is [""]
            else:
                index = index or _ContextIndex(nlp_artifacts)
                token = index.token_at(result.start)
                positions = index.window(token, self.context_prefix_count, self.context_suffix_count)
                words = extra
            supportive = self._supportive(recognizer.context, positions, words, index)
            if supportive:
                results[i] = self._boosted(result, supportive)
        return results

    def _boosted(self, result: RecognizerResult, supportive: str) -> RecognizerResult:
        boosted = copy.copy(result)
        boosted.recognition_metadata = dict(result.recognition_metadata)
        boosted.score = min(max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity),
                            self.MAX_SCORE)  # fmt: skip
        if result.analysis_explanation is not None:
            boosted.analysis_explanation = copy.copy(result.analysis_explanation)
            boosted.analysis_explanation.set_supportive_context_word(supportive)
            boosted.analysis_explanation.set_improved_score(boosted.score)
        return boosted

    def _supportive(self, context_words: Sequence[str], positions: Sequence[int], extra: Sequence[str],
                    index: _ContextIndex | None) -> str:  # fmt: skip
        """The first of the recognizer's context words found around the result, as Presidio picks it."""
        mode = self.context_matching_mode
        for predefined in context_words:
            word = predefined.lower()
            if (index is not None and any(index.supports(word, p, mode) for p in positions)) or _matches(
                word, extra, mode
            ):
                return predefined
        return ""
