"""Retrieval: coded passages, code frequencies, co-occurrence, code-by-attribute, coding progress.

The records returned are defined (and documented) in ``workbench.domain.analysis``:

- ``coded_passages(ws, code_id, ...)`` -> ``list[CodedPassage]``: every coding of a code (and by
  default its sub-codes) across interviews, with context; filter by coder and participant attributes.
- ``code_frequencies(ws)`` -> ``list[CodeFrequency]``: the whole code tree in codebook order.
- ``cooccurrence(ws)`` -> ``CooccurrenceMatrix``: speaker turns two codes share.
- ``code_by_attribute(ws, attribute_name)`` -> ``CodeAttributeMatrix``.
- ``coding_progress(ws)`` -> ``list[CodingProgress]``: codings per coder and interview.

Every function needs ``Action.READ_TRANSCRIPTS`` and sees only the codings that blind coding lets
the acting user see (``visibility.coders_visible_to``): a researcher sees only their own until a
lead opens the comparison. Shredded interviews are left out. The counting functions read only the
codings' clear metadata (code, coder, span), authenticated by each interview's manifest
(``CodingRepo.verified_meta``): nothing is decrypted to be counted. Only ``coded_passages`` returns
text; it opens the quotes of the chosen code and the text of the interviews they are in, nothing
else, and records that in the audit log (the code and a count, never text).

Verify once per page: checking the manifests is the main cost of every counting call (tens of
microseconds per coding), so a page or command that runs several of them (the Dashboard's
frequencies, co-occurrence and progress; the Retrieve page's frequencies and passages; the
Agreement page) takes one ``snapshot(ws)`` and passes it as ``snapshot=`` to each call. A
snapshot is a value made for one call chain, never a cache: it holds what was verified at one
moment, is used only by the workspace, user and visibility it was made for (any other call
ignores it and verifies afresh), and a database change made after it is seen by the next
snapshot, which the next page run takes. Text is never taken from a snapshot: the quotes are
read, and their manifest checked, in the call that returns them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from workbench.analysis.spans import context, segment_ranges
from workbench.analysis.tables import Heading
from workbench.domain.analysis import (
    CodeAttributeMatrix,
    CodedPassage,
    CodeFrequency,
    CodingProgress,
    CooccurrenceMatrix,
)
from workbench.domain.attributes import AttributeType
from workbench.domain.codebook import match_code
from workbench.domain.models import Code, InterviewSummary, SegmentKind
from workbench.domain.permissions import Action, allowed, require
from workbench.domain.records import CodingMeta
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import N_
from workbench.i18n import gettext as _
from workbench.services.visibility import coders_visible_to
from workbench.services.workspace import Workspace
from workbench.store.repo import Repo

# Columns of the code-by-attribute table that are no attribute value: headings, so that a table or
# CSV shows them in the reader's language (a column named after a value is data and stays as it is).
MISSING_VALUE = Heading(N_("(missing)"))
NO_PARTICIPANT = Heading(N_("(no participant)"))
ParticipantFilter = Mapping[str, object]
"""Attribute name -> required value, or a list of accepted values; all must hold."""


Owner = tuple[int, str, frozenset[str] | None]
"""Who a snapshot was made for: the workspace (its ``id``), the acting user and what they may see."""


@dataclass(frozen=True)
class VisibleCodings:
    """The readable interviews and, per interview, the codings' metadata the acting user may see.

    Made by ``snapshot`` (with its ``owner``) it can be handed to several counting calls of one
    page; ``owner`` is None for one made inside a single call.
    """

    interviews: list[InterviewSummary]
    codings: dict[str, list[CodingMeta]]
    codes: list[Code]
    owner: Owner | None = None

    def all(self) -> Iterable[CodingMeta]:
        for summary in self.interviews:
            yield from self.codings[summary.id]

    def of_coders(self, coders: Collection[str] | None) -> VisibleCodings:
        """The same snapshot with only these coders' codings (all when None)."""
        if coders is None:
            return self
        keep = set(coders)
        codings = {i: [c for c in found if c.coder in keep] for i, found in self.codings.items()}
        return VisibleCodings(self.interviews, codings, self.codes, self.owner)


def load_visible(repo: Repo, visible: frozenset[str] | None, coders: Collection[str] | None = None) -> VisibleCodings:
    """Codings (metadata) of live interviews, restricted to visible coders (and to ``coders`` if given)."""
    interviews = [i for i in repo.interviews.summaries() if i.shredded_at is None]
    allowed_coders = visible if coders is None else set(coders) if visible is None else visible & set(coders)
    meta = repo.codings.verified_meta([i.id for i in interviews])
    codings = {i.id: [c for c in meta[i.id] if allowed_coders is None or c.coder in allowed_coders] for i in interviews}
    return VisibleCodings(interviews, codings, repo.codebook.codes())


def _owner(ws: Workspace, visible: frozenset[str] | None) -> Owner:
    return (id(ws), ws.user.id, visible)


def snapshot(ws: Workspace) -> VisibleCodings:
    """The verified codings' metadata the acting user may see, for several counting calls of one page.

    Every manifest is checked here, once; pass the result as ``snapshot=`` to ``code_frequencies``,
    ``cooccurrence``, ``code_by_attribute``, ``coding_progress``, ``coded_passages``,
    ``agreement_report`` and ``compare_coders`` of the same page run or command, and take a new
    one on the next (see the module docstring). Needs what those calls need to count.
    """
    if not (allowed(ws.user, Action.READ_TRANSCRIPTS) or allowed(ws.user, Action.VIEW_AGREEMENT)):
        require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        data = load_visible(repo, visible)
    return VisibleCodings(data.interviews, data.codings, data.codes, _owner(ws, visible))


def verified_codings(
    ws: Workspace,
    repo: Repo,
    visible: frozenset[str] | None,
    given: VisibleCodings | None,
    coders: Collection[str] | None = None,
) -> VisibleCodings:
    """``given`` when it was made for this workspace, user and visibility; else verified afresh.

    A snapshot that no longer fits (another session's, or made before the lead opened the
    comparison) is never used: the call then checks the manifests itself.
    """
    if given is not None and given.owner is not None and given.owner == _owner(ws, visible):
        return given.of_coders(coders)
    return load_visible(repo, visible, coders)


def find_code(ws: Workspace, ref: str) -> Code:
    """A code by its key, its id or its exact name (case-insensitive), as a user would type it."""
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        codes = repo.codebook.codes()
    found = match_code(codes, ref)  # key, id, name or the short id `codebook list` prints
    if found is not None:
        return found
    raise NotFoundError(
        _("There is no code {ref!r}; `workbench frequencies DIR` lists the codes and their keys.").format(ref=ref)
    )


def descendants(codes: Sequence[Code], code_id: str) -> set[str]:
    """The code and every code below it in the tree."""
    children: dict[str | None, list[str]] = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code.id)
    found, todo = set(), [code_id]
    while todo:
        current = todo.pop()
        if current not in found:
            found.add(current)
            todo.extend(children[current])
    return found


def coded_passages(
    ws: Workspace,
    code_id: str,
    *,
    include_children: bool = True,
    coders: Sequence[str] | None = None,
    participant_filter: ParticipantFilter | None = None,
    context_chars: int = 200,
    snapshot: VisibleCodings | None = None,
) -> list[CodedPassage]:
    """Every visible coding of a code across interviews, in interview and text order, with context.

    The quotes are read and their interviews' manifests checked here whatever ``snapshot`` holds.
    """
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.write() as repo:
        data = verified_codings(ws, repo, visible, snapshot, coders)
        names = {c.id: c.name for c in data.codes}
        if code_id not in names:
            raise NotFoundError(_("There is no code with the id {code_id}.").format(code_id=code_id))
        wanted = descendants(data.codes, code_id) if include_children else {code_id}
        keep = _matching_interviews(repo, data.interviews, participant_filter)
        passages: list[CodedPassage] = []
        for summary in data.interviews:
            ids = {c.id for c in data.codings[summary.id] if c.code_id in wanted}
            if summary.id not in keep or not ids:
                continue
            chosen = [c for c in repo.codings.of_interview(summary.id, wanted) if c.id in ids]
            text = repo.interviews.text(summary.id)
            for c in chosen:
                before, after = context(text, c.start, c.end, context_chars)
                passages.append(CodedPassage(
                    summary.id, summary.title, summary.participant_code, summary.wave, c.code_id, names[c.code_id],
                    c.coder, c.start, c.end, c.text, before, after, c.memo, c.created_at,
                ))  # fmt: skip
        ws.audit(repo, "passages retrieved", "code", code_id, passages=len(passages),
                 interviews=len({p.interview_id for p in passages}))  # fmt: skip
    return passages


def _matching_interviews(
    repo: Repo, interviews: Sequence[InterviewSummary], participant_filter: ParticipantFilter | None
) -> set[str]:
    if not participant_filter:
        return {i.id for i in interviews}
    defs = repo.participants.attribute_defs()
    wanted: dict[str, set[object]] = {}
    for name, raw in participant_filter.items():
        if name not in defs:
            raise NotFoundError(_("There is no participant attribute {name!r} in this project.").format(name=name))
        values = raw if isinstance(raw, list | tuple | set | frozenset) else [raw]
        wanted[name] = {defs[name][1].parse(v) for v in values}
    codes = {
        p.code
        for p in repo.participants.all()
        if all(name in p.attributes and p.attributes[name] in accepted for name, accepted in wanted.items())
    }
    return {i.id for i in interviews if i.participant_code in codes}


def code_frequencies(ws: Workspace, *, snapshot: VisibleCodings | None = None) -> list[CodeFrequency]:
    """The code tree in codebook order, each code with its visible codings counted."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        data = verified_codings(ws, repo, visible, snapshot)
    by_code: dict[str, list[tuple[InterviewSummary, CodingMeta]]] = defaultdict(list)
    for summary in data.interviews:
        for c in data.codings[summary.id]:
            by_code[c.code_id].append((summary, c))
    rows: list[CodeFrequency] = []
    for code, depth in _tree(data.codes):
        own = by_code.get(code.id, [])
        subtree = descendants(data.codes, code.id)
        rows.append(CodeFrequency(
            code_id=code.id, code_name=code.name, key=code.key, parent_id=code.parent_id, depth=depth,
            codable=code.codable, codings=len(own),
            codings_with_children=sum(len(by_code.get(i, [])) for i in subtree),
            interviews=len({s.id for s, _ in own}),
            participants=len({s.participant_code for s, _ in own if s.participant_code}),
            characters=sum(c.end - c.start for _, c in own),
            by_coder=dict(Counter(c.coder for _, c in own)),
        ))  # fmt: skip
    return rows


def _tree(codes: Sequence[Code]) -> list[tuple[Code, int]]:
    children: dict[str | None, list[Code]] = defaultdict(list)
    known = {c.id for c in codes}
    for code in codes:
        children[code.parent_id if code.parent_id in known else None].append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for code in children.get(parent, []):
            ordered.append((code, depth))
            walk(code.id, depth + 1)

    walk(None, 0)
    return ordered


def _codes_per_turn(turns: Sequence[tuple[int, int]], codings: Sequence[CodingMeta]) -> list[set[str]]:
    """For each turn, the codes of the codings that overlap it (each coding's turns found by bisection)."""
    found: list[set[str]] = [set() for _ in turns]
    for c, indices in zip(codings, segment_ranges(turns, [(c.start, c.end) for c in codings]), strict=True):
        for index in indices:
            found[index].add(c.code_id)
    return found


def cooccurrence(ws: Workspace, *, snapshot: VisibleCodings | None = None) -> CooccurrenceMatrix:
    """How many speaker turns each two codes share (by any visible coder); codes never used are left out."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        data = verified_codings(ws, repo, visible, snapshot)
        turns = repo.interviews.segment_spans(SegmentKind.TURN)
    together: Counter[frozenset[str]] = Counter()  # turns by the set of codes on them: few distinct sets
    for summary in data.interviews:
        together.update(
            frozenset(found) for found in _codes_per_turn(turns.get(summary.id, []), data.codings[summary.id])
        )
    pairs: Counter[tuple[str, str]] = Counter()
    for found, turns_with in together.items():
        for a in found:
            for b in found:
                pairs[(a, b)] += turns_with
    used = [c for c in data.codes if (c.id, c.id) in pairs]
    return CooccurrenceMatrix(
        code_ids=tuple(c.id for c in used),
        code_names=tuple(c.name for c in used),
        counts=tuple(tuple(pairs[(a.id, b.id)] for b in used) for a in used),
    )


def code_by_attribute(
    ws: Workspace, attribute_name: str, *, snapshot: VisibleCodings | None = None
) -> CodeAttributeMatrix:
    """Codings per code and value of one participant attribute (category, integer or date)."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        defs = repo.participants.attribute_defs()
        if attribute_name not in defs:
            raise NotFoundError(
                _("There is no participant attribute {attribute_name!r} in this project.").format(
                    attribute_name=attribute_name
                )
            )
        definition = defs[attribute_name][1]
        if definition.type is AttributeType.TEXT:
            raise InvalidInputError(
                _("{attribute_name!r} is free text; group by a category, integer or date attribute instead.").format(
                    attribute_name=attribute_name
                )
            )
        data = verified_codings(ws, repo, visible, snapshot)
        participants = repo.participants.all()
    value_of = {
        p.code: definition.encode(definition.parse(p.attributes[attribute_name]))
        if attribute_name in p.attributes
        else MISSING_VALUE
        for p in participants
    }
    per_column = Counter(value_of.values())
    cells: Counter[tuple[str, str]] = Counter()
    people: dict[tuple[str, str], set[str]] = defaultdict(set)
    for summary in data.interviews:
        column = value_of.get(summary.participant_code or "", NO_PARTICIPANT)
        for c in data.codings[summary.id]:
            cells[(c.code_id, column)] += 1
            if summary.participant_code:
                people[(c.code_id, column)].add(summary.participant_code)
    columns = _columns(definition.categories, set(per_column) | {col for _, col in cells})
    used = [c for c in data.codes if any((c.id, col) in cells for col in columns)]
    return CodeAttributeMatrix(
        attribute=attribute_name,
        columns=tuple(columns),
        column_participants=tuple(per_column.get(col, 0) for col in columns),
        code_ids=tuple(c.id for c in used),
        code_names=tuple(c.name for c in used),
        codings=tuple(tuple(cells[(c.id, col)] for col in columns) for c in used),
        participants=tuple(tuple(len(people[(c.id, col)]) for col in columns) for c in used),
    )


def _columns(categories: Sequence[str], present: set[str]) -> list[str]:
    """Categories in their defined order, other values sorted (numbers numerically), then the gaps."""
    special = [v for v in (MISSING_VALUE, NO_PARTICIPANT) if v in present]
    rest = present - set(special) - set(categories)
    ordered = sorted(rest, key=lambda v: (0, int(v), "") if v.lstrip("-").isdigit() else (1, 0, v))
    return [c for c in categories if c in present] + ordered + special


def coding_progress(ws: Workspace, *, snapshot: VisibleCodings | None = None) -> list[CodingProgress]:
    """Codings and coded turns per interview and coder, zeros included, so gaps show."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    visible = coders_visible_to(ws)
    with ws.read() as repo:
        data = verified_codings(ws, repo, visible, snapshot)
        turns = repo.interviews.segment_spans(SegmentKind.TURN)
    coders = sorted({c.coder for c in data.all()} | ({ws.user.name} if allowed(ws.user, Action.CODE) else set()))
    if visible is not None:
        coders = [c for c in coders if c in visible]
    rows: list[CodingProgress] = []
    for summary in data.interviews:
        spans = turns.get(summary.id, [])
        for coder in coders:
            own = [c for c in data.codings[summary.id] if c.coder == coder]
            coded = sum(1 for found in _codes_per_turn(spans, own) if found)
            rows.append(CodingProgress(summary.id, summary.title, summary.participant_code, coder, len(own),
                                       coded, len(spans)))  # fmt: skip
    return rows
