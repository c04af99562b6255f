"""The catalogues against the code: complete, nothing unused, compiled, placeholders kept."""

from __future__ import annotations

import gettext
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import write_po

from tests.conftest import REPO_ROOT
from workbench.i18n import DOMAIN, LANGUAGES, LOCALE_DIR
from workbench.i18n.catalogues import out_of_step, po_path, read_catalogue, untranslated

PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def test_catalogues_hold_exactly_the_messages_the_code_uses() -> None:
    for language, (missing, unused) in out_of_step(REPO_ROOT).items():
        assert not missing, f"{language}: used in the code but not in the catalogue (run ./dev i18n): {missing}"
        assert not unused, f"{language}: catalogue entries no code uses (run ./dev i18n): {unused}"


def test_the_check_finds_an_unused_entry_and_a_missing_one(tmp_path: Path) -> None:
    """The check above can fail: plant an entry nobody uses and drop one the code uses."""
    locale = tmp_path / "locale"
    shutil.copytree(LOCALE_DIR, locale, ignore=shutil.ignore_patterns("*.mo"))
    catalog = read_catalogue("hu", locale)
    catalog.add("A message no page shows", "Egy üzenet, amelyet egy oldal sem mutat")
    catalog.delete("Sign in")
    with po_path("hu", locale).open("wb") as handle:
        write_po(handle, catalog)
    missing, unused = out_of_step(REPO_ROOT, locale)["hu"]
    assert missing == {"Sign in"}
    assert unused == {"A message no page shows"}


def test_every_message_has_a_hungarian_translation_with_the_same_placeholders() -> None:
    assert untranslated("hu") == []
    for message in read_catalogue("hu"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) == wanted, f"{ids[0]!r} -> {string!r}"
            assert string != ids[0] or not re.search(r"[a-z]{4}", ids[0]), f"copied, not translated: {ids[0]!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_shipped_compiled_catalogue_matches_its_source(language: str, tmp_path: Path) -> None:
    fresh = tmp_path / f"{DOMAIN}.mo"
    with fresh.open("wb") as handle:
        write_mo(handle, read_catalogue(language))
    shipped = po_path(language).with_suffix(".mo")
    with fresh.open("rb") as a, shipped.open("rb") as b:
        assert gettext.GNUTranslations(a)._catalog == gettext.GNUTranslations(b)._catalog, "run ./dev i18n"
