"""Attack: read participant attribute values, category lists included, from the database file.

A participants sheet with an ``offence:category`` column makes every distinct value an allowed
category; those category lists were stored verbatim in ``attribute_def.categories``, so the
file held "murdered X in Szeged" in the clear, and the demo's institution names too. The attack
greps the raw SQLite bytes (main file and write-ahead log) and every column of every table.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import inspect, text

from workbench.paths import DEMO_DATA_DIR
from workbench.services.demo import DemoResult
from workbench.services.participants import attribute_definitions, import_participants, list_participants
from workbench.services.workspace import Workspace

SECRET = "murdered X in Szeged"
SHEET = (
    "code,age,offence:category,institution:category\n"
    f"P01,34,{SECRET},Csillag Fegyház Titkos Szárny\n"
    "P02,41,burglary of the blue villa,Csillag Fegyház Titkos Szárny\n"
)


def _raw_bytes(ws: Workspace) -> bytes:
    directory = Path(ws.location.directory)
    return b"".join(p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file())


def _every_cell(ws: Workspace) -> str:
    cells: list[str] = []
    with ws.store.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608 - names from the schema
                cells.extend(
                    bytes(v).decode("utf-8", "replace") if isinstance(v, bytes | memoryview) else str(v) for v in row
                )
    return "\n".join(cells)


def test_category_values_from_a_sheet_are_not_stored_in_the_clear(project: Workspace) -> None:
    import_participants(project, "people.csv", SHEET.encode())
    assert {p.code: p.attributes["offence"] for p in list_participants(project)}["P01"] == SECRET
    definitions = {d.name: d for d in attribute_definitions(project)}
    assert SECRET in definitions["offence"].categories  # still usable by members holding the keys
    secrets = [SECRET, "burglary of the blue villa", "Csillag Fegyház Titkos Szárny"]
    stored = _raw_bytes(project)
    assert [s for s in secrets if s.encode() in stored] == []
    cells = _every_cell(project)
    assert [s for s in secrets if s in cells] == []
    assert "offence" in cells  # the attribute's name is metadata: the scan does see the table


def test_demo_institution_names_are_not_stored_in_the_clear(demo: DemoResult) -> None:
    people = yaml.safe_load((DEMO_DATA_DIR / "participants.yaml").read_text(encoding="utf-8"))
    categories = [c for a in people["attributes"] for c in a.get("categories", ())]
    institutions = next(a["categories"] for a in people["attributes"] if a["name"] == "institution")
    assert len(institutions) >= 5
    if demo.workspace.store.backend != "sqlite":
        return
    stored = _raw_bytes(demo.workspace)
    cells = _every_cell(demo.workspace)
    leaked = [c for c in institutions if c.encode() in stored or c in cells]
    assert leaked == []
    assert [c for c in categories if len(c) > 8 and c in cells] == []
