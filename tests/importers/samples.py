"""Builders for every input format, so the tests make their own fixtures in memory.

Documents are built with the same libraries a researcher's tools would produce
them with (python-docx, odfpy, openpyxl); the PDF is written by hand, object by
object, so that its text layer is exactly known, and uses a font encoding whose
/Differences map the cp1250 bytes of ő ű Ő Ű to their glyph names.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import docx
import openpyxl
from odf.opendocument import OpenDocumentText
from odf.text import P

HUNGARIAN = (
    "K: Hol nőtt fel?\n\n"
    "V: Győrben, a fűzfás udvarban. Őszintén szólva az ŰRHAJÓS bolt volt a kedvencem.\n\n"
    "K: És az iskola?\n\n"
    "V: Árvíztűrő tükörfúrógép, mondta a tanító."
)
ENGLISH = (
    "Interviewer: Where did you grow up?\n\n"
    "Participant: Behind the tannery, where the marmalade trams stopped. It was quiet.\n\n"
    "Interviewer: And school?\n\n"
    "Participant: I left early."
)


def docx_bytes(paragraphs: Sequence[str], table: Sequence[Sequence[str]] = ()) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, values in zip(grid.rows, table, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes(paragraphs: Sequence[str]) -> bytes:
    document = OpenDocumentText()
    for paragraph in paragraphs:
        document.text.addElement(P(text=paragraph))
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def replace_member(container: bytes, member: str, content: bytes) -> bytes:
    """A copy of a zip container with one member's content replaced (or added)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(container)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
        target.writestr(member, content)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A valid .docx carrying a part that inflates 1000-fold (20 MB of zeros)."""
    return replace_member(docx_bytes(["Interviewer: Hello?", "Participant: Hi."]), "word/media/pad.bin",
                          bytes(20 * 1024 * 1024))  # fmt: skip


def entity_docx() -> bytes:
    """A .docx whose document part declares an internal entity (the billion-laughs building block)."""
    original = docx_bytes(["Interviewer: Hello?", "Participant: &lol;"])
    with zipfile.ZipFile(io.BytesIO(original)) as archive:
        xml = archive.read("word/document.xml")
    declaration = b'<!DOCTYPE w:document [<!ENTITY lol "lol lol lol lol lol">]>'
    head, _, rest = xml.partition(b"?>")
    hostile = head + b"?>" + declaration + rest.replace(b"&amp;lol;", b"&lol;")
    return replace_member(original, "word/document.xml", hostile)


_PDF_FONT = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
    b"/BaseEncoding /WinAnsiEncoding /Differences [213 /Ohungarumlaut 219 /Uhungarumlaut "
    b"245 /ohungarumlaut 251 /uhungarumlaut] >> >>"
)
_PDF_IMAGE = b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 1 >>\nstream\n\x80\nendstream"  # noqa: E501


def _pdf_literal(line: str) -> bytes:
    raw = line.encode("cp1250")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def pdf_bytes(pages: Sequence[Sequence[str] | None]) -> bytes:
    """A PDF with one page per entry: lines of text, or ``None`` for a scanned page (an image, no text)."""
    objects: list[bytes] = [b"", b"", _PDF_FONT, _PDF_IMAGE]  # 1 catalog, 2 page tree, 3 font, 4 image
    page_ids: list[int] = []
    for lines in pages:
        if lines is None:
            content = b"q 500 0 0 700 50 50 cm /Im1 Do Q"
        else:
            content = b"BT /F1 11 Tf 14 TL 72 760 Td " + b" ".join(_pdf_literal(x) + b" Tj T*" for x in lines) + b" ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        content_id = len(objects)
        resources = b"/XObject << /Im1 4 0 R >>" if lines is None else b"/Font << /F1 3 0 R >>"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R /Resources << %s >> >>"
            % (content_id, resources)
        )
        page_ids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % i for i in page_ids)
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % len(page_ids)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def rtf_bytes(paragraphs: Sequence[str]) -> bytes:
    """Hungarian Word's RTF: \\ansicpg1250, 8-bit letters as \\'xx, the rest as \\uN? escapes."""
    body = []
    for paragraph in paragraphs:
        chars = []
        for char in paragraph:
            if char in "\\{}":
                chars.append("\\" + char)
            elif ord(char) < 128:
                chars.append(char)
            else:
                try:
                    chars.append(f"\\'{char.encode('cp1250')[0]:02x}")
                except UnicodeEncodeError:
                    chars.append(f"\\u{ord(char)}?")
        body.append("".join(chars) + "\\par\n")
    document = "{\\rtf1\\ansi\\ansicpg1250\\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\n\\f0\\fs22 " + "".join(body) + "}"
    return document.encode("ascii")
