"""Several codings applied at once are audited in one statement: the chain and anchors hold as entry by entry."""

from __future__ import annotations

from sqlalchemy import text

from tests.helpers import TRANSCRIPT_A, add_codes
from workbench.services.coding import apply_codes
from workbench.services.interviews import add_transcript
from workbench.services.projects import audit_log, verify_audit
from workbench.services.workspace import Workspace


def test_batched_entries_chain_and_move_the_anchors(project: Workspace) -> None:
    codes = add_codes(project)
    interview = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    added = apply_codes(project, interview, [codes[1].id, codes[2].id], 13, 35)
    entries = [e for e in audit_log(project).entries if e.action == "coding added"]
    assert sorted(e.object_id for e in entries) == sorted(c.id for c in added)
    assert all(e.detail["start"] == 13 and e.detail["end"] == 35 for e in entries)
    assert verify_audit(project) is None
    with project.store.engine.begin() as conn:  # the batch's last entry cut off: the tail anchor notices
        conn.execute(text("DELETE FROM audit_event WHERE seq = (SELECT max(seq) FROM audit_event)"))
    assert verify_audit(project) is not None
