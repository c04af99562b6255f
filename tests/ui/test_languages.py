"""Every page in English and in Hungarian: no shown string is missing from a catalogue.

Two checks per page and language. The catalogue check: every message the page looked up is in
that language's catalogue (``collect_misses``), so a string wrapped in ``_()`` but never
extracted, or extracted but left untranslated, fails here. The wrapping check: the run goes
through a marking catalogue (Hungarian with an invisible mark on every translation), and every
label-like text the page shows (titles, headings, buttons, widget labels and options, metrics,
tabs, expanders, messages) must carry the mark, so a string nobody wrapped fails even though
no look-up ever saw it. Texts that are the project's own data (names, codes, quotes) are told
apart by coming from the demo project, never by a list of page-specific exceptions.
"""

from __future__ import annotations

import gettext as std_gettext
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.apptest import close, demo_project, interface_language, new_app, serve, sign_in
from workbench import i18n

MARK = "\u2063"  # INVISIBLE SEPARATOR: in every marked translation, in no data
PAGES = [
    "pages/overview.py",
    "pages/transcripts.py",
    "pages/code.py",
    "pages/suggestions.py",
    "pages/retrieve.py",
    "pages/codebook.py",
    "pages/import_page.py",
    "pages/participants.py",
    "pages/dashboard.py",
    "pages/agreement.py",
    "pages/timeline.py",
    "pages/pathways.py",
    "pages/review.py",
    "pages/export.py",
    "pages/audit.py",
    "pages/account.py",
]
# Widget and element kinds whose text is interface wording (their data, if any, is an option).
LABELLED = ("button", "text_input", "text_area", "selectbox", "multiselect", "radio", "checkbox", "toggle",
            "number_input", "slider", "select_slider", "metric", "tab", "expander", "download_button",
            "color_picker", "date_input", "time_input", "file_uploader", "page_link")  # fmt: skip
# Captions and options are left out: they mix wording with the project's data (quotes, code and
# member names), and a wrapped caption is still checked against the catalogue above.
BODIES = ("title", "header", "subheader", "info", "success", "warning", "error")


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_project(tmp_path_factory, "languages")


@pytest.fixture
def app(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    serve(demo_dir, monkeypatch)
    at = new_app(120)
    yield at
    close(at)


class _Marking(std_gettext.NullTranslations):
    """A catalogue's translations, each with MARK in front (what was looked up is visible)."""

    def __init__(self, inner: std_gettext.NullTranslations) -> None:
        super().__init__()
        self.inner = inner

    def gettext(self, message: str) -> str:
        return MARK + self.inner.gettext(message)

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return MARK + self.inner.ngettext(msgid1, msgid2, n)


def _open(page: str) -> AppTest:
    """A fresh signed-in session on ``page``.

    AppTest calls a widget's ``format_func`` in the test's own thread, where the interface
    language is whatever the test set (``use_language``), not the app's: the tests set it too.
    """
    at = new_app(120)
    sign_in(at)
    assert not at.exception
    at.switch_page(page).run()
    assert not at.exception, page
    return at


def _texts(at: AppTest) -> list[tuple[str, str]]:
    """(kind, text) of every label-like text on the page."""
    found: list[tuple[str, str]] = []

    def walk(node: Any) -> None:
        kind = getattr(node, "type", "")
        if kind in LABELLED:
            label = getattr(node, "label", None)
            if isinstance(label, str) and label:
                found.append((kind, label))
        elif kind in BODIES:
            value = getattr(node, "value", None)
            if isinstance(value, str) and value:
                found.append((kind, value))
        elif kind == "dataframe":
            found.extend(("dataframe column", heading) for heading in _headings(node))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return found


def _headings(table: Any) -> list[str]:
    """The column headings a table (``st.dataframe`` or ``st.data_editor``) shows.

    A column shows its ``column_config`` label where it has one, else its name; hidden columns
    and, with a ``column_order``, the columns left out of it are not shown; neither is the index.
    """
    config: dict[str, dict[str, Any]] = json.loads(table.proto.columns or "{}")
    order = list(table.proto.column_order)
    shown: list[str] = []
    for column in table.value.columns:
        name = str(column)
        settings = config.get(name, {})
        if settings.get("hidden") or (order and name not in order):
            continue
        label = settings.get("label")
        shown.append(label if isinstance(label, str) and label else name)
    return shown


def _data(demo_dir: Path) -> set[str]:
    """Texts that are the demo project's own data: a label made only of these is not wording."""
    from tests.conftest import PASSPHRASE
    from workbench.services.codebook.queries import list_codes
    from workbench.services.interviews import list_interviews
    from workbench.services.participants import attribute_definitions, list_participants
    from workbench.services.projects import open_project
    from workbench.services.users import list_users
    from workbench.ui.wording import attribute_heading

    ws = open_project(demo_dir, PASSPHRASE)
    try:
        found = {c.name for c in list_codes(ws)} | {u.name for u in list_users(ws)}
        found |= {i.title for i in list_interviews(ws)} | {p.code for p in list_participants(ws)}
        for d in attribute_definitions(ws):
            found |= {d.name, attribute_heading(d.name), *d.categories}
    finally:
        ws.close()
    return found


def _unmarked(texts: list[tuple[str, str]], data: set[str]) -> list[tuple[str, str]]:
    def is_data(text: str) -> bool:
        words = text.replace("·", " ").replace("(", " ").replace(")", " ").split()
        return not any(ch.isalpha() for ch in text) or text in data or all(w in data or not w.isalpha() for w in words)

    return [(kind, text) for kind, text in texts if MARK not in text and not is_data(text.strip())]


@pytest.mark.parametrize("language", ["en", "hu"])
def test_every_page_finds_every_shown_string_in_the_catalogue(app: AppTest, demo_dir: Path, language: str) -> None:
    interface_language(demo_dir, language)
    missing: dict[str, set[str]] = {}
    with i18n.use_language(language), i18n.collect_misses() as misses:
        for page in PAGES:
            misses.clear()
            close(_open(page))
            if misses:
                missing[page] = set(misses)
    assert not missing, f"looked up but not in the {language} catalogue (run ./dev i18n): {missing}"


def test_every_label_on_every_page_is_wrapped(app: AppTest, demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    interface_language(demo_dir, "hu")
    real = i18n.translations
    monkeypatch.setattr(i18n, "translations", lambda language: _Marking(real(language)))
    data = _data(demo_dir)
    unwrapped: dict[str, list[tuple[str, str]]] = {}
    with i18n.use_language("hu"):
        for page in PAGES:
            at = _open(page)
            left = _unmarked(_texts(at), data)
            close(at)
            if left:
                unwrapped[page] = left
    assert not unwrapped, f"shown without passing through _(): {unwrapped}"


def test_every_retrieve_view_shows_its_table_headings_translated(
    app: AppTest, demo_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Retrieve page's tables behind its view switch (frequencies, co-occurrence ...) too."""
    interface_language(demo_dir, "hu")
    real = i18n.translations
    monkeypatch.setattr(i18n, "translations", lambda language: _Marking(real(language)))
    data = _data(demo_dir)
    unwrapped: dict[str, list[tuple[str, str]]] = {}
    with i18n.use_language("hu"):
        at = _open("pages/retrieve.py")
        try:
            views = ["Passages", "Frequencies", "Co-occurrence", "Code by attribute", "Progress"]  # retrieve.VIEWS
            assert len(at.radio[0].options) == len(views), at.radio[0].options
            for view in views:
                at.radio[0].set_value(view).run()
                assert not at.exception, view
                headings = [t for t in _texts(at) if t[0] == "dataframe column"]
                assert headings or view == views[0], f"{view}: no table shown, nothing checked"
                left = _unmarked(headings, data)
                if left:
                    unwrapped[view] = left
        finally:
            close(at)
    assert not unwrapped, f"table headings shown without passing through _(): {unwrapped}"


def test_the_marking_catches_an_unwrapped_label() -> None:
    """The check above can fail: a label that skipped _() has no mark, a wrapped one has."""
    assert _unmarked([("button", "Save everything")], set()) == [("button", "Save everything")]
    assert _unmarked([("button", MARK + "Mentés")], set()) == []
    assert _unmarked([("selectbox option", "P01")], {"P01"}) == [], "a participant code is data"


def test_the_table_check_reads_the_headings_a_table_shows() -> None:
    """A dataframe's English column key is caught; its translated label or a data column is not."""
    at = AppTest.from_string(
        "import streamlit as st\n"
        "st.dataframe([{'codings': 1, 'P01': 2, 'secret': 3, 'x': 4}], hide_index=True, column_config={\n"
        "    'x': st.column_config.NumberColumn('\u2063kódolások'), 'secret': None})\n"
    ).run()
    texts = _texts(at)
    assert texts == [("dataframe column", "codings"), ("dataframe column", "P01"),
                     ("dataframe column", MARK + "kódolások")]  # fmt: skip
    assert _unmarked(texts, {"P01"}) == [("dataframe column", "codings")]


def test_hungarian_member_sees_hungarian_pages_and_english_member_english(app: AppTest, demo_dir: Path) -> None:
    interface_language(demo_dir, "hu")
    with i18n.use_language("hu"):
        sign_in(app)
        app.switch_page("pages/account.py").run()
        assert app.title[0].value == "Fiók"
        assert app.radio(key="account_language").value == "hu"
        app.radio(key="account_language").set_value("en").run()  # sent from the Hungarian page
    assert app.title[0].value == "Account", "the choice applies at once"
    close(app)
    fresh = new_app(120)
    try:
        sign_in(fresh)
        fresh.switch_page("pages/account.py").run()
        assert fresh.title[0].value == "Account", "and is stored for the member, not the session"
    finally:
        close(fresh)


def test_a_hungarian_members_wrong_password_is_refused_in_hungarian(app: AppTest, demo_dir: Path) -> None:
    """The sign-in form after a Hungarian member's sign-out stays Hungarian, its refusal too."""
    interface_language(demo_dir, "hu")
    try:
        with i18n.use_language("hu"):
            sign_in(app)
        assert app.session_state["interface_language"] == "hu"
        next(b for b in app.button if b.label == "Kijelentkezés").click().run()
        assert "workspace" not in app.session_state
        sign_in(app, "not the passphrase")
        shown = [e.value for e in app.error]
        assert any(text.startswith("A felhasználónév vagy a jelszó hibás") for text in shown), shown
        assert not any("wrong" in text or "password" in text for text in shown), shown
    finally:
        interface_language(demo_dir, "en")
