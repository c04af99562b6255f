"""Agreement of a real (demo) project: numbers checked against a naive recount of the codings."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from tests.analysis.fixtures import BACKENDS, as_user, demo_workspace
from tests.helpers import TRANSCRIPT_A, TRANSCRIPT_B, add_codes
from workbench.domain.analysis import AgreementUnit
from workbench.domain.models import Coding, Role, SegmentKind
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.services.agreement import agreement_report, compare_coders
from workbench.services.interviews import add_transcript
from workbench.services.projects import audit_log, shred_interview
from workbench.services.users import add_user
from workbench.services.workspace import Workspace

shared_demo = pytest.fixture(scope="module", params=BACKENDS)(demo_workspace)


def _all_codings(ws: Workspace) -> tuple[dict[str, int], dict[str, list[Coding]], dict[str, list[tuple[int, int]]]]:
    with ws.read() as repo:
        summaries = [s for s in repo.interviews.summaries() if s.shredded_at is None]
        lengths = {s.id: s.char_count for s in summaries}
        codings = {s.id: repo.codings.of_interview(s.id) for s in summaries}
        turns = {s.id: [(t.start, t.end) for t in repo.interviews.transcript(s.id).turns] for s in summaries}
    return lengths, codings, turns


def _naive_characters(ws: Workspace, code_id: str) -> tuple[np.ndarray, np.ndarray]:
    """One 0/1 entry per character for anna and bence, written out in full."""
    lengths, codings, _ = _all_codings(ws)
    anna, bence = [], []
    for interview_id, length in lengths.items():
        a, b = np.zeros(length), np.zeros(length)
        for c in codings[interview_id]:
            if c.code_id == code_id:
                (a if c.coder == "anna" else b)[c.start : c.end] = 1
        anna.append(a)
        bence.append(b)
    return np.concatenate(anna), np.concatenate(bence)


def _naive_turns(ws: Workspace, code_id: str) -> tuple[np.ndarray, np.ndarray]:
    _, codings, turns = _all_codings(ws)
    rows: list[tuple[int, int]] = []
    for interview_id, spans in turns.items():
        for start, end in spans:
            hit = {c.coder for c in codings[interview_id] if c.code_id == code_id and c.start < end and c.end > start}
            rows.append((int("anna" in hit), int("bence" in hit)))
    pairs = np.array(rows)
    return pairs[:, 0], pairs[:, 1]


def test_demo_agreement_by_character_matches_a_naive_recount(shared_demo: Workspace) -> None:
    report = agreement_report(shared_demo, unit=AgreementUnit.CHARACTER)
    assert report.coders == ("anna", "bence") and report.interviews == 6 and report.segment_kind is None
    assert len(report.codes) >= 10
    for code in report.codes:
        a, b = _naive_characters(shared_demo, code.code_id)
        assert code.with_uncoded.units == a.size
        assert code.with_uncoded.percent == pytest.approx(float((a == b).mean()))
        assert code.with_uncoded.kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)
        coded = (a + b) > 0
        assert code.coded_only.units == int(coded.sum())
        assert code.coded_only.percent == pytest.approx(float((a[coded] == b[coded]).mean()))


def test_demo_agreement_by_turn_matches_a_naive_recount(shared_demo: Workspace) -> None:
    report = agreement_report(shared_demo)
    assert report.unit is AgreementUnit.SEGMENT and report.segment_kind == "turn"
    a_all, b_all = [], []
    for code in report.codes:
        a, b = _naive_turns(shared_demo, code.code_id)
        a_all.append(a)
        b_all.append(b)
        assert code.with_uncoded.units == a.size
        assert code.with_uncoded.percent == pytest.approx(float((a == b).mean()))
    a, b = np.concatenate(a_all), np.concatenate(b_all)
    overall = report.overall_with_uncoded
    assert overall.units == a.size and overall.percent == pytest.approx(float((a == b).mean()))
    assert overall.kappa == pytest.approx(cohen_kappa_score(a, b), abs=1e-9)


def test_uncoded_text_is_reported_separately_and_does_not_inflate(shared_demo: Workspace) -> None:
    for unit in AgreementUnit:
        report = agreement_report(shared_demo, unit=unit)
        every, coded = report.overall_with_uncoded, report.overall_coded_only
        assert every.percent is not None and coded.percent is not None
        assert coded.percent < every.percent, "the demo's disagreements weigh more once uncoded text is left out"
        assert 0 < coded.units < every.units
        assert coded.kappa is None and coded.alpha is None, "chance-corrected measures are not reported there"


def test_codes_both_coders_applied_identically_agree_fully(shared_demo: Workspace) -> None:
    _, codings, _ = _all_codings(shared_demo)
    spans: dict[tuple[str, str], set[tuple[str, int, int]]] = {}
    for interview_id, items in codings.items():
        for c in items:
            spans.setdefault((c.code_id, c.coder), set()).add((interview_id, c.start, c.end))
    identical = {
        code for code, coder in spans if coder == "anna" and spans.get((code, "bence")) == spans[(code, coder)]
    }
    assert identical, "the demo has codes on which the coders agree exactly"
    for unit in AgreementUnit:
        for code in agreement_report(shared_demo, unit=unit).codes:
            full = code.code_id in identical
            assert (code.with_uncoded.alpha == pytest.approx(1.0)) is full
            assert (code.coded_only.percent == 1.0) is full


def test_sentences_are_finer_units_than_turns(shared_demo: Workspace) -> None:
    turns = agreement_report(shared_demo, segment_kind=SegmentKind.TURN)
    sentences = agreement_report(shared_demo, segment_kind=SegmentKind.SENTENCE)
    assert sentences.segment_kind == "sentence"
    assert sentences.overall_with_uncoded.units > turns.overall_with_uncoded.units


def test_only_leads_and_admins_see_agreement(shared_demo: Workspace) -> None:
    assert agreement_report(as_user(shared_demo, "lena")).coders == ("anna", "bence")
    for name in ("anna", "wanda"):
        with pytest.raises(PermissionDeniedError):
            agreement_report(as_user(shared_demo, name))
        with pytest.raises(PermissionDeniedError):
            compare_coders(as_user(shared_demo, name), "x")


def test_coders_are_checked(shared_demo: Workspace) -> None:
    with pytest.raises(InvalidInputError, match="mallory made no codings"):
        agreement_report(shared_demo, coders=["anna", "mallory"])
    with pytest.raises(InvalidInputError, match="at least two coders"):
        agreement_report(shared_demo, coders=["anna"])
    assert agreement_report(shared_demo, coders=["bence", "anna", "bence"]).coders == ("bence", "anna")


def test_comparison_shows_disagreements_side_by_side_with_text(shared_demo: Workspace) -> None:
    lena = as_user(shared_demo, "lena")
    report = agreement_report(lena, unit=AgreementUnit.CHARACTER)
    _, codings, _ = _all_codings(shared_demo)
    texts = {(c.interview_id, c.start, c.end): c.text for items in codings.values() for c in items}
    shown = 0
    for code in report.codes:
        comparison = compare_coders(lena, code.code_id)
        full = compare_coders(lena, code.code_id, include_agreements=True)
        assert comparison.disagreed == len(comparison.passages) and full.agreed + full.disagreed == len(full.passages)
        assert (comparison.disagreed == 0) is (code.coded_only.percent == 1.0)
        for passage in comparison.passages:
            shown += 1
            assert not passage.agreed and passage.coded_by
            assert set(passage.coded_by) | set(passage.not_coded_by) == {"anna", "bence"}
            for span in passage.spans:
                assert span.text == texts[(passage.interview_id, span.start, span.end)]
                assert passage.start <= span.start < span.end <= passage.end
            assert passage.text.startswith(passage.spans[0].text[:10])
    assert shown >= 5
    entries = [e for e in audit_log(lena).entries if e.action == "coders compared"]
    assert entries and all(set(e.detail) == {"passages", "agreed"} for e in entries)
    with pytest.raises(NotFoundError):
        compare_coders(lena, "no-such-code")


@pytest.fixture
def two_coders(project: Workspace) -> tuple[Workspace, str, str, str]:
    codes = add_codes(project)
    add_user(project, "rita", Role.RESEARCHER)
    add_user(project, "sam", Role.RESEARCHER)
    a = add_transcript(project, TRANSCRIPT_A, title="A", language="en")
    b = add_transcript(project, TRANSCRIPT_B, title="B", language="hu")
    return project, a, b, codes[1].id


def _code(ws: Workspace, interview_id: str, code_id: str, coder: str, span: tuple[int, int]) -> None:
    with ws.write() as repo:
        user = repo.users.by_name(coder)
        assert user is not None
        repo.codings.add(repo.interviews.transcript(interview_id), code_id, user.id, *span)


def test_an_interview_one_coder_has_not_coded_is_missing_not_disagreement(
    two_coders: tuple[Workspace, str, str, str],
) -> None:
    ws, a, b, code = two_coders
    _code(ws, a, code, "rita", (13, 35))
    _code(ws, a, code, "sam", (13, 35))
    _code(ws, b, code, "rita", (3, 10))  # sam has not started on B
    report = agreement_report(ws, unit=AgreementUnit.CHARACTER)
    assert report.interviews == 1
    assert report.codes[0].with_uncoded.units == len(TRANSCRIPT_A)
    assert report.codes[0].with_uncoded.percent == 1.0 and report.codes[0].coded_only.units == 22
    assert compare_coders(ws, code).passages == ()
    _code(ws, b, code, "sam", (5, 12))
    report = agreement_report(ws, unit=AgreementUnit.CHARACTER)
    assert report.interviews == 2 and report.codes[0].coded_only.units == 22 + 9
    assert report.codes[0].coded_only.percent == pytest.approx((22 + 5) / (22 + 9))
    (passage,) = compare_coders(ws, code).passages
    assert (passage.start, passage.end) == (3, 12) and passage.coded_by == ("rita", "sam")
    assert [s.text for s in passage.spans] == [TRANSCRIPT_B[3:10], TRANSCRIPT_B[5:12]]


def test_shredded_interviews_are_left_out(two_coders: tuple[Workspace, str, str, str]) -> None:
    ws, a, b, code = two_coders
    for coder in ("rita", "sam"):
        _code(ws, a, code, coder, (13, 35))
        _code(ws, b, code, coder, (3, 10))
    assert agreement_report(ws).interviews == 2
    shred_interview(ws, b)
    report = agreement_report(ws)
    assert report.interviews == 1
    assert len(compare_coders(ws, code, include_agreements=True).passages) == 1
