"""Turns and sentences: the units that coding, agreement and clustering use.

Sentences come from spaCy's rule-based sentencizer on a blank pipeline of the
project language, which needs no model download and handles Hungarian and
English punctuation alike.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

from workbench.domain.models import SUPPORTED_LANGUAGES, SegmentKind
from workbench.domain.records import SegmentDraft
from workbench.domain.transcript import detect_turns
from workbench.errors import InvalidInputError


@lru_cache(maxsize=4)
def sentencizer(language: str) -> Language:
    """A blank pipeline with a sentencizer; cached because it holds no user data."""
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInputError(f"Unsupported language {language!r}; use one of {', '.join(SUPPORTED_LANGUAGES)}.")
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


def segment_transcript(text: str, language: str) -> list[SegmentDraft]:
    """Speaker turns, each followed by its sentences, with code-point offsets into ``text``."""
    turns = detect_turns(text)
    nlp = sentencizer(language)
    drafts: list[SegmentDraft] = []
    docs = nlp.pipe(text[t.start : t.end] for t in turns)
    for turn, doc in zip(turns, docs, strict=True):
        turn_index = len(drafts)
        drafts.append(SegmentDraft(SegmentKind.TURN, turn.start, turn.end, turn.role, turn.speaker, turn.time_s))
        for sent in doc.sents:
            start, end = turn.start + sent.start_char, turn.start + sent.end_char
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                drafts.append(
                    SegmentDraft(SegmentKind.SENTENCE, start, end, turn.role, turn.speaker, turn.time_s, turn_index)
                )
    return drafts
