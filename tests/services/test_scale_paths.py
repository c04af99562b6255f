"""The fast analysis paths give the same results as the straightforward ones they replaced.

Agreement, co-occurrence, frequencies and coding progress now read the codings' authenticated
metadata and find each coding's turns by bisection (issue 19). Here a project with four coders
(one of them missing from an interview, one interview coded by a single coder) is analysed both
ways: through the services, and by the old algorithm written out below over the *decrypted*
codings (every segment tested against every coding, one filter per code and coder).
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from collections import Counter

import numpy as np
import pytest

from workbench.analysis import agreement as stats
from workbench.analysis.spans import overlaps, segment_ranges
from workbench.domain.analysis import AgreementMeasures, AgreementUnit
from workbench.domain.models import Code, Coding, Role, SegmentKind
from workbench.services.agreement import agreement_report
from workbench.services.codebook.sync import install_codebook
from workbench.services.coding import insert_new_codings
from workbench.services.interviews import add_transcript
from workbench.services.retrieval import code_frequencies, coded_passages, coding_progress, cooccurrence
from workbench.services.users import add_user
from workbench.services.workspace import Workspace

CODERS = ("ann", "bea", "cid", "dan")
WORDS = ["alma", "kert", "iskola", "munka", "barát", "város", "utca", "levél", "ház", "híd", "folyó"]


def _text(rng: random.Random, turns: int) -> str:
    lines = []
    for n in range(turns):
        sentences = [" ".join(rng.choices(WORDS, k=rng.randint(4, 10))).capitalize() + "." for _ in range(3)]
        lines.append(f"{'K' if n % 2 == 0 else 'V'}: {' '.join(sentences)}")
    return "\n\n".join(lines)


@pytest.fixture
def coded(project: Workspace) -> Workspace:
    """Four interviews, five codes, four coders; interview 3 coded by ann alone, dan skips interview 2."""
    rng = random.Random(19)  # noqa: S311 - test data, not secrets
    for name in CODERS:
        add_user(project, name, Role.RESEARCHER)
    codes = [Code(str(uuid.uuid4()), f"Code {i}") for i in range(5)]
    install_codebook(project, codes, "scale test codes")
    interviews = [add_transcript(project, _text(rng, 12), title=f"I{i}", language="hu") for i in range(4)]
    for name in CODERS:
        with project.read() as repo:
            user = repo.users.by_name(name)
        assert user is not None
        ws = dataclasses.replace(project, user=user)
        for n, interview_id in enumerate(interviews):
            if (n == 3 and name != "ann") or (n == 2 and name == "dan"):
                continue
            with ws.write() as repo:
                text = repo.interviews.text(interview_id)
                spans = []
                for _ in range(15):
                    start = rng.randrange(0, len(text) - 80)
                    spans.append((rng.choice(codes).id, start, start + rng.randrange(1, 300)))
                spans = [(c, a, min(b, len(text))) for c, a, b in spans]
                insert_new_codings(ws, repo, interview_id, text, spans)
    return project


def _decrypted(ws: Workspace) -> tuple[list[tuple[str, int]], dict[str, list[Coding]], list[Code]]:
    with ws.read() as repo:
        summaries = [(s.id, s.char_count) for s in repo.interviews.summaries() if s.shredded_at is None]
        return summaries, {i: repo.codings.of_interview(i) for i, _ in summaries}, repo.codebook.codes()


def _old_agreement(ws: Workspace, unit: AgreementUnit, kind: SegmentKind) -> dict[str, stats.Matrix]:
    """The pre-issue-19 algorithm: per code, per interview, per coder, filter the interview's codings."""
    summaries, codings, codes = _decrypted(ws)
    with ws.read() as repo:
        segments = repo.interviews.segment_spans(kind)
    chosen = sorted({c.coder for cs in codings.values() for c in cs})
    used = [c for c in codes if any(x.code_id == c.id for cs in codings.values() for x in cs)]
    out: dict[str, stats.Matrix] = {}
    for code in used:
        parts = []
        for interview_id, length in summaries:
            here = {c.coder for c in codings[interview_id]}
            if len(here) < 2:
                continue
            spans = [
                [(c.start, c.end) for c in codings[interview_id] if c.coder == name and c.code_id == code.id]
                if name in here
                else None
                for name in chosen
            ]
            if unit is AgreementUnit.CHARACTER:
                parts.append(stats.character_units(length, spans))
            else:
                units = segments.get(interview_id, [])
                matrix = np.full((len(chosen), len(units)), np.nan)
                for row, own in enumerate(spans):
                    if own is not None:
                        matrix[row] = [any(overlaps(u, s) for s in own) for u in units]
                parts.append((matrix, np.ones(len(units))))
        out[code.id] = (np.hstack([m for m, _ in parts]), np.concatenate([w for _, w in parts]))  # type: ignore[assignment]
    return out


def _same(measures: AgreementMeasures, expected: AgreementMeasures) -> None:
    assert measures.units == expected.units
    for name in ("percent", "kappa", "alpha"):
        got, want = getattr(measures, name), getattr(expected, name)
        assert (got is None and want is None) or got == pytest.approx(want, abs=1e-12), name


@pytest.mark.parametrize(
    ("unit", "kind"),
    [
        (AgreementUnit.SEGMENT, SegmentKind.TURN),
        (AgreementUnit.SEGMENT, SegmentKind.SENTENCE),
        (AgreementUnit.CHARACTER, SegmentKind.TURN),
    ],
)
def test_agreement_equals_the_old_algorithm(coded: Workspace, unit: AgreementUnit, kind: SegmentKind) -> None:
    report = agreement_report(coded, unit=unit, segment_kind=kind)
    old = _old_agreement(coded, unit, kind)
    assert report.coders == CODERS and report.interviews == 3
    assert [c.code_id for c in report.codes] == list(old)
    for code in report.codes:
        matrix, weights = old[code.code_id]  # type: ignore[misc]
        _same(code.with_uncoded, stats.measures(matrix, "nominal", weights))
        assert code.with_uncoded.units > 0
    pooled = np.hstack([m for m, _ in old.values()]), np.concatenate([w for _, w in old.values()])  # type: ignore[misc]
    _same(report.overall_with_uncoded, stats.measures(pooled[0], "nominal", pooled[1]))


def test_cooccurrence_frequencies_and_progress_equal_a_recount(coded: Workspace) -> None:
    summaries, codings, _ = _decrypted(coded)
    with coded.read() as repo:
        turns = repo.interviews.segment_spans(SegmentKind.TURN)
    pairs: Counter[tuple[str, str]] = Counter()
    coded_turns: Counter[tuple[str, str]] = Counter()
    for interview_id, _ in summaries:
        for turn in turns[interview_id]:
            found = {c.code_id for c in codings[interview_id] if overlaps(turn, (c.start, c.end))}
            pairs.update((a, b) for a in found for b in found)
            for coder in {c.coder for c in codings[interview_id] if overlaps(turn, (c.start, c.end))}:
                coded_turns[(interview_id, coder)] += 1
    matrix = cooccurrence(coded)
    assert len(matrix.code_ids) == 5
    for i, a in enumerate(matrix.code_ids):
        for j, b in enumerate(matrix.code_ids):
            assert matrix.counts[i][j] == pairs[(a, b)]
    every = [c for cs in codings.values() for c in cs]
    for row in code_frequencies(coded):
        own = [c for c in every if c.code_id == row.code_id]
        assert row.codings == len(own) and row.characters == sum(c.end - c.start for c in own)
        assert row.by_coder == dict(Counter(c.coder for c in own))
    progress = {(p.interview_id, p.coder): p for p in coding_progress(coded)}
    for (interview_id, coder), p in progress.items():
        assert p.codings == sum(1 for c in codings[interview_id] if c.coder == coder)
        assert p.coded_turns == coded_turns[(interview_id, coder)]


def test_retrieve_opens_the_codes_quotes_and_returns_them_in_order(coded: Workspace) -> None:
    summaries, codings, codes = _decrypted(coded)
    code = codes[0]
    passages = coded_passages(coded, code.id)
    expected = [(i, c.start, c.end, c.coder, c.text) for i, _ in summaries for c in codings[i] if c.code_id == code.id]
    assert [(p.interview_id, p.start, p.end, p.coder, p.text) for p in passages] == expected
    assert passages and all(p.code_id == code.id for p in passages)
    only = coded_passages(coded, code.id, coders=["bea"])
    assert [p.text for p in only] == [e[4] for e in expected if e[3] == "bea"]


def test_segment_ranges_equal_testing_every_segment() -> None:
    rng = random.Random(5)  # noqa: S311 - test data, not secrets
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, 500), rng.randint(1, 30)))
        segments = [(a, b) for a, b in zip([0, *cuts], cuts, strict=False) if a < b]
        spans = [(a, a + rng.randint(0, 60)) for a in (rng.randrange(0, 520) for _ in range(20))]
        shuffled = segments[:]
        rng.shuffle(shuffled)
        for segs in (segments, shuffled):
            brute = [[i for i, seg in enumerate(segs) if overlaps(seg, span)] for span in spans]
            assert [list(r) for r in segment_ranges(segs, spans)] == brute
