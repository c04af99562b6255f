"""A Hungarian-speaking team in a real browser: sign in, code a span, export, and never meet English.

The researcher (anna) chose Hungarian on the Account page; her browser says ``hu-HU``, so even
the sign-in form speaks Hungarian. She codes a span of a Hungarian interview and downloads the
coded passages; the report writer (wanda, also Hungarian) exports the anonymized tables. On
every screen the visible text is checked for English interface words: words of the English
catalogue that no Hungarian translation uses and that are not the project's own data (English
demo transcripts, names, titles). Screenshots go to ``test-artifacts/browser/`` (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import ARTIFACTS, Server, shoot, wait_idle
from tests.browser.test_researcher_journey import _drag_select, _utf16
from tests.conftest import PASSPHRASE
from workbench.i18n import LANGUAGE_NAMES
from workbench.i18n.catalogues import read_catalogue
from workbench.services.demo import demo_password

INTERVIEW = "Életút-interjú, 1. hullám"
WORD = re.compile(r"[A-Za-z]{4,}")
# Streamlit's own chrome, which has no setting for its language (the app cannot translate it).
ICONS = '[data-testid="stIconMaterial"]'
FILE_NAMES = ("anonymized-export",)  # names of files, not wording (kept stable for scripts)
STREAMLIT_CHROME = ("Press Enter to apply", "Press Enter to submit form", "Choose an option", "Choose options")


def _words(text: str) -> set[str]:
    return {w.lower() for w in WORD.findall(re.sub(r"\{[a-z_]*\}", " ", text))}


def _project_words(directory: Path) -> set[str]:
    """Every word of the demo project's own data, which may be English and is not interface text."""
    from workbench.services.codebook.queries import list_codes
    from workbench.services.interviews import list_interviews, view_transcript
    from workbench.services.participants import attribute_definitions, list_participants
    from workbench.services.projects import login_hint, open_project
    from workbench.services.users import list_users

    ws = open_project(directory, PASSPHRASE)
    try:
        texts = [str(directory), ws.project.name, login_hint(directory) or ""]
        texts += [c.name for c in list_codes(ws)] + [u.name for u in list_users(ws)]
        texts += [p.code for p in list_participants(ws)]
        for definition in attribute_definitions(ws):
            texts += [definition.name, *definition.categories]
        for interview in list_interviews(ws):
            view = view_transcript(ws, interview.id)
            texts += [interview.title, view.transcript.text, *(c.memo or "" for c in view.codings)]
            texts += [memo for _author, memo, _when in view.memos]
    finally:
        ws.close()
    return set().union(*(_words(t) for t in texts))


@pytest.fixture(scope="module")
def english_words(server: Server) -> set[str]:
    """Interface words only English has: the English catalogue's, less Hungarian's and the data's."""
    english = set().union(*(_words(str(m.id[0] if isinstance(m.id, tuple) else m.id)) for m in read_catalogue("en")))
    hungarian: set[str] = set()
    for message in read_catalogue("hu"):
        for string in message.string if isinstance(message.string, tuple) else (message.string,):
            hungarian |= _words(string)
    # The language picker names each language in itself ("English", "Magyar"), as pickers do.
    native = set().union(*(_words(name) for name in LANGUAGE_NAMES.values()))
    return english - hungarian - native - _project_words(server.project)


@pytest.fixture
def hungarian_page(browser: Browser, server: Server) -> Iterator[Page]:
    from tests.ui.apptest import interface_language

    interface_language(server.project, "hu")  # every member chose Hungarian on the Account page
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True, locale="hu-HU")
    context.set_default_timeout(30_000)
    opened = context.new_page()
    yield opened
    context.close()


def _no_english(page: Page, english: set[str], where: str) -> None:
    wait_idle(page)
    text = page.inner_text("body")
    for phrase in STREAMLIT_CHROME + FILE_NAMES:
        text = text.replace(phrase, " ")
    # Material icons are font ligatures: their names ("dashboard", "upload_file") are in the text.
    icons = set().union(set(), *(_words(t.replace("_", " ")) for t in page.locator(ICONS).all_inner_texts()))
    found = sorted((_words(text.replace("_", " ")) - icons) & english)
    shoot(page, f"hungarian-{where}")
    assert not found, f"English interface words on {where}: {found}"


def _sign_in(page: Page, server: Server, user: str, english: set[str]) -> None:
    page.goto(server.url)
    expect(page.get_by_role("heading", name="Bejelentkezés")).to_be_visible(timeout=60_000)
    _no_english(page, english, f"{user}-sign-in")
    page.get_by_role("textbox", name="Felhasználónév").fill(user)
    page.get_by_role("textbox", name="Jelszó").fill(demo_password(user))
    page.get_by_role("button", name="Bejelentkezés").click()
    expect(page.get_by_role("heading", name="Áttekintés")).to_be_visible(timeout=60_000)
    _no_english(page, english, f"{user}-overview")


def _nav(page: Page, title: str) -> None:
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=title, exact=True).first).to_be_visible()


def _choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.press_sequentially(option)
    page.get_by_role("option", name=option).first.click()
    box.press("Escape")
    wait_idle(page)


def test_hungarian_researcher_codes_a_span_and_the_writer_exports_without_english(
    hungarian_page: Page, server: Server, english_words: set[str]
) -> None:
    page = hungarian_page
    assert {"codings", "passages", "download"} <= english_words, "the detector knows the interface's English"

    # 1. the researcher codes a span of a Hungarian interview
    _sign_in(page, server, "anna", english_words)
    _nav(page, "Kód")
    _choose(page, "Interjú", INTERVIEW)
    view = page.get_by_test_id("wb-code-view")
    expect(view.locator(".wbc-turn").first).to_be_visible()
    wait_idle(page)
    for _attempt in range(3):  # the view may still be mounting its markup: select again if nothing came
        piece = view.locator('.wbc-turn[data-turn="1"] .wbc-t').first
        chosen = " ".join((piece.text_content() or "").split()[:3])
        try:
            _drag_select(page, piece, 0, _utf16(chosen))
        except PlaywrightError:  # the markup was replaced under the pointer (a rerun): select again
            continue
        wait_idle(page)
        if page.get_by_text("Kijelölt karakterek:").count():
            break
    shoot(page, "hungarian-code-selected")
    expect(page.get_by_text("Kijelölt karakterek:")).to_be_visible()
    _choose(page, "Alkalmazandó kódok", "Fordulópontok")  # "Turning points", shown by its Hungarian name
    page.get_by_role("button", name="Alkalmazás").click()
    wait_idle(page)
    shoot(page, "hungarian-code-applied")
    expect(page.get_by_text(re.compile(r"karakterek kódolva ezzel:"))).to_be_visible()
    _no_english(page, english_words, "code-page-coded")

    # 2. ... and downloads the coded passages from Visszakeresés
    _nav(page, "Visszakeresés")
    _no_english(page, english_words, "retrieve")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="CSV letöltése").click()
    passages = download_info.value
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    passages.save_as(ARTIFACTS / "hungarian-passages.csv")
    _nav(page, "Fiók")
    expect(page.get_by_role("radio", name="Magyar")).to_be_checked()
    _no_english(page, english_words, "account")
    page.get_by_role("button", name="Kijelentkezés").click()
    expect(page.get_by_role("heading", name="Bejelentkezés")).to_be_visible(timeout=60_000)
    _no_english(page, english_words, "signed-out")

    # 3. the report writer exports the anonymized tables: the file's headings are Hungarian too
    _sign_in(page, server, "wanda", english_words)
    _nav(page, "Exportálás")
    page.get_by_text("xlsx", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Exportálás előkészítése").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"^Elkészült: .+\.xlsx"))).to_be_visible(timeout=120_000)
    _no_english(page, english_words, "export-ready")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Letöltés").click()
    saved = ARTIFACTS / f"hungarian-{download_info.value.suggested_filename}"
    download_info.value.save_as(saved)
    book = load_workbook(saved, read_only=True)
    assert "Idézetek" in book.sheetnames and "Quotes" not in book.sheetnames
    headings = [str(v) for v in next(book["Idézetek"].iter_rows(values_only=True)) if v]
    assert "idézet" in " ".join(headings) and "quote" not in headings
