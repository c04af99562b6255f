"""Word processor and PDF transcripts: .docx, .odt, .rtf and the text layer of .pdf.

Each word-processor paragraph becomes one block of text and blocks are separated
by a blank line, the convention the turn detector reads as a paragraph break.
The zip containers of .docx and .odt are checked (size, parts, compression
ratio, no XML DOCTYPE or entities) before a parser opens them.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from odf.namespaces import TEXTNS

from workbench.i18n import gettext as _

if TYPE_CHECKING:
    from docx.table import Table
    from odf.element import Element

# The parsers are imported by the function for their format: a .txt import (or a command that
# imports nothing) does not pay for pypdf, python-docx, odfpy and striprtf (issue 17).

from workbench.errors import InvalidInputError
from workbench.importers.safety import check_xml_parts, open_zip

DOCX = "Word (.docx)"
ODT = "OpenDocument (.odt)"
_MAX_ODT_SPACES = 1000  # text:s c="..." repeats a space; a hostile file could ask for billions
_LABEL_CELL = 40


def join_blocks(blocks: Iterable[str]) -> str:
    return "\n\n".join(block for block in blocks if block.strip())


# -- .docx -------------------------------------------------------------------


def docx_text(name: str, data: bytes) -> str:
    """Paragraphs and table rows of the document body, in order.

    A two-column table row whose first cell is short reads as ``speaker: text``,
    the layout many transcription services deliver.
    """
    with open_zip(name, data, DOCX) as archive:
        check_xml_parts(name, archive, DOCX)
    from docx import Document
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(data))
    blocks: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            blocks.append(item.text)
        else:
            blocks.extend(_table_rows(item))
    return join_blocks(blocks)


def _table_rows(table: Table) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:  # a horizontally merged cell is repeated once per grid column
            if previous is None or cell._tc is not previous._tc:
                cells.append(cell.text.strip())
            previous = cell
        cells = [c for c in cells if c]
        if len(cells) == 2 and len(cells[0]) <= _LABEL_CELL and "\n" not in cells[0]:
            yield f"{cells[0].rstrip(':')}: {cells[1]}"
        else:
            yield "\t".join(cells)


# -- .odt --------------------------------------------------------------------

_PARAGRAPHS = {(TEXTNS, "p"), (TEXTNS, "h")}
_LINE_BREAK, _TAB, _SPACES = (TEXTNS, "line-break"), (TEXTNS, "tab"), (TEXTNS, "s")


def odt_text(name: str, data: bytes) -> str:
    """Paragraphs and headings of the document body, in order (tables included)."""
    with open_zip(name, data, ODT) as archive:
        check_xml_parts(name, archive, ODT)
    from odf.opendocument import load as load_odf

    document = load_odf(io.BytesIO(data))
    return join_blocks(_odt_paragraph_text(p) for p in _odt_paragraphs(document.text))


def _odt_paragraphs(root: Element) -> Iterator[Element]:
    """Paragraph elements in document order, walked without recursion (nesting can be deep)."""
    from odf.element import Node

    stack = [root]
    while stack:
        node = stack.pop()
        if node.nodeType != Node.ELEMENT_NODE:
            continue
        if node.qname in _PARAGRAPHS:
            yield node
        else:
            stack.extend(reversed(node.childNodes))


def _odt_paragraph_text(paragraph: Element) -> str:
    """odfpy's ``teletype.extractText``, iterative and with ``text:s`` repetition capped."""
    from odf.element import Node

    parts: list[str] = []
    stack: list[Element] = list(reversed(paragraph.childNodes))
    while stack:
        node = stack.pop()
        if node.nodeType == Node.TEXT_NODE:
            parts.append(str(node.data))
        elif node.nodeType == Node.ELEMENT_NODE:
            if node.qname == _LINE_BREAK:
                parts.append("\n")
            elif node.qname == _TAB:
                parts.append("\t")
            elif node.qname == _SPACES:
                count = str(node.getAttribute("c") or "1")
                parts.append(" " * min(int(count) if count.isdigit() else 1, _MAX_ODT_SPACES))
            else:
                stack.extend(reversed(node.childNodes))
    return "".join(parts)


# -- .rtf --------------------------------------------------------------------

_ANSICPG = re.compile(rb"\\ansicpg(\d{3,5})")


def rtf_text(name: str, data: bytes) -> str:
    """Text of an RTF document; ``\\ansicpg1250`` (Hungarian Word) decodes ``\\'f5`` as ő."""
    if not data.lstrip().startswith(b"{\\rtf"):
        raise InvalidInputError(
            _("{name}: this is not an RTF document (it does not start with {{\\rtf).").format(name=name)
        )
    match = _ANSICPG.search(data, 0, 4096)
    codec = f"cp{int(match.group(1))}" if match else "cp1252"
    try:
        "".encode(codec)
    except LookupError:
        codec = "cp1252"
    try:
        source = data.decode(codec)
    except UnicodeDecodeError:
        source = data.decode("latin-1")  # RTF is 7-bit; stray 8-bit bytes must not stop the import
    from striprtf.striprtf import rtf_to_text

    text: str = rtf_to_text(source, encoding=codec, errors="replace")  # type: ignore[no-untyped-call]
    return join_blocks(text.split("\n"))


# -- .pdf --------------------------------------------------------------------


def pdf_text(name: str, data: bytes) -> str:
    """The text layer, page by page; a page of images without text means the PDF needs OCR.

    A page with neither text nor images is blank and skipped. Any page that shows
    images but has no text refuses the whole file: importing the rest would store
    an interview with silent gaps.
    """
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted and not reader.decrypt(""):
        raise InvalidInputError(
            _("{name}: the PDF is password-protected; save an unprotected copy and import that.").format(name=name)
        )
    pages: list[str] = []
    scanned: list[int] = []
    for number, page in enumerate(reader.pages, start=1):
        text = (page.extract_text() or "").strip()
        if text:
            pages.append(text)
        elif len(page.images) > 0:
            scanned.append(number)
    if scanned:
        shown = ", ".join(map(str, scanned[:10])) + (", ..." if len(scanned) > 10 else "")
        raise InvalidInputError(
            _(
                "{name}: {n_scanned} of {n_pages} pages (page {shown}) are images without a text layer; the PDF "
                "needs OCR (text recognition) before it can be imported."
            ).format(name=name, n_scanned=len(scanned), n_pages=len(reader.pages), shown=shown)
        )
    if not pages:
        raise InvalidInputError(
            _("{name}: the PDF has no text layer; if it is a scan, it needs OCR first.").format(name=name)
        )
    return join_blocks(pages)
