"""Theme labels on the real demo (multilingual model): no names, no stop words; renames; quote sources."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from spacy.lang.en.stop_words import STOP_WORDS as SPACY_EN
from spacy.lang.hu.stop_words import STOP_WORDS as SPACY_HU

from tests.conftest import FAST_KDF, PASSPHRASE
from workbench.deid.inflect import inflected_forms
from workbench.errors import PermissionDeniedError
from workbench.nlp import stem
from workbench.paths import DEMO_DATA_DIR
from workbench.services.coding import open_for_coding
from workbench.services.demo import create_demo, demo_password
from workbench.services.projects import open_project
from workbench.services.theme_labels import carry_names, rename_theme
from workbench.services.themes import ThemeReport, latest_themes, run_themes
from workbench.services.workspace import Workspace

FILLERS = {"hanem", "annyit", "hát", "szóval", "like", "yeah", "know", "mean", "ugye", "tudod"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, ThemeReport]]:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("WORKBENCH_DATABASE_URL", raising=False)
        directory = tmp_path_factory.mktemp("labels") / "demo"
        ws = create_demo(directory, PASSPHRASE, kdf=FAST_KDF).workspace
        report = run_themes(ws)
        yield ws, report
        ws.close()


def _known_names() -> set[str]:
    entities = yaml.safe_load((DEMO_DATA_DIR / "known_entities.yaml").read_text(encoding="utf-8"))["entities"]
    names = set()
    for entity in entities:
        for text in [entity["text"], *entity.get("aliases", [])]:
            for part in text.split():
                names.update(form.lower() for form in inflected_forms(part))
    return names


def test_the_demo_dashboard_labels_hold_no_names_and_no_stop_words(demo: tuple[Workspace, ThemeReport]) -> None:
    _ws, report = demo
    names = _known_names()
    assert report.themes
    corpus_words = {w for i in report.items for w in stem.words(i.snippet)}
    assert corpus_words & names, "the demo's passages do name people, so the test can fail"
    assert corpus_words & FILLERS, "and they hold fillers"
    stop = {w.lower() for w in SPACY_EN | SPACY_HU} | FILLERS
    for theme in report.themes:
        shown = {w for term in theme.keywords for w in term.split()} | set(stem.words(theme.label))
        assert not shown & names, (theme.id, shown & names)
        assert not shown & stop, (theme.id, shown & stop)


def test_each_quote_names_its_passage(demo: tuple[Workspace, ThemeReport]) -> None:
    ws, report = demo
    for theme in report.themes:
        assert len(theme.quote_sources) == len(theme.quotes)
        for quote, source in zip(theme.quotes, theme.quote_sources, strict=True):
            text = open_for_coding(ws, source.interview_id).text
            assert text[source.start : source.end] == quote
            assert source.participant_code


def test_a_renamed_theme_keeps_its_name_when_run_again(demo: tuple[Workspace, ThemeReport]) -> None:
    ws, report = demo
    first = report.themes[0]
    rename_theme(ws, first.id, "  Family   and visits ")
    shown = latest_themes(ws)
    assert shown is not None and shown.themes[0].label == "Family and visits"
    again = run_themes(ws)  # same passages, same seed: the theme persists
    same = [t for t in again.themes if set(t.quote_sources) & set(first.quote_sources)]
    assert [t.label for t in same][:1] == ["Family and visits"]
    assert sum(t.name == "Family and visits" for t in again.themes) == 1
    rename_theme(ws, same[0].id, "")
    cleared = latest_themes(ws)
    assert cleared is not None and all(t.name is None for t in cleared.themes)


def test_a_researcher_may_not_rename_themes(demo: tuple[Workspace, ThemeReport], tmp_path: Path) -> None:
    ws, _report = demo
    researcher = open_project(ws.location.directory, demo_password("anna"), "anna")
    try:
        with pytest.raises(PermissionDeniedError):
            rename_theme(researcher, 0, "mine")
    finally:
        researcher.close()


def test_a_name_goes_with_a_theme_that_falls_apart() -> None:
    def run(groups: list[list[int]], names: dict[int, str] | None = None) -> dict[str, object]:
        items = [{"interview": "i", "start": n, "end": n + 1, "theme": t} for t, g in enumerate(groups) for n in g]
        themes = [{"id": t, **({"name": names[t]} if names and t in names else {})} for t in range(len(groups))]
        return {"items": items, "themes": themes}

    old = run([[1, 2, 3, 4], [5, 6, 7, 8]], {0: "visits"})
    kept = run([[5, 6, 7], [1, 2, 3, 4, 9]])
    assert carry_names(old, kept) == 1 and kept["themes"][1] == {"id": 1, "name": "visits"}  # type: ignore[index]
    split = run([[1, 2, 5, 6], [3, 4, 7, 8]])
    assert carry_names(old, split) == 0
