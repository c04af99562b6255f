"""Whole projects through .qdpx: round trip, schema validity, other tools' quirks, encryption, audit."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.conftest import PASSPHRASE
from tests.helpers import TRANSCRIPT_A, add_codes, add_two_transcripts
from tests.refi.fixtures import IDS, atlas_like, nfd_like, nvivo_like
from tests.refi.fixtures import archive as make_archive
from tests.refi.schemas import validate
from workbench.domain.models import Role
from workbench.errors import InvalidInputError, PermissionDeniedError
from workbench.services.codebook.queries import codebook_overview, list_codes
from workbench.services.demo import DemoResult
from workbench.services.export_hooks import Transformed
from workbench.services.interviews import list_interviews, view_transcript
from workbench.services.participants import list_participants
from workbench.services.projects import audit_log, open_project
from workbench.services.refi_export import export_qdpx, export_qdpx_bytes
from workbench.services.refi_import import import_qdpx
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s


def _content(ws: Workspace) -> dict[str, object]:
    """Everything that must survive the round trip, keyed by things that do not change (titles, codes)."""
    interviews = {}
    for summary in list_interviews(ws):
        view = view_transcript(ws, summary.id)
        codings = sorted((c.code_id, c.coder, c.start, c.end, c.text, c.memo or "") for c in view.codings)
        interviews[summary.title] = (summary.participant_code, summary.language, summary.wave, view.transcript.text,
                                     codings)  # fmt: skip
    codes = [(e.code.id, e.code.name, e.code.parent_id, e.code.color, e.code.codable, e.code.definition,
              e.code.inclusion, e.code.exclusion, e.code.examples, e.depth, e.count)
             for e in codebook_overview(ws)]  # fmt: skip
    participants = {p.code: (p.attributes, p.interview_count) for p in list_participants(ws)}
    return {"codes": codes, "participants": participants, "interviews": interviews}


def test_demo_round_trips_through_qdpx_into_a_fresh_project(
    demo: DemoResult, tmp_path: Path, fresh: Callable[[str], Workspace]
) -> None:
    ws = demo.workspace
    target = tmp_path / "demo.qdpx"
    report = export_qdpx(ws, target)
    # 21 codes and the 12 of the life-event family (issue 15); the life events travel apart from the 122 codings
    assert (report.sources, report.codes, report.cases, report.codings) == (6, 33, 5, 122)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        validate("project", archive.read("project.qde"))
    assert "project.qde" in names and sum(n.startswith("sources/") and n.endswith(".txt") for n in names) == 6
    second = fresh("second")
    imported = import_qdpx(second, target.name, target.read_bytes())
    assert (imported.codes_added, imported.participants_added, imported.interviews, imported.codings) == (
        33, 5, 6, 122)  # fmt: skip
    assert _content(second) == _content(ws)
    # exporting the imported project and importing that again still gives the same project
    again = tmp_path / "again.qdpx"
    export_qdpx(second, again)
    third = fresh("third")
    import_qdpx(third, again.name, again.read_bytes())
    assert _content(third) == _content(ws)


def test_guids_are_stable_and_the_export_is_audited_with_its_hash(demo: DemoResult, tmp_path: Path) -> None:
    ws = demo.workspace
    first, second = tmp_path / "a.qdpx", tmp_path / "b.qdpx"
    report = export_qdpx(ws, first)
    export_qdpx(ws, second)
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("project.qde") == b.read("project.qde")
    assert report.sha256 == hashlib.sha256(first.read_bytes()).hexdigest()
    exports = [e.detail for e in audit_log(ws).entries if e.action == "project exported"]
    assert [(d["file"], d["sha256"]) for d in exports] == [("b.qdpx", report.sha256), ("a.qdpx", report.sha256)]
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []
    data, download = export_qdpx_bytes(ws)
    assert hashlib.sha256(data).hexdigest() == download.sha256


def test_a_failed_export_leaves_no_file(project: Workspace, tmp_path: Path) -> None:
    def broken(_interview: str, _text: str) -> Transformed:
        raise RuntimeError("transform failed")

    add_codes(project)
    add_two_transcripts(project)
    with pytest.raises(RuntimeError):
        export_qdpx(project, tmp_path / "out.qdpx", text_transform=broken)
    assert list(tmp_path.glob("*.qdpx*")) == [] and list(tmp_path.glob(".out.qdpx*")) == []


def test_text_transform_hook_moves_selections_with_the_text(
    project: Workspace, tmp_path: Path, fresh: Callable[[str], Workspace]
) -> None:
    code = add_codes(project)[1]
    first, _ = add_two_transcripts(project)
    start = TRANSCRIPT_A.index("violet umbrella")
    with project.write() as repo:
        repo.codings.add(
            repo.interviews.transcript(first), code.id, project.user.id, start, start + len("violet umbrella")
        )

    def redact(_interview: str, text: str) -> Transformed:
        old = "Kisrétfalva"
        at = text.find(old)
        if at < 0:
            return Transformed(text, list(range(len(text) + 1)))
        new = "[PLACE]"
        shift = len(new) - len(old)
        offsets = [i if i <= at else (at + len(new) if i < at + len(old) else i + shift) for i in range(len(text) + 1)]
        return Transformed(text.replace(old, new, 1), offsets)

    target = tmp_path / "anon.qdpx"
    export_qdpx(project, target, text_transform=redact, note_transform=lambda t: t.upper())
    other = fresh("other")
    import_qdpx(other, target.name, target.read_bytes())
    view = view_transcript(other, next(i.id for i in list_interviews(other) if i.title == "Interview A"))
    assert "Kisrétfalva" not in view.transcript.text and "[PLACE]" in view.transcript.text
    assert [c.text for c in view.codings] == ["violet umbrella"]


def test_nvivo_like_utf16_and_crlf_selections_land_on_their_text(project: Workspace) -> None:
    data, quotes = nvivo_like()
    report = import_qdpx(project, "nvivo.qdpx", data)
    assert report.interviews == 1 and report.codings == len(quotes)
    assert any("UTF-16 code units" in w for w in report.warnings)
    view = view_transcript(project, report.interview_ids[0])
    assert [c.text for c in sorted(view.codings, key=lambda c: c.start)] == quotes
    assert "\r" not in view.transcript.text
    assert {c.coder for c in view.codings} == {"Anna Kovács"}  # the name as written, not a key
    assert {c.created_at.date() for c in view.codings} >= {dt.date(2021, 3, 1)}
    assert [text for _, text, _ in view.memos] == ["Robert spoke calmly throughout."]
    # the case name is not a pseudonym: a generated code, the name kept encrypted
    [participant] = list_participants(project)
    assert participant.code == "C01"
    assert participant.attributes == {"Age": 34, "Offence": "burglary", "case name": "Robert Smith"}
    assert any("case name" in w for w in report.warnings)
    codes = {c.id: c for c in list_codes(project)}
    assert codes[IDS.code_personal.lower()].parent_id == IDS.code_grievance.lower()
    assert codes[IDS.code_personal.lower()].inclusion == "they still resent it."
    assert codes[IDS.code_personal.lower()].color == "#FF9999"


def test_atlas_like_crlf_counted_twice_and_warnings_for_what_is_left_out(project: Workspace) -> None:
    data, quotes = atlas_like()
    report = import_qdpx(project, "atlas.qdpx", data)
    assert report.interviews == 2  # the text source and the PDF's text representation
    text_view = view_transcript(project, report.interview_ids[0])
    assert [c.text for c in sorted(text_view.codings, key=lambda c: c.start)] == quotes
    assert "line ends counted two" in " ".join(report.warnings)
    joined = " ".join(report.warnings)
    for left_out in ("1 source was not imported (a picture source, not text)", "1 set was", "1 graph was", "colour"):
        assert left_out in joined, left_out
    assert view_transcript(project, report.interview_ids[1]).transcript.text == "Dear mother, I am well."


def test_decomposed_text_from_macos_tools(project: Workspace) -> None:
    data, quotes = nfd_like()
    report = import_qdpx(project, "mac.qdpx", data)
    view = view_transcript(project, report.interview_ids[0])
    assert sorted(c.text for c in view.codings) == sorted(quotes)


def test_imported_text_memos_and_attributes_are_encrypted_at_rest(project: Workspace) -> None:
    data, _ = nvivo_like()
    import_qdpx(project, "nvivo.qdpx", data)
    with project.read() as repo:
        blobs = b"".join(bytes(v) for table, column in ((s.interview, "text_enc"), (s.memo, "text_enc"),
                                                        (s.coding, "text_enc"), (s.participant_attribute, "value_enc"))
                         for v in repo.conn.execute(select(table.c[column])).scalars())  # fmt: skip
    for secret in (b"tannery", b"calmly", b"Robert Smith", b"burglary", "Kisrétfalva".encode()):
        assert secret not in blobs


def test_import_is_all_or_nothing_and_needs_a_lead(project: Workspace, tmp_path: Path) -> None:
    data, _ = nvivo_like()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = {n: archive.read(n) for n in archive.namelist()}
    qde_name = next(n for n in entries if n.endswith(".qde"))
    entries[qde_name] = entries[qde_name].replace(b'<Coding guid="', b'<Coding guid="x', 1)
    broken = make_archive(entries)
    with pytest.raises(InvalidInputError, match="malformed guid"):
        import_qdpx(project, "broken.qdpx", broken)
    assert list_interviews(project) == [] and list_codes(project) == [] and list_participants(project) == []
    add_user(project, "rita", Role.RESEARCHER)
    researcher = open_project(project.location.directory, PASSPHRASE, "rita")
    try:
        with pytest.raises(PermissionDeniedError):
            import_qdpx(researcher, "nvivo.qdpx", data)
        with pytest.raises(PermissionDeniedError):
            export_qdpx(researcher, tmp_path / "x.qdpx")
    finally:
        researcher.close()
