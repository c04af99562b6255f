"""Interface language: every user-facing string passes through :func:`gettext`.

Why a module of its own: pages, services (export headings) and ``errors.py`` all need the
same look-up, and only ``workbench/ui`` may import streamlit, so the current language cannot
live in ``st.session_state`` here. It lives in a context variable instead: ``workbench.ui``
registers a provider that answers with the browser session's language (the signed-in member's
preference), the CLI sets the variable from ``--lang`` around an export, and everything else
(tests, services called directly) gets English.

The catalogues are standard gettext files under ``workbench/locale/<lang>/LC_MESSAGES/``
(``messages.po`` edited by people, ``messages.mo`` compiled by ``./dev i18n`` and shipped in
the wheel). Mark a string with ``_()`` where it is shown; a string built at import time (a
module constant) is marked with :func:`N_` and passed through ``_()`` where it is used.
"""

from __future__ import annotations

import datetime as dt
import gettext as _gettext
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent

LANGUAGES: tuple[str, ...] = ("en", "hu")
"""Interface languages with a catalogue, in the order the Account page offers them."""
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "hu": "Magyar"}
"""Each language in its own words (never translated: a reader must recognise their own)."""
DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"

_current: ContextVar[str | None] = ContextVar("workbench_language", default=None)
_provider: Callable[[], str | None] | None = None  # the UI's: this browser session's language
_misses: set[str] | None = None  # look-ups a catalogue lacked, while collect_misses() runs


class _Misses(_gettext.NullTranslations):
    """The last fallback of every catalogue: notes a message the catalogue lacks, returns it."""

    def gettext(self, message: str) -> str:
        if _misses is not None:
            _misses.add(message)
        return message

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        if _misses is not None:
            _misses.add(msgid1)
        return msgid1 if n == 1 else msgid2


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (loaded once per process)."""
    found = _gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)
    found.add_fallback(_Misses())
    return found


def normalise(language: str | None) -> str:
    """A supported interface language for ``language`` (``hu_HU`` -> ``hu``), else English."""
    code = (language or "").replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def set_provider(provider: Callable[[], str | None] | None) -> None:
    """Where the language comes from when no block chose one: ``workbench.ui`` registers the
    browser session's choice here (Streamlit runs callbacks before the page script, so a value
    set by the script would come too late for them)."""
    global _provider  # noqa: PLW0603 -- one process-wide hook, set once by the UI
    _provider = provider


def current_language() -> str:
    """The language chosen for this block (``use_language``), else the provider's, else English."""
    explicit = _current.get()
    if explicit is not None:
        return explicit
    if _provider is not None:
        try:
            chosen = _provider()
        except Exception:  # no session to ask (a thread of its own): the default
            chosen = None
        if chosen:
            return normalise(chosen)
    return DEFAULT_LANGUAGE


def set_language(language: str | None) -> None:
    """Make ``language`` the interface language of this run (a Streamlit run, a CLI command)."""
    _current.set(normalise(language))


@contextmanager
def use_language(language: str | None) -> Iterator[str]:
    """Switch the language for a block (an export in the exporter's language), then switch back."""
    token = _current.set(normalise(language))
    try:
        yield normalise(language)
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """Return ``message`` in the current interface language."""
    return translations(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Return the singular or plural form of a message for ``n`` items, in the current language."""
    return translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue without translating it (module constants)."""
    return message


_ = gettext


@contextmanager
def collect_misses() -> Iterator[set[str]]:
    """Collect every message a catalogue lacked while the block runs (the catalogue tests)."""
    global _misses  # noqa: PLW0603 -- one process-wide switch, off outside tests
    found: set[str] = set()
    _misses = found
    try:
        yield found
    finally:
        _misses = None


# ---------------------------------------------------------------- dates and numbers
# English keeps ISO dates (sortable, unambiguous across the Atlantic); Hungarian uses its own
# short form, "2026. 12. 01.", and a decimal comma.
_DATE_PATTERNS = {"en": "yyyy-MM-dd", "hu": "short"}
_DATETIME_PATTERNS = {"en": "yyyy-MM-dd HH:mm", "hu": "short"}


def format_date(value: dt.date | dt.datetime) -> str:
    language = current_language()
    return str(_babel_date(value, _DATE_PATTERNS[language], locale=language))


def format_datetime(value: dt.datetime) -> str:
    language = current_language()
    return str(_babel_datetime(value, _DATETIME_PATTERNS[language], tzinfo=value.tzinfo, locale=language))


def format_number(value: float, digits: int | None = None) -> str:
    """``value`` with the language's separators (``1 234,5``); ``digits`` fixes the decimals."""
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return str(_babel_decimal(value, pattern, locale=current_language()))


def format_percent(value: float, digits: int = 0) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return str(_babel_percent(value, pattern, locale=current_language()))
