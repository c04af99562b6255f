"""Importing transcript files: preview, then store each file in its own transaction.

A batch never stops at a bad file: each file is checked, extracted and stored on
its own (``add_transcript`` is one transaction), so a refused file leaves nothing
behind and the rest of the batch goes on. The report lists what was imported and
what was skipped, with a reason that names the file and never quotes it.

Files are read into memory once and parsed from bytes; uploads from the app are
never written to disk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from workbench.domain.models import SUPPORTED_LANGUAGES, SpeakerRole
from workbench.domain.permissions import Action, require
from workbench.domain.text import word_count
from workbench.domain.transcript import Turn, detect_turns
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.importers import extract_text, is_supported
from workbench.importers.safety import check_size, max_import_bytes
from workbench.services.interviews import add_transcript
from workbench.services.workspace import Workspace


@dataclass(frozen=True)
class ImportSource:
    """One file to import: a display name (used in messages and as the title), its size, and its bytes."""

    name: str
    size: int
    load: Callable[[], bytes]
    title: str | None = None  # the interview's title when the researcher gave one; else the file name's stem

    @classmethod
    def from_bytes(cls, name: str, data: bytes, title: str | None = None) -> ImportSource:
        return cls(name, len(data), lambda: data, title)


@dataclass(frozen=True)
class Imported:
    name: str
    interview_id: str
    source_format: str
    words: int


@dataclass(frozen=True)
class Skipped:
    name: str
    reason: str


@dataclass
class ImportReport:
    imported: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """What an import would store, shown before saving: the text and its detected turns."""

    name: str
    source_format: str
    encoding: str | None
    text: str
    turns: list[Turn]

    @property
    def words(self) -> int:
        return word_count(self.text)

    @property
    def speakers(self) -> dict[str, tuple[SpeakerRole, int]]:
        """Each speaker label with its role and number of turns, in order of appearance."""
        counts = Counter(t.speaker for t in self.turns)
        return {t.speaker: (t.role, counts[t.speaker]) for t in self.turns}


ProgressCallback = Callable[[int, int, Imported | Skipped], None]


def preview_file(ws: Workspace, name: str, data: bytes, *, language: str | None = None,
                 max_mb: float | None = None) -> Preview:  # fmt: skip
    """Extract one file and detect its turns without storing anything."""
    require(ws.user, Action.IMPORT)
    return _preview(name, data, _language(ws, language), max_import_bytes(max_mb))


def preview_files(ws: Workspace, sources: Sequence[ImportSource], *, language: str | None = None,
                  max_mb: float | None = None) -> list[Preview | Skipped]:  # fmt: skip
    """``preview_file`` for several files; a file that cannot be read comes back as ``Skipped``."""
    require(ws.user, Action.IMPORT)
    language = _language(ws, language)
    limit = max_import_bytes(max_mb)
    results: list[Preview | Skipped] = []
    for source in sources:
        try:
            check_size(source.name, source.size, limit)
            results.append(_preview(source.name, source.load(), language, limit))
        except InvalidInputError as exc:
            results.append(Skipped(source.name, str(exc)))
    return results


def _preview(name: str, data: bytes, language: str, limit: int) -> Preview:
    extracted = extract_text(name, data, language=language, max_bytes=limit)
    return Preview(name, extracted.source_format, extracted.encoding, extracted.text, detect_turns(extracted.text))


def import_files(
    ws: Workspace,
    sources: Sequence[ImportSource],
    *,
    language: str | None = None,
    participant_code: str | None = None,
    wave: int | None = None,
    max_mb: float | None = None,
    on_progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import each source as one interview; a refused file is skipped with its reason.

    Problems with the batch as a whole (unknown participant or language, no
    permission) are raised before any file is read. Problems of the project
    (another process holds it, a wrong key) stop the batch: the files stored so
    far stay, each complete.
    """
    require(ws.user, Action.IMPORT)
    language = _language(ws, language)
    limit = max_import_bytes(max_mb)
    _check_participant(ws, participant_code, wave)
    report = ImportReport()
    for done, source in enumerate(sources, start=1):
        outcome: Imported | Skipped
        try:
            outcome = _import_one(ws, source, language=language, participant_code=participant_code, wave=wave,
                                  limit=limit)  # fmt: skip
            report.imported.append(outcome)
        except InvalidInputError as exc:
            outcome = Skipped(source.name, str(exc))
            report.skipped.append(outcome)
        if on_progress is not None:
            on_progress(done, len(sources), outcome)
    return report


def _import_one(ws: Workspace, source: ImportSource, *, language: str, participant_code: str | None,
                wave: int | None, limit: int) -> Imported:  # fmt: skip
    check_size(source.name, source.size, limit)  # before reading: a huge file never enters memory
    try:
        data = source.load()
    except OSError as exc:
        raise InvalidInputError(
            _("{source_name}: the file could not be read ({name}).").format(
                source_name=source.name, name=type(exc).__name__
            )
        ) from None
    extracted = extract_text(source.name, data, language=language, max_bytes=limit)
    interview_id = add_transcript(
        ws,
        extracted.text,
        title=(source.title or "").strip() or PurePath(source.name).stem,
        language=language,
        participant_code=participant_code,
        wave=wave,
        source_format=extracted.source_format,
    )
    return Imported(source.name, interview_id, extracted.source_format, word_count(extracted.text))


def _language(ws: Workspace, language: str | None) -> str:
    language = language or ws.project.language
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInputError(
            _("Unsupported language {language!r}; use one of {SUPPORTED_LANGUAGES}.").format(
                language=language, SUPPORTED_LANGUAGES=", ".join(SUPPORTED_LANGUAGES)
            )
        )
    return language


def _check_participant(ws: Workspace, participant_code: str | None, wave: int | None) -> None:
    if wave is not None and wave < 1:
        raise InvalidInputError(_("The interview wave is a number from 1 up."))
    if participant_code is None:
        return
    with ws.read() as repo:
        if repo.participants.id_of(participant_code) is None:
            raise NotFoundError(
                _(
                    "There is no participant {participant_code!r}; add participants first (`workbench participants "
                    "DIR --attributes FILE`)."
                ).format(participant_code=participant_code)
            )


def collect_paths(paths: Iterable[Path]) -> tuple[list[ImportSource], list[Skipped]]:
    """Files named directly, and the transcript files inside named folders (recursively, sorted).

    A named file of an unsupported kind is skipped with a reason; inside a folder,
    such files (and hidden ones) are passed over silently, since folders hold
    consent forms, audio and notes beside the transcripts.
    """
    sources: list[ImportSource] = []
    skipped: list[Skipped] = []
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                relative = child.relative_to(path)
                if is_supported(child.name) and not any(part.startswith(".") for part in relative.parts):
                    sources.append(_path_source(child, f"{path.name}/{relative.as_posix()}"))
        elif path.is_file():
            sources.append(_path_source(path, path.name))
        else:
            skipped.append(Skipped(str(path), f"{path}: no such file or folder."))
    return sources, skipped


def _path_source(path: Path, name: str) -> ImportSource:
    return ImportSource(name, path.stat().st_size, path.read_bytes)
