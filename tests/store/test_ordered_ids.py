"""Segment and coding ids rise with time (so inserts append to the key index) and stay unique."""

from __future__ import annotations

import time
import uuid

from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.services.coding import add_coding
from workbench.services.interviews import add_transcript
from workbench.services.workspace import Workspace
from workbench.store.keys import ordered_id


def test_ordered_ids_are_version_7_unique_and_rise_with_time() -> None:
    first = [ordered_id() for _ in range(2000)]
    time.sleep(0.002)
    later = ordered_id()
    assert len(set(first)) == len(first)
    assert all(len(i) == 32 and uuid.UUID(i).version == 7 for i in first)
    assert later > max(first)
    assert first == sorted(first), "ids made within one millisecond keep the order they were made in"


def test_codings_and_segments_get_ordered_ids(project: Workspace) -> None:
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    time.sleep(0.002)
    coding = add_coding(project, interview, codes[1].id, 13, 35)
    with project.read() as repo:
        segments = [seg.id for seg in repo.interviews.transcript(interview).segments]
    assert segments and all(uuid.UUID(i).version == 7 for i in [*segments, coding.id])
    assert coding.id > max(segments)
