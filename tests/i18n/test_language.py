"""The look-up itself: per-context language, fallbacks, misses, dates and numbers."""

from __future__ import annotations

import datetime as dt
import threading

from workbench import i18n
from workbench.i18n import gettext as _


def test_the_language_is_per_context_and_english_by_default() -> None:
    assert i18n.current_language() == "en"
    assert _("Sign in") == "Sign in"
    with i18n.use_language("hu"):
        assert _("Sign in") == "Bejelentkezés"
        assert i18n.ngettext("{n} coding", "{n} codings", 3).format(n=3) == "3 kódolás"
        seen: list[str] = []
        thread = threading.Thread(target=lambda: seen.append(_("Sign in")))
        thread.start()
        thread.join()
        assert seen == ["Sign in"], "another thread (another browser session) keeps its own language"
    assert _("Sign in") == "Sign in"


def test_unknown_languages_fall_back_to_english() -> None:
    assert i18n.normalise("hu_HU") == "hu"
    assert i18n.normalise("hu-HU") == "hu"
    assert i18n.normalise("de") == "en"
    assert i18n.normalise(None) == "en"
    with i18n.use_language("xx"):
        assert i18n.current_language() == "en"


def test_a_message_missing_from_the_catalogue_is_shown_in_english_and_recorded() -> None:
    with i18n.use_language("hu"), i18n.collect_misses() as misses:
        assert _("A sentence no catalogue holds") == "A sentence no catalogue holds"
        assert _("Sign in") == "Bejelentkezés"
    assert misses == {"A sentence no catalogue holds"}


def test_dates_and_numbers_follow_the_language() -> None:
    day = dt.date(2026, 12, 1)
    moment = dt.datetime(2026, 12, 1, 14, 5, tzinfo=dt.UTC)
    assert i18n.format_date(day) == "2026-12-01"
    assert i18n.format_number(1234.5, 1) == "1,234.5"
    with i18n.use_language("hu"):
        assert i18n.format_date(day) == "2026. 12. 01."
        assert i18n.format_datetime(moment) == "2026. 12. 01. 14:05"
        assert i18n.format_number(0.875, 3) == "0,875"
        assert i18n.format_number(1234.5, 1).replace("\u00a0", " ") == "1 234,5"
        assert i18n.format_percent(0.875, 1) == "87,5%"
