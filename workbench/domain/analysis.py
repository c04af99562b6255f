"""Results of agreement and retrieval: small frozen records, shared by the CLI, the pages and exports.

They hold decrypted text (passages, context, memos, titles, attribute values) and so live only in
the memory of the current user's process, like every domain record.

Agreement (``workbench.services.agreement``):

- ``AgreementMeasures``: percent agreement, Cohen's kappa and Krippendorff's alpha over a set of
  units; ``None`` where a measure is undefined (no pairable units, no variation, not two coders).
- ``CodeAgreement``: one code's measures, with uncoded units (or characters) and without them.
- ``AgreementReport``: every code plus the pooled overall measures, for one unit of analysis.
- ``CoderSpan``, ``ComparisonPassage``, ``CodeComparison``: where coders applied one code
  differently, side by side, with the text.

Retrieval (``workbench.services.retrieval``):

- ``CodedPassage``: one coding with its text and surrounding context.
- ``CodeFrequency``: how often a code was applied, in how many interviews and by whom.
- ``CooccurrenceMatrix``: how many speaker turns two codes share.
- ``CodeAttributeMatrix``: codings (and participants) per code and participant-attribute value.
- ``CodingProgress``: codings per coder and interview.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class AgreementUnit(StrEnum):
    """What one unit of analysis is: a segment (turn or sentence) or a single character."""

    SEGMENT = "segment"
    CHARACTER = "character"


@dataclass(frozen=True)
class AgreementMeasures:
    """Agreement over a set of units; ``units`` is the number of units at least two coders judged.

    ``kappa`` is Cohen's kappa and exists only for exactly two coders; every measure is ``None``
    where it is undefined, so a report never shows a number that means nothing.
    """

    units: int
    percent: float | None
    kappa: float | None
    alpha: float | None


@dataclass(frozen=True)
class CodeAgreement:
    code_id: str
    code_name: str
    with_uncoded: AgreementMeasures
    coded_only: AgreementMeasures
    """Only units that at least one coder coded with this code."""


@dataclass(frozen=True)
class AgreementReport:
    unit: AgreementUnit
    segment_kind: str | None
    """``turn`` or ``sentence`` for segment units, ``None`` for characters."""
    coders: tuple[str, ...]
    interviews: int
    """Interviews that at least two of the coders coded."""
    codes: tuple[CodeAgreement, ...]
    overall_with_uncoded: AgreementMeasures
    overall_coded_only: AgreementMeasures


@dataclass(frozen=True)
class CoderSpan:
    coder: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class ComparisonPassage:
    """Overlapping codings of one code in one interview, grouped, with each coder's spans."""

    interview_id: str
    interview_title: str
    participant_code: str | None
    start: int
    end: int
    text: str
    before: str
    after: str
    spans: tuple[CoderSpan, ...]
    coded_by: tuple[str, ...]
    not_coded_by: tuple[str, ...]
    agreed: bool
    """Every coder applied the code to exactly the same spans."""

    def spans_of(self, coder: str) -> tuple[CoderSpan, ...]:
        return tuple(s for s in self.spans if s.coder == coder)


@dataclass(frozen=True)
class CodeComparison:
    code_id: str
    code_name: str
    coders: tuple[str, ...]
    passages: tuple[ComparisonPassage, ...]
    agreed: int
    disagreed: int


@dataclass(frozen=True)
class CodedPassage:
    interview_id: str
    interview_title: str
    participant_code: str | None
    wave: int | None
    code_id: str
    code_name: str
    coder: str
    start: int
    end: int
    text: str
    before: str
    after: str
    memo: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class CodeFrequency:
    """One codebook entry; ``codings_with_children`` adds every sub-code's codings."""

    code_id: str
    code_name: str
    key: str | None
    parent_id: str | None
    depth: int
    codable: bool
    codings: int
    codings_with_children: int
    interviews: int
    participants: int
    characters: int
    by_coder: Mapping[str, int]


@dataclass(frozen=True)
class CooccurrenceMatrix:
    """``counts[i][j]``: speaker turns coded with both code i and code j; the diagonal, with code i."""

    code_ids: tuple[str, ...]
    code_names: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class CodeAttributeMatrix:
    """Codings (and distinct participants) per code (rows) and attribute value (columns)."""

    attribute: str
    columns: tuple[str, ...]
    column_participants: tuple[int, ...]
    """Participants with each value, to read a count against."""
    code_ids: tuple[str, ...]
    code_names: tuple[str, ...]
    codings: tuple[tuple[int, ...], ...]
    participants: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class CodingProgress:
    interview_id: str
    interview_title: str
    participant_code: str | None
    coder: str
    codings: int
    coded_turns: int
    turns: int
