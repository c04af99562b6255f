"""Turns and sentences: the units that coding, agreement and clustering use.

Sentences follow spaCy's rule-based sentencizer on a blank pipeline of the project language
(no model, Hungarian and English punctuation and abbreviations alike), replayed in pure Python
by ``workbench.nlp.sentences`` so that importing a transcript does not load spaCy and torch.
"""

from __future__ import annotations

from workbench.domain.models import SegmentKind
from workbench.domain.records import SegmentDraft
from workbench.domain.transcript import detect_turns
from workbench.nlp.sentences import rules, sentence_spans


def segment_transcript(text: str, language: str) -> list[SegmentDraft]:
    """Speaker turns, each followed by its sentences, with code-point offsets into ``text``."""
    rules(language)  # an unsupported language is refused even for a text without turns
    turns = detect_turns(text)
    drafts: list[SegmentDraft] = []
    cache: dict[str, list[str]] = {}  # words of this transcript only, dropped on return
    for turn in turns:
        turn_index = len(drafts)
        drafts.append(SegmentDraft(SegmentKind.TURN, turn.start, turn.end, turn.role, turn.speaker, turn.time_s))
        for start, end in sentence_spans(text[turn.start : turn.end], language, cache):
            drafts.append(
                SegmentDraft(
                    SegmentKind.SENTENCE, turn.start + start, turn.start + end, turn.role, turn.speaker, turn.time_s,
                    turn_index,
                )
            )  # fmt: skip
    return drafts
