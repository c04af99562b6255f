"""Pathways and timelines on a real project: events recorded through the life-event service, a
release carrying the life paths, a writer's sequence export read back, and ``workbench pathways``."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from tests.conftest import PASSPHRASE
from tests.deid.fixtures import TEXT_1, build, built_project, writer_session
from workbench.cli import app
from workbench.domain.events import EventTime, Precision, TimeKind
from workbench.errors import BelowReleaseMinimumError, PermissionDeniedError
from workbench.services import deid, deid_release
from workbench.services.events import add_event, event_types, install_event_types
from workbench.services.interviews import list_interviews
from workbench.services.life_release import LIFE_EVENTS, LIFE_PATHS
from workbench.services.pathways import (
    participant_timeline,
    project_pathways,
    released_participant_timeline,
    released_timeline_participants,
)
from workbench.services.projects import audit_log, shred_interview
from workbench.services.sequence_exports import SequenceExportOptions, export_to_file
from workbench.services.workspace import Workspace

PASSAGE = "Kovácsnak dolgoztam"


def _age(value: float) -> EventTime:
    return EventTime(TimeKind.AGE, value)


def record(ws: Workspace) -> None:
    """P01 (34): offence at 15, prison at 19 (from a passage), release two years after it. P02 (27): contact at 17."""
    interviews = {i.participant_code: i.id for i in list_interviews(ws)}
    install_event_types(ws)
    start = TEXT_1.index(PASSAGE)
    add_event(ws, type_ref="first_offence", time=_age(15), participant_code="P01")
    add_event(ws, type_ref="incarceration", time=_age(19), interview_ref=interviews["P01"], start=start,
              end=start + len(PASSAGE))  # fmt: skip
    add_event(ws, type_ref="release", participant_code="P01", time=EventTime(
        TimeKind.RELATIVE, 2, Precision.ABOUT, anchor_type="incarceration"))  # fmt: skip
    add_event(ws, type_ref="extremist_contact", time=_age(17), participant_code="P02")


@pytest.fixture
def lives(project: Workspace) -> Workspace:
    build(project)
    record(project)
    return project


def test_pathways_by_age_and_by_first_incarceration(lives: Workspace) -> None:
    view = project_pathways(lives, width=2, groups=2)
    assert view.result is not None
    seqs = {s.participant: s.states for s in view.result.sequences}
    # bands from 10: 10-11 .. 34-35 for P01 (age 34), 26-27 for P02 (age 27)
    assert seqs["P01"][:5] == ("no event yet", "no event yet", "offending", "offending", "prison/offending")
    assert set(seqs["P01"][5:]) == {"after prison/offending"} and len(seqs["P01"]) == 13
    assert seqs["P02"][3] == "extremist contact" and len(seqs["P02"]) == 9
    assert len(view.result.groups) == 2 and not view.left_out

    anchored = project_pathways(lives, align_by="first-incarceration")
    assert anchored.result is not None and anchored.left_out == ["P02"]
    (only,) = anchored.result.sequences
    assert only.states[anchored.result.grid.index(0)] == "prison/offending"


def test_timeline_has_lanes_quotes_and_the_passage(lives: Workspace) -> None:
    timeline = participant_timeline(lives, "P01")
    names = {c.key: c.name for c in event_types(lives)}
    assert [p.type for p in timeline.points] == [names["first_offence"], names["incarceration"], names["release"]]
    assert [p.x for p in timeline.points] == [15, 19, 21]
    prison = timeline.points[1]
    assert prison.quote == PASSAGE and prison.lane == "Prison"
    interview, start, end = timeline.anchors[prison.event_id]
    assert interview in {i.id for i in list_interviews(lives)}
    assert TEXT_1[start:end] == PASSAGE
    calendar = participant_timeline(lives, "P01", calendar=True)
    born = dt.date.today().year - 34  # no birth year or interview date: the age counted back from today
    assert calendar.axis_title == "year" and [p.x for p in calendar.points] == [born + 15, born + 19, born + 21]


def test_a_writer_gets_released_sequences_only(lives: Workspace, tmp_path: Path) -> None:
    deid.add_known_entity(lives, "Kovács", "PERSON")
    deid_release.release(lives, k=1)
    release = deid_release.latest_release(lives)
    assert release is not None
    released = release.payload[LIFE_PATHS]["lives"]
    assert {life["participant"] for life in released} == {"Participant 1", "Participant 2"}
    assert "P01" not in json.dumps(released) and PASSAGE not in json.dumps(released)
    (from_passage,) = release.payload[LIFE_EVENTS]  # the prison event, in its interview's part
    assert from_passage["quote"] == "[PERSON 1] dolgoztam" and from_passage["participant"] == "Participant 1"
    assert not any(e["type"] == "incarceration" for life in released for e in life["events"])

    writer = writer_session(lives)
    with pytest.raises(PermissionDeniedError):
        project_pathways(writer)
    path = tmp_path / "sts.csv"
    export = export_to_file(writer, SequenceExportOptions("csv", "sts"), path)
    text = path.read_text(encoding="utf-8-sig")
    assert text.startswith("# Disclosure control: ages in 5-year bands")
    assert "P01" not in text and "Participant" not in text and "Kovács" not in text
    frame = pd.read_csv(io.StringIO(text), comment="#", dtype=str, keep_default_na=False)
    bands = [c for c in frame.columns if c != "id"]
    read = sorted(tuple(v for v in row[bands] if v) for _, row in frame.iterrows())
    assert read == sorted([
        ("no event yet", "prison/offending", *["after prison/offending"] * 3),  # offence and prison: one band
        ("no event yet", "extremist contact", "extremist contact", "extremist contact"),
    ])  # fmt: skip
    assert export.rows == 2
    entry = next(e for e in audit_log(lives).entries if e.action == "sequence export")
    assert entry.detail["sha256"] == export.sha256 and entry.detail["rows"] == 2
    deid_release.release(lives, k=2)
    with pytest.raises(BelowReleaseMinimumError):
        export_to_file(writer_session(lives), SequenceExportOptions("csv", k=1), tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_shredding_the_interview_takes_its_events_out_of_the_release(lives: Workspace) -> None:
    deid_release.release(lives, k=1)
    p01 = next(i.id for i in list_interviews(lives) if i.participant_code == "P01")
    shred_interview(lives, p01)
    release = deid_release.latest_release(lives)
    assert release is not None and release.payload[LIFE_EVENTS] == []
    writer = writer_session(lives)
    names = {c.key: c.name for c in event_types(lives)}
    left = [p.type for p in released_participant_timeline(writer, "Participant 1").points]
    assert left == [names["first_offence"], names["release"]], "the prison event went with its passage"


def test_a_writers_timeline_is_pseudonymized(lives: Workspace) -> None:
    deid.add_known_entity(lives, "Kovács", "PERSON")
    deid_release.release(lives, k=1)
    writer = writer_session(lives)
    assert released_timeline_participants(writer) == ["Participant 1", "Participant 2"]
    timeline = released_participant_timeline(writer, "Participant 1")
    assert [p.x for p in timeline.points] == [15, 19, 21] and not timeline.anchors
    assert timeline.points[1].quote == "[PERSON 1] dolgoztam"
    with pytest.raises(PermissionDeniedError):
        participant_timeline(writer, "P01")


def test_the_pathways_command(tmp_path: Path) -> None:
    directory = built_project(tmp_path / "p", record)
    env = {k: None for k in os.environ if k.startswith("WORKBENCH_")} | {"WORKBENCH_PASSPHRASE": PASSPHRASE}
    runner = CliRunner()
    result = runner.invoke(app, ["pathways", str(directory), "--format", "json", "--groups", "2"], env=env)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {p["id"] for p in data["participants"]} == {"P01", "P02"} and len(data["groups"]) == 2
    csv_out = runner.invoke(app, ["pathways", str(directory), "--format", "csv", "--align", "first-incarceration"],
                            env=env)  # fmt: skip
    assert csv_out.exit_code == 0 and csv_out.stdout.splitlines()[0].startswith("id,group,typical,t-10 to -9,t-8 to -7")
    assert "P02" in csv_out.stderr and "left out" in csv_out.stderr
    # The project is Hungarian, so the member's language is too: the service's error comes in it,
    # and in English with --lang en.
    bad = runner.invoke(app, ["pathways", str(directory), "--align", "sideways"], env=env)
    assert bad.exit_code == 1 and "Ezek egyike szerint igazítson" in bad.stderr
    bad = runner.invoke(app, ["pathways", str(directory), "--align", "sideways", "--lang", "en"], env=env)
    assert bad.exit_code == 1 and "Align by one of" in bad.stderr
    text = runner.invoke(app, ["pathways", str(directory)], env=env)
    assert text.exit_code == 0 and "typical" in text.stdout


def test_a_name_left_in_an_event_quote_stops_the_release(lives: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """Attack: the builder forgets to de-identify event quotes; the release's leak check must refuse it."""
    from workbench.errors import LeakDetectedError
    from workbench.services.life_release import LifeRelease

    deid.add_known_entity(lives, "Kovács", "PERSON")
    original = LifeRelease.for_interview

    def raw(self: LifeRelease, interview_id: str, label: object, quote: object) -> list[dict[str, object]]:
        return original(self, interview_id, label, lambda a, b: TEXT_1[a:b])  # type: ignore[arg-type]

    monkeypatch.setattr(LifeRelease, "for_interview", raw)
    with pytest.raises(LeakDetectedError, match="life events"):
        deid_release.release(lives, k=1)
    assert deid_release.latest_release(lives) is None


def test_a_foreign_text_in_a_sequence_file_is_refused(lives: Workspace, monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:  # fmt: skip
    """Attack: a state label that is not one of the fixed ones reaches the file; the export refuses it."""
    from workbench.analysis import life_sequences
    from workbench.errors import LeakDetectedError

    deid_release.release(lives, k=1)
    monkeypatch.setitem(life_sequences.COURSE_OF_TYPE, "first_offence", "Kovács Béla")  # type: ignore[index]
    with pytest.raises(LeakDetectedError, match="not a released value"):
        export_to_file(writer_session(lives), SequenceExportOptions("csv"), tmp_path / "s.csv")
    assert not (tmp_path / "s.csv").exists()


def test_the_pathways_command_exports_released_sequences(tmp_path: Path) -> None:
    directory = built_project(tmp_path / "p", record, lambda ws: deid_release.release(ws, k=1))
    env = {k: None for k in os.environ if k.startswith("WORKBENCH_")}
    env |= {"WORKBENCH_PASSPHRASE": PASSPHRASE, "WORKBENCH_USER": "wanda"}
    runner = CliRunner()
    path = tmp_path / "spell.xlsx"
    result = runner.invoke(app, ["pathways", str(directory), "--release", "--table", "spell", "--format", "xlsx",
                                 "-o", str(path)], env=env)  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 sequence rows" in result.stderr
    frame = pd.read_excel(path, sheet_name="SPELL", dtype=str)
    assert set(frame["state"]) >= {"prison/offending", "extremist contact"} and set(frame["id"]) == {"1", "2"}
    # The project is Hungarian and wanda chose no language: the note follows hers, Hungarian.
    assert pd.read_excel(path, sheet_name="About", header=None).iloc[0, 0].startswith("Közzétételi korlátozás")
    csv_out = runner.invoke(app, ["pathways", str(directory), "--release", "--lang", "en"], env=env)
    assert csv_out.exit_code == 0 and csv_out.stdout.startswith("# Disclosure control")
    refused = runner.invoke(app, ["pathways", str(directory)], env=env)
    assert refused.exit_code == 2 and "nem engedi" in refused.stderr, "a writer reads no events (told in Hungarian)"
    lower = runner.invoke(app, ["pathways", str(directory), "--release", "--width", "2", "--lang", "en"], env=env)
    assert lower.exit_code == 1 and "bands of 5 to 20 years" in lower.stderr
