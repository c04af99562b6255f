"""De-identification services on a real encrypted project (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.deid.fixtures import build, writer_session
from workbench.domain.permissions import Action
from workbench.errors import KeyScopeError, PermissionDeniedError
from workbench.services import deid, deid_release
from workbench.services.interviews import view_transcript
from workbench.services.workspace import Workspace
from workbench.store import schema as s


@pytest.fixture
def built(project: Workspace) -> tuple[Workspace, str, str]:
    first, second = build(project)
    return project, first, second


def _texts(ws: Workspace) -> str:
    release = deid_release.latest_release(ws)
    assert release is not None
    return "\n".join(
        [q["quote"] for q in release.payload["quotes"]] + [t["text"] for t in release.payload["transcripts"]]
    )


def test_known_names_get_the_same_tag_in_every_interview(built: tuple[Workspace, str, str]) -> None:
    ws, _, _ = built
    person = deid.add_known_entity(ws, "Kovács", "PERSON", participant_code="P01")
    city = deid.add_known_entity(ws, "Szeged", "city")
    assert (person, city) == ("[PERSON 1]", "[CITY 1]")
    deid.scan(ws)
    deid_release.release(ws)
    release = deid_release.latest_release(ws)
    assert release is not None
    quotes = {q["participant"]: q["quote"] for q in release.payload["quotes"]}
    assert quotes["Participant 1"] == "[PERSON 1] dolgoztam, később [PERSON 1] költöztem"
    assert quotes["Participant 2"].startswith("[PERSON 1], és a ")
    second = release.payload["transcripts"][1]["text"]
    assert "[CITY 1] piacra" in second, "the lower-case adjective 'szegedi' is the same city"
    assert "[PHONE 1]" in second
    assert "[PERSON 1]" in _texts(ws) and not any(name in _texts(ws) for name in ("Kovács", "Szeged", "06 30"))
    assert release.payload["participants"][0]["attributes"] == {"age": "30-39"}, "free text (town) is dropped"
    deid.scan(ws)
    deid_release.release(ws)
    assert _texts(ws) == "\n".join(
        [q["quote"] for q in release.payload["quotes"]] + [t["text"] for t in release.payload["transcripts"]]
    ), "a second scan and release give the same tags"


def test_names_and_detections_are_stored_encrypted(built: tuple[Workspace, str, str]) -> None:
    ws, _, _ = built
    deid.add_known_entity(ws, "Kovács", "PERSON", aliases=["Kovi"])
    deid.scan(ws)
    deid_release.release(ws)
    with ws.read() as repo:
        tables = [s.deid_pseudonym, s.deid_term, s.deid_detection, s.deid_release, s.deid_scan]
        raw = b"".join(repr(tuple(row)).encode() for table in tables for row in repo.conn.execute(select(table)))
    assert len(raw) > 1000
    for name in ("Kovács", "Kovi", "Kováccsal", "bandi", "Trabant"):
        assert name.encode() not in raw and name.encode("unicode_escape") not in raw


def test_decisions_apply_to_the_whole_project(built: tuple[Workspace, str, str]) -> None:
    ws, first, second = built
    deid.scan(ws)
    pending = deid.review_items(ws, status="pending")
    trabant = [i for i in pending if i.text.startswith("Trabant")]
    assert {i.text for i in trabant} == {"Trabant", "Trabanttal"}, "the candidate detector proposes both"
    deid.decide(ws, [next(i.id for i in trabant if i.text == "Trabant")], "reject")
    assert not [i for i in deid.review_items(ws) if i.text.startswith("Trabant")], "the inflected form went too"
    deid.scan(ws)
    assert not [i for i in deid.review_items(ws) if i.text.startswith("Trabant")], "and stays rejected on a rescan"
    assert any(e.texts == ("Trabant",) for e in deid.list_known_entities(ws, include_rejected=True))

    assert deid.add_missed(ws, "bandi", "PERSON") == "[PERSON 1]"
    accepted = deid.review_items(ws, status="accepted")
    assert {(i.interview_id, i.text) for i in accepted} >= {(first, "bandi"), (second, "bandival")}

    kovacs = next(i for i in deid.review_items(ws, status="pending", interview_ref=first) if i.text == "Kovácsnak")
    deid.decide(ws, [kovacs.id[:10]], "accept", kind="PERSON")
    found = {i.text: i.entity_type for i in deid.review_items(ws, status="accepted")}
    assert found["Kovácsnak"] == "PERSON"


def test_writers_read_released_material_only(built: tuple[Workspace, str, str]) -> None:
    ws, first, _ = built
    deid.add_known_entity(ws, "Kovács", "PERSON")
    deid_release.release(ws)
    writer = writer_session(ws)
    release = deid_release.latest_release(writer)
    assert release is not None and release.summary["quotes"] == 2
    assert not any("Kovács" in q["quote"] for q in release.payload["quotes"])
    with pytest.raises(PermissionDeniedError):
        view_transcript(writer, first)
    with writer.read() as repo, pytest.raises(KeyScopeError):
        repo.interviews.transcript(first)
    with pytest.raises(PermissionDeniedError, match=Action.RELEASE.value):
        deid_release.release(writer)
    with pytest.raises(PermissionDeniedError):
        deid.scan(writer)


def test_scan_runs_the_model_over_interviews_together(built: tuple[Workspace, str, str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    """Interviews of one language go through ``detect_many`` together, with the spans ``detect`` finds."""
    from tests.deid.fixtures import TEXT_1, TEXT_2
    from workbench.deid.engine import Detector, shared_detector

    ws, first, second = built
    deid.add_known_entity(ws, "Kovács", "PERSON")
    batches: list[int] = []
    many = Detector.detect_many

    def counted(self: Detector, texts: list[str], *args: object, **kwargs: object) -> object:
        batches.append(len(texts))
        return many(self, texts, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Detector, "detect_many", counted)
    monkeypatch.setattr(Detector, "detect", lambda *a, **k: pytest.fail("scan detected one text at a time"))
    progress: list[tuple[int, int]] = []
    deid.scan(ws, on_progress=lambda done, total: progress.append((done, total)))
    assert batches == [2] and progress == [(1, 2), (2, 2)]
    monkeypatch.undo()
    with ws.read() as repo:
        known, rejected = deid.matchers(repo.deid)
        for interview_id, text in ((first, TEXT_1), (second, TEXT_2)):
            stored = sorted((d.start, d.end, d.entity_type) for d in repo.deid.detections(interview_id))
            alone = shared_detector().detect(text, "hu", known, rejected)
            assert stored == sorted((s.start, s.end, s.entity_type) for s in alone)
            assert stored
