"""One guard for every XML document read from an untrusted file: no DOCTYPE, in any encoding.

Office documents (.docx, .odt, .xlsx) and REFI-QDA files (.qdpx, .qdc) never need
a DOCTYPE; refusing it outright closes the door on entity expansion (billion
laughs) and external entities (reading local files, network fetches) whatever
parser runs later. A DOCTYPE can only stand in the prolog, before the root
element, so the guard reads the prolog and stops at the root's start tag.

The guard must read the bytes the way the later parser will. A check that only
understood UTF-8 let a ``word/document.xml`` in UTF-16BE without a byte-order
mark through, while the office library's parser read it (and its DOCTYPE) fine.
So the encoding is detected as XML 1.0 Appendix F says: a byte-order mark, else
the first bytes of ``<?xml`` (or of ``<``) in UTF-32 or UTF-16 of either byte
order, else UTF-8; then the encoding declaration, which must agree with the bytes
and name one of the encodings office programs write. Anything else (EBCDIC, the
unusual UCS-4 byte orders, UTF-7, a declaration that contradicts the bytes) is
refused rather than guessed at, because another parser might guess differently.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from workbench.errors import InvalidInputError

_HEAD = 4096
_CHUNK = 64 * 1024
MAX_PROLOG_CHARS = 1024 * 1024  # an honest prolog is a declaration and perhaps a comment

_BOMS = (  # UTF-32 first: its little-endian BOM begins with UTF-16's
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
)
_REFUSED_STARTS = (  # Appendix F: UCS-4 in the orders 2143 and 3412, and EBCDIC
    b"\x00\x00\xff\xfe", b"\xfe\xff\x00\x00", b"\x00\x00\x3c\x00", b"\x00\x3c\x00\x00", b"\x4c\x6f\xa7\x94",
)  # fmt: skip
_WIDE = ("utf-32-be", "utf-32-le", "utf-16-be", "utf-16-le")  # tried in this order, then UTF-8
_ASCII_FAMILY = frozenset(
    ["utf-8", "ascii", *(f"iso8859-{n}" for n in range(1, 17) if n != 12), *(f"cp{n}" for n in range(1250, 1259))]
)
_XML_SPACE = " \t\r\n"
_DECLARATION = re.compile(r"<\?xml[ \t\r\n][^?>]{0,400}\?>")
_ENCODING = re.compile(r"""encoding[ \t\r\n]*=[ \t\r\n]*(?:"([A-Za-z][A-Za-z0-9._-]*)"|'([A-Za-z][A-Za-z0-9._-]*)')""")


class UnsafeXml(ValueError):
    """Why an XML document is refused: ``reason`` is ``doctype``, ``encoding`` or ``malformed``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def detect_xml_encoding(head: bytes) -> str | None:
    """The codec the document's bytes are in, or None if they cannot begin an XML document.

    ``head`` is the first bytes of the document (a few KB is plenty). Raises
    ``UnsafeXml("encoding")`` for encodings that are refused rather than read.
    """
    bom_codec, start = _family(head)
    if bom_codec is None:
        return None
    declared = _declared_encoding(head[start:], bom_codec)
    return declared or bom_codec


def _family(head: bytes) -> tuple[str | None, int]:
    """The encoding family from the byte-order mark or the first characters, and where the text begins."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec, len(bom)
    if head.startswith(_REFUSED_STARTS):
        raise UnsafeXml("encoding")
    for codec in (*_WIDE, "utf-8"):
        text = _decode_head(head, codec)
        if text is None:
            continue
        stripped = text.lstrip(_XML_SPACE)
        if stripped.startswith("<") or (text and not stripped):
            return codec, 0
    return None, 0


def _decode_head(head: bytes, codec: str) -> str | None:
    decoder = codecs.getincrementaldecoder(codec)("strict" if codec != "utf-8" else "replace")
    try:
        return str(decoder.decode(head, final=False))
    except UnicodeDecodeError:
        return None


def _declared_encoding(body: bytes, family: str) -> str | None:
    """The declaration's encoding as a codec name, checked against the family the bytes are in."""
    text = _decode_head(body[:_HEAD], family) or ""
    match = _DECLARATION.match(text)
    if match is None:
        return None
    named = _ENCODING.search(match.group(0))
    if named is None:
        return None
    try:
        declared = codecs.lookup(named.group(1) or named.group(2)).name
    except LookupError:
        raise UnsafeXml("encoding") from None
    if family in _WIDE:
        if not family.startswith(declared.removesuffix("-be").removesuffix("-le")):
            raise UnsafeXml("encoding")  # e.g. UTF-16 bytes declared as UTF-8
        return family
    if declared not in _ASCII_FAMILY:
        raise UnsafeXml("encoding")  # UTF-7, EBCDIC, UTF-16 declared over ASCII bytes, ...
    return "utf-8" if family == "utf-8" and declared == "ascii" else declared


def check_prolog(read: Callable[[int], bytes]) -> bool:
    """Read an XML document's prolog through ``read``; False if the bytes are not XML at all.

    Raises ``UnsafeXml`` if the prolog declares a DOCTYPE (or any markup
    declaration), is in a refused encoding, or is not well-formed up to the root.
    """
    head = read(_HEAD)
    codec = detect_xml_encoding(head)
    if codec is None:
        return False
    _, start = _family(head)
    decoder = codecs.getincrementaldecoder(codec)("strict")
    try:
        text = decoder.decode(head[start:], final=False)
        at_end = False
        while True:
            verdict = _scan(text, at_end)
            if verdict is not None:
                return verdict
            if at_end or len(text) > MAX_PROLOG_CHARS:
                raise UnsafeXml("malformed")
            chunk = read(_CHUNK)
            at_end = not chunk
            text += decoder.decode(chunk, final=at_end)
    except UnicodeDecodeError:
        raise UnsafeXml("malformed") from None


def check_xml_bytes(data: bytes) -> bool:
    """``check_prolog`` for a document held in memory."""
    position = 0

    def read(size: int) -> bytes:
        nonlocal position
        chunk = data[position : position + size]
        position += len(chunk)
        return chunk

    return check_prolog(read)


def _scan(text: str, at_end: bool) -> bool | None:
    """True when the root element starts with no DOCTYPE before it; None when more text is needed."""
    pos = 1 if text.startswith("\ufeff") else 0
    while True:
        while pos < len(text) and text[pos] in _XML_SPACE:
            pos += 1
        rest = text[pos : pos + 4]
        if len(rest) < 4 and not at_end:
            return None
        if rest.startswith("<!--"):
            end = text.find("-->", pos + 4)
            if end < 0:
                return None
            pos = end + 3
        elif rest.startswith("<?"):
            end = text.find("?>", pos + 2)
            if end < 0:
                return None
            pos = end + 2
        elif rest.startswith("<!"):
            raise UnsafeXml("doctype")  # DOCTYPE; nothing else may start with <! in a prolog
        elif rest.startswith("<") and len(rest) > 1 and _name_start(rest[1]):
            return True
        else:
            raise UnsafeXml("malformed")


def _name_start(char: str) -> bool:
    return char.isalpha() or char in "_:" or ord(char) > 0x7F


def guard(where: str, kind: str, read: Callable[[int], bytes]) -> bool:
    """``check_prolog`` with the refusal phrased for a researcher; False if the part is not XML."""
    try:
        return check_prolog(read)
    except UnsafeXml as refused:
        raise InvalidInputError(message(where, kind, refused.reason)) from None


def message(where: str, kind: str, reason: str) -> str:
    """What to tell the user; names the file and the format, never quotes content."""
    if reason == "doctype":
        return (
            f"{where}: the XML declares a DOCTYPE or entities, which {kind} files never need; "
            "refused as potentially hostile."
        )
    if reason == "encoding":
        return (
            f"{where}: the XML is in an encoding {kind} files are never written in (or its declared encoding "
            "contradicts its bytes); refused as potentially hostile."
        )
    return f"{where}: the {kind} file holds damaged or malformed XML."
