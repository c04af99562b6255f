"""The smaller rough edges of issue 20, item 8, each checked on the page a member sees."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import demo_project, sign_in
from workbench.i18n import ngettext, use_language
from workbench.services.demo import demo_password
from workbench.services.projects import open_project
from workbench.services.retrieval import code_frequencies
from workbench.ui.wording import counted


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "details")


def _as(at: AppTest, user: str, page: str) -> AppTest:
    sign_in(at, demo_password(user), user=user) if user else sign_in(at)
    at.switch_page(page).run()
    assert not at.exception
    return at


def _texts(at: AppTest) -> str:
    return "\n".join(str(e.value) for kind in ("caption", "markdown", "info", "subheader") for e in at.get(kind))


def test_counted_nouns_agree_with_their_number() -> None:
    def codings(n: int) -> str:
        return counted(n, ngettext("{n} coding", "{n} codings", n))

    assert (codings(1), codings(2), codings(0), codings(1234)) == (
        "1 coding",
        "2 codings",
        "0 codings",
        "1,234 codings",
    )
    with use_language("hu"):  # a Hungarian noun after a number stays singular; a space groups thousands
        assert (codings(1), codings(3), codings(1234)) == ("1 kódolás", "3 kódolás", "1\xa0234 kódolás")


def test_retrieve_shows_a_passage_coded_by_two_coders_once_naming_both(app: AppTest) -> None:
    _as(app, "", "pages/retrieve.py")
    box = next(s for s in app.selectbox if s.label == "Code")
    box.select(next(o for o in box.options if "Group grievance" in o and "Personal" not in o)).run()
    captions = [c.value for c in app.caption]
    assert any(c.replace("\\", "").endswith("coded by anna, bence") for c in captions), captions[:5]
    summary = next(c for c in captions if re.match(r"\d+ passages? \(\d+ codings?\)", c))
    passages, codings = map(int, re.findall(r"\d+", summary)[:2])
    assert passages < codings, summary
    assert len([c for c in captions if "coded by" in c]) == passages


def test_codebook_merge_into_starts_empty(app: AppTest) -> None:
    _as(app, "", "pages/codebook.py")
    assert next(s for s in app.selectbox if s.label == "Merge into").value is None


def test_participants_columns_show_labels_not_raw_keys(app: AppTest) -> None:
    _as(app, "", "pages/participants.py")
    columns = json.loads(app.data_editor[0].proto.columns)
    labels = {c.get("label") for c in columns.values()}
    assert "Offence category" in labels and "offence_category" not in labels


def test_agreement_page_shows_the_formulas_itself(app: AppTest) -> None:
    _as(app, "lena", "pages/agreement.py")
    assert "docs/agreement.md" not in _texts(app)
    assert any(e.label == "How these are computed" for e in app.expander)
    formulas = " ".join(e.value for e in app.latex)
    assert "kappa" in formulas and "alpha" in formulas and "percent" in formulas


def test_the_progress_legend_lists_only_members_who_coded(app: AppTest) -> None:
    _as(app, "lena", "pages/dashboard.py")
    [chart] = [c for c in app.get("plotly_chart") if "coded turns" in c.proto.spec]
    names = {trace.get("name") for trace in json.loads(chart.proto.spec)["data"]}
    assert names == {"anna", "bence"}, names


def test_with_blind_coding_a_researcher_sees_only_her_own_counts(app: AppTest, demo_dir: Path) -> None:
    ws = open_project(demo_dir, demo_password("anna"), "anna")
    try:
        own = sum(f.codings for f in code_frequencies(ws))
    finally:
        ws.close()
    _as(app, "anna", "pages/overview.py")
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Codings"] == str(own) and own < 122
    assert "Codings per coder" not in _texts(app)
    app.switch_page("pages/codebook.py").run()
    shown = sum(int(m.group(1)) for e in app.expander if (m := re.search(r"· (\d+) codings?", e.label)) is not None)
    assert shown == own


def test_a_writer_overview_has_no_codings_per_coder_chart(app: AppTest) -> None:
    _as(app, "wanda", "pages/overview.py")
    assert "Codings per coder" not in _texts(app)
    assert not app.get("arrow_vega_lite_chart")


def test_export_names_the_de_identification_page_as_the_navigation_does(app: AppTest) -> None:
    _as(app, "wanda", "pages/export.py")
    assert "De-identification page" in _texts(app) and "Review page" not in _texts(app)
