"""Turning a transcript file's bytes into normalised text, whatever its format.

Everything works on bytes in memory: uploads are never written to disk, and a
path is read once. Each format module raises ``InvalidInputError`` with a message
that names the file; any other failure of a parsing library (a damaged file, an
unexpected structure) is converted here into the same kind of message, carrying
only the exception's type, because a library's message may quote the file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePath

from workbench.domain.text import normalize
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.importers.documents import docx_text, odt_text, pdf_text, rtf_text
from workbench.importers.encoding import decode_text
from workbench.importers.plain import markdown_text, subtitle_text
from workbench.importers.safety import check_size


@dataclass(frozen=True)
class ExtractedText:
    """A transcript's text, NFC-normalised, ready for ``add_transcript``."""

    name: str
    text: str
    source_format: str
    encoding: str | None = None


_Extractor = Callable[[str, bytes, str], tuple[str, str | None]]


def _txt(name: str, data: bytes, language: str) -> tuple[str, str | None]:
    decoded = decode_text(name, data, language)
    return decoded.text, decoded.encoding


def _md(name: str, data: bytes, language: str) -> tuple[str, str | None]:
    decoded = decode_text(name, data, language)
    return markdown_text(decoded.text), decoded.encoding


def _vtt(name: str, data: bytes, language: str) -> tuple[str, str | None]:
    decoded = decode_text(name, data, language)
    return subtitle_text(name, decoded.text, "vtt"), decoded.encoding


def _srt(name: str, data: bytes, language: str) -> tuple[str, str | None]:
    decoded = decode_text(name, data, language)
    return subtitle_text(name, decoded.text, "srt"), decoded.encoding


def _binary(extract: Callable[[str, bytes], str]) -> _Extractor:
    return lambda name, data, _language: (extract(name, data), None)


_FORMATS: dict[str, tuple[str, _Extractor]] = {
    ".txt": ("plain text", _txt),
    ".md": ("Markdown", _md),
    ".docx": ("a Word (.docx) document", _binary(docx_text)),
    ".odt": ("an OpenDocument (.odt) text", _binary(odt_text)),
    ".rtf": ("an RTF document", _binary(rtf_text)),
    ".pdf": ("a PDF", _binary(pdf_text)),
    ".vtt": ("WebVTT subtitles", _vtt),
    ".srt": ("SubRip subtitles", _srt),
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(_FORMATS)


def is_supported(name: str) -> bool:
    return PurePath(name).suffix.lower() in _FORMATS


def extract_text(name: str, data: bytes, *, language: str, max_bytes: int) -> ExtractedText:
    """Check, decode and normalise one transcript file; ``name`` is only used in messages and for its suffix.

    ``language`` breaks the tie between legacy code pages (cp1250 for Hungarian,
    cp1252 for English) when a plain-text file gives no stronger evidence.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in _FORMATS:
        raise InvalidInputError(
            _(
                "{name}: {suffix_or_files_without} is not a transcript format this workbench reads "
                "({SUPPORTED_SUFFIXES})."
            ).format(
                name=name,
                suffix_or_files_without=suffix or "files without an extension",
                SUPPORTED_SUFFIXES=", ".join(SUPPORTED_SUFFIXES),
            )
        )
    check_size(name, len(data), max_bytes)
    kind, extract = _FORMATS[suffix]
    try:
        raw, encoding = extract(name, data, language)
    except InvalidInputError:
        raise
    except Exception as exc:
        raise InvalidInputError(
            _(
                "{name}: could not be read as {kind}; the file may be damaged, password-protected or mislabelled "
                "({name2})."
            ).format(name=name, kind=kind, name2=type(exc).__name__)
        ) from None
    text = normalize(raw)
    if not text.strip():
        raise InvalidInputError(_("{name}: the file holds no text.").format(name=name))
    return ExtractedText(name, text, suffix.lstrip("."), encoding)
