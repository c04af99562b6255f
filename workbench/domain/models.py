"""Domain records passed between the store, the services and the user interfaces.

They hold decrypted values and so live only in the memory of the current user's
process; the store encrypts and decrypts at its boundary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum

SUPPORTED_LANGUAGES = ("hu", "en")
"""Project and transcript languages: Hungarian and English."""


class Role(StrEnum):
    ADMIN = "admin"
    LEAD = "lead"
    RESEARCHER = "researcher"
    WRITER = "writer"


class SpeakerRole(StrEnum):
    INTERVIEWER = "interviewer"
    PARTICIPANT = "participant"
    OTHER = "other"


class SegmentKind(StrEnum):
    TURN = "turn"
    SENTENCE = "sentence"


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: Role


@dataclass(frozen=True)
class ProjectInfo:
    id: str
    name: str
    language: str
    created_at: dt.datetime
    backend: str


@dataclass(frozen=True)
class Segment:
    """A speaker turn or a sentence inside one; offsets are code points, end exclusive."""

    id: str
    kind: SegmentKind
    position: int
    start: int
    end: int
    role: SpeakerRole
    speaker: str
    text: str
    parent_id: str | None = None
    time_s: float | None = None


@dataclass(frozen=True)
class InterviewSummary:
    id: str
    title: str
    participant_code: str | None
    language: str
    wave: int | None
    char_count: int
    imported_at: dt.datetime
    shredded_at: dt.datetime | None = None

    @property
    def short_id(self) -> str:
        return self.id[:8]


@dataclass(frozen=True)
class Transcript:
    summary: InterviewSummary
    text: str
    segments: list[Segment] = field(default_factory=list)

    @property
    def turns(self) -> list[Segment]:
        return [s for s in self.segments if s.kind is SegmentKind.TURN]


@dataclass(frozen=True)
class Participant:
    id: str
    code: str
    attributes: dict[str, object] = field(default_factory=dict)
    interview_count: int = 0


@dataclass(frozen=True)
class Code:
    """A codebook entry; ``id`` is the REFI-QDA GUID and never changes."""

    id: str
    name: str
    parent_id: str | None = None
    color: str | None = "#999999"  # None: the code has no colour (screens show a default)
    definition: str = ""
    inclusion: str = ""
    exclusion: str = ""
    examples: tuple[str, ...] = ()
    codable: bool = True
    key: str | None = None


@dataclass(frozen=True)
class Coding:
    id: str
    interview_id: str
    code_id: str
    coder: str
    start: int
    end: int
    text: str
    created_at: dt.datetime
    memo: str | None = None
    suggested: bool = False
    _: KW_ONLY
    # Who may change the coding is decided by this id (domain/permissions.py), never by ``coder``,
    # the display name.
    coder_id: str


@dataclass(frozen=True)
class InterviewStatus:
    summary: InterviewSummary
    segment_count: int
    coding_count: int


@dataclass(frozen=True)
class ProjectStatus:
    project: ProjectInfo
    users: list[User]
    interviews: list[InterviewStatus]
    participants: list[Participant]
    code_count: int
    coding_count: int
    codings_by_coder: dict[str, int]
    codebook_version: int
