"""REFI-QDA export: a whole project to a ``.qdpx`` archive (NVivo, ATLAS.ti, MAXQDA, QualCoder).

Export decrypts the project into a user-requested file: it is written to a temporary
file beside the target and renamed into place only after the export is recorded in
the audit log together with the file's SHA-256. GUIDs are derived from our row ids,
so exporting the same project twice gives the same GUIDs. Anonymised exports pass
``ExportHooks`` (``workbench.services.export_hooks``) that rewrite transcripts, memos and
attributes on the way out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workbench.domain.attributes import AttributeDef, AttributeType
from workbench.domain.models import Participant, User
from workbench.domain.permissions import Action, require
from workbench.errors import InvalidInputError
from workbench.i18n import gettext as _
from workbench.i18n import ngettext
from workbench.refi import codes as refi_codes
from workbench.refi.model import (
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiTextSource,
    RefiUser,
    RefiValue,
    RefiVariable,
)
from workbench.refi.qdpx import write_qdpx
from workbench.services import refi_events
from workbench.services.atomic_file import staged
from workbench.services.export_hooks import AttributeTransform, ExportHooks, NoteTransform, TextTransform, Transformed
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

_NS = uuid.UUID("6d1c1a52-5f3e-4d8e-9d37-0b6f2f3c9a41")  # namespace for GUIDs we derive


WAVE_VARIABLE = "Interview wave"


LANGUAGE_VARIABLE = "Interview language"


CASE_NAME_ATTRIBUTE = "case name"


CATEGORIES_PREFIX = "Categories:"


@dataclass(frozen=True)
class ExportReport:
    sha256: str
    sources: int
    codes: int
    cases: int
    codings: int
    notes: int
    warnings: list[str] = field(default_factory=list)


def guid(row_id: str) -> str:
    """A REFI GUID for one of our ids: 32-hex ids are UUIDs already; anything else is hashed stably."""
    try:
        return str(uuid.UUID(hex=row_id))
    except ValueError:
        return str(uuid.uuid5(_NS, row_id))


def _derived(*parts: object) -> str:
    return str(uuid.uuid5(_NS, ":".join(str(p) for p in parts)))


def export_qdpx(
    ws: Workspace,
    path: Path,
    *,
    text_transform: TextTransform | None = None,
    note_transform: NoteTransform | None = None,
    attribute_transform: AttributeTransform | None = None,
    action: Action = Action.EXPORT_PROJECT,
    crlf: bool = False,
) -> ExportReport:
    """Write the project to ``path`` as ``.qdpx``; audited with the file's SHA-256.

    ``action`` is the permission the export needs: the full decrypted export needs
    EXPORT_PROJECT; an anonymised export may name the action that allows it. ``crlf``
    writes CR LF line ends into the text sources (for MAXQDA), offsets counted to match.
    """
    require(ws.user, action)
    hooks = ExportHooks(text_transform, note_transform, attribute_transform)
    with staged(path) as file:
        with ws.write() as repo:
            project, counts, warnings = build_exchange(ws, repo, hooks)
            write_qdpx(file.stream, project, crlf=crlf)
            digest = file.digest()
            ws.audit(repo, "project exported", "project", ws.project.id, file=path.name, sha256=digest,
                     transformed=text_transform is not None, **counts)  # fmt: skip
        file.commit()
    return ExportReport(digest, warnings=warnings, **counts)


def export_qdpx_bytes(ws: Workspace, *, action: Action = Action.EXPORT_PROJECT) -> tuple[bytes, ExportReport]:
    """The same export in memory, for a browser download (audited the same way)."""
    require(ws.user, action)
    buffer = io.BytesIO()
    with ws.write() as repo:
        project, counts, warnings = build_exchange(ws, repo, ExportHooks())
        write_qdpx(buffer, project)
        digest = hashlib.sha256(buffer.getvalue()).hexdigest()
        ws.audit(repo, "project exported", "project", ws.project.id, file="(download)", sha256=digest, **counts)
    return buffer.getvalue(), ExportReport(digest, warnings=warnings, **counts)


def build_exchange(ws: Workspace, repo: Repo, hooks: ExportHooks) -> tuple[RefiProject, dict[str, int], list[str]]:
    """The project as a ``RefiProject`` (decrypted), with counts and warnings."""
    warnings: list[str] = []
    users = repo.users.everyone()
    codes = repo.codebook.codes()
    project = RefiProject(name=ws.project.name, creating_user=guid(ws.user.id), created=ws.project.created_at)
    project.users = [RefiUser(guid(u.id), u.name) for u in users]
    project.codes = refi_codes.to_refi(codes)
    definitions = list(repo.participants.attribute_defs().values())
    project.variables = [_variable(attr_id, d) for attr_id, d in definitions]
    project.variables += [RefiVariable(_derived("variable", "wave"), WAVE_VARIABLE, "Integer"),
                          RefiVariable(_derived("variable", "language"), LANGUAGE_VARIABLE, "Text")]  # fmt: skip
    by_name = {u.name: u for u in users}
    counts = Counter[str]()
    participants = {p.code: p for p in repo.participants.all()}
    sources: dict[str | None, list[str]] = {}
    by_interview: dict[str, RefiTextSource] = {}
    for summary in repo.interviews.summaries():
        if summary.shredded_at is not None:
            counts["shredded"] += 1
            continue
        source = _source(repo, summary.id, _Export(by_name, project, hooks, counts))
        project.sources.append(source)
        by_interview[summary.id] = source
        sources.setdefault(summary.participant_code, []).append(source.guid)
        _source_values(source, summary.wave, summary.language)
    warnings += _life_events(repo, project, by_interview, hooks, {u.name: guid(u.id) for u in users})
    attr_ids = {d.name: attr_id for attr_id, d in definitions}
    project.cases = [_case(p, attr_ids, sources.get(p.code, []), hooks) for p in participants.values()]
    if counts["shredded"]:
        n = counts["shredded"]
        warnings.append(ngettext("{n} shredded interview was left out: it can no longer be decrypted.",
                                 "{n} shredded interviews were left out: they can no longer be decrypted.",
                                 n).format(n=n))  # fmt: skip
    if counts["suggested"]:
        n = counts["suggested"]
        warnings.append(ngettext("{n} machine suggestion was left out: nobody confirmed it.",
                                 "{n} machine suggestions were left out: nobody confirmed them.",
                                 n).format(n=n))  # fmt: skip
    if counts["dropped"]:
        n = counts["dropped"]
        warnings.append(ngettext("{n} coding was left out: the transform removed all its text.",
                                 "{n} codings were left out: the transform removed all their text.",
                                 n).format(n=n))  # fmt: skip
    summary_counts = {"sources": len(project.sources), "codes": len(codes), "cases": len(project.cases),
                      "codings": counts["codings"], "notes": len(project.notes)}  # fmt: skip
    return project, summary_counts, warnings


def _life_events(
    repo: Repo, project: RefiProject, sources: dict[str, RefiTextSource], hooks: ExportHooks, users: dict[str, str]
) -> list[str]:
    """Carry the life events as codings with notes (``services/refi_events.py``); warnings for what is left out.

    Only the full export carries them: an anonymised export has no life events (their times and
    memos are not de-identified).
    """
    count = sum(repo.events.count_by_participant().values())
    if not count:
        return []
    if hooks.text is not None or hooks.note is not None or hooks.attributes is not None or not repo.keyring.full:
        return [ngettext("{n} life event was left out: an anonymised export carries no life events.",
                         "{n} life events were left out: an anonymised export carries no life events.",
                         count).format(n=count)]  # fmt: skip
    owners = [(s.id, s.participant_code) for s in repo.interviews.summaries() if s.id in sources]
    _, left_out = refi_events.export_events(repo, project, sources, refi_events.first_sources(owners), users)
    if left_out:
        return [ngettext("{n} life event was left out: its participant has no exported interview.",
                         "{n} life events were left out: their participant has no exported interview.",
                         left_out).format(n=left_out)]  # fmt: skip
    return []


def _variable(attr_id: str, definition: AttributeDef) -> RefiVariable:
    kind = {AttributeType.INTEGER: "Integer", AttributeType.DATE: "Date"}.get(definition.type, "Text")
    description = f"{CATEGORIES_PREFIX} " + " | ".join(definition.categories) if definition.categories else ""
    return RefiVariable(guid(attr_id), definition.name, kind, description)


def _source_values(source: RefiTextSource, wave: int | None, language: str) -> None:
    if wave is not None:
        source.values.append(RefiValue(_derived("variable", "wave"), wave))
    source.values.append(RefiValue(_derived("variable", "language"), language))


def _case(participant: Participant, attr_ids: Mapping[str, str], refs: list[str], hooks: ExportHooks) -> RefiCase:
    attributes: Mapping[str, object] = participant.attributes
    if hooks.attributes is not None:
        attributes = hooks.attributes(participant.code, attributes)
    values = [RefiValue(guid(attr_ids[name]), value) for name, value in attributes.items()
              if name in attr_ids and isinstance(value, str | int | dt.date)]  # fmt: skip
    return RefiCase(guid(participant.id), participant.code, values=values, source_refs=refs)


@dataclass
class _Export:
    users: Mapping[str, User]
    project: RefiProject
    hooks: ExportHooks
    counts: Counter[str]


def _source(repo: Repo, interview_id: str, export: _Export) -> RefiTextSource:
    summary = repo.interviews.summary(interview_id)
    text, offsets = repo.interviews.text(interview_id), None  # the text alone: segments are not exchanged
    if export.hooks.text is not None:
        transformed = export.hooks.text(interview_id, text)
        _check_offsets(transformed, len(text))
        text, offsets = transformed.text, transformed.offsets
    importer = repo.interviews.importers().get(interview_id)
    source = RefiTextSource(guid(interview_id), summary.title, text, created=summary.imported_at,
                            user=guid(importer) if importer else None)  # fmt: skip
    selections: dict[tuple[int, int], RefiSelection] = {}
    for coding in repo.codings.of_interview(interview_id):
        if coding.suggested:
            export.counts["suggested"] += 1
            continue
        start, end = (coding.start, coding.end) if offsets is None else (offsets[coding.start], offsets[coding.end])
        if start >= end:
            export.counts["dropped"] += 1
            continue
        coder = export.users.get(coding.coder)
        coder_guid = guid(coder.id) if coder else None
        if (start, end) not in selections:
            selection_guid = _derived("selection", interview_id, coding.start, coding.end)
            selections[start, end] = RefiSelection(selection_guid, start, end, user=coder_guid,
                                                   created=coding.created_at)  # fmt: skip
        refi_coding = RefiCoding(guid(coding.id), coding.code_id, coder_guid, coding.created_at)
        if coding.memo:
            note = RefiNote(_derived("coding memo", coding.id), "Coding memo", _note_text(coding.memo, export.hooks),
                            coder_guid, coding.created_at)  # fmt: skip
            export.project.notes.append(note)
            refi_coding.note_refs.append(note.guid)
        selections[start, end].codings.append(refi_coding)
        export.counts["codings"] += 1
    source.selections = [selections[k] for k in sorted(selections)]
    for memo in repo.memos.of_interview(interview_id):
        text = _note_text(memo.text, export.hooks)
        note = RefiNote(guid(memo.id), "Memo", text, guid(memo.author_id), memo.created_at)
        export.project.notes.append(note)
        source.note_refs.append(note.guid)
    return source


def _note_text(text: str, hooks: ExportHooks) -> str:
    return hooks.note(text) if hooks.note is not None else text


def _check_offsets(transformed: Transformed, old_length: int) -> None:
    offsets = transformed.offsets
    if len(offsets) != old_length + 1 or offsets[0] != 0 or offsets[-1] != len(transformed.text):
        raise InvalidInputError(_("The text transform returned an offset mapping that does not fit the text."))
    if any(b < a for a, b in itertools.pairwise(offsets)):
        raise InvalidInputError(_("The text transform returned offsets that go backwards."))
