"""The Code page keeps at most one decrypted transcript per session (issue 19, memory).

A server with many signed-in sessions on a large project must not grow with every interview a
coder has looked at: the session's workspace holds the transcript being coded and nothing else,
so opening another interview replaces it. This fails if the cache becomes a dict that keeps them.
"""

from __future__ import annotations

from workbench.domain.models import Transcript
from workbench.services.demo import DemoResult
from workbench.services.projects import project_status
from workbench.ui.components import code_state as cs


def _held_transcripts(obj: object) -> list[Transcript]:
    found: list[Transcript] = []
    for value in vars(obj).values():
        if isinstance(value, Transcript):
            found.append(value)
        elif isinstance(value, dict | list | tuple | set):
            items = value.values() if isinstance(value, dict) else value
            found.extend(v for v in items if isinstance(v, Transcript))
    return found


def test_opening_interviews_one_after_another_keeps_one_decrypted_transcript(demo: DemoResult) -> None:
    ws = demo.workspace
    ids = [i.summary.id for i in project_status(ws).interviews]
    assert len(ids) >= 3
    for interview_id in ids:
        assert cs.transcript(ws, interview_id).summary.id == interview_id
        held = _held_transcripts(ws)
        assert [t.summary.id for t in held] == [interview_id]
    again = cs.transcript(ws, ids[-1])
    assert again is _held_transcripts(ws)[0]  # the current one is served from the cache, not decrypted again
