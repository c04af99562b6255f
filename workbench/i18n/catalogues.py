"""``./dev i18n``: extract the marked strings, update both catalogues, compile them.

Why one command: the catalogues must always match the code (the tests fail on a shown string
a catalogue lacks and on an entry no code uses), so extraction, update and compilation run
together and in one fixed way: sorted entries without source locations, so that two branches
that each add strings merge without conflicts in unrelated lines. The extraction settings
(which files, which keywords) live in ``[tool.babel]`` of ``pyproject.toml``.

English is the source language: its catalogue repeats every message as its own translation, so
it is complete and a missing entry is visible. Hungarian entries start empty; a translator
fills in ``msgstr`` in ``workbench/locale/hu/LC_MESSAGES/messages.po`` and runs the command
again to compile.
"""

from __future__ import annotations

import copy
import datetime as dt
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from workbench.i18n import DEFAULT_LANGUAGE, DOMAIN, LANGUAGES, LOCALE_DIR

FIXED_DATE = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
HEADER = """\
# Interface messages of the workbench ({language}). Written by ./dev i18n: edit only msgstr.
# Terms: workbench/locale/GLOSSARY.md."""
SOURCES = ("app.py", "pages", "workbench")
"""What is searched for marked strings, relative to the checkout."""


def po_path(language: str, locale_dir: Path = LOCALE_DIR) -> Path:
    return locale_dir / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def _babel(*args: str) -> None:
    CommandLineInterface().run(["pybabel", "--quiet", *args])  # type: ignore[no-untyped-call]


def extract(root: Path, pot: Path) -> Catalog:
    """Every marked message in the checkout at ``root``, as a template written to ``pot``."""
    _babel(
        "extract",
        "--mapping-file",
        str(root / "pyproject.toml"),
        "--no-location",
        "--sort-output",
        "--omit-header",
        "--project",
        "workbench",
        "--output-file",
        str(pot),
        *(str(root / source) for source in SOURCES),
    )
    with pot.open("rb") as handle:
        return read_po(handle)


def read_catalogue(language: str, locale_dir: Path = LOCALE_DIR) -> Catalog:
    with po_path(language, locale_dir).open("rb") as handle:
        return read_po(handle, locale=language)


def message_ids(catalog: Iterable[object]) -> set[str]:
    """The singular ids of a catalogue's messages (the header entry left out)."""
    ids: set[str] = set()
    for message in catalog:
        msgid = getattr(message, "id", "")
        if msgid:
            ids.add(msgid[0] if isinstance(msgid, tuple) else msgid)
    return ids


def update(root: Path, locale_dir: Path = LOCALE_DIR) -> None:
    """Bring both catalogues in line with the code (new entries empty, unused ones gone), compile."""
    with tempfile.TemporaryDirectory() as tmp:
        template = extract(root, Path(tmp) / f"{DOMAIN}.pot")
    for language in LANGUAGES:
        target = po_path(language, locale_dir)
        catalog = read_catalogue(language, locale_dir) if target.exists() else Catalog(locale=language)
        # A copy: update() adopts the template's new message objects, and English fills them in.
        catalog.update(copy.deepcopy(template), no_fuzzy_matching=True)
        catalog.obsolete.clear()
        if language == DEFAULT_LANGUAGE:
            _fill_source(catalog)
        # Fixed header dates: running the command changes a catalogue only where messages changed.
        catalog.project, catalog.version = "workbench", "1"
        catalog.creation_date = catalog.revision_date = FIXED_DATE
        catalog.fuzzy = False
        catalog.header_comment = HEADER.format(language=language)
        catalog.last_translator = catalog.language_team = "workbench contributors"
        catalog.msgid_bugs_address = ""
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, no_location=True, ignore_obsolete=True, width=100)
        with target.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)


def _fill_source(catalog: Catalog) -> None:
    """English translates each message to itself (``ngettext``: singular and plural)."""
    for message in catalog:
        if message.id:
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            message.flags.discard("fuzzy")


def out_of_step(root: Path, locale_dir: Path = LOCALE_DIR) -> dict[str, tuple[set[str], set[str]]]:
    """Per language: (messages the code uses that the catalogue lacks, entries no code uses)."""
    with tempfile.TemporaryDirectory() as tmp:
        used = message_ids(extract(root, Path(tmp) / f"{DOMAIN}.pot"))
    found = {}
    for language in LANGUAGES:
        held = message_ids(read_catalogue(language, locale_dir))
        found[language] = (used - held, held - used)
    return found


def untranslated(language: str, locale_dir: Path = LOCALE_DIR) -> list[str]:
    """Messages of ``language`` with no (or a fuzzy) translation."""
    missing = []
    for message in read_catalogue(language, locale_dir):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(str(message.id[0] if isinstance(message.id, tuple) else message.id))
    return missing


def main(argv: list[str] | None = None) -> int:
    root = Path(argv[0] if argv else ".").resolve()
    update(root)
    missing = untranslated("hu")
    for msgid in missing:
        print(f"untranslated (hu): {msgid!r}", file=sys.stderr)
    if missing:
        print(
            f"{len(missing)} Hungarian messages need a msgstr in {po_path('hu')}; "
            "fill them in and run ./dev i18n again.",
            file=sys.stderr,
        )
    return 1 if missing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
