"""Codebook editing with versions: rename, move, merge, split, delete, restore; shared files."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest
import yaml

from tests.conftest import PASSPHRASE
from tests.helpers import add_codes, add_two_transcripts
from workbench.domain.models import Code, Role
from workbench.errors import ConfirmationRequiredError, InvalidInputError, PermissionDeniedError
from workbench.i18n import use_language
from workbench.paths import CODEBOOKS_DIR
from workbench.services.codebook import edits, file_format, queries, sync, versions
from workbench.services.interviews import view_transcript
from workbench.services.projects import open_project
from workbench.services.users import add_user
from workbench.services.workspace import Workspace


def _code(ws: Workspace, interview: str, code_id: str, quote: str, *, coder: str | None = None,
          memo: str | None = None, offset: int = 0) -> None:  # fmt: skip
    with ws.write() as repo:
        transcript = repo.interviews.transcript(interview)
        start = transcript.text.index(quote) + offset
        coder_id = repo.users.by_name(coder).id if coder else ws.user.id  # type: ignore[union-attr]
        repo.codings.add(transcript, code_id, coder_id, start, start + len(quote), memo=memo)


def _codings(ws: Workspace, interview: str) -> list[tuple[str, str, str, str | None]]:
    return sorted((c.code_id, c.coder, c.text, c.memo) for c in view_transcript(ws, interview).codings)


def _names(ws: Workspace) -> list[tuple[int, str]]:
    return [(e.depth, e.code.name) for e in queries.codebook_overview(ws)]


def test_create_rename_recolour_and_history_records_author_and_changes(project: Workspace) -> None:
    group, grievance, turning = add_codes(project)
    new = edits.create_code(project, Code(str(uuid.uuid4()), "  Hope ", parent_id=group.id, color="#abc"))
    assert new.name == "Hope" and new.color == "#AABBCC"
    edits.update_code(project, Code(grievance.id, "Grievance (personal)", color="#112233", definition="Wrong done.",
                                 parent_id="ignored"))  # fmt: skip
    assert _names(project) == [(0, "Group"), (1, "Grievance (personal)"), (1, "Hope"), (0, "Turning point")]
    history = versions.codebook_history(project)
    assert [h.version for h in history] == [3, 2, 1] and {h.author for h in history} == {"alice"}
    assert "renamed 'Grievance' to 'Grievance (personal)'" in history[0].summary
    lines = versions.version_changes(project, 3)
    assert any("recoloured" in line for line in lines) and any("definition" in line for line in lines)
    with use_language("hu"):  # the history is read in the reader's language, the stored text is English
        assert "átnevezve: 'Grievance' → 'Grievance (personal)'" in versions.codebook_history(project)[0].summary
        hungarian = versions.version_changes(project, 3)
    assert any(line.startswith("'Grievance (personal)' színe módosult:") for line in hungarian), hungarian
    assert "'Grievance (personal)' meghatározása módosult" in hungarian
    assert not any("recoloured" in line or "renamed" in line for line in hungarian), hungarian
    with pytest.raises(InvalidInputError, match="colour"):
        edits.update_code(project, Code(turning.id, "Turning point", color="blue"))
    with pytest.raises(InvalidInputError, match="name"):
        edits.create_code(project, Code(str(uuid.uuid4()), "   "))


def test_renaming_keeps_codings_and_a_coded_code_cannot_become_a_group(project: Workspace) -> None:
    _, grievance, _ = add_codes(project)
    first, _ = add_two_transcripts(project)
    _code(project, first, grievance.id, "violet umbrella")
    edits.update_code(project, Code(grievance.id, "Renamed", color=grievance.color))
    assert [e.count for e in queries.codebook_overview(project) if e.code.name == "Renamed"] == [1]
    with pytest.raises(InvalidInputError, match="has codings"):
        edits.update_code(project, Code(grievance.id, "Renamed", color=grievance.color, codable=False))


def test_move_within_the_hierarchy_refuses_cycles(project: Workspace) -> None:
    group, grievance, turning = add_codes(project)
    edits.move_code(project, turning.id, grievance.id)
    assert _names(project) == [(0, "Group"), (1, "Grievance"), (2, "Turning point")]
    with pytest.raises(InvalidInputError, match="under itself"):
        edits.move_code(project, group.id, turning.id)
    edits.move_code(project, turning.id, None, before_sibling=group.id)
    assert _names(project) == [(0, "Turning point"), (0, "Group"), (1, "Grievance")]


def test_merge_moves_codings_collapses_overlaps_and_restore_undoes_it(project: Workspace) -> None:
    group, grievance, turning = add_codes(project)
    first, _ = add_two_transcripts(project)
    add_user(project, "rita", Role.RESEARCHER)
    _code(project, first, grievance.id, "The teacher with", memo="first")
    _code(project, first, turning.id, "with the violet umbrella", memo="second")  # overlaps: same coder
    _code(project, first, turning.id, "The teacher with", coder="rita")  # another coder: kept apart
    _code(project, first, grievance.id, "The teacher with", coder="rita")  # exact duplicate after the merge
    before = _codings(project, first)
    result = edits.merge_codes(project, turning.id, grievance.id)
    assert result.collapsed == 2
    after = _codings(project, first)
    assert after == sorted([
        (grievance.id, "alice", "The teacher with the violet umbrella", "first\n\nsecond"),
        (grievance.id, "rita", "The teacher with", None),
    ])  # fmt: skip
    assert "Turning point" not in [n for _, n in _names(project)]
    versions.restore_version(project, result.version - 1)
    assert _codings(project, first) == before
    assert "Turning point" in [n for _, n in _names(project)]
    with pytest.raises(InvalidInputError, match="into itself"):
        edits.merge_codes(project, grievance.id, grievance.id)
    with pytest.raises(InvalidInputError, match="sub-code"):
        edits.merge_codes(project, group.id, grievance.id)


def test_split_moves_the_chosen_codings_to_a_new_sibling(project: Workspace) -> None:
    group, grievance, _ = add_codes(project)
    first, second = add_two_transcripts(project)
    _code(project, first, grievance.id, "violet umbrella")
    _code(project, second, grievance.id, "kék kecske")
    lines = queries.codings_of_code(project, grievance.id)
    chosen = [line.id for line in lines if line.quote == "kék kecske"]
    new = edits.split_code(project, grievance.id, Code(str(uuid.uuid4()), "Animals", color="#00AA00"), chosen)
    assert new.parent_id == group.id
    assert _names(project) == [(0, "Group"), (1, "Grievance"), (1, "Animals"), (0, "Turning point")]
    assert [c[2] for c in _codings(project, second)] == ["kék kecske"]
    assert _codings(project, second)[0][0] == new.id
    with pytest.raises(InvalidInputError, match="do not belong"):
        edits.split_code(project, grievance.id, Code(str(uuid.uuid4()), "X"), chosen)


def test_delete_asks_for_confirmation_and_restore_brings_codings_back(project: Workspace) -> None:
    group, grievance, turning = add_codes(project)
    first, _ = add_two_transcripts(project)
    _code(project, first, grievance.id, "violet umbrella", memo="a memo")
    with pytest.raises(ConfirmationRequiredError, match="1 coding") as refused:
        edits.delete_code(project, grievance.id)
    assert refused.value.count == 1 and len(_codings(project, first)) == 1
    deleted = edits.delete_code(project, group.id)  # no codings of its own: its child moves up
    assert deleted.children_moved == 1 and _names(project) == [(0, "Grievance"), (0, "Turning point")]
    result = edits.delete_code(project, grievance.id, confirm=True)
    assert result.archived == 1 and _codings(project, first) == []
    restored = versions.restore_version(project, result.version - 1)
    assert restored.restored_codings == 1
    assert _codings(project, first) == [(grievance.id, "alice", "violet umbrella", "a memo")]
    # restoring the very first version undoes the group's deletion as well, and is itself undoable
    versions.restore_version(project, 1)
    assert _names(project) == [(0, "Group"), (1, "Grievance"), (0, "Turning point")]
    versions.restore_version(project, result.version)
    assert _codings(project, first) == [] and _names(project) == [(0, "Turning point")]
    versions.restore_version(project, 1)
    assert len(_codings(project, first)) == 1
    del turning


def test_only_leads_and_admins_edit(project: Workspace) -> None:
    _, grievance, _ = add_codes(project)
    add_user(project, "rita", Role.RESEARCHER)
    rita = open_project(project.location.directory, PASSPHRASE, "rita")
    try:
        with pytest.raises(PermissionDeniedError):
            edits.update_code(rita, Code(grievance.id, "x"))
        with pytest.raises(PermissionDeniedError):
            edits.delete_code(rita, grievance.id, confirm=True)
        assert versions.codebook_history(rita)  # reading the history is fine
    finally:
        rita.close()


def test_pull_compare_and_push_a_shared_file(project: Workspace, tmp_path: Path) -> None:
    shared = tmp_path / "life-path.yaml"
    shared.write_bytes((CODEBOOKS_DIR / "life-path.yaml").read_bytes())
    pulled = sync.import_codebook_file(project, shared.name, shared.read_bytes())
    assert len(pulled.added) == 12 and pulled.version == 1
    assert sync.import_codebook_file(project, shared.name, shared.read_bytes()).version is None  # nothing new
    assert sync.compare_with_shared(project, shared).lines == []
    education = queries.resolve_code(project, "education")
    edits.update_code(project, Code(**{**education.__dict__, "name": "Schooling", "definition": "School years."}))
    edits.delete_code(project, queries.resolve_code(project, "work").id)
    edits.create_code(project, Code(str(uuid.uuid4()), "Military service", color="#445566", definition="Army."))
    lines = sync.compare_with_shared(project, shared).lines
    assert "renamed 'Education' to 'Schooling'" in lines and "removed 'Work and livelihood'" in lines
    assert "added 'Military service' under the top level" in lines
    assert any(line.startswith("    + School years.") for line in lines)
    pushed = sync.push_to_shared(project, shared)
    assert pushed.version == 2
    document = yaml.safe_load(shared.read_text(encoding="utf-8"))
    assert shared.read_text(encoding="utf-8").startswith("# Shared codebook")
    entries = {e["key"]: e for e in document["codes"]}
    assert entries["education"]["name"] == {"en": "Schooling", "hu": "Tanulás, iskola"}
    assert entries["military_service"]["name"] == {"en": "Military service"} and "work" not in entries
    assert sync.compare_with_shared(project, shared).lines == []
    with pytest.raises(InvalidInputError, match="already matches"):
        sync.push_to_shared(project, shared)


def test_export_yaml_and_qdc_read_back_into_another_project(project: Workspace) -> None:
    add_codes(project)
    for fmt, name in (("yaml", "book.yaml"), ("qdc", "book.qdc")):
        data = sync.export_codebook(project, fmt)
        codes = (file_format.parse_codebook_yaml(name, data, "en") if fmt == "yaml"
                 else __import__("workbench.refi.qdc", fromlist=["read_qdc"]).read_qdc(name, data)[0])  # fmt: skip
        assert [(c.id, c.name, c.parent_id, c.codable) for c in codes] == [
            (c.id, c.name, c.parent_id, c.codable) for c in queries.list_codes(project)]  # fmt: skip
    with pytest.raises(InvalidInputError, match="format"):
        sync.export_codebook(project, "csv")
    with pytest.raises(InvalidInputError, match=r"\.yaml"):
        sync.import_codebook_file(project, "book.txt", b"x")


def test_a_summary_written_for_the_occasion_is_stored_language_neutral_and_read_in_the_readers_language(
    project: Workspace,
) -> None:
    group, grievance, _turning = add_codes(project)
    first, _ = add_two_transcripts(project)
    _code(project, first, grievance.id, "violet umbrella")
    deleted = edits.delete_code(project, grievance.id, confirm=True)
    versions.restore_version(project, deleted.version - 1)
    with project.read() as repo:
        stored = {r.version: r.summary for r in repo.codebook.versions()}
    assert stored[deleted.version].startswith(versions.PHRASE_PREFIX), "no English text is stored for the occasion"
    assert json.loads(stored[deleted.version].removeprefix(versions.PHRASE_PREFIX)) == {
        "template": "Deleted {code!r} ({archived} codings archived)",
        "fields": {"code": "Grievance", "archived": 1},
    }, "the template (the catalogue's key) and its fields, not a sentence in one language"
    english = {h.version: h.summary for h in versions.codebook_history(project)}
    assert english[deleted.version] == "Deleted 'Grievance' (1 codings archived)"
    assert english[deleted.version + 1] == f"Restored version {deleted.version - 1}"
    with use_language("hu"):
        hungarian = {h.version: h.summary for h in versions.codebook_history(project)}
    assert hungarian[deleted.version] == "Törölve: 'Grievance' (1 kódolás archiválva)"
    assert hungarian[deleted.version + 1] == f"A(z) {deleted.version - 1}. verzió visszaállítva"
    del group


def test_an_old_english_summary_and_a_damaged_phrase_are_shown_as_stored() -> None:
    assert versions.shown_summary("Pulled shared codebook x.yaml") == "Pulled shared codebook x.yaml"
    with use_language("hu"):
        assert versions.shown_summary("Restored version 3") == "Restored version 3", "stored before: as it is"
        assert versions.shown_summary(versions.PHRASE_PREFIX + "{not json") == versions.PHRASE_PREFIX + "{not json"
        neutral = versions.stored_summary(versions.occasion("Restored version {version}", version=3))
        assert versions.shown_summary(neutral) == "A(z) 3. verzió visszaállítva"
    long_name = "x" * 3000
    kept = versions.stored_summary(versions.occasion("Imported the codebook of {project}", project=long_name))
    assert kept == f"Imported the codebook of {long_name}", "too long for the store: its English text, not cut JSON"
