"""Report writer's journey in a real browser: sign in, export an anonymized XLSX, download it, check it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, Server, shoot, sign_in, wait_idle
from workbench.paths import DEMO_DATA_DIR
from workbench.services.demo import demo_password


def _real_names() -> set[str]:
    entities = yaml.safe_load((DEMO_DATA_DIR / "known_entities.yaml").read_text(encoding="utf-8"))["entities"]
    names = {e["text"] for e in entities}
    return names | {alias for e in entities for alias in e.get("aliases", [])}


def test_writer_exports_an_anonymized_xlsx_with_pseudonyms_and_no_real_names(page: Page, server: Server) -> None:
    sign_in(page, server, "wanda", demo_password("wanda"))
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="Transcripts")).to_have_count(0)  # writers never see raw text
    nav.get_by_role("link", name="Export").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Export")).to_be_visible()
    page.get_by_text("xlsx", exact=True).click()
    wait_idle(page)
    shoot(page, "writer-export")
    page.get_by_role("button", name="Prepare export").click()
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"^Ready: .+\.xlsx .*recorded in the audit log"))).to_be_visible(timeout=120_000)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    saved = ARTIFACTS / download.suggested_filename
    download.save_as(saved)
    shoot(page, "writer-export-ready")
    cells = _cell_texts(saved)
    assert any("[PERSON" in c for c in cells), "the quotes carry pseudonym tags"
    leaked = {name for name in _real_names() if any(name in c for c in cells)}
    assert leaked == set(), f"real names in the export: {leaked}"


def _cell_texts(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    return [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
