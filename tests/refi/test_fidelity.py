"""Nothing lost silently, and round trips that keep what other tools wrote (issue 18).

Every fixture imitates one tool's documented behaviour (tests/refi/quirks.py and
tests/refi/fixtures.py). For each: the import's account adds up (imported +
skipped by reason = what the file holds, counted here independently from the
XML), and import -> export -> import keeps codes, colours (or their absence),
sources, codings with offsets, coders, memos and cases identical.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from tests.refi import quirks
from tests.refi.fixtures import atlas_like, nfd_like, nvivo_like
from tests.refi.schemas import validate
from workbench.domain.models import Code, Role
from workbench.refi.positions import STANDARD, Span, place
from workbench.refi.qdpx import read_qdpx
from workbench.services.codebook.queries import codebook_overview
from workbench.services.interviews import list_interviews, view_transcript
from workbench.services.participants import list_participants
from workbench.services.refi_export import export_qdpx
from workbench.services.refi_import import ImportReport, import_qdpx
from workbench.services.workspace import Workspace
from workbench.ui.render import legend_html, safe_color

Builder = Callable[[], tuple[bytes, list[str]]]
FIXTURES: dict[str, Builder] = {
    "nvivo_like": nvivo_like, "atlas_like": atlas_like, "nfd_like": nfd_like,
    "scheme_less": quirks.scheme_less, "missing_files": quirks.missing_files, "conformant": quirks.conformant,
    "nvivo_users": quirks.nvivo_users, "maxqda": quirks.maxqda, "atlas_flat": quirks.atlas_flat,
    "crlf_counted_two": quirks.crlf_counted_two,
}  # fmt: skip
SPLIT = {"atlas_flat": "::"}


def _import(ws: Workspace, name: str, data: bytes) -> ImportReport:
    return import_qdpx(ws, f"{name}.qdpx", data, split_names=SPLIT.get(name))


def _held(data: bytes) -> dict[str, int]:
    """What the file holds, counted straight from its XML (not through the reader under test)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        qde = next(n for n in archive.namelist() if n.lower().endswith(".qde"))
        root = etree.fromstring(archive.read(qde))
    local = [etree.QName(e).localname for e in root.iter() if isinstance(e.tag, str)]
    sources = root.find("{urn:QDA-XML:project:1.0}Sources")
    return {"codes": local.count("Code"), "sources": 0 if sources is None else len(sources),
            "selections": sum(n.endswith("Selection") for n in local), "codings": local.count("Coding")}  # fmt: skip


@pytest.mark.parametrize("name", list(FIXTURES))
def test_the_account_adds_up_to_what_the_file_holds(project: Workspace, name: str) -> None:
    data, _ = FIXTURES[name]()
    report = _import(project, name, data)
    held = _held(data)
    for kind, tally in report.account.tallies():
        assert tally.total == held[kind], kind
        assert tally.imported + sum(tally.skipped.values()) == tally.total, (kind, tally)
    line = report.summary()
    for kind, tally in report.account.tallies():
        assert f"{kind} {tally.imported} of {tally.total}" in line
    assert report.account.codings.imported == report.codings
    assert report.account.sources.imported == report.interviews
    assert not any("(s)" in w for w in report.warnings), report.warnings


def test_scheme_less_paths_are_found_inside_the_archive(project: Workspace) -> None:
    data, quotes = quirks.scheme_less()
    report = import_qdpx(project, "cli.qdpx", data)
    assert report.interviews == 2 and report.codings == len(quotes) == 7
    assert not any("outside the archive" in w for w in report.warnings)
    titles = {i.title for i in list_interviews(project)}
    assert titles == {"board.txt", "Second"}  # a nameless source is titled by its file, not its GUID
    texts = sorted(c.text for i in report.interview_ids for c in view_transcript(project, i).codings)
    assert texts == sorted(quotes)


def test_codings_of_missing_files_are_counted_by_reason(project: Workspace) -> None:
    data, quotes = quirks.missing_files()
    report = import_qdpx(project, "missing.qdpx", data)
    assert report.codings == len(quotes) == 2
    assert report.account.codings.skipped == {"source file missing from the archive": 16}
    assert report.account.sources.skipped == {"file missing from the archive": 2}
    assert "16 codings were not imported (source file missing from the archive)." in report.warnings
    assert "codings 2 of 18 (skipped: 16 source file missing from the archive)" in report.summary()


def test_a_conformant_file_with_mid_word_selections_keeps_its_offsets(project: Workspace) -> None:
    data, quotes = quirks.conformant()
    report = import_qdpx(project, "conformant.qdpx", data)
    assert not any("converted" in w for w in report.warnings), [w for w in report.warnings if "converted" in w]
    assert len(report.positions) == 40 and all(": code points (as the standard" in p for p in report.positions)
    texts = sorted(c.text for i in report.interview_ids for c in view_transcript(project, i).codings)
    assert texts == sorted(quotes)


@pytest.mark.parametrize("origin", ["qdacli 0.3", "NVivo 15", "ATLAS.ti 23.2.1", "MAXQDA 24"])
def test_the_standard_reading_wins_without_overwhelming_evidence(origin: str) -> None:
    data, _ = quirks.conformant(sources=60, per_source=5, origin=origin)
    project, _ = read_qdpx("c.qdpx", data)
    readings = [place(s.text, [Span(x.start, x.end) for x in s.selections], origin).reading for s in project.sources]
    assert readings == [STANDARD] * 60


def test_the_selection_user_and_the_coding_user_are_both_reported(project: Workspace) -> None:
    data, quotes = quirks.nvivo_users()
    report = import_qdpx(project, "nvivo12.qdpx", data)
    view = view_transcript(project, report.interview_ids[0])
    by_text = {c.text: c for c in view.codings}
    assert sorted(by_text) == sorted(quotes)
    # the Coding's creatingUser applied the code (REFI-QDA 1.5, 3.4); the selection's made the selection
    assert {by_text[q].coder for q in quotes[:2]} == {"Anna Kovács"} and by_text[quotes[2]].coder == "Enric Llagostera"
    assert {c.created_at.date().isoformat() for c in view.codings} == {"2022-04-01"}
    assert any("Anna Kovács" in line and "Bence" in line for line in report.coders)
    assert any("Enric Llagostera" in line and "Bence" in line for line in report.coders)
    assert any("UTF-16 code units" in p and "origin" in p for p in report.positions), report.positions


def test_maxqda_annotations_become_memos_and_nameless_cases_participants(project: Workspace) -> None:
    data, quotes = quirks.maxqda()
    report = import_qdpx(project, "maxqda.qdpx", data)
    bakery = next(i for i in list_interviews(project) if i.title == "Interview bakery")
    view = view_transcript(project, bakery.id)
    assert sorted(c.text for c in view.codings) == sorted(quotes)
    memos = sorted(text for _, text, _ in view.memos)
    assert memos == sorted(f"Note on “{q}”:\nCheck this: {q}" for q in quirks.MAXQDA_ANNOTATED)
    assert report.account.selections.imported == 4 and not report.account.selections.skipped
    participants = {p.code: p.attributes for p in list_participants(project)}
    assert sorted(participants.values(), key=str) == sorted([{"Age": 41, "Town": "Ózd"}, {"Age": 29}], key=str)
    assert bakery.participant_code in participants


def test_a_flattened_atlas_hierarchy_is_restored_as_a_tree(project: Workspace) -> None:
    data, _ = quirks.atlas_flat()
    report = import_qdpx(project, "atlas.qdpx", data, split_names="::")  # the inner file is "Mein Projekt.qde"
    tree = [(e.depth, e.code.name, e.code.codable) for e in codebook_overview(project)]
    assert (0, "Kin", False) in tree and (1, "Mother", True) in tree and (1, "Father", True) in tree
    assert tree.index((0, "Prison", True)) + 1 == tree.index((1, "Cell", True))
    assert report.account.codes.imported == report.account.codes.total == 6
    plain, _ = read_qdpx("atlas.qdpx", data)  # without split_names the names stay as the file wrote them
    assert "Kin::Mother" in [c.name for c in plain.all_codes()]


def _content(ws: Workspace) -> dict[str, object]:
    interviews = {}
    for summary in list_interviews(ws):
        view = view_transcript(ws, summary.id)
        codings = sorted((c.code_id, c.coder, c.start, c.end, c.memo or "") for c in view.codings)
        memos = sorted((author, text) for author, text, _ in view.memos)
        interviews[summary.title] = (summary.participant_code, view.transcript.text, codings, memos)
    codes = [(e.code.id, e.code.name, e.code.parent_id, e.code.color, e.code.codable, e.code.definition)
             for e in codebook_overview(ws)]  # fmt: skip
    participants = {p.code: p.attributes for p in list_participants(ws)}
    return {"codes": codes, "participants": participants, "interviews": interviews}


@pytest.mark.parametrize("name", list(FIXTURES))
def test_import_export_import_keeps_everything(
    project: Workspace, fresh: Callable[[str], Workspace], tmp_path: Path, name: str
) -> None:
    data, _ = FIXTURES[name]()
    _import(project, name, data)
    first = tmp_path / "first.qdpx"
    export_qdpx(project, first, crlf=name == "maxqda")
    with zipfile.ZipFile(first) as archive:
        qde = archive.read("project.qde")
        validate("project", qde)
        if name == "maxqda":
            assert all(b"\r\n" in archive.read(n) for n in archive.namelist() if n.endswith(".txt"))
    assert b'name="Family" isCodable="true" color=' not in qde  # no colour stays no colour
    second = fresh("second")
    report = import_qdpx(second, first.name, first.read_bytes())
    assert all(": code points (" in p for p in report.positions), report.positions
    assert _content(second) == _content(project)
    assert report.account.balanced() and not report.account.codings.skipped


def test_a_code_without_colour_is_shown_with_a_default_on_screen() -> None:
    """No colour is kept as None in the project; only what is drawn gets a default."""
    codes = {"c1": Code("c1", "Family", color=None)}
    legend = legend_html(codes, {"c1"})
    assert f"background:{safe_color(None)}55" in legend and "None" not in legend


@pytest.mark.parametrize("builder", [quirks.atlas_flat, nvivo_like])
def test_an_inner_project_file_with_another_name_is_read(builder: Builder) -> None:
    data, _ = builder()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert "project.qde" not in [n.lower() for n in archive.namelist()]
    project, warnings = read_qdpx("other-name.qdpx", data)
    assert len(project.sources) == 1 and project.account.sources.imported == 0  # counted by the importer
    assert not any(".qde" in w for w in warnings)


def test_a_coder_stored_under_an_earlier_safe_key_is_found_again(project: Workspace) -> None:
    """Earlier versions stored "Anna Kovács" as "Anna_Kovács": the key still finds that member."""
    with project.write() as repo:
        earlier = repo.users.add("Anna_Kovács", Role.RESEARCHER)
        repo.users.remove(earlier.id)
    report = import_qdpx(project, "nvivo.qdpx", nvivo_like()[0])
    view = view_transcript(project, report.interview_ids[0])
    assert {c.coder for c in view.codings} == {"Anna_Kovács"}
    assert not any("Anna Kovács" in w for w in report.warnings)


def test_sources_too_small_to_decide_follow_the_rest_of_the_file(project: Workspace) -> None:
    data, quotes = quirks.crlf_counted_two()
    report = import_qdpx(project, "nvivo.qdpx", data)
    texts = sorted(c.text for i in report.interview_ids for c in view_transcript(project, i).codings)
    assert texts == sorted(quotes)
    followed = [p.split(":")[0] for p in report.positions if "as the file's other sources were read" in p]
    assert {"T5", "T6"} <= set(followed), report.positions  # the single-selection sources
