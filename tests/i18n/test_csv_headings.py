"""CSV tables follow the exporter's language: fixed headings translated, data columns never.

A Hungarian researcher's frequency table, passages and co-occurrence matrix have Hungarian
headings (``kód``, ``kódolások``, ``kódoló: anna``), while columns named after the project's own
data (code names, attribute values, coder names) stay exactly as they are. ``--lang`` picks the
language in the CLI; without it the acting member's interface language does.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tests.conftest import FAST_KDF
from workbench.analysis.tables import CODE, CODINGS, Heading, coder_heading, labelled, to_csv
from workbench.cli import app
from workbench.i18n import use_language
from workbench.services.demo import DEMO_PASSPHRASE, create_demo
from workbench.services.preferences import set_interface_language


def run(*args: str | Path) -> Result:
    env: dict[str, str | None] = {k: None for k in os.environ if k.startswith("WORKBENCH_")}
    env |= {"WORKBENCH_PASSPHRASE": DEMO_PASSPHRASE}
    return CliRunner().invoke(app, [str(a) for a in args], env=env)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("csv_headings") / "demo"
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        create_demo(directory, DEMO_PASSPHRASE, kdf=FAST_KDF).workspace.close()
    return directory


def test_a_hungarian_frequency_table_has_hungarian_headings(demo_dir: Path) -> None:
    result = run("frequencies", demo_dir, "--lang", "hu")
    assert result.exit_code == 0, result.stderr
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header[:8] == ["kód", "kulcs", "mélység", "kódolások", "alkódokkal együtt", "interjúk", "résztvevők",
                          "karakterek"]  # fmt: skip
    assert {"kódoló: anna", "kódoló: bence"} <= set(header), "the coder's name stays as it is"
    english = next(csv.reader(io.StringIO(run("frequencies", demo_dir, "--lang", "en").stdout)))
    assert english[:4] == ["code", "key", "depth", "codings"]
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[1][0] == "Grievance", "code names are data: never translated"


def test_data_columns_keep_their_names_in_hungarian(demo_dir: Path) -> None:
    by = list(csv.reader(io.StringIO(run("frequencies", demo_dir, "--by", "offence_category", "--lang", "hu").stdout)))
    assert by[0][:2] == ["kód", "violent"] and by[1][0] == "(résztvevők)"
    co = list(csv.reader(io.StringIO(run("cooccurrence", demo_dir, "--lang", "hu").stdout)))
    assert co[0][0] == "kód" and co[0][1:] == [row[0] for row in co[1:]], "one column per code, named as the code"


def test_retrieved_passages_in_hungarian(demo_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "passages.csv"
    result = run("retrieve", demo_dir, "--code", "grievance", "--lang", "hu", "-o", out)
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows and {"interjú", "résztvevő", "hullám", "kód", "kódoló", "szöveg", "feljegyzés"} <= set(rows[0])


def test_without_lang_the_members_interface_language_decides(demo_dir: Path) -> None:
    from workbench.services.projects import open_project

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        ws = open_project(demo_dir, DEMO_PASSPHRASE)
        try:
            set_interface_language(ws, "hu")
            header = next(csv.reader(io.StringIO(run("frequencies", demo_dir).stdout)))
            assert header[0] == "kód"
        finally:
            set_interface_language(ws, "en")
            ws.close()
    assert next(csv.reader(io.StringIO(run("frequencies", demo_dir).stdout)))[0] == "code"


def test_an_unknown_lang_is_refused(demo_dir: Path) -> None:
    result = run("frequencies", demo_dir, "--lang", "de")
    assert result.exit_code == 1 and "--lang" in result.stderr


def test_to_csv_translates_headings_only() -> None:
    rows = [{CODE: "code", CODINGS: 3, coder_heading("anna"): 1}]
    with use_language("hu"):
        text = to_csv(rows, [CODE, coder_heading("anna"), "code"])
    assert text.splitlines()[0] == "kód,kódoló: anna,code", "a plain column (data) named like a heading stays"
    assert Heading("codings") == "codings" and rows[0]["codings"] == 3


def test_a_page_table_has_the_csv_headings_in_the_readers_language_and_data_columns_as_they_are() -> None:
    from workbench.services.retrieval import MISSING_VALUE, NO_PARTICIPANT

    rows = [{CODE: "Grievance", "violent": 2, MISSING_VALUE: 1, NO_PARTICIPANT: 0, coder_heading("anna"): 3}]
    with use_language("hu"):
        shown = labelled(rows)
    assert shown == [{"kód": "Grievance", "violent": 2, "(hiányzik)": 1, "(nincs résztvevő)": 0, "kódoló: anna": 3}]
    assert labelled(rows, [CODE, "violent"]) == [{"code": "Grievance", "violent": 2}], "the columns asked for, in order"
    assert rows[0][CODE] == "Grievance" and "kód" not in rows[0], "the rows themselves keep their English keys"
