"""Records the store hands to services and the UI: plain values, already decrypted, no I/O.

They sit in ``domain`` so that services and pages can name them without importing the
store, and so that every repository returns the same shape for the same thing (one memo
record, one coding reference, one codebook version).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from workbench.domain.codebook import Snapshot
from workbench.domain.models import Segment, SegmentKind, SpeakerRole


@dataclass(frozen=True)
class SegmentDraft:
    """A segment to store; ``parent`` is the index of its turn in the same batch."""

    kind: SegmentKind
    start: int
    end: int
    role: SpeakerRole
    speaker: str = ""
    time_s: float | None = None
    parent: int | None = None


@dataclass(frozen=True)
class SegmentText:
    """A decrypted segment of one interview, for searching across interviews."""

    interview_id: str
    segment: Segment


@dataclass(frozen=True)
class CodingRecord:
    """A coding's metadata, without decrypting anything: enough to check who may change it."""

    id: str
    interview_id: str
    code_id: str
    coder_id: str
    start: int
    end: int


class CodingMeta(NamedTuple):
    """A coding's clear-text metadata, authenticated by its interview's manifest, nothing decrypted.

    Counting, co-occurrence and agreement need only who coded what where; the quote and memo stay
    sealed. Same attribute names as ``Coding`` for the fields they share. A named tuple, not a
    dataclass: the counting paths build one per coding of the project on every call, and a tuple
    is built about three times faster than a frozen dataclass.
    """

    id: str
    interview_id: str
    code_id: str
    coder: str
    coder_id: str
    start: int
    end: int
    suggested: bool


@dataclass(frozen=True)
class InterviewMemo:
    """A memo on a whole interview; the one record every reader of memos gets."""

    id: str
    author: str
    text: str
    created_at: dt.datetime
    author_id: str


CodingChange = tuple[str, str | None, str | None]
"""(coding id, code before, code after); ``None`` means the coding was not (or no longer) there."""


@dataclass(frozen=True)
class VersionRecord:
    """One saved codebook version: its snapshot and the codings the change moved."""

    version: int
    author: str
    created_at: dt.datetime
    summary: str
    snapshot: Snapshot
    changes: list[CodingChange]


@dataclass(frozen=True)
class Pseudonym:
    id: str
    entity_type: str
    number: int
    value: str


@dataclass(frozen=True)
class StoredTerm:
    id: str
    text: str
    entity_type: str
    status: str  # accepted | rejected
    origin: str  # intake | review | added
    pseudonym_id: str | None
    participant_code: str | None


@dataclass(frozen=True)
class StoredDetection:
    id: str
    interview_id: str
    start: int
    end: int
    entity_type: str
    score: float
    recognizer: str
    pseudonym_id: str | None
    value_mac: str
    text: str


@dataclass(frozen=True)
class StoredRelease:
    id: str
    created_at: dt.datetime
    created_by: str
    summary: dict[str, Any]
    payload: dict[str, Any]


@dataclass(frozen=True)
class StoredRun:
    id: str
    scope: str
    model: str
    created_at: Any
    interview_ids: list[str]
    payload: dict[str, Any]


@dataclass(frozen=True)
class CodeProposal:
    """A new code a researcher proposed while coding; ``status`` is open, accepted or declined."""

    id: str
    name: str
    definition: str
    parent_id: str | None
    proposer: str
    proposer_id: str
    proposed_at: dt.datetime
    status: str
    code_id: str | None = None
