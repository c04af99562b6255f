"""Attack: hide a DOCTYPE with an external entity behind an XML encoding the guard does not read.

A ``.docx`` whose ``word/document.xml`` is UTF-16BE without a byte-order mark and
declares ``<!DOCTYPE ... [<!ENTITY x SYSTEM "file:///etc/passwd">]>`` was imported:
the guard sniffed for ``<`` in UTF-8, saw ``\\x00<``, took the part for binary and
let the office library's parser (which does detect UTF-16) read it. The shared guard
(``workbench.xml_guard``) detects the encoding as XML 1.0 Appendix F does (byte-order
mark, else the first bytes of ``<?xml`` in UTF-16/UTF-32 of either byte order, then
the encoding declaration) before looking for a DOCTYPE, in every XML part of every
format: .docx, .odt, .xlsx, .qdpx and .qdc.
"""

from __future__ import annotations

import codecs
import io
import zipfile
from collections.abc import Callable

import pytest

from tests.importers.samples import docx_bytes, odt_bytes, replace_member, xlsx_bytes
from tests.refi.fixtures import MINIMAL_QDE, archive
from workbench.errors import InvalidInputError
from workbench.importers.documents import docx_text, odt_text
from workbench.importers.tables import read_table
from workbench.refi.qdc import read_qdc
from workbench.refi.qdpx import read_qdpx
from workbench.xml_guard import detect_xml_encoding

XXE = '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'

# name -> (codec for the body, BOM to put in front, encoding named in the declaration or None)
ENCODINGS: dict[str, tuple[str, bytes, str | None]] = {
    "utf-8": ("utf-8", b"", "UTF-8"),
    "utf-8-bom": ("utf-8", codecs.BOM_UTF8, "UTF-8"),
    "utf-16be-bom": ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16"),
    "utf-16le-bom": ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16"),
    "utf-16be-no-bom": ("utf-16-be", b"", "UTF-16"),
    "utf-16le-no-bom": ("utf-16-le", b"", "UTF-16"),
    "utf-16be-no-bom-no-decl": ("utf-16-be", b"", None),
    "utf-32be-bom": ("utf-32-be", codecs.BOM_UTF32_BE, "UTF-32"),
    "utf-32le-bom": ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32"),
    "utf-32be-no-bom": ("utf-32-be", b"", "UTF-32"),
    "utf-32le-no-bom": ("utf-32-le", b"", "UTF-32"),
    "latin2-declared": ("iso-8859-2", b"", "ISO-8859-2"),
    "utf-7-declared": ("utf-7", b"", "UTF-7"),
}


def encode(xml_without_declaration: str, encoding: str) -> bytes:
    codec, bom, declared = ENCODINGS[encoding]
    if codec == "utf-7":  # the declaration is ASCII; UTF-7 hides the markup after it
        return b'<?xml version="1.0" encoding="UTF-7"?>' + xml_without_declaration.encode("utf-7")
    declaration = f'<?xml version="1.0" encoding="{declared}"?>' if declared else ""
    return bom + (declaration + xml_without_declaration).encode(codec)


def hostile(body: str, encoding: str) -> bytes:
    """``body`` (a document without declaration) with the XXE DOCTYPE put before its root."""
    return encode(XXE + body, encoding)


def _strip_declaration(xml: bytes) -> str:
    text = xml.decode("utf-8")
    return text.split("?>", 1)[1].lstrip() if text.startswith("<?xml") else text


def _docx(encoding: str) -> None:
    original = docx_bytes(["Hello"])
    body = _strip_declaration(zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml"))
    docx_text("evil.docx", replace_member(original, "word/document.xml", hostile(body, encoding)))


def _odt(encoding: str) -> None:
    original = odt_bytes(["Hello"])
    body = _strip_declaration(zipfile.ZipFile(io.BytesIO(original)).read("content.xml"))
    odt_text("evil.odt", replace_member(original, "content.xml", hostile(body, encoding)))


def _xlsx(encoding: str) -> None:
    original = xlsx_bytes([["code", "age"], ["P1", 30]])
    body = _strip_declaration(zipfile.ZipFile(io.BytesIO(original)).read("xl/worksheets/sheet1.xml"))
    data = replace_member(original, "xl/worksheets/sheet1.xml", hostile(body, encoding))
    read_table("evil.xlsx", data, language="en", max_bytes=50 << 20)


def _qdpx(encoding: str) -> None:
    read_qdpx("evil.qdpx", archive({"project.qde": hostile(MINIMAL_QDE, encoding)}))


def _qdc(encoding: str) -> None:
    body = '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes/></CodeBook>'
    read_qdc("evil.qdc", hostile(body, encoding))


FORMATS: dict[str, Callable[[str], None]] = {"docx": _docx, "odt": _odt, "xlsx": _xlsx, "qdpx": _qdpx, "qdc": _qdc}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", FORMATS)
def test_a_doctype_is_refused_in_every_format_and_encoding(fmt: str, encoding: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        FORMATS[fmt](encoding)
    message = str(caught.value)
    assert "DOCTYPE" in message or "encoding" in message, message
    assert "passwd" not in message


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", "utf-8"), ("utf-8-bom", "utf-8"), ("utf-16be-bom", "utf-16-be"), ("utf-16le-bom", "utf-16-le"),
     ("utf-16be-no-bom", "utf-16-be"), ("utf-16le-no-bom", "utf-16-le"), ("utf-32be-bom", "utf-32-be"),
     ("utf-32le-no-bom", "utf-32-le"), ("latin2-declared", "iso8859-2")],
)  # fmt: skip
def test_the_encoding_is_detected_as_appendix_f_says(encoding: str, expected: str) -> None:
    assert detect_xml_encoding(encode("<a/>", encoding)) == expected


def test_honest_utf16_documents_still_import() -> None:
    original = docx_bytes(["Hello there"])
    body = _strip_declaration(zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml"))
    utf16 = encode(body, "utf-16le-bom")
    assert "Hello there" in docx_text("honest.docx", replace_member(original, "word/document.xml", utf16))
    code = '<Code guid="11111111-2222-4333-8444-555555555555" name="Grievance" isCodable="true"/>'
    codebook = encode(f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>{code}</Codes></CodeBook>', "utf-16be-bom")
    codes, _ = read_qdc("honest.qdc", codebook)
    assert [c.name for c in codes] == ["Grievance"]


def test_binary_parts_are_not_taken_for_xml() -> None:
    assert detect_xml_encoding(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") is None
    assert detect_xml_encoding(b"") is None
