"""Semantic search on the real demo with the multilingual model: languages, roles, blind coding, coding in place."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FAST_KDF, PASSPHRASE
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.services.coding import interview_codings
from workbench.services.demo import create_demo, demo_password
from workbench.services.projects import audit_log, open_project
from workbench.services.search import BANDS, LOOSE, code_hit, more_like_this, search
from workbench.services.workspace import Workspace

CHAPEL_HU = "kápolna mennyezetét festettük"
"""Hungarian for the English demo passage "We painted the chapel ceiling the colour of weak tea"."""


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        directory = tmp_path_factory.mktemp("search") / "demo"
        ws = create_demo(directory, PASSPHRASE, kdf=FAST_KDF).workspace
        search(ws, "warm the store", limit=1)  # embeds every sentence once, stored encrypted
        ws.close()
        yield directory


def _as(demo: Path, name: str) -> Workspace:
    return open_project(demo, demo_password(name), name)


@pytest.fixture
def lena(demo: Path) -> Iterator[Workspace]:
    ws = _as(demo, "lena")
    yield ws
    ws.close()


@pytest.fixture
def anna(demo: Path) -> Iterator[Workspace]:
    ws = _as(demo, "anna")
    yield ws
    ws.close()


def test_a_hungarian_query_finds_the_english_passage(lena: Workspace) -> None:
    found = search(lena, CHAPEL_HU, limit=5)
    assert found.interviews == 6 and found.searched > 300 and found.embedded == 0
    texts = [h.text for h in found.hits]
    assert any("chapel ceiling" in t for t in texts), texts
    hit = next(h for h in found.hits if "chapel ceiling" in h.text)
    assert hit.participant_code == "P01" and hit.short_id == hit.interview_id[:8]


def test_an_english_query_finds_hungarian_passages(lena: Workspace) -> None:
    found = search(lena, "I drew seven goldfish on the wall", limit=5)
    texts = [h.text for h in found.hits]
    assert any("aranyhalat rajzoltam" in t for t in texts), texts


def test_scores_are_ranks_and_bands_not_cosines(lena: Workspace) -> None:
    found = search(lena, "vending machine exact change", limit=10)
    assert [h.rank for h in found.hits] == list(range(1, 11))
    assert {h.band for h in found.hits} <= {name for _z, name in BANDS} | {LOOSE}
    assert found.hits[0].band == "very close" and "vending machine" in found.hits[0].text
    assert found.hits[-1].band != "very close", "bands separate the best from the rest"


def test_report_writers_may_not_search(demo: Path) -> None:
    wanda = _as(demo, "wanda")
    try:
        with pytest.raises(PermissionDeniedError):
            search(wanda, "family")
    finally:
        wanda.close()


def test_empty_and_oversized_queries_are_refused(lena: Workspace) -> None:
    with pytest.raises(InvalidInputError):
        search(lena, "   ")
    with pytest.raises(InvalidInputError):
        search(lena, "x" * 501)
    with pytest.raises(InvalidInputError):
        search(lena, "family", limit=0)


def _bence_only(lena: Workspace) -> tuple[str, str]:
    """(coding id, text) of a coding by bence on a span anna did not code."""
    found = search(lena, "warm", limit=1)
    interview = found.hits[0].interview_id
    for summary_id in {interview, *[h.interview_id for h in search(lena, "prison", limit=50).hits]}:
        codings = interview_codings(lena, summary_id).codings
        spans_anna = {(c.start, c.end, c.code_id) for c in codings if c.coder == "anna"}
        for c in codings:
            if c.coder == "bence" and (c.start, c.end, c.code_id) not in spans_anna:
                return c.id, c.text
    raise AssertionError("the demo has codings by bence alone")


def test_blind_coding_hides_other_coders_codes_and_their_passages_as_starting_points(
    lena: Workspace, anna: Workspace
) -> None:
    coding_id, text = _bence_only(lena)
    like = more_like_this(lena, coding_id, limit=5)
    assert like.hits and all(text not in h.text for h in like.hits), "the passage itself is not its own result"
    with pytest.raises(NotFoundError):
        more_like_this(anna, coding_id)
    with pytest.raises(NotFoundError):
        more_like_this(anna, coding_id[:8])
    seen = search(anna, text, limit=3)
    assert all(coding_id not in h.coding_ids for h in seen.hits)
    lead_sees = search(lena, text, limit=3)
    assert any(coding_id in h.coding_ids for h in lead_sees.hits), "the lead sees bence's coding on the hit"


def test_a_result_is_coded_in_place(anna: Workspace) -> None:
    hit = search(anna, CHAPEL_HU, limit=1).hits[0]
    from workbench.services.coding import codebook

    code = next(c for c in codebook(anna) if c.codable)
    added = code_hit(anna, hit, [code.id])
    assert [(c.start, c.end, c.coder) for c in added] == [(hit.start, hit.end, "anna")]
    again = search(anna, CHAPEL_HU, limit=1).hits[0]
    assert code.name in again.codes
    actions = [e.action for e in audit_log(_as_lead(anna)).entries]
    assert "semantic search" in actions and "coding added" in actions


def _as_lead(ws: Workspace) -> Workspace:
    return open_project(ws.location.directory, demo_password("lena"), "lena")
