"""Hostile and broken files: each is refused with a message naming it and quoting nothing of it."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.importers.samples import (
    HUNGARIAN,
    docx_bytes,
    entity_docx,
    odt_bytes,
    pdf_bytes,
    replace_member,
    zip_bomb_docx,
)
from workbench.errors import InvalidInputError
from workbench.importers import extract_text
from workbench.importers.safety import ZipLimits, max_import_bytes, open_zip

LIMIT = 50 * 1024 * 1024
SECRET = "fűzfás udvar"  # appears in the sample transcripts; must never appear in a message


def refused(name: str, data: bytes, *, max_bytes: int = LIMIT) -> str:
    with pytest.raises(InvalidInputError) as caught:
        extract_text(name, data, language="hu", max_bytes=max_bytes)
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    assert SECRET not in message and "Győr" not in message
    return message


def test_zip_bomb_docx() -> None:
    assert "zip bomb" in refused("bomb.docx", zip_bomb_docx())


def test_docx_with_an_xml_entity() -> None:
    assert "DOCTYPE or entities" in refused("entity.docx", entity_docx())


@pytest.mark.parametrize(
    ("member", "content"),
    [
        ("word/evil.bin", b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'),
        ("customXml/item9.xml", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16")),
    ],
    ids=["any-name", "utf-16"],
)
def test_a_doctype_is_found_in_any_xml_part_whatever_its_name_or_encoding(member: str, content: bytes) -> None:
    hostile = replace_member(docx_bytes(["Interviewer: Hello?", "Participant: Hi."]), member, content)
    assert "DOCTYPE or entities" in refused("hidden.docx", hostile)


def test_odt_with_an_external_entity() -> None:
    original = odt_bytes(["K: Hol?", "V: Itt."])
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        xml = archive.read("content.xml")
    head, _, rest = xml.partition(b"?>")
    hostile = head + b'?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + rest
    assert "DOCTYPE or entities" in refused("xxe.odt", replace_member(original, "content.xml", hostile))


def test_odt_space_repetition_is_capped() -> None:
    original = odt_bytes(["K: Hol?", "V: Itt."])
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        xml = archive.read("content.xml")
    hostile = xml.replace(b"V: Itt.", b'V: Itt.<text:s text:c="2000000000"/>!', 1)
    text = extract_text("spaces.odt", replace_member(original, "content.xml", hostile), language="hu",
                        max_bytes=LIMIT).text  # fmt: skip
    assert text == "K: Hol?\n\nV: Itt." + " " * 1000 + "!"


def test_a_container_with_too_many_parts_or_too_much_content() -> None:
    data = docx_bytes(["Interviewer: Hello?", "Participant: Hi."])
    with pytest.raises(InvalidInputError, match=r"x\.docx: .* holds \d+ parts"):
        open_zip("x.docx", data, "Word (.docx)", ZipLimits(max_members=5))
    with pytest.raises(InvalidInputError, match=r"x\.docx: .* would unpack to"):
        open_zip("x.docx", data, "Word (.docx)", ZipLimits(max_total=1000))


@pytest.mark.parametrize("name", ["broken.docx", "broken.odt"])
def test_not_a_zip_at_all(name: str) -> None:
    assert "not a valid" in refused(name, HUNGARIAN.encode("utf-8"))


def test_a_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hello")
    assert "could not be read as a Word (.docx) document" in refused("other.docx", buffer.getvalue())


def test_pdf_without_a_text_layer_needs_ocr() -> None:
    assert "needs OCR" in refused("scan.pdf", pdf_bytes([None, None]))


def test_pdf_with_one_scanned_page_is_refused_whole() -> None:
    message = refused("mixed.pdf", pdf_bytes([["K: Hol nőtt fel?"], None, ["V: Győrben."]]))
    assert "1 of 3 pages (page 2)" in message and "needs OCR" in message


def test_damaged_pdf() -> None:
    assert "could not be read as a PDF" in refused("damaged.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 8)


def test_rtf_extension_on_another_file() -> None:
    assert "not an RTF document" in refused("fake.rtf", HUNGARIAN.encode("utf-8"))


@pytest.mark.parametrize("name", ["empty.txt", "empty.docx", "empty.pdf", "empty.vtt"])
def test_empty_files(name: str) -> None:
    assert "is empty" in refused(name, b"")


@pytest.mark.parametrize(
    ("name", "data"),
    [("blank.txt", b" \r\n\t\n"), ("blank.docx", docx_bytes(["", "  "])), ("blank.md", b"---\n\n***\n")],
)
def test_files_without_text(name: str, data: bytes) -> None:
    assert "holds no text" in refused(name, data)


def test_invalid_subtitles() -> None:
    assert "not a valid WebVTT" in refused("bad.vtt", "K: Hol nőtt fel, a fűzfás udvar?".encode())


def test_oversized_file_against_a_small_limit() -> None:
    message = refused("big.txt", b"x" * 2048, max_bytes=1024)
    assert "above the import limit" in message and "WORKBENCH_MAX_IMPORT_MB" in message


def test_the_limit_comes_from_the_argument_then_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WORKBENCH_MAX_IMPORT_MB", raising=False)
    assert max_import_bytes() == 50 * 1024 * 1024
    monkeypatch.setenv("WORKBENCH_MAX_IMPORT_MB", "0.5")
    assert max_import_bytes() == 512 * 1024
    assert max_import_bytes(2) == 2 * 1024 * 1024
    for bad in ("lots", "-1", "nan"):
        monkeypatch.setenv("WORKBENCH_MAX_IMPORT_MB", bad)
        with pytest.raises(InvalidInputError, match="megabytes"):
            max_import_bytes()
