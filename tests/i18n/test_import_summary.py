"""A .qdpx import's account (the summary line and the warnings) reads in the reader's language."""

from __future__ import annotations

from workbench.i18n import use_language
from workbench.refi.model import Account, not_imported, reason_text


def _account() -> Account:
    account = Account()
    account.codes.total = account.codes.imported = 5
    account.codings.total, account.codings.imported = 18, 2
    account.codings.skip("source file missing from the archive", 16)
    account.sources.total, account.sources.imported = 4, 3
    account.sources.skip("a picture source, not text")
    return account


def test_the_summary_in_english_is_unchanged() -> None:
    account = _account()
    assert account.line() == (
        "codes 5 of 5; sources 3 of 4 (skipped: 1 a picture source, not text); selections 0 of 0; "
        "codings 2 of 18 (skipped: 16 source file missing from the archive)"
    )
    assert account.sentences() == [
        "1 source was not imported (a picture source, not text).",
        "16 codings were not imported (source file missing from the archive).",
    ]


def test_the_summary_in_hungarian() -> None:
    account = _account()
    with use_language("hu"):
        line, sentences = account.line(), account.sentences()
    assert line == (
        "kódok: 5 / 5; források: 3 / 4 (kihagyva: 1: képforrás, nem szöveg); kijelölések: 0 / 0; "
        "kódolások: 2 / 18 (kihagyva: 16: a forrásfájl hiányzik az archívumból)"
    )
    assert sentences == [
        "1 forrás nem lett importálva (képforrás, nem szöveg).",
        "16 kódolás nem lett importálva (a forrásfájl hiányzik az archívumból).",
    ]


def test_a_reason_built_with_a_number_is_translated_with_its_number() -> None:
    account = Account()
    account.sources.total = 1
    account.sources.skip("file too large (over 50 MB)")
    with use_language("hu"):
        assert account.sentences() == ["1 forrás nem lett importálva (a fájl túl nagy (több mint 50 MB))."]
        assert reason_text("source file too large (over 2 MB)") == "a forrásfájl túl nagy (több mint 2 MB)"
    assert account.sentences() == ["1 source was not imported (file too large (over 50 MB))."]
    assert reason_text("file too large (over lots of MB)") == "file too large (over lots of MB)", "not the pattern"


def test_what_was_not_imported_reads_as_a_sentence_with_its_plural() -> None:
    assert not_imported("set", 1) == "1 set was not imported."
    assert not_imported("set", 2) == "2 sets were not imported."
    assert not_imported("note without its text", 3) == "3 notes without their text were not imported."
    with use_language("hu"):
        assert not_imported("set", 2) == "2 halmaz nem lett importálva."
        assert not_imported("reference to a missing note", 1) == (
            "1 hiányzó jegyzetre mutató hivatkozás nem lett importálva."
        )
    assert not_imported("hyperlink", 2) == "hyperlink: 2 not imported.", "an unlisted kind is still reported"
