"""Retrieval on the demo project: passages, frequencies, co-occurrence, code by attribute, progress."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.analysis.fixtures import BACKENDS, as_user, demo_workspace
from workbench.domain.models import Code, Coding
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.services.events import event_types
from workbench.services.projects import audit_log
from workbench.services.retrieval import (
    code_by_attribute,
    code_frequencies,
    coded_passages,
    coding_progress,
    cooccurrence,
    find_code,
)
from workbench.services.workspace import Workspace

shared_demo = pytest.fixture(scope="module", params=BACKENDS)(demo_workspace)


def _codings(ws: Workspace) -> list[Coding]:
    with ws.read() as repo:
        return [c for s in repo.interviews.summaries() for c in repo.codings.of_interview(s.id)]


def _codes(ws: Workspace) -> dict[str, Code]:
    with ws.read() as repo:
        return {c.key or c.id: c for c in repo.codebook.codes()}


def test_passages_of_a_group_code_include_its_sub_codes_with_context(shared_demo: Workspace) -> None:
    codes = _codes(shared_demo)
    group = codes["grievance"]
    children = {c.id for c in codes.values() if c.parent_id == group.id}
    expected = [c for c in _codings(shared_demo) if c.code_id in children]
    passages = coded_passages(shared_demo, group.id, context_chars=80)
    assert len(passages) == len(expected) > 0
    assert coded_passages(shared_demo, group.id, include_children=False) == []
    with shared_demo.read() as repo:
        texts = {s.id: repo.interviews.transcript(s.id).text for s in repo.interviews.summaries()}
    for p in passages:
        text = texts[p.interview_id]
        assert p.text == text[p.start : p.end]
        assert text[p.start - len(p.before) : p.start] == p.before and len(p.before) <= 80
        assert text[p.end : p.end + len(p.after)] == p.after and len(p.after) <= 80
        assert p.code_id in children and p.participant_code and p.interview_title
    order = [(p.interview_id, p.start) for p in passages]
    assert len({i for i, _ in order}) > 1


def test_passages_filter_by_coder_and_participant_attribute(shared_demo: Workspace) -> None:
    code = _codes(shared_demo)["violence_legitimation"]
    every = coded_passages(shared_demo, code.id)
    only_anna = coded_passages(shared_demo, code.id, coders=["anna"])
    assert {p.coder for p in every} == {"anna", "bence"}
    assert only_anna and {p.coder for p in only_anna} == {"anna"}
    with shared_demo.read() as repo:
        violent = {p.code for p in repo.participants.all() if p.attributes.get("offence_category") == "violent"}
    filtered = coded_passages(shared_demo, code.id, participant_filter={"offence_category": "violent"})
    assert filtered and {p.participant_code for p in filtered} <= violent
    assert len(filtered) == sum(1 for p in every if p.participant_code in violent)
    either = coded_passages(shared_demo, code.id, participant_filter={"offence_category": ["violent", "drug"]})
    assert len(either) >= len(filtered)
    with pytest.raises(InvalidInputError, match="not one of the categories"):
        coded_passages(shared_demo, code.id, participant_filter={"offence_category": "arson"})
    with pytest.raises(NotFoundError, match="no participant attribute"):
        coded_passages(shared_demo, code.id, participant_filter={"shoe_size": "9"})


def test_retrieval_is_audited_without_text(shared_demo: Workspace) -> None:
    code = _codes(shared_demo)["turning_points"]
    passages = coded_passages(shared_demo, code.id)
    entry = next(e for e in audit_log(shared_demo).entries if e.action == "passages retrieved")
    assert entry.object_id == code.id and entry.detail["passages"] == len(passages)
    assert not any(p.text in str(entry.detail) for p in passages)


def test_frequencies_count_every_visible_coding_once(shared_demo: Workspace) -> None:
    codings = _codings(shared_demo)
    rows = code_frequencies(shared_demo)
    assert sum(r.codings for r in rows) == len(codings)
    per_code = Counter(c.code_id for c in codings)
    life_event_family = {c.parent_id for c in event_types(shared_demo)}  # its types record events, not codings
    for row in rows:
        assert row.codings == per_code.get(row.code_id, 0)
        assert sum(row.by_coder.values()) == row.codings
        if not row.codable and row.code_id not in life_event_family:
            assert row.codings == 0
            children = [r for r in rows if r.parent_id == row.code_id]
            assert row.codings_with_children == sum(r.codings_with_children for r in children) > 0
    assert [r.depth for r in rows][:2] == [0, 1], "codebook order: a group, then its first sub-code"


def test_cooccurrence_counts_turns_shared_by_two_codes(shared_demo: Workspace) -> None:
    matrix = cooccurrence(shared_demo)
    size = len(matrix.code_ids)
    assert size >= 10
    with shared_demo.read() as repo:
        per_turn: list[set[str]] = []
        for s in repo.interviews.summaries():
            codings = repo.codings.of_interview(s.id)
            for t in repo.interviews.transcript(s.id).turns:
                per_turn.append({c.code_id for c in codings if c.start < t.end and c.end > t.start})
    for i, a in enumerate(matrix.code_ids):
        for j, b in enumerate(matrix.code_ids):
            assert matrix.counts[i][j] == matrix.counts[j][i] == sum(1 for found in per_turn if {a, b} <= found)
    assert any(matrix.counts[i][j] for i in range(size) for j in range(size) if i != j)


def test_code_by_attribute_spreads_codings_over_values(shared_demo: Workspace) -> None:
    matrix = code_by_attribute(shared_demo, "offence_category")
    assert matrix.columns[0] == "violent" and "(missing)" not in matrix.columns
    assert sum(matrix.column_participants) == 5
    assert sum(map(sum, matrix.codings)) == len(_codings(shared_demo))
    for counts, people in zip(matrix.codings, matrix.participants, strict=True):
        assert all(p <= n for n, p in zip(counts, people, strict=True))
        assert all(p <= total for p, total in zip(people, matrix.column_participants, strict=True))
    ages = code_by_attribute(shared_demo, "age")
    assert list(ages.columns) == sorted(ages.columns, key=int)
    with pytest.raises(InvalidInputError, match="free text"):
        code_by_attribute(shared_demo, "notes")
    with pytest.raises(NotFoundError):
        code_by_attribute(shared_demo, "shoe_size")


def test_progress_lists_codings_per_coder_and_interview(shared_demo: Workspace) -> None:
    rows = coding_progress(shared_demo)
    per_coder = Counter(c.coder for c in _codings(shared_demo))
    assert {r.coder for r in rows} >= {"anna", "bence"}
    for coder, count in per_coder.items():
        assert sum(r.codings for r in rows if r.coder == coder) == count
    assert all(0 <= r.coded_turns <= r.turns and (r.codings == 0) == (r.coded_turns == 0) for r in rows)
    assert len({r.interview_id for r in rows}) == 6


def test_codes_are_found_by_key_name_or_id(shared_demo: Workspace) -> None:
    code = _codes(shared_demo)["us_vs_them"]
    assert find_code(shared_demo, "US_VS_THEM") == code
    assert find_code(shared_demo, code.name.upper()) == code
    assert find_code(shared_demo, code.id) == code
    assert find_code(shared_demo, code.id[:8]) == code  # the short id `codebook list` prints
    with pytest.raises(NotFoundError, match="no code"):
        find_code(shared_demo, "nonsense")


def test_writers_cannot_retrieve_passages_or_tables(shared_demo: Workspace) -> None:
    wanda = as_user(shared_demo, "wanda")
    code = _codes(shared_demo)["us_vs_them"]
    for call in (lambda: coded_passages(wanda, code.id), lambda: code_frequencies(wanda),
                 lambda: cooccurrence(wanda), lambda: code_by_attribute(wanda, "age"),
                 lambda: coding_progress(wanda)):  # fmt: skip
        with pytest.raises(PermissionDeniedError):
            call()
