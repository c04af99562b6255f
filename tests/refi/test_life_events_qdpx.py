"""Life events travel in the workbench's own .qdpx as codings with "Life event" notes and come back as events."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tests.conftest import FAST_KDF, PASSPHRASE
from tests.refi.schemas import validate
from workbench.services.demo import DemoResult, create_demo
from workbench.services.events import event_rows, list_events
from workbench.services.projects import init_project
from workbench.services.refi_events import MARKER
from workbench.services.refi_export import export_qdpx
from workbench.services.refi_import import import_qdpx


def _comparable(rows: list[dict[str, object]]) -> list[tuple[object, ...]]:
    keys = ("participant", "type", "domain", "direction", "time_kind", "precision", "value", "memo", "quote", "age",
            "recorder", "wave")  # fmt: skip
    return sorted(tuple(r[k] for k in keys) for r in rows)


def test_demo_events_round_trip_through_qdpx(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_DATABASE_URL", raising=False)  # two projects: two SQLite files
    demo = create_demo(tmp_path / "demo", PASSPHRASE, kdf=FAST_KDF)
    ws = demo.workspace
    target = tmp_path / "demo.qdpx"
    report = export_qdpx(ws, target)
    assert report.warnings == []
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("project.qde")
    validate("project", xml)
    assert xml.count(MARKER.encode()) == demo.life_events  # one marked note per event
    before = event_rows(ws, list_events(ws))
    fresh = init_project(tmp_path / "fresh", PASSPHRASE, "zoe", language="en", kdf=FAST_KDF)
    try:
        imported = import_qdpx(fresh, target.name, target.read_bytes())
        assert imported.life_events == demo.life_events
        assert imported.codings == demo.codings  # the events did not also become codings
        after = event_rows(fresh, list_events(fresh))
        assert _comparable(after) == _comparable(before)
        relative = [r for r in after if r["time_kind"] == "relative"]
        assert relative and all(r["anchor_event"] in {a["id"] for a in after} for r in relative)
    finally:
        fresh.close()
        ws.close()


def test_an_anonymised_export_leaves_events_out_and_says_so(demo: DemoResult, tmp_path: Path) -> None:
    from workbench.services.export_hooks import Transformed

    def same(_: str, text: str) -> Transformed:
        return Transformed(text, list(range(len(text) + 1)))

    report = export_qdpx(demo.workspace, tmp_path / "anon.qdpx", text_transform=same)
    assert any("life event" in w and "anonymised" in w for w in report.warnings)
    with zipfile.ZipFile(tmp_path / "anon.qdpx") as archive:
        assert MARKER.encode() not in archive.read("project.qde")
