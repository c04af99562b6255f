"""Reads for analysis that need offsets only, so nothing is decrypted to count or compare.

Segment offsets (``start``, ``end``) are stored in the clear; agreement by segment units,
co-occurrence by turn and coding progress use them without opening any transcript.
"""

from __future__ import annotations

from sqlalchemy import select

from workbench.domain.models import SegmentKind
from workbench.store import schema as s
from workbench.store.repo import Repo


def segment_spans(repo: Repo, kind: SegmentKind) -> dict[str, list[tuple[int, int]]]:
    """Every interview's segments of one kind, as (start, end) in transcript order."""
    rows = repo.conn.execute(
        select(s.segment.c.interview_id, s.segment.c.start, s.segment.c.end)
        .where(s.segment.c.kind == kind.value)
        .order_by(s.segment.c.interview_id, s.segment.c.position)
    )
    spans: dict[str, list[tuple[int, int]]] = {}
    for row in rows:
        spans.setdefault(row.interview_id, []).append((row.start, row.end))
    return spans
