"""Decoding plain-text transcripts, whichever editor and decade they come from.

Order of evidence, strongest first: a byte-order mark (UTF-8, UTF-16, UTF-32);
the NUL-byte pattern of UTF-16 without a mark; valid UTF-8; and only then the
legacy single-byte code pages. For those, charset-normalizer decides whether the
bytes are text at all, and a targeted rule picks the code page, because
detectors confuse cp1250 with cp1252: Hungarian á é í ó ö ú ü share their bytes
in both, and only ő ű Ő Ű (0xF5 0xFB 0xD5 0xDB) differ, where cp1252 would show
õ û Õ Û. Those bytes therefore mean Central European, and otherwise the
project language decides (cp1250 for Hungarian, cp1252 for English).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from workbench.errors import InvalidInputError
from workbench.i18n import N_
from workbench.i18n import gettext as _

_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_MAGIC = (  # what the file is: marked for the catalogue, told in the reader's language
    (b"%PDF", N_("a PDF document (give it the .pdf extension)")),
    (b"PK\x03\x04", N_("a zip archive, perhaps a .docx, .odt or .xlsx file")),
    (b"{\\rtf", N_("an RTF document (give it the .rtf extension)")),
    (b"\xd0\xcf\x11\xe0", N_("an old Word or Excel file (.doc/.xls); save it as .docx or .txt")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"\x7fELF", N_("a program")),
)
_HUNGARIAN_ONLY = b"\xf5\xfb\xd5\xdb"
_CP1250_UNDEFINED = b"\x81\x83\x88\x90\x98"
_CP1252_UNDEFINED = b"\x81\x8d\x8f\x90\x9d"
_C1_BYTES = re.compile(rb"[\x80-\x9f]")
_LEGACY_CANDIDATES = ["cp1250", "iso8859_2", "cp1252"]
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.005
_UTF16_SAMPLE = 64 * 1024


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def decode_text(name: str, data: bytes, language: str) -> Decoded:
    """Bytes of a text file to ``str``; refuses binary data with a message naming the file."""
    _refuse_known_binary(name, data)
    decoded = _decode(name, data, language)
    controls = len(_CONTROL.findall(decoded.text))
    if controls > max(2, len(decoded.text) * _MAX_CONTROL_SHARE):
        raise InvalidInputError(
            _(
                "{name}: this does not look like a text file ({controls} control characters); is it a binary file "
                "with a text extension?"
            ).format(name=name, controls=controls)
        )
    return decoded


def _refuse_known_binary(name: str, data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise InvalidInputError(_("{name}: this is {what}, not a plain-text file.").format(name=name, what=_(what)))


def _decode(name: str, data: bytes, language: str) -> Decoded:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(name, data, codec, label), label)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise InvalidInputError(
                _(
                    "{name}: the file holds NUL bytes, so it is a binary file, not text; was a document or an "
                    "image renamed?"
                ).format(name=name)
            )
        return Decoded(_strict(name, data, utf16, "UTF-16"), "UTF-16")
    try:
        return Decoded(data.decode("utf-8"), "UTF-8")
    except UnicodeDecodeError:
        pass
    legacy = _legacy_codec(name, data, language)
    return Decoded(_strict(name, data, legacy, legacy), legacy)


def _strict(name: str, data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            _("{name}: the file looks like {label} but byte {start} is not valid {label}; re-save it as UTF-8.").format(
                name=name, label=label, start=exc.start
            )
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text in mostly Latin script has a NUL in every other byte."""
    sample = data[:_UTF16_SAMPLE]
    if len(data) % 2 or len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.3 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.3 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _legacy_codec(name: str, data: bytes, language: str) -> str:
    best = from_bytes(data, cp_isolation=_LEGACY_CANDIDATES).best()
    if best is None:
        raise InvalidInputError(
            _(
                "{name}: the file is neither UTF-8 nor a known legacy encoding (cp1250, ISO-8859-2, cp1252); is it "
                "a binary file? If it is text, re-save it as UTF-8."
            ).format(name=name)
        )
    if _has_any(data, _HUNGARIAN_ONLY) or language == "hu":
        return _central_european(data, str(best.encoding))
    if language == "en" and not _has_any(data, _CP1252_UNDEFINED):
        return "cp1252"
    return str(best.encoding)


def _central_european(data: bytes, detected: str) -> str:
    """cp1250 or ISO-8859-2: they agree on every Hungarian letter and differ in two places.

    Bytes 0x80-0x9F are quotes and dashes in cp1250 but unused control codes in
    ISO-8859-2, so they settle it; without them only letters such as Š ś ź
    differ, and the detector's choice stands.
    """
    if _C1_BYTES.search(data):
        return "iso8859_2" if _has_any(data, _CP1250_UNDEFINED) else "cp1250"
    return "iso8859_2" if detected == "iso8859_2" else "cp1250"


def _has_any(data: bytes, values: bytes) -> bool:
    return any(data.find(value) != -1 for value in values)
