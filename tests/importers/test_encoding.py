"""Plain-text decoding: byte-order marks, UTF-16 without one, and the legacy Hungarian code pages."""

from __future__ import annotations

import codecs
import random
import unicodedata

import pytest

from tests.importers.samples import HUNGARIAN
from workbench.errors import InvalidInputError
from workbench.importers import extract_text
from workbench.importers.encoding import decode_text

LIMIT = 50 * 1024 * 1024
QUOTES = "V: Azt mondta: „soha többé” – és elment. Ő így döntött."  # noqa: RUF001 - Hungarian typography


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (HUNGARIAN.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF8 + HUNGARIAN.encode("utf-8"), "UTF-8"),
        (codecs.BOM_UTF16_LE + HUNGARIAN.encode("utf-16-le"), "UTF-16"),
        (codecs.BOM_UTF16_BE + HUNGARIAN.encode("utf-16-be"), "UTF-16"),
        (HUNGARIAN.encode("utf-16-le"), "UTF-16"),
        (HUNGARIAN.encode("utf-16-be"), "UTF-16"),
        (codecs.BOM_UTF32_LE + HUNGARIAN.encode("utf-32-le"), "UTF-32"),
        (HUNGARIAN.encode("cp1250"), "cp1250"),
        (HUNGARIAN.encode("iso8859_2"), "cp1250"),  # identical bytes for every Hungarian letter
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32-bom", "cp1250", "latin2"],
)
@pytest.mark.parametrize("language", ["hu", "en"])
def test_hungarian_comes_out_right_in_every_encoding(data: bytes, encoding: str, language: str) -> None:
    decoded = decode_text("interju.txt", data, language)
    assert decoded.text == HUNGARIAN
    assert decoded.encoding == encoding
    assert "õ" not in decoded.text and "û" not in decoded.text


@pytest.mark.parametrize("language", ["hu", "en"])
def test_cp1250_typographic_quotes_and_dashes(language: str) -> None:
    assert decode_text("q.txt", QUOTES.encode("cp1250"), language).text == QUOTES


@pytest.mark.parametrize(("codec", "expected"), [("cp1250", "cp1250"), ("iso8859_2", "iso8859_2")])
def test_a_slovak_name_tells_cp1250_from_iso_8859_2(codec: str, expected: str) -> None:
    text = "V: Győrben nőttem fel, Šimon barátom volt."  # Š is 0x8A in cp1250, 0xA9 in ISO-8859-2
    decoded = decode_text("x.txt", text.encode(codec), "hu")
    assert (decoded.text, decoded.encoding) == (text, expected)


def test_english_cp1252_in_an_english_project() -> None:
    text = "I: Where? R: The café “Blue” – a naïve façade, it’s fine."  # noqa: RUF001
    decoded = decode_text("en.txt", text.encode("cp1252"), "en")
    assert decoded.text == text and decoded.encoding == "cp1252"


def test_text_is_normalised_to_nfc_once_at_import() -> None:
    decomposed = unicodedata.normalize("NFD", HUNGARIAN).replace("\n", "\r\n")
    assert decomposed != HUNGARIAN
    extracted = extract_text("mac.txt", decomposed.encode("utf-8"), language="hu", max_bytes=LIMIT)
    assert extracted.text == HUNGARIAN
    assert extracted.encoding == "UTF-8" and extracted.source_format == "txt"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", "PDF document"),
        (b"PK\x03\x04" + bytes(100), "zip archive"),
        (bytes(range(256)) * 40, "NUL bytes"),
    ],
    ids=["png", "pdf", "zip", "nul-bytes"],
)
def test_binary_files_renamed_txt_are_refused_by_name(data: bytes, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message) as caught:
        extract_text("renamed.txt", data, language="hu", max_bytes=LIMIT)
    assert str(caught.value).startswith("renamed.txt: ")


def test_what_a_binary_file_is_is_told_in_the_readers_language() -> None:
    from workbench.i18n import use_language

    with use_language("hu"), pytest.raises(InvalidInputError) as caught:
        extract_text("renamed.txt", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj", language="hu", max_bytes=LIMIT)
    assert str(caught.value) == (
        "renamed.txt: ez egy PDF-dokumentum (adja meg neki a .pdf kiterjesztést), nem egyszerű szövegfájl."
    )


def test_binary_without_nul_bytes_is_refused() -> None:
    rng = random.Random(3)  # noqa: S311 - reproducible noise, not a secret
    data = bytes(rng.randrange(1, 256) for _ in range(20_000))
    with pytest.raises(InvalidInputError, match=r"renamed\.txt: .*(not look like a text|neither UTF-8)"):
        extract_text("renamed.txt", data, language="hu", max_bytes=LIMIT)


def test_an_invalid_byte_after_a_bom_is_reported_with_its_position() -> None:
    with pytest.raises(InvalidInputError, match=r"bad\.txt: .*byte \d+ is not valid UTF-8"):
        decode_text("bad.txt", codecs.BOM_UTF8 + b"ok \xff\xfe", "hu")
