"""REFI-QDA import: a ``.qdpx`` archive from another tool into the project.

Import treats the archive as hostile (see ``workbench.refi.safety``), runs in one
transaction (a file that fails leaves nothing behind), and stores everything through
the encrypted paths: transcripts via ``add_transcript_in``, attributes and memos
sealed under their participant's or interview's key, codings via ``repo.codings``.
Whatever the file holds that this workbench cannot represent is listed in the
report's warnings (section 7 of the standard).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from workbench.domain.attributes import AttributeDef, AttributeType, AttributeValue
from workbench.domain.models import Role, Transcript
from workbench.domain.permissions import Action, require
from workbench.domain.text import normalize
from workbench.errors import InvalidInputError
from workbench.i18n import N_, ngettext
from workbench.importers.tables import is_valid_code
from workbench.refi import codes as refi_codes
from workbench.refi.model import (
    Account,
    RefiCase,
    RefiCoding,
    RefiProject,
    RefiSelection,
    RefiTextSource,
    RefiUser,
    RefiVariable,
    not_imported,
)
from workbench.refi.positions import STANDARD, Placement, Span, place
from workbench.refi.qdpx import read_qdpx
from workbench.refi.safety import RefiLimits
from workbench.services import refi_events
from workbench.services.codebook.sync import merge_codes_in
from workbench.services.codebook.versions import occasion
from workbench.services.events import event_types_in
from workbench.services.interviews import add_transcript_in
from workbench.services.refi_export import CASE_NAME_ATTRIBUTE, CATEGORIES_PREFIX, LANGUAGE_VARIABLE, WAVE_VARIABLE
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

_USER_NAME_BAD = re.compile(r"[^\w.@-]+")


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
    life_events: int = 0
    """Life events read back from the workbench's own export (``services/refi_events.py``)."""

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
            warnings.append(ngettext(
                "{n} parent code was created to restore the hierarchy written into code names with {split!r}.",
                "{n} parent codes were created to restore the hierarchy written into code names with {split!r}.",
                created).format(n=created, split=split_names))  # fmt: skip
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
        self.life_events = refi_events.EventImporter(self.notes)
        self.event_types: dict[str, str] = {}

    def warn(self, what: str) -> None:
        self.report.warnings.append(what)

    def run(self, repo: Repo) -> None:
        self._users(repo)
        self._codes(repo)
        self._cases(repo)
        self.event_types = {c.id: c.key or c.id for c in event_types_in(repo)}
        placements = self._placements()
        for source in self.project.sources:
            self._source(repo, source, placements.get(source.guid))
        self._store_life_events(repo)
        self._finish()

    def _store_life_events(self, repo: Repo) -> None:
        """The workbench's own life events (codings with a ``Life event`` note) become events again."""
        if not self.life_events.pending:
            return
        owners = {s.id: s.participant_code for s in repo.interviews.summaries() if s.id in self.report.interview_ids}
        stored = self.life_events.store(repo, owners, self.event_types)
        self.report.life_events = stored
        self.used_notes |= self.life_events.used_notes
        if stored < len(self.life_events.pending):
            missing = len(self.life_events.pending) - stored
            self.warn(ngettext(
                "{n} life event was not imported: its transcript has no participant or its note could not be read.",
                "{n} life events were not imported: their transcript has no participant or their note could not "
                "be read.", missing).format(n=missing))  # fmt: skip

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
        codes = refi_events.restore_keys(refi_codes.from_refi(self.project.codes, self.report.warnings), self.project)
        coded = {c.code for s in self.project.sources for sel in s.selections for c in sel.codings}
        coded |= {c.code for s in self.project.sources for c in s.codings}
        grouping = [c for c in codes if not c.codable and c.id in coded]
        if grouping:
            self.warn(ngettext("{n} grouping code was made codable: the file holds codings of it.",
                               "{n} grouping codes were made codable: the file holds codings of them.",
                               len(grouping)).format(n=len(grouping)))  # fmt: skip
        codes = [replace(c, codable=True) if c in grouping else c for c in codes]
        added, _ = merge_codes_in(self.ws, repo, codes, occasion(N_("Imported the codebook of {project}"),
                                                                project=self.project.name or "?"))  # fmt: skip
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
            self.warn(ngettext(
                "{n} case name was not used as a participant code: it did not look like a pseudonym (codes are "
                "stored unencrypted), so the participant got a code such as C01; the original name is kept, "
                "encrypted, in the attribute '{attribute}'.",
                "{n} case names were not used as participant codes: they did not look like pseudonyms (codes are "
                "stored unencrypted), so those participants got codes such as C01; the original name is kept, "
                "encrypted, in the attribute '{attribute}'.",
                renamed).format(n=renamed, attribute=CASE_NAME_ATTRIBUTE))  # fmt: skip
        if nameless:
            self.warn(ngettext(
                "{n} case without a name (MAXQDA writes document variables so) was imported as a participant with a "
                "code such as C01, its variables as attributes.",
                "{n} cases without a name (MAXQDA writes document variables so) were imported as participants with "
                "codes such as C01, their variables as attributes.", nameless).format(n=nameless))  # fmt: skip

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
        summary = repo.interviews.summary(interview_id)  # text alone: decrypting the new segments is not needed
        self.transcript = Transcript(summary, repo.interviews.text(interview_id), [])
        self.seen: set[tuple[str, str, int, int]] = set()
        self.pending: list[tuple[str, str, int, int, str | None, dt.datetime | None]] = []
        for selection, span in zip(source.selections, placement.spans, strict=True):
            self._selection(repo, selection, span)
        whole = (0, len(self.transcript.text))
        for coding in source.codings:
            self._coding(repo, coding, whole, None)
        repo.codings.add_imported(interview_id, self.transcript.text, self.pending)  # one insert per source
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
        if coding.code in self.event_types and self.life_events.claim(
            coding, coder, self.transcript.summary.id, span, self.transcript.text, whole=selection is None
        ):
            self.account.codings.imported += 1
            return True
        if selection is not None and coding.user and selection.user and coding.user != selection.user:
            self.coder_pairs[self.user_names.get(coding.user, coding.user),
                             self.user_names.get(selection.user, selection.user)] += 1  # fmt: skip
        key = (coding.code, coder, *span)
        if key in self.seen:
            self.account.codings.skip("duplicate of another coding")
            return False
        self.seen.add(key)
        memo = "\n\n".join([*extra, *self.note_texts(coding.note_refs)]) or None
        when = coding.created or (selection.created if selection else None)
        self.pending.append((coding.code, coder, span[0], span[1], memo, when))
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
            self.warn(ngettext(
                "{n} of the file's codings, memos or sources named a user the file does not list; it was "
                "attributed to you.",
                "{n} of the file's codings, memos or sources named a user the file does not list; they were "
                "attributed to you.", self.unknown_users).format(n=self.unknown_users))  # fmt: skip
        for (coder, selector), count in sorted(self.coder_pairs.items()):
            self.report.coders.append(ngettext(
                "{n} coding made by {coder} on selections created by {selector}; {coder} was taken as the coder "
                "(the Coding's creatingUser is who applied the code).",
                "{n} codings made by {coder} on selections created by {selector}; {coder} was taken as the coder "
                "(the Coding's creatingUser is who applied the code).", count).format(
                    n=count, coder=coder, selector=selector))  # fmt: skip
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
    if variable.type == "Text" and variable.description.startswith(CATEGORIES_PREFIX):
        categories = tuple(
            c.strip() for c in variable.description.removeprefix(CATEGORIES_PREFIX).split("|") if c.strip()
        )
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
