"""A researcher proposes a code while coding; only a lead or admin accepts or declines it."""

from __future__ import annotations

import pytest

from tests.analysis.fixtures import BACKENDS, as_user, demo_workspace
from workbench.errors import InvalidInputError, PermissionDeniedError
from workbench.services.codebook.proposals import accept_proposal, decline_proposal, open_proposals, propose_code
from workbench.services.codebook.versions import codebook_history
from workbench.services.coding import codebook
from workbench.services.projects import audit_log
from workbench.services.workspace import Workspace

shared_demo = pytest.fixture(scope="module", params=BACKENDS)(demo_workspace)


def _names(ws: Workspace) -> set[str]:
    return {c.name for c in codebook(ws)}


def test_a_researchers_proposal_becomes_a_code_only_when_a_lead_accepts_it(shared_demo: Workspace) -> None:
    anna, lena = as_user(shared_demo, "anna"), as_user(shared_demo, "lena")
    group = next(c for c in codebook(anna) if not c.codable)
    proposal = propose_code(anna, "  Prison  education ", "Courses and exams taken inside.", group.id)
    assert "Prison education" not in _names(anna), "a proposal is not a code yet"
    [waiting] = [p for p in open_proposals(lena) if p.id == proposal]
    assert (waiting.name, waiting.proposer, waiting.parent_id) == ("Prison education", "anna", group.id)

    with pytest.raises(PermissionDeniedError):
        accept_proposal(anna, proposal)  # researchers propose; they do not decide
    with pytest.raises(PermissionDeniedError):
        decline_proposal(as_user(shared_demo, "bence"), proposal)
    versions = len(codebook_history(lena))

    code = accept_proposal(lena, proposal)
    assert (code.name, code.parent_id, code.definition) == (
        "Prison education",
        group.id,
        "Courses and exams taken inside.",
    )
    assert "Prison education" in _names(anna)
    assert len(codebook_history(lena)) == versions + 1, "accepting is a codebook version like any edit"
    assert proposal not in {p.id for p in open_proposals(lena)}
    with pytest.raises(InvalidInputError, match="accepted already"):
        accept_proposal(lena, proposal)  # no second code from one proposal
    actions = [e.action for e in audit_log(lena).entries]
    assert "code proposed" in actions and "code proposal accepted" in actions


def test_a_declined_proposal_adds_nothing(shared_demo: Workspace) -> None:
    bence, lena = as_user(shared_demo, "bence"), as_user(shared_demo, "lena")
    before = _names(lena)
    proposal = propose_code(bence, "Boredom")
    decline_proposal(lena, proposal)
    assert _names(lena) == before
    with pytest.raises(InvalidInputError, match="declined already"):
        accept_proposal(lena, proposal)


def test_writers_cannot_propose_and_bad_proposals_are_refused(shared_demo: Workspace) -> None:
    anna = as_user(shared_demo, "anna")
    with pytest.raises(PermissionDeniedError):
        propose_code(as_user(shared_demo, "wanda"), "Anything")
    existing = next(iter(_names(anna)))
    for name in ("", "   ", existing.upper(), "x" * 500):
        with pytest.raises(InvalidInputError):
            propose_code(anna, name)
    propose_code(anna, "Letters home")
    with pytest.raises(InvalidInputError, match="proposed already"):
        propose_code(as_user(shared_demo, "bence"), "letters HOME")
    with pytest.raises(InvalidInputError, match="parent"):
        propose_code(anna, "Visits", parent_id="not-a-code")
