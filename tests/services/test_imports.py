"""Importing files into a real encrypted project (SQLite and PostgreSQL): round trips and bad batches."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.importers.samples import (
    ENGLISH,
    HUNGARIAN,
    docx_bytes,
    entity_docx,
    odt_bytes,
    pdf_bytes,
    rtf_bytes,
    xlsx_bytes,
    zip_bomb_docx,
)
from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.models import Role, SegmentKind, SpeakerRole
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.services.imports import (
    Imported,
    ImportSource,
    Skipped,
    collect_paths,
    import_files,
    preview_file,
)
from workbench.services.interviews import list_interviews, view_transcript
from workbench.services.participants import (
    ParticipantChanges,
    add_participants,
    attribute_definitions,
    import_participants,
    list_participants,
    save_participants,
)
from workbench.services.projects import init_project, open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace
from workbench.store import schema as s

VTT = (
    "WEBVTT\n\n00:00:05.000 --> 00:00:07.000\n<v Kovács Anna>Hogy kezdődött? Mesélne róla?\n\n"
    "00:00:09.000 --> 00:00:12.000\n<v Tamás>Szegeden nőttem fel.\n"
)


def _counts(ws: Workspace) -> tuple[int, int, int]:
    """Interviews, segments and interview data keys: a skipped file must add none of them."""
    with ws.read() as repo:
        interviews = repo.conn.execute(select(func.count()).select_from(s.interview)).scalar_one()
        segments = repo.conn.execute(select(func.count()).select_from(s.segment)).scalar_one()
        keys = repo.conn.execute(
            select(func.count()).select_from(s.data_key).where(s.data_key.c.purpose == "interview")
        ).scalar_one()
    return interviews, segments, keys


ROUND_TRIPS = [
    ("hu-cp1250.txt", HUNGARIAN.encode("cp1250"), HUNGARIAN),
    ("hu-utf16.txt", HUNGARIAN.encode("utf-16"), HUNGARIAN),
    ("en.md", ENGLISH.replace("Interviewer:", "**Interviewer:**").encode(), ENGLISH),
    ("hu.docx", docx_bytes(HUNGARIAN.split("\n\n")), HUNGARIAN),
    ("hu.odt", odt_bytes(HUNGARIAN.split("\n\n")), HUNGARIAN),
    ("hu.rtf", rtf_bytes(HUNGARIAN.split("\n\n")), HUNGARIAN),
    ("hu.pdf", pdf_bytes([HUNGARIAN.split("\n\n")]), HUNGARIAN.replace("\n\n", "\n")),
]


@pytest.mark.parametrize(("name", "data", "expected"), [pytest.param(*case, id=case[0]) for case in ROUND_TRIPS])
def test_stored_text_equals_the_source_after_normalisation(
    project: Workspace, name: str, data: bytes, expected: str
) -> None:
    report = import_files(project, [ImportSource.from_bytes(name, data)], language="hu")
    assert report.skipped == []
    [imported] = report.imported
    assert imported.source_format == name.rsplit(".", 1)[1]
    transcript = view_transcript(project, imported.interview_id).transcript
    assert transcript.text == expected
    assert transcript.summary.title == name.rsplit(".", 1)[0]
    roles = [t.role for t in transcript.turns]
    assert roles == [SpeakerRole.INTERVIEWER, SpeakerRole.PARTICIPANT] * 2
    sentences = [seg for seg in transcript.segments if seg.kind is SegmentKind.SENTENCE]
    assert len(sentences) >= len(roles)


def test_subtitle_timestamps_are_stored_with_the_turns(project: Workspace) -> None:
    [imported] = import_files(project, [ImportSource.from_bytes("hang.vtt", VTT.encode())], language="hu").imported
    turns = view_transcript(project, imported.interview_id).transcript.turns
    assert [(t.speaker, t.role, t.time_s, t.text) for t in turns] == [
        ("Kovács Anna", SpeakerRole.INTERVIEWER, 5.0, "Hogy kezdődött? Mesélne róla?"),
        ("Tamás", SpeakerRole.PARTICIPANT, 9.0, "Szegeden nőttem fel."),
    ]


def test_a_batch_goes_on_past_bad_files_and_stores_nothing_of_them(project: Workspace) -> None:
    sources = [
        ImportSource.from_bytes("good1.txt", ENGLISH.encode()),
        ImportSource.from_bytes("bomb.docx", zip_bomb_docx()),
        ImportSource.from_bytes("entity.docx", entity_docx()),
        ImportSource.from_bytes("scan.pdf", pdf_bytes([None])),
        ImportSource.from_bytes("empty.txt", b""),
        ImportSource.from_bytes("binary.txt", bytes(range(256)) * 10),
        ImportSource.from_bytes("notes.xlsx", b"PK\x03\x04"),
        ImportSource.from_bytes("good2.docx", docx_bytes(HUNGARIAN.split("\n\n"))),
    ]
    progress: list[tuple[int, int, str, bool]] = []
    report = import_files(project, sources, language="hu",
                          on_progress=lambda done, total, o: progress.append((done, total, o.name,
                                                                             isinstance(o, Imported))))  # fmt: skip
    assert [i.name for i in report.imported] == ["good1.txt", "good2.docx"]
    assert [(k.name, k.reason.split(":")[0]) for k in report.skipped] == [
        (n, n) for n in ["bomb.docx", "entity.docx", "scan.pdf", "empty.txt", "binary.txt", "notes.xlsx"]
    ]
    assert "zip bomb" in report.skipped[0].reason and "OCR" in report.skipped[2].reason
    assert progress == [(i, 8, src.name, src.name.startswith("good")) for i, src in enumerate(sources, 1)]
    interviews, segments, keys = _counts(project)
    assert interviews == keys == 2
    stored = sum(len(view_transcript(project, i.interview_id).transcript.segments) for i in report.imported)
    assert segments == stored


def test_the_size_is_checked_before_the_file_is_read(project: Workspace) -> None:
    def never() -> bytes:
        raise AssertionError("an oversized file must not be read")

    report = import_files(project, [ImportSource("huge.txt", 3 * 1024 * 1024, never)], max_mb=1)
    assert report.imported == [] and "above the import limit" in report.skipped[0].reason
    assert _counts(project) == (0, 0, 0)


def test_the_size_limit_from_the_environment(project: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKBENCH_MAX_IMPORT_MB", "0.0001")
    report = import_files(project, [ImportSource.from_bytes("a.txt", ENGLISH.encode())])
    assert f"a.txt: the file is {len(ENGLISH.encode())} bytes, above the import limit of 104 bytes" in (
        report.skipped[0].reason
    )


def test_participant_and_wave_are_recorded(project: Workspace) -> None:
    add_participants(project, [AttributeDef("age", AttributeType.INTEGER)], {"P07": {"age": 41}})
    import_files(project, [ImportSource.from_bytes("w2.txt", ENGLISH.encode())], participant_code="P07", wave=2)
    [summary] = list_interviews(project)
    assert (summary.participant_code, summary.wave, summary.language) == ("P07", 2, "en")


def test_batch_problems_are_raised_before_any_file_is_read(project: Workspace) -> None:
    source = ImportSource("a.txt", 10, lambda: pytest.fail("read before the batch was checked"))
    with pytest.raises(NotFoundError, match="no participant 'P99'"):
        import_files(project, [source], participant_code="P99")
    with pytest.raises(InvalidInputError, match="Unsupported language 'de'"):
        import_files(project, [source], language="de")
    with pytest.raises(InvalidInputError, match="wave"):
        import_files(project, [source], wave=0)


def test_a_writer_may_not_import(project: Workspace) -> None:
    add_user(project, "wanda", Role.WRITER)
    writer = open_project(project.location.directory, PASSPHRASE, "wanda")
    try:
        with pytest.raises(PermissionDeniedError):
            import_files(writer, [ImportSource.from_bytes("a.txt", ENGLISH.encode())])
        with pytest.raises(PermissionDeniedError):
            preview_file(writer, "a.txt", ENGLISH.encode())
    finally:
        writer.close()


def test_preview_shows_turns_and_speakers_and_stores_nothing(project: Workspace) -> None:
    preview = preview_file(project, "hu.docx", docx_bytes(HUNGARIAN.split("\n\n")), language="hu")
    assert preview.text == HUNGARIAN and preview.source_format == "docx" and preview.encoding is None
    assert preview.speakers == {"K": (SpeakerRole.INTERVIEWER, 2), "V": (SpeakerRole.PARTICIPANT, 2)}
    assert preview.words == len(HUNGARIAN.split())
    assert _counts(project) == (0, 0, 0)


def test_imported_text_is_not_stored_in_plaintext(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite only: tests/store/test_encryption_at_rest.py covers PostgreSQL dumps for the same write path."""
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    ws = init_project(tmp_path / "p", PASSPHRASE, "alice", language="hu", kdf=FAST_KDF)
    try:
        import_files(ws, [ImportSource.from_bytes("hu.docx", docx_bytes(HUNGARIAN.split("\n\n")))])
    finally:
        ws.close()
    stored = b"".join(p.read_bytes() for p in (tmp_path / "p").iterdir() if p.is_file())
    assert "fűzfás udvarban".encode() not in stored and "Győrben".encode() not in stored
    assert b"docx" in stored  # the scan can fail: the source format is stored in the clear


def test_collect_paths_walks_folders_and_reports_missing_paths(tmp_path: Path) -> None:
    folder = tmp_path / "wave1"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "sub" / "a.docx").write_bytes(docx_bytes(["Interviewer: Hi?", "Participant: Hello."]))
    (folder / "consent.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".hidden.txt").write_text("x", encoding="utf-8")
    single = tmp_path / "single.rtf"
    single.write_bytes(rtf_bytes(["Q: Why?", "A: Because."]))
    sources, skipped = collect_paths([folder, single, tmp_path / "missing.txt"])
    assert [src.name for src in sources] == ["wave1/b.txt", "wave1/sub/a.docx", "single.rtf"]
    assert sources[0].size == len(ENGLISH.encode()) and sources[0].load() == ENGLISH.encode()
    assert skipped == [Skipped(str(tmp_path / "missing.txt"), f"{tmp_path / 'missing.txt'}: no such file or folder.")]


# -- participants from CSV/XLSX and the editable table -------------------------

PEOPLE_CSV = (
    "code,age,institution,offence:category,first_interview\n"
    "P01,34,Szeged,drug,2025-03-14\n"
    "P02,41,Vác,violent,2025-04-01\n"
)


def _participants(ws: Workspace) -> dict[str, dict[str, object]]:
    return {p.code: p.attributes for p in list_participants(ws)}


def test_participants_import_defines_attributes_and_stores_typed_values(project: Workspace) -> None:
    result = import_participants(project, "people.csv", PEOPLE_CSV.encode())
    assert (result.added, result.updated) == (["P01", "P02"], [])
    assert [(d.name, d.type) for d in result.defined] == [
        ("age", AttributeType.INTEGER), ("institution", AttributeType.TEXT), ("offence", AttributeType.CATEGORY),
        ("first_interview", AttributeType.DATE),
    ]  # fmt: skip
    assert _participants(project)["P02"] == {"age": 41, "institution": "Vác", "offence": "violent",
                                             "first_interview": dt.date(2025, 4, 1)}  # fmt: skip
    assert attribute_definitions(project) == result.defined


def test_an_existing_code_is_updated_in_the_same_all_or_nothing_import(project: Workspace) -> None:
    import_participants(project, "people.csv", PEOPLE_CSV.encode())
    data = xlsx_bytes([["code", "age", "offence", "wave_count"], ["P02", 42, None, 2], ["P03", 19, "drug", 1]])
    result = import_participants(project, "update.xlsx", data)
    assert (result.added, result.updated) == (["P03"], ["P02"])
    people = _participants(project)
    assert people["P02"] == {"age": 42, "institution": "Vác", "offence": "violent",
                             "first_interview": dt.date(2025, 4, 1), "wave_count": 2}  # fmt: skip
    assert people["P01"]["age"] == 34


def test_one_bad_row_stores_nothing_of_the_file(project: Workspace) -> None:
    import_participants(project, "people.csv", PEOPLE_CSV.encode())
    before, defs_before = _participants(project), attribute_definitions(project)
    bad = "code,age,religion\nP02,43,none\nP09,forty,none\nP10,50,other\n"
    with pytest.raises(InvalidInputError, match=r"(?s)bad\.csv: 1 problem found; nothing.*line 3: age"):
        import_participants(project, "bad.csv", bad.encode())
    assert _participants(project) == before  # P02 not updated, P10 not added
    assert attribute_definitions(project) == defs_before  # "religion" not defined


def test_an_unknown_participant_code_in_an_import_names_the_command(project: Workspace) -> None:
    with pytest.raises(NotFoundError, match="workbench participants"):
        import_files(project, [ImportSource.from_bytes("a.txt", ENGLISH.encode())], participant_code="P01")


def test_saving_the_edited_table(project: Workspace) -> None:
    import_participants(project, "people.csv", PEOPLE_CSV.encode())
    rows: list[dict[str, object]] = [
        {"code": "P01", "age": 35.0, "institution": "Szeged", "offence": "drug",
         "first_interview": dt.datetime(2025, 3, 14)},  # unchanged except the age, given as a float by the table
        {"code": "P02", "age": float("nan"), "institution": " Vác ", "offence": "violent",
         "first_interview": None},  # age and date cleared
        {"code": "P05", "age": 22, "institution": "", "offence": None},  # a new participant
    ]  # fmt: skip
    result = save_participants(project, rows)
    assert (result.added, result.updated) == (["P05"], ["P01", "P02"])
    people = _participants(project)
    assert people["P01"]["age"] == 35
    assert people["P02"] == {"institution": "Vác", "offence": "violent"}
    assert people["P05"] == {"age": 22}
    assert save_participants(project, rows) == ParticipantChanges([], [], [])  # nothing changed: nothing written


def test_an_invalid_cell_saves_nothing(project: Workspace) -> None:
    import_participants(project, "people.csv", PEOPLE_CSV.encode())
    before = _participants(project)
    rows: list[dict[str, object]] = [
        {"code": "P01", "age": 50},
        {"code": "P02", "offence": "arson"},
        {"code": "Kiss Péter", "age": 30},
        {"code": None},
    ]
    with pytest.raises(InvalidInputError) as caught:
        save_participants(project, rows)
    assert str(caught.value).splitlines() == [
        "3 cell(s) need correcting; nothing was saved.",
        "  P02: offence: expected one of the categories (drug, violent).",
        "  row 3: a participant code is a short pseudonym such as P07 (letters, digits, '.', '-' or '_', no spaces).",
        "  row 4: the participant code is missing.",
    ]
    assert _participants(project) == before
