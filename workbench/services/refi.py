"""REFI-QDA project exchange: a whole project to and from ``.qdpx`` (NVivo, ATLAS.ti, MAXQDA, QualCoder).

Export decrypts the project into a user-requested file: it is written to a temporary
file beside the target and renamed into place only after the export is recorded in
the audit log together with the file's SHA-256. GUIDs are derived from our row ids,
so exporting the same project twice gives the same GUIDs.

Import treats the archive as hostile (see ``workbench.refi.safety``), runs in one
transaction (a file that fails leaves nothing behind), and stores everything through
the encrypted paths: transcripts via ``add_transcript_in``, attributes and memos
sealed under their participant's or interview's key, codings via ``Repo.add_coding``.
Whatever the file holds that this workbench cannot represent is listed in the
report's warnings (section 7 of the standard).

Anonymised exports reuse ``export_qdpx`` with a ``text_transform`` that returns the
new text of each transcript and, for every offset of the old text, its offset in the
new one; selections are carried over through that mapping (a selection whose text
was removed entirely is dropped and counted in the warnings). ``note_transform`` and
``attribute_transform`` do the same for memos and participant attributes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import re
import uuid
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from workbench.domain.attributes import AttributeDef, AttributeType, AttributeValue
from workbench.domain.models import Participant, Role, User
from workbench.domain.permissions import Action, require
from workbench.domain.text import normalize
from workbench.errors import InvalidInputError
from workbench.importers.tables import is_valid_code
from workbench.refi import codes as refi_codes
from workbench.refi.model import (
    Account,
    RefiCase,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiTextSource,
    RefiUser,
    RefiValue,
    RefiVariable,
    counted,
    not_imported,
)
from workbench.refi.positions import STANDARD, Placement, Span, place
from workbench.refi.qdpx import read_qdpx, write_qdpx
from workbench.refi.safety import RefiLimits
from workbench.services.atomic_file import staged
from workbench.services.codebook.sync import merge_codes_in
from workbench.services.interviews import add_transcript_in
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

_NS = uuid.UUID("6d1c1a52-5f3e-4d8e-9d37-0b6f2f3c9a41")  # namespace for GUIDs we derive
WAVE_VARIABLE = "Interview wave"
LANGUAGE_VARIABLE = "Interview language"
CASE_NAME_ATTRIBUTE = "case name"
_CATEGORIES = "Categories:"
_USER_NAME_BAD = re.compile(r"[^\w.@-]+")


@dataclass(frozen=True)
class Transformed:
    """A transcript after a transform; ``offsets[i]`` is where old offset ``i`` lands (len(old) + 1 entries)."""

    text: str
    offsets: Sequence[int]


TextTransform = Callable[[str, str], Transformed]
"""(interview id, transcript text) -> the text to export and its offset mapping."""
NoteTransform = Callable[[str], str]
AttributeTransform = Callable[[str, Mapping[str, object]], Mapping[str, object]]
"""(participant code, attributes) -> the attributes to export."""


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


# -- export ----------------------------------------------------------------------------------


@dataclass
class _Hooks:
    text: TextTransform | None = None
    note: NoteTransform | None = None
    attributes: AttributeTransform | None = None


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
    hooks = _Hooks(text_transform, note_transform, attribute_transform)
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
        project, counts, warnings = build_exchange(ws, repo, _Hooks())
        write_qdpx(buffer, project)
        digest = hashlib.sha256(buffer.getvalue()).hexdigest()
        ws.audit(repo, "project exported", "project", ws.project.id, file="(download)", sha256=digest, **counts)
    return buffer.getvalue(), ExportReport(digest, warnings=warnings, **counts)


def build_exchange(ws: Workspace, repo: Repo, hooks: _Hooks) -> tuple[RefiProject, dict[str, int], list[str]]:
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
    for summary in repo.interviews.summaries():
        if summary.shredded_at is not None:
            counts["shredded"] += 1
            continue
        source = _source(repo, summary.id, _Export(by_name, project, hooks, counts))
        project.sources.append(source)
        sources.setdefault(summary.participant_code, []).append(source.guid)
        _source_values(source, summary.wave, summary.language)
    attr_ids = {d.name: attr_id for attr_id, d in definitions}
    project.cases = [_case(p, attr_ids, sources.get(p.code, []), hooks) for p in participants.values()]
    if counts["shredded"]:
        shredded = counted(counts["shredded"], "shredded interview")
        warnings.append(f"{shredded} left out: they can no longer be decrypted.")
    if counts["suggested"]:
        warnings.append(f"{counted(counts['suggested'], 'machine suggestion')} left out: nobody confirmed them.")
    if counts["dropped"]:
        warnings.append(f"{counted(counts['dropped'], 'coding')} left out: the transform removed all their text.")
    summary_counts = {"sources": len(project.sources), "codes": len(codes), "cases": len(project.cases),
                      "codings": counts["codings"], "notes": len(project.notes)}  # fmt: skip
    return project, summary_counts, warnings


def _variable(attr_id: str, definition: AttributeDef) -> RefiVariable:
    kind = {AttributeType.INTEGER: "Integer", AttributeType.DATE: "Date"}.get(definition.type, "Text")
    description = f"{_CATEGORIES} " + " | ".join(definition.categories) if definition.categories else ""
    return RefiVariable(guid(attr_id), definition.name, kind, description)


def _source_values(source: RefiTextSource, wave: int | None, language: str) -> None:
    if wave is not None:
        source.values.append(RefiValue(_derived("variable", "wave"), wave))
    source.values.append(RefiValue(_derived("variable", "language"), language))


def _case(participant: Participant, attr_ids: Mapping[str, str], refs: list[str], hooks: _Hooks) -> RefiCase:
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
    hooks: _Hooks
    counts: Counter[str]


def _source(repo: Repo, interview_id: str, export: _Export) -> RefiTextSource:
    transcript = repo.interviews.transcript(interview_id)
    text, offsets = transcript.text, None
    if export.hooks.text is not None:
        transformed = export.hooks.text(interview_id, text)
        _check_offsets(transformed, len(text))
        text, offsets = transformed.text, transformed.offsets
    importer = repo.interviews.importers().get(interview_id)
    summary = transcript.summary
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


def _note_text(text: str, hooks: _Hooks) -> str:
    return hooks.note(text) if hooks.note is not None else text


def _check_offsets(transformed: Transformed, old_length: int) -> None:
    offsets = transformed.offsets
    if len(offsets) != old_length + 1 or offsets[0] != 0 or offsets[-1] != len(transformed.text):
        raise InvalidInputError("The text transform returned an offset mapping that does not fit the text.")
    if any(b < a for a, b in itertools.pairwise(offsets)):
        raise InvalidInputError("The text transform returned offsets that go backwards.")


# -- import ----------------------------------------------------------------------------------


@dataclass
class ImportReport:
    codes_added: int = 0
    participants_added: int = 0
    participants_updated: int = 0
    interviews: int = 0
    codings: int = 0
    memos: int = 0
    warnings: list[str] = field(default_factory=list)
    interview_ids: list[str] = field(default_factory=list)
    account: Account = field(default_factory=Account)
    positions: list[str] = field(default_factory=list)
    """Per imported source: how its selection offsets were read, and why."""
    coders: list[str] = field(default_factory=list)
    """Where a selection and its coding name different users: both, and which one was taken."""

    def summary(self) -> str:
        """The one-line account: imported + skipped (by reason) = what the file holds, per kind."""
        return self.account.line()


def import_qdpx(
    ws: Workspace, name: str, data: bytes, *, split_names: str | None = None, limits: RefiLimits | None = None
) -> ImportReport:
    """Import a ``.qdpx`` project into this project, all or nothing; the report lists what was left out.

    ``split_names`` (e.g. ``"::"``) restores a hierarchy that a tool flattened into
    code names such as ``Parent::Child`` (ATLAS.ti does).
    """
    require(ws.user, Action.IMPORT_PROJECT)
    project, warnings = read_qdpx(name, data, limits)
    created = 0
    if split_names:
        project.codes, created = refi_codes.unflatten(project.codes, split_names)
        if created:
            warnings.append(f"{counted(created, 'parent code')} created to restore the hierarchy written into code "
                            f"names with {split_names!r}.")  # fmt: skip
    importer = _Importer(ws, project, ImportReport(warnings=list(warnings), account=project.account))
    importer.created_parents = created
    with ws.write() as repo:
        importer.run(repo)
        report = importer.report
        ws.audit(repo, "project imported", "project", ws.project.id, file=name, codes=report.codes_added,
                 participants=report.participants_added, interviews=report.interviews, codings=report.codings,
                 memos=report.memos, warnings=len(report.warnings))  # fmt: skip
    return report


class _Importer:
    def __init__(self, ws: Workspace, project: RefiProject, report: ImportReport) -> None:
        self.ws = ws
        self.project = project
        self.report = report
        self.account = report.account
        self.skipped: Counter[str] = Counter()
        self.users: dict[str, str] = {}
        self.user_names: dict[str, str] = {}
        self.codes: set[str] = set()
        self.cases: dict[str, str] = {}  # source guid -> participant code
        self.notes = {n.guid: n for n in project.notes}
        self.used_notes: set[str] = set()
        self.unknown_users = 0
        self.created_parents = 0
        self.coder_pairs: Counter[tuple[str, str]] = Counter()

    def warn(self, what: str) -> None:
        self.report.warnings.append(what)

    def run(self, repo: Repo) -> None:
        self._users(repo)
        self._codes(repo)
        self._cases(repo)
        placements = self._placements()
        for source in self.project.sources:
            self._source(repo, source, placements.get(source.guid))
        self._finish()

    def _placements(self) -> dict[str, Placement]:
        """Each source's selections placed on its text; sources too small to decide alone follow the file.

        A tool counts the same way throughout a file, so when nearly all (80%) of the sources whose
        evidence was overwhelming agree on one reading, and they are a good part (30%, at least two)
        of the sources with several selections, the sources left at the standard's reading for lack
        of evidence are placed again with it as the prior. (A few chance conversions in a conformant
        file must not spread.)
        """
        found: dict[str, Placement] = {}
        for source in self.project.sources:
            spans = [Span(s.start, s.end, s.name) for s in source.selections]
            found[source.guid] = place(source.text, spans, self.project.origin)
        decided = Counter(p.reading for p in found.values() if p.reading != STANDARD)
        reading, votes = decided.most_common(1)[0] if decided else (STANDARD, 0)
        several = sum(len(s.selections) >= 2 for s in self.project.sources)
        if votes < max(2, 0.3 * several) or votes < 0.8 * sum(decided.values()):
            return found
        for source in self.project.sources:
            if found[source.guid].reading == STANDARD and source.selections:
                spans = [Span(s.start, s.end, s.name) for s in source.selections]
                found[source.guid] = place(source.text, spans, self.project.origin, prior=reading)
        return found

    # users ---------------------------------------------------------------------------------

    def _users(self, repo: Repo) -> None:
        created = []
        members = repo.users.everyone()
        for refi_user in self.project.users:
            name = display_name(refi_user)
            user = repo.users.by_any_name(name)
            if user is None:  # an earlier import may have stored the name as its safe key
                user = next((u for u in members if user_key(u.name) == user_key(name)), None)
            if user is None:
                user = repo.users.add(name, Role.RESEARCHER)
                repo.users.remove(user.id)
                members.append(user)
                created.append(name)
            self.users[refi_user.guid] = user.id
            self.user_names[refi_user.guid] = user.name
        if created:
            many = len(created) != 1
            self.warn(f"{len(created)} coder{'s' if many else ''} from the file {'were' if many else 'was'} recorded "
                      f"as former member{'s' if many else ''}, so their work stays attributed to them but they "
                      f"cannot sign in: {', '.join(created[:10])}.")  # fmt: skip

    def user_id(self, *candidates: str | None) -> str:
        for candidate in candidates:
            if candidate and candidate in self.users:
                return self.users[candidate]
        if any(candidates):
            self.unknown_users += 1
        return self.ws.user.id

    # codes ---------------------------------------------------------------------------------

    def _codes(self, repo: Repo) -> None:
        notes_on_codes = sum(len(c.note_refs) for c in self.project.all_codes())
        if notes_on_codes:
            self.skipped["note attached to a code"] += notes_on_codes
        codes = refi_codes.from_refi(self.project.codes, self.report.warnings)
        coded = {c.code for s in self.project.sources for sel in s.selections for c in sel.codings}
        coded |= {c.code for s in self.project.sources for c in s.codings}
        grouping = [c for c in codes if not c.codable and c.id in coded]
        if grouping:
            self.warn(f"{counted(len(grouping), 'grouping code')} made codable: the file holds codings of them.")
        codes = [replace(c, codable=True) if c in grouping else c for c in codes]
        added, _ = merge_codes_in(self.ws, repo, codes, f"Imported the codebook of {self.project.name or 'a project'}")
        self.report.codes_added = added
        self.account.codes.imported = len(codes) - self.created_parents
        self.codes = {c.id for c in repo.codebook.codes()}

    # cases and participants ----------------------------------------------------------------

    def _cases(self, repo: Repo) -> None:
        variables = {v.guid: v for v in self.project.variables}
        defs = {n: d for n, (_, d) in repo.participants.attribute_defs().items()}
        taken = {p.code for p in repo.participants.codes()}
        renamed = nameless = 0
        for case in self.project.cases:
            code = case.name.strip()
            values = self._case_values(repo, case, variables, defs)
            if not code:
                nameless += 1
                code = _free_code(taken)
            elif not is_valid_code(code) or code in self.cases.values():
                renamed += 1
                code = _free_code(taken)
                values[CASE_NAME_ATTRIBUTE] = case.name.strip() or case.guid
                self._define(repo, defs, AttributeDef(CASE_NAME_ATTRIBUTE, AttributeType.TEXT))
            self._store_case(repo, code, values, taken)
            for ref in case.source_refs:
                if ref in self.cases:
                    self.skipped["source in a second case"] += 1
                else:
                    self.cases[ref] = code
            if case.other_refs:
                self.skipped["code or selection reference of a case"] += case.other_refs
            if case.description.strip():
                self.skipped["case description"] += 1
        if renamed:
            self.warn(f"{counted(renamed, 'case name')} not used as participant codes: they did not look like "
                      "pseudonyms (codes are stored unencrypted), so those participants got codes such as C01; the "
                      f"original name is kept, encrypted, in the attribute '{CASE_NAME_ATTRIBUTE}'.")  # fmt: skip
        if nameless:
            self.warn(f"{counted(nameless, 'case')} without a name (MAXQDA writes document variables so) "
                      "imported as participants with codes such as C01, their variables as attributes.")  # fmt: skip

    def _store_case(self, repo: Repo, code: str, values: dict[str, AttributeValue], taken: set[str]) -> None:
        if code in taken:
            if values:
                repo.participants.set_attributes(code, values)
            self.report.participants_updated += 1
        else:
            repo.participants.add(code, dict(values))
            taken.add(code)
            self.report.participants_added += 1

    def _case_values(
        self, repo: Repo, case: RefiCase, variables: Mapping[str, RefiVariable], defs: dict[str, AttributeDef]
    ) -> dict[str, AttributeValue]:
        values: dict[str, AttributeValue] = {}
        for value in case.values:
            variable = variables.get(value.variable)
            if variable is None or not variable.name.strip():
                self.skipped["value of an undeclared variable"] += 1
                continue
            name = variable.name.strip()[:100]
            definition = defs.get(name) or self._define(repo, defs, _definition(variable))
            parsed = _parse(definition, value.value)
            if parsed is None:
                self.skipped["variable value that does not fit its type"] += 1
            else:
                values[name] = parsed
        return values

    def _define(self, repo: Repo, defs: dict[str, AttributeDef], definition: AttributeDef) -> AttributeDef:
        if definition.name not in defs:
            repo.participants.define_attribute(definition)
            defs[definition.name] = definition
        return defs[definition.name]

    # sources -------------------------------------------------------------------------------

    def _source(self, repo: Repo, source: RefiTextSource, placement: Placement | None) -> None:
        codings = sum(len(sel.codings) for sel in source.selections) + len(source.codings)
        if not normalize(source.text).strip():
            self.account.sources.skip("empty text")
            self.account.selections.skip("source text empty", len(source.selections))
            self.account.codings.skip("source text empty", codings)
            return
        if placement is None:
            placement = place(source.text, [Span(s.start, s.end, s.name) for s in source.selections])
        title = source.name[:300] or source.guid
        if source.selections:
            self.report.positions.append(f"{title}: {placement.reading.describe()} ({placement.reason})")
        if placement.reading != STANDARD and source.selections:
            self.warn(f"{title}: selection positions were counted in {placement.reading.describe()}; "
                      "they were converted to this workbench's character positions.")  # fmt: skip
        wave, language = self._source_variables(source)
        interview_id = add_transcript_in(
            self.ws, repo, placement.text, title=title, language=language,
            participant_code=self.cases.get(source.guid), wave=wave, source_format="qdpx",
        )  # fmt: skip
        self.report.interviews += 1
        self.account.sources.imported += 1
        self.report.interview_ids.append(interview_id)
        self.transcript = repo.interviews.transcript(interview_id)
        self.seen: set[tuple[str, str, int, int]] = set()
        for selection, span in zip(source.selections, placement.spans, strict=True):
            self._selection(repo, selection, span)
        whole = (0, len(self.transcript.text))
        for coding in source.codings:
            self._coding(repo, coding, whole, None)
        self._source_notes(repo, source, interview_id)

    def _source_variables(self, source: RefiTextSource) -> tuple[int | None, str | None]:
        names = {v.guid: v.name for v in self.project.variables}
        wave: int | None = None
        language: str | None = None
        for value in source.values:
            name = names.get(value.variable, "")
            if name == WAVE_VARIABLE and isinstance(value.value, int) and not isinstance(value.value, bool):
                wave = value.value
            elif name == LANGUAGE_VARIABLE and str(value.value) in ("hu", "en"):
                language = str(value.value)
            else:
                self.skipped["variable value on a source"] += 1
        return wave, language

    def _selection(self, repo: Repo, selection: RefiSelection, span: tuple[int, int] | None) -> None:
        if span is None:
            self.account.selections.skip("outside its text")
            self.account.codings.skip("selection outside its text", len(selection.codings))
            return
        notes = [selection.description.strip()] if selection.description.strip() else []
        notes += self.note_texts(selection.note_refs)
        stored = 0
        for coding in selection.codings:
            if self._coding(repo, coding, span, selection, extra=notes if not stored else []):
                stored += 1
        if stored:
            self.account.selections.imported += 1
        elif notes:  # an annotation (MAXQDA writes these): a memo that quotes the span it is about
            quote = self.transcript.text[span[0] : span[1]]
            author = self.user_id(selection.user)
            self._memo(repo, self.transcript.summary.id, author, f"Note on “{quote[:120]}”:\n" + "\n\n".join(notes),
                       selection.created)  # fmt: skip
            self.account.selections.imported += 1
        else:
            why = "none of its codings imported" if selection.codings else "no code and no note"
            self.account.selections.skip(why)

    def _coding(
        self, repo: Repo, coding: RefiCoding, span: tuple[int, int], selection: RefiSelection | None,
        extra: Sequence[str] = (),
    ) -> bool:  # fmt: skip
        """Store one coding; False (and counted by reason) if it is not imported.

        The coder is the Coding's ``creatingUser``: REFI-QDA 1.5 defines a coding as "the
        application of a code" (section 3.4), so its creator is who applied the code, while the
        selection's ``creatingUser`` made the selection (NVivo writes there whoever last edited
        the coding reference, hence a later date). The selection's user is taken only when the
        Coding names none; when both are given and differ, both are listed in the report.
        """
        if coding.code not in self.codes:
            self.account.codings.skip("code not in the file")
            return False
        coder = self.user_id(coding.user, selection.user if selection else None)
        if selection is not None and coding.user and selection.user and coding.user != selection.user:
            self.coder_pairs[self.user_names.get(coding.user, coding.user),
                             self.user_names.get(selection.user, selection.user)] += 1  # fmt: skip
        key = (coding.code, coder, *span)
        if key in self.seen:
            self.account.codings.skip("duplicate of another coding")
            return False
        self.seen.add(key)
        memo = "\n\n".join([*extra, *self.note_texts(coding.note_refs)]) or None
        stored = repo.codings.add(self.transcript, coding.code, coder, span[0], span[1], memo=memo)
        when = coding.created or (selection.created if selection else None)
        if when is not None:
            repo.codings.set_created_at(stored.id, when)
        self.report.codings += 1
        self.account.codings.imported += 1
        return True

    def _source_notes(self, repo: Repo, source: RefiTextSource, interview_id: str) -> None:
        if source.description.strip():
            self._memo(repo, interview_id, self.user_id(source.user), source.description.strip())
        for ref in source.note_refs:
            note = self.notes.get(ref)
            if note is None:
                self.skipped["reference to a missing note"] += 1
                continue
            self.used_notes.add(ref)
            if note.text.strip():
                self._memo(repo, interview_id, self.user_id(note.user), note.text.strip(), note.created)

    def note_texts(self, refs: Sequence[str]) -> list[str]:
        texts = []
        for ref in refs:
            note = self.notes.get(ref)
            if note is None:
                self.skipped["reference to a missing note"] += 1
            elif note.text.strip():
                self.used_notes.add(ref)
                texts.append(note.text.strip())
        return texts

    def _memo(self, repo: Repo, interview_id: str, author: str, text: str, when: dt.datetime | None = None) -> None:
        memo_id = repo.memos.add(interview_id, author, text)
        if when is not None:
            repo.memos.set_created_at(memo_id, when)
        self.report.memos += 1

    def _finish(self) -> None:
        unused = len(set(self.notes) - self.used_notes)
        if unused:
            self.skipped["note not attached to a transcript, selection or coding"] += unused
        for what, count in sorted(self.skipped.items()):
            self.warn(not_imported(what, count))
        if self.unknown_users:
            self.warn(f"{self.unknown_users} of the file's codings, memos or sources named a user the file does "
                      "not list; they were attributed to you.")  # fmt: skip
        for (coder, selector), count in sorted(self.coder_pairs.items()):
            self.report.coders.append(
                f"{counted(count, 'coding')} made by {coder} on selections created by {selector}; {coder} was "
                "taken as the coder (the Coding's creatingUser is who applied the code)."
            )
        self.report.warnings.extend(self.account.sentences())


def display_name(user: RefiUser) -> str:
    """The coder's name as the file writes it (control characters and runs of spaces aside)."""
    cleaned = " ".join("".join(ch if ch.isprintable() else " " for ch in user.name).split())[:100]
    return cleaned or f"refi-user-{user.guid[:8]}"


def user_key(name: str) -> str:
    """A safe key for matching coders across imports (``Enric Llagostera`` -> ``Enric_Llagostera``, the name
    earlier versions stored), never used as the name shown."""
    return _USER_NAME_BAD.sub("_", name.strip()).strip("_")


def _free_code(taken: set[str]) -> str:
    number = 1
    while f"C{number:02d}" in taken:
        number += 1
    return f"C{number:02d}"


def _definition(variable: RefiVariable) -> AttributeDef:
    name = variable.name.strip()[:100]
    if variable.type == "Integer":
        return AttributeDef(name, AttributeType.INTEGER)
    if variable.type == "Date":
        return AttributeDef(name, AttributeType.DATE)
    if variable.type == "Text" and variable.description.startswith(_CATEGORIES):
        categories = tuple(c.strip() for c in variable.description.removeprefix(_CATEGORIES).split("|") if c.strip())
        return AttributeDef(name, AttributeType.CATEGORY, categories)
    return AttributeDef(name, AttributeType.TEXT)


def _parse(definition: AttributeDef, value: object) -> AttributeValue | None:
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, dt.datetime):
        value = value.isoformat()
    try:
        return definition.parse(value)
    except InvalidInputError:
        return None
