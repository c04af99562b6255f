"""The Import page and the editable Participants page, through AppTest on a real encrypted project."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.importers.samples import HUNGARIAN, docx_bytes, zip_bomb_docx
from tests.ui.apptest import close, english_members, new_app, open_page, serve
from workbench.domain.models import Role
from workbench.services.interviews import list_interviews, view_transcript
from workbench.services.participants import import_participants, list_participants
from workbench.services.projects import init_project, open_project
from workbench.services.users import add_user

PEOPLE = "code,age,offence:category,first_interview\nP01,34,drug,2025-03-14\nP02,41,violent,2025-04-01\n"
VTT = (
    "WEBVTT\n\n00:00:05.000 --> 00:00:07.000\n<v Anna>Hogy kezdődött?\n\n"
    "00:00:09.000 --> 00:00:12.000\n<v Tamás>Szegeden.\n"
)


@pytest.fixture
def project_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    directory = tmp_path / "project"
    ws = init_project(directory, PASSPHRASE, "lena", language="hu", kdf=FAST_KDF)
    try:
        import_participants(ws, "people.csv", PEOPLE.encode())
        add_user(ws, "wanda", Role.WRITER)
        english_members(ws)  # the tests read the English labels
    finally:
        ws.close()
    return directory


@pytest.fixture
def app(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(project_dir, monkeypatch)
    at = new_app(60)
    yield at
    close(at)


def _stored(project_dir: Path) -> list[tuple[str, str | None, int | None, str]]:
    ws = open_project(project_dir, PASSPHRASE)
    try:
        return [(i.title, i.participant_code, i.wave, view_transcript(ws, i.id).transcript.text)
                for i in list_interviews(ws)]  # fmt: skip
    finally:
        ws.close()


def _attributes(project_dir: Path) -> dict[str, dict[str, object]]:
    ws = open_project(project_dir, PASSPHRASE)
    try:
        return {p.code: p.attributes for p in list_participants(ws)}
    finally:
        ws.close()


def test_import_previews_turns_then_saves_readable_files(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/import_page.py")
    assert app.title[0].value == "Import" and "No files chosen yet." in app.info[0].value
    app.file_uploader[0].set_value([
        ("interju.docx", docx_bytes(HUNGARIAN.split("\n\n")), "application/octet-stream"),
        ("hang.vtt", VTT.encode(), "text/vtt"),
        ("bomb.docx", zip_bomb_docx(), "application/octet-stream"),
    ]).run()  # fmt: skip
    assert not app.exception
    assert [e.label.replace("\\", "") for e in app.expander] == [  # labels escape Markdown
        f"interju.docx · docx · {len(HUNGARIAN.split())} words · 4 turns",
        "hang.vtt · vtt (UTF-8) · 7 words · 2 turns",
    ]
    speakers = app.dataframe[0].value
    assert speakers.to_dict("records") == [{"Speaker": "K", "Role": "interviewer", "Turns": 2},
                                           {"Speaker": "V", "Role": "participant", "Turns": 2}]  # fmt: skip
    vtt_turns = app.dataframe[3].value
    assert vtt_turns[["Time", "Speaker", "Role"]].to_dict("records") == [
        {"Time": "00:00:05", "Speaker": "Anna", "Role": "interviewer"},
        {"Time": "00:00:09", "Speaker": "Tamás", "Role": "participant"},
    ]
    assert app.error[0].value.startswith("bomb.docx: ") and "zip bomb" in app.error[0].value
    assert _stored(project_dir) == [], "nothing is stored by the preview"

    app.selectbox(key="import_participant").select("P02")
    app.number_input[0].set_value(2)
    import_button = next(b for b in app.button if b.label.startswith("Import "))
    assert import_button.label == "Import 2 files"
    import_button.click().run()
    assert not app.exception
    assert "Imported 2 files." in app.success[0].value
    assert [r["File"] for r in app.dataframe[0].value.to_dict("records")] == ["interju.docx", "hang.vtt"]
    assert not app.file_uploader[0].value, "the uploader is cleared so a rerun cannot import twice"
    stored = _stored(project_dir)
    assert [(t, p, w) for t, p, w, _ in stored] == [("interju", "P02", 2), ("hang", "P02", 2)]
    assert stored[0][3] == HUNGARIAN


def test_a_writer_is_not_offered_the_import_page(app: AppTest) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(app, "pages/import_page.py", user="wanda")


def test_participants_table_is_editable_and_saves_all_or_nothing(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/participants.py")
    editor = app.data_editor[0]
    assert list(editor.value.columns) == ["code", "interviews", "age", "offence", "first_interview"]
    assert editor.value["code"].tolist() == ["P01", "P02"]
    app.session_state["participants_editor"] = {"edited_rows": {0: {"age": 35, "first_interview": "2025-05-06"},
                                                                1: {"first_interview": None}},
                                                "added_rows": [], "deleted_rows": []}  # fmt: skip
    app.run()
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert not app.exception and "Saved: 2 participants updated." in app.success[0].value
    people = _attributes(project_dir)
    assert (people["P01"]["age"], people["P01"]["first_interview"]) == (35, dt.date(2025, 5, 6))
    assert "first_interview" not in people["P02"]

    app.session_state["participants_editor"] = {"edited_rows": {0: {"age": 36}, 1: {"offence": "arson"}},
                                                "added_rows": [], "deleted_rows": []}  # fmt: skip
    app.run()
    next(b for b in app.button if b.label == "Save changes").click().run()
    assert "P02: offence: expected one of the categories (drug, violent)" in app.error[0].value
    assert _attributes(project_dir)["P01"]["age"] == 35, "nothing was saved"


def test_participants_can_be_added_and_imported_on_the_page(app: AppTest, project_dir: Path) -> None:
    open_page(app, "pages/participants.py")
    app.text_input(key="new_participant_code").input("P03")
    next(b for b in app.button if b.label == "Add participant").click().run()
    assert "P03" in app.data_editor[0].value["code"].tolist()
    app.file_uploader(key="participants_file").set_value(("more.csv", b"code,age\nP04,50\n", "text/csv")).run()
    next(b for b in app.button if b.label == "Import attributes").click().run()
    assert not app.exception
    assert sorted(_attributes(project_dir)) == ["P01", "P02", "P03", "P04"]


def test_a_writer_is_not_offered_the_participants_page(app: AppTest) -> None:
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_page(app, "pages/participants.py", user="wanda")


def test_import_detects_the_language_creates_the_participant_takes_the_title_and_links_to_the_code_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 20, item 7: a Hungarian file in an English project, a new participant, a typed title."""
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)
    directory = tmp_path / "english"
    init_project(directory, PASSPHRASE, "lena", language="en", kdf=FAST_KDF).close()
    serve(directory, monkeypatch)
    app = new_app(60)
    try:
        open_page(app, "pages/import_page.py")
        docx = docx_bytes(HUNGARIAN.split("\n\n"))
        app.file_uploader[0].set_value([("interju.docx", docx, "application/octet-stream")])
        app.run()
        assert not app.exception
        language = next(s for s in app.selectbox if s.label == "Language")
        assert language.value == "hu", "the language is read from the text, not the project's default"
        app.selectbox(key="import_participant").select("(new participant…)").run()
        app.text_input(key="import_new_participant").input("P09")
        next(t for t in app.text_input if t.label.startswith("Title of")).input("Első interjú, 2. hullám")
        next(b for b in app.button if b.label.startswith("Import ")).click().run()
        assert not app.exception
        [stored] = _stored(directory)
        assert stored[:2] == ("Első interjú, 2. hullám", "P09") and stored[3] == HUNGARIAN
        ws = open_project(directory, PASSPHRASE)
        try:
            [interview] = list_interviews(ws)
            assert interview.language == "hu"
        finally:
            ws.close()
        [link] = app.get("page_link")
        assert "code" in link.proto.page, link.proto.page
        assert link.proto.query_string == f"interview={interview.short_id}"
    finally:
        close(app)
