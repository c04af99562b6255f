"""The release waits for the review of what nothing flagged: refused, then dismissed or protected, or overridden."""

from __future__ import annotations

import pytest

from tests.deid.fixtures import build
from workbench.errors import NotFoundError, UnreviewedCandidatesError
from workbench.services import deid, deid_release
from workbench.services.interviews import add_transcript
from workbench.services.projects import audit_log
from workbench.services.workspace import Workspace

THIRD = "V: A cellám száma 214 volt, a zárkód 5918-3."


def _project(ws: Workspace) -> str:
    build(ws)
    third = add_transcript(ws, THIRD, title="Interjú 3", language="hu", participant_code="P01")
    deid.scan(ws)
    return third


def _review_fixture(ws: Workspace, third: str) -> None:
    """Everything the two fixture interviews leave unflagged is not an identifier."""
    others = {w.text for w in deid.unflagged_words(ws) if w.interview_id != third}
    if others:
        deid.dismiss_unflagged(ws, others)


def test_release_is_refused_while_an_interview_has_unreviewed_candidates(project: Workspace) -> None:
    third = _project(project)
    _review_fixture(project, third)
    counts = deid.unreviewed_counts(project)
    assert counts[third] == 2 and sum(counts.values()) == 2
    with pytest.raises(UnreviewedCandidatesError) as refused:
        deid_release.release(project, threshold=1, k=1)
    message = str(refused.value)
    assert "Interjú 3" in message and third[:8] in message and ": 2" in message
    assert "214" not in message and "5918" not in message, "the error never quotes the words"
    assert refused.value.counts == {third: 2}
    assert deid_release.latest_release(project) is None, "nothing was released"


def test_dismissing_and_protecting_the_candidates_lets_the_release_through(project: Workspace) -> None:
    third = _project(project)
    _review_fixture(project, third)
    deid.add_missed(project, "214", "ID")
    assert deid.dismiss_unflagged(project, ["5918-3"]) == 1
    assert deid.unreviewed_counts(project)[third] == 0, "the interview is reviewed"
    assert not deid.unflagged_words(project), "a dismissal is remembered"
    deid_release.release(project, threshold=1, k=1)
    release = deid_release.latest_release(project)
    assert release is not None
    text = next(t["text"] for t in release.payload["transcripts"] if "cellám" in t["text"])
    assert "214" not in text and "5918-3" in text, "protected is replaced, dismissed is kept"
    deid.scan(project)
    assert not deid.unflagged_words(project), "a new scan does not bring a dismissed word back"


def test_only_current_candidates_can_be_dismissed(project: Workspace) -> None:
    _project(project)
    deid.add_known_entity(project, "Kovács", "PERSON")
    before = deid.list_known_entities(project, include_rejected=True)
    for words in (["Kovács"], ["214", "nincs ilyen"]):
        with pytest.raises(NotFoundError) as refused:
            deid.dismiss_unflagged(project, words)
        assert "Kovács" not in str(refused.value) and "nincs" not in str(refused.value)
    assert deid.list_known_entities(project, include_rejected=True) == before, "nothing was stored"


def test_the_override_releases_and_is_audited_with_the_counts(project: Workspace) -> None:
    third = _project(project)
    _review_fixture(project, third)
    summary = deid_release.release(project, threshold=1, k=1, override_unreviewed=True)
    assert deid_release.latest_release(project) is not None
    entries = audit_log(project).entries
    override = [e for e in entries if e.action == "deid release unreviewed override"]
    assert len(override) == 1
    assert override[0].object_id == summary.id
    assert override[0].detail == {"interviews": 1, "candidates": 2}
    released = next(e for e in entries if e.action == "deid release")
    assert released.detail["unreviewed"] == 2
