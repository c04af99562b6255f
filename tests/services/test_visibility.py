"""Blind coding: a researcher sees only their own codings until a lead opens the comparison."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.analysis.fixtures import BACKENDS, as_user, demo_workspace
from workbench.errors import PermissionDeniedError
from workbench.services.interviews import list_interviews, view_transcript
from workbench.services.projects import audit_log
from workbench.services.retrieval import code_frequencies, coded_passages, coding_progress, cooccurrence, find_code
from workbench.services.visibility import blind_state, coders_visible_to, set_blind_coding, set_comparison_open
from workbench.services.workspace import Workspace

shared_demo = pytest.fixture(scope="module", params=BACKENDS)(demo_workspace)


@pytest.fixture
def lead(shared_demo: Workspace) -> Iterator[Workspace]:
    """Lena, the lead; whatever a test changes about blind coding is put back afterwards."""
    lena = as_user(shared_demo, "lena")
    yield lena
    set_blind_coding(lena, blind=True)
    set_comparison_open(lena, opened=False)


def _coders_seen(ws: Workspace) -> set[str]:
    code = find_code(ws, "violence_legitimation")
    return {p.coder for p in coded_passages(ws, code.id)}


def test_blind_coding_is_on_by_default(shared_demo: Workspace) -> None:
    assert blind_state(shared_demo) == (True, False)
    assert coders_visible_to(as_user(shared_demo, "anna")) == {"anna"}
    assert coders_visible_to(as_user(shared_demo, "lena")) is None
    assert coders_visible_to(shared_demo) is None
    assert coders_visible_to(as_user(shared_demo, "wanda")) == frozenset()


def test_a_researcher_sees_only_own_codings_until_a_lead_opens_the_comparison(lead: Workspace) -> None:
    anna, bence = as_user(lead, "anna"), as_user(lead, "bence")
    assert _coders_seen(anna) == {"anna"} and _coders_seen(bence) == {"bence"}
    assert _coders_seen(lead) == {"anna", "bence"}
    assert coded_passages(anna, find_code(anna, "violence_legitimation").id, coders=["bence"]) == []
    assert all(set(row.by_coder) <= {"anna"} for row in code_frequencies(anna))
    assert {row.coder for row in coding_progress(anna)} == {"anna"}
    blind_matrix = cooccurrence(anna)

    set_comparison_open(lead, opened=True)
    assert blind_state(anna) == (True, True)
    assert _coders_seen(anna) == {"anna", "bence"}
    assert {row.coder for row in coding_progress(anna)} == {"anna", "bence"}
    open_matrix = cooccurrence(anna)
    assert sum(map(sum, open_matrix.counts)) > sum(map(sum, blind_matrix.counts))

    set_comparison_open(lead, opened=False)
    assert _coders_seen(anna) == {"anna"}
    actions = [e.action for e in audit_log(lead).entries if e.action.startswith("comparison")]
    assert actions[:2] == ["comparison closed", "comparison opened"]


def test_with_blind_coding_off_researchers_see_everyone(lead: Workspace) -> None:
    set_blind_coding(lead, blind=False)
    assert _coders_seen(as_user(lead, "bence")) == {"anna", "bence"}


def test_only_leads_and_admins_change_blind_coding(shared_demo: Workspace) -> None:
    anna = as_user(shared_demo, "anna")
    with pytest.raises(PermissionDeniedError):
        set_comparison_open(anna, opened=True)
    with pytest.raises(PermissionDeniedError):
        set_blind_coding(anna, blind=False)
    assert blind_state(shared_demo) == (True, False)


def test_reading_a_transcript_respects_blind_coding(lead: Workspace) -> None:
    anna = as_user(lead, "anna")
    interview = next(i for i in list_interviews(anna) if {c.coder for c in view_transcript(lead, i.id).codings} >= {
        "anna", "bence"})  # fmt: skip
    assert {c.coder for c in view_transcript(anna, interview.id).codings} == {"anna"}
    assert {c.coder for c in view_transcript(lead, interview.id).codings} == {"anna", "bence"}
    set_comparison_open(lead, opened=True)
    assert {c.coder for c in view_transcript(anna, interview.id).codings} == {"anna", "bence"}
