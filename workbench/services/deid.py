"""De-identification use cases: known names, scanning, review decisions, and the release.

The workflow: at intake a researcher records the names, nicknames, places and institutions
tied to a participant (``add_known_entity``); ``scan`` runs the detector over every
interview and stores what it found (encrypted); the review (``review_items``, ``decide``,
``add_missed``) turns detections into project-wide decisions: an accepted or added name is
found in every interview in every inflected form, a rejected false alarm is never proposed
again. Building the release from these decisions is ``services/deid_release.py``; running the
detector without a project (``workbench pii detect``) is ``services/pii.py``.

Unreviewed detections are replaced too: recall comes first, so only an explicit rejection
lets a detected word through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from workbench.deid.pseudonyms import tag
from workbench.deid.spans import ENTITY_TYPES, Span, entity_type, resolve_overlaps
from workbench.deid.terms import Term, TermMatcher, normalize_term
from workbench.domain.permissions import Action, require
from workbench.domain.records import Pseudonym, StoredDetection, StoredTerm
from workbench.errors import InvalidInputError, NotFoundError
from workbench.i18n import gettext as _
from workbench.services.workspace import Workspace
from workbench.store.deid import DeidRepo
from workbench.store.repo import Repo

REPLACEMENT_KEY = "deid.replacement"  # "tags" (default) or "surrogates"
DECISIONS = ("accept", "reject")
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
_CONTEXT = 60
_NAME_PARTS_MIN = 3
ProgressFn = Callable[[int, int], None]


@dataclass(frozen=True)
class KnownEntity:
    tag: str
    entity_type: str
    texts: tuple[str, ...]
    participant_code: str | None
    origin: str


@dataclass(frozen=True)
class ReviewItem:
    id: str
    interview_id: str
    start: int
    end: int
    text: str
    before: str
    after: str
    entity_type: str
    score: float
    recognizer: str
    status: str


@dataclass(frozen=True)
class ScanReport:
    interviews: int
    detections: int
    pending: int


# -- known entities ---------------------------------------------------------------------------


def add_known_entity(ws: Workspace, text: str, kind: str, *, participant_code: str | None = None,
                     aliases: Iterable[str] = ()) -> str:  # fmt: skip
    """Record a real name (with nicknames or spellings) to be found everywhere; returns its tag."""
    require(ws.user, Action.REVIEW_DEID)
    names = tuple(aliases)
    with ws.write() as repo:
        found = _add_entity(repo, ws.user.id, text, entity_type(kind), participant_code=participant_code,
                            aliases=names, origin="intake")  # fmt: skip
        _refresh_terms(repo.deid)
        ws.audit(repo, "deid entity added", "deid_pseudonym", found.id, entity_type=found.entity_type,
                 aliases=len(names))  # fmt: skip
    return tag(found.entity_type, found.number)


def import_known_entities(ws: Workspace, path: Path) -> int:
    """Load known entities from a YAML file: ``entities: [{text, type, participant, aliases}]``."""
    require(ws.user, Action.REVIEW_DEID)
    from workbench.yaml_guard import load_untrusted_yaml

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(
            _("{path_name}: cannot read it as YAML ({name}).").format(path_name=path.name, name=type(exc).__name__)
        ) from None
    data = load_untrusted_yaml(path.name, raw, what=_("known-entities YAML file"), max_bytes=5 * 1024 * 1024)
    entries = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidInputError(_("{path_name}: expected a top-level 'entities' list.").format(path_name=path.name))
    with ws.write() as repo:
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not entry.get("text") or not entry.get("type"):
                raise InvalidInputError(
                    _("{path_name}: entry {number} needs 'text' and 'type'; nothing was stored.").format(
                        path_name=path.name, number=number
                    )
                )
            code = entry.get("participant")
            _add_entity(repo, ws.user.id, str(entry["text"]), entity_type(str(entry["type"])),
                        participant_code=str(code) if code else None,
                        aliases=tuple(str(a) for a in entry.get("aliases") or ()), origin="intake")  # fmt: skip
        _refresh_terms(repo.deid)
        ws.audit(repo, "deid entities imported", "project", ws.project.id, count=len(entries))
    return len(entries)


def _add_entity(repo: Repo, user_id: str, text: str, kind: str, *, participant_code: str | None = None,
                aliases: tuple[str, ...] = (), origin: str) -> Pseudonym:  # fmt: skip
    text = " ".join(text.split())
    if not text:
        raise InvalidInputError(_("The name to protect is empty."))
    participant_id = None
    if participant_code:
        participant_id = repo.participants.id_of(participant_code)
        if participant_id is None:
            raise NotFoundError(
                _("There is no participant {participant_code!r} in this project.").format(
                    participant_code=participant_code
                )
            )
    deid = repo.deid
    pseudonym = deid.pseudonym_for(kind, normalize_term(text))
    surfaces = [text, *aliases]
    if kind == "PERSON":  # a full name's parts are found alone too ("Zsolt" for "Horváth Zsolt")
        surfaces += [part for part in text.split() if len(part) >= _NAME_PARTS_MIN and part[0].isupper()]
    for surface in dict.fromkeys(" ".join(a.split()) for a in surfaces if a.strip()):
        deid.save_term(surface, kind, status=ACCEPTED, origin=origin, pseudonym_id=pseudonym.id,
                       participant_id=participant_id, user_id=user_id)  # fmt: skip
    return pseudonym


def list_known_entities(ws: Workspace, *, include_rejected: bool = False) -> list[KnownEntity]:
    """Accepted names grouped by pseudonym (and, on request, rejected false alarms)."""
    require(ws.user, Action.REVIEW_DEID)
    with ws.read() as repo:
        deid = repo.deid
        pseudonyms = deid.pseudonyms()
        groups: dict[str, list[StoredTerm]] = {}
        rejected: list[StoredTerm] = []
        for term in deid.terms():
            if term.status == ACCEPTED and term.pseudonym_id:
                groups.setdefault(term.pseudonym_id, []).append(term)
            elif term.status == REJECTED:
                rejected.append(term)
    entities = []
    for pseudonym_id, terms in groups.items():
        p = pseudonyms[pseudonym_id]
        code = next((t.participant_code for t in terms if t.participant_code), None)
        entities.append(KnownEntity(tag(p.entity_type, p.number), p.entity_type, tuple(t.text for t in terms), code,
                                    terms[0].origin))  # fmt: skip
    entities.sort(key=lambda e: (ENTITY_TYPES.index(e.entity_type) if e.entity_type in ENTITY_TYPES else 99, e.tag))
    if include_rejected:
        entities += [KnownEntity("(rejected)", t.entity_type, (t.text,), None, t.origin) for t in rejected]
    return entities


# -- scanning -----------------------------------------------------------------------------------


def matchers(deid: DeidRepo) -> tuple[TermMatcher, TermMatcher]:
    terms = deid.terms()
    known = TermMatcher(Term(t.pseudonym_id or t.id, t.text, t.entity_type) for t in terms if t.status == ACCEPTED)
    rejected = TermMatcher(Term(t.id, t.text, t.entity_type) for t in terms if t.status == REJECTED)
    return known, rejected


def readable_interviews(repo: Repo) -> list[str]:
    return [i.id for i in repo.interviews.summaries() if i.shredded_at is None]


def scan(ws: Workspace, interview_refs: Iterable[str] | None = None, *,
         on_progress: ProgressFn | None = None) -> ScanReport:  # fmt: skip
    """Run the detector over interviews (all by default) and store what it finds, encrypted.

    Interviews are read ``SCAN_BATCH`` at a time and each batch's texts of one language go
    through the detector together (``detect_many``: the spaCy model batched with ``nlp.pipe``,
    the same spans as one text at a time), so at most one batch of transcripts is decrypted at once.
    """
    require(ws.user, Action.REVIEW_DEID)
    require(ws.user, Action.READ_TRANSCRIPTS)
    from workbench.deid.engine import shared_detector

    detector = shared_detector()
    with ws.write() as repo:
        deid = repo.deid
        ids = [repo.interviews.resolve(r) for r in interview_refs] if interview_refs else readable_interviews(repo)
        known, rejected = matchers(deid)
        total = done = 0
        for first in range(0, len(ids), SCAN_BATCH):
            batch = ids[first : first + SCAN_BATCH]
            transcripts = [repo.interviews.transcript(interview_id) for interview_id in batch]
            by_language: dict[str, list[int]] = {}
            for k, transcript in enumerate(transcripts):
                by_language.setdefault(transcript.summary.language, []).append(k)
            for language, members in by_language.items():
                found = detector.detect_many([transcripts[k].text for k in members], language, known, rejected)
                for k, spans in zip(members, found, strict=True):
                    total += deid.replace_detections(batch[k], transcripts[k].text, spans)
                    done += 1
                    if on_progress:
                        on_progress(done, len(ids))
            del transcripts
        decisions = deid.term_macs()
        pending = sum(1 for d in deid.detections() if detection_status(d, decisions) == PENDING)
        ws.audit(repo, "deid scan", "project", ws.project.id, interviews=len(ids), detections=total)
    return ScanReport(len(ids), total, pending)


# Interviews per detector batch in ``scan``: the model's own batch (``engine.BATCH_SIZE``); whole
# transcripts are long, so a larger group gains little and holds more decrypted text at once.
SCAN_BATCH = 8


def _refresh_terms(deid: DeidRepo) -> None:
    """Apply the current decisions to stored detections without rerunning the models.

    Known terms are matched afresh in every scanned interview (so an added name is found
    everywhere); detections inside a rejected term are dropped; other detections overlapped by
    a known term give way to it.
    """
    known, rejected = matchers(deid)
    scanned = deid.scanned()
    stored: dict[str, list[StoredDetection]] = {}
    for d in deid.detections():
        stored.setdefault(d.interview_id, []).append(d)
    for interview_id in readable_interviews(deid.repo):
        if interview_id not in scanned:
            continue
        text = deid.repo.interviews.transcript(interview_id).text
        refused = [(m.start, m.end) for m in rejected.find(text)]
        kept = [
            Span(d.start, d.end, d.entity_type, d.score, d.recognizer, d.pseudonym_id)
            for d in stored.get(interview_id, [])
            if d.recognizer != "known" and not any(a <= d.start and d.end <= b for a, b in refused)
        ]
        matches = [Span(m.start, m.end, m.term.entity_type, 1.0, "known", m.term.key) for m in known.find(text)]
        deid.replace_detections(interview_id, text, resolve_overlaps(kept + matches))


# -- review -----------------------------------------------------------------------------------


def detection_status(detection: StoredDetection, decisions: Mapping[str, str]) -> str:
    if detection.recognizer == "known":
        return ACCEPTED
    return decisions.get(detection.value_mac, PENDING)


def review_items(ws: Workspace, *, status: str | None = None, interview_ref: str | None = None,
                 limit: int | None = None) -> list[ReviewItem]:  # fmt: skip
    """Detections with their context, for the review queue (pending first)."""
    require(ws.user, Action.REVIEW_DEID)
    with ws.read() as repo:
        deid = repo.deid
        interview_id = repo.interviews.resolve(interview_ref) if interview_ref else None
        decisions = deid.term_macs()
        texts: dict[str, str] = {}
        items = []
        for d in deid.detections(interview_id):
            current = detection_status(d, decisions)
            if status is not None and current != status:
                continue
            if d.interview_id not in texts:
                texts[d.interview_id] = repo.interviews.transcript(d.interview_id).text
            text = texts[d.interview_id]
            items.append(ReviewItem(d.id, d.interview_id, d.start, d.end, d.text,
                                    text[max(0, d.start - _CONTEXT) : d.start], text[d.end : d.end + _CONTEXT],
                                    d.entity_type, d.score, d.recognizer, current))  # fmt: skip
    order = {PENDING: 0, ACCEPTED: 1, REJECTED: 2}
    items.sort(key=lambda i: order[i.status])
    return items[:limit] if limit else items


def decide(ws: Workspace, detection_refs: Iterable[str], decision: str, *, kind: str | None = None) -> int:
    """Accept (optionally as another type) or reject detections; applies to the whole project."""
    return apply_decisions(ws, [(ref, decision, kind) for ref in detection_refs])


def apply_decisions(ws: Workspace, decisions: Iterable[tuple[str, str, str | None]]) -> int:
    """Apply (detection id, accept|reject, new type or None) decisions in one transaction."""
    require(ws.user, Action.REVIEW_DEID)
    wanted = list(decisions)
    if any(d not in DECISIONS for _, d, _ in wanted):
        raise InvalidInputError(_("Each decision must be accept or reject."))
    with ws.write() as repo:
        deid = repo.deid
        by_id = {d.id: d for d in deid.detections()}
        for ref, decision, kind in wanted:
            detection_id = deid.resolve_detection(ref)
            if detection_id not in by_id:
                raise NotFoundError(_("Detection {ref} belongs to a shredded interview.").format(ref=ref))
            d = by_id[detection_id]
            new_type = entity_type(kind) if kind else d.entity_type
            if decision == "accept":
                _add_entity(repo, ws.user.id, d.text, new_type, origin="review")
            else:
                deid.save_term(d.text, new_type, status=REJECTED, origin="review", pseudonym_id=None,
                               participant_id=None, user_id=ws.user.id)  # fmt: skip
        _refresh_terms(deid)
        counts = {decision: sum(1 for _, d, _ in wanted if d == decision) for decision in DECISIONS}
        ws.audit(repo, "deid review", "project", ws.project.id, **counts)
    return len(wanted)


def add_missed(ws: Workspace, text: str, kind: str) -> str:
    """Add a span the detector missed; it is then found in every interview. Returns its tag."""
    require(ws.user, Action.REVIEW_DEID)
    with ws.write() as repo:
        found = _add_entity(repo, ws.user.id, text, entity_type(kind), origin="added")
        _refresh_terms(repo.deid)
        ws.audit(repo, "deid span added", "deid_term", found.id, entity_type=found.entity_type)
    return tag(found.entity_type, found.number)


@dataclass(frozen=True)
class UnflaggedWord:
    """A capitalised word or number run in a scanned interview that nothing flagged."""

    interview_id: str
    text: str
    count: int
    kind: str  # "word" or "number"


def unflagged_words(ws: Workspace, interview_ref: str | None = None) -> list[UnflaggedWord]:
    """Capitalised words and number runs no detection, known name or rejection covers (scanned interviews).

    These are the candidates a reviewer must protect (``add_missed``) or dismiss
    (``dismiss_unflagged``) before a release: an interview with none left is reviewed.
    """
    require(ws.user, Action.REVIEW_DEID)
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        deid = repo.deid
        ids = [repo.interviews.resolve(interview_ref)] if interview_ref else readable_interviews(repo)
        return unflagged_in(deid, ids)


def unflagged_in(deid: DeidRepo, ids: Iterable[str]) -> list[UnflaggedWord]:
    from workbench.deid.unflagged import unflagged

    _, rejected = matchers(deid)
    scanned = deid.scanned()
    result = []
    for interview_id in (i for i in ids if i in scanned):
        text = deid.repo.interviews.transcript(interview_id).text
        covered = [(d.start, d.end) for d in deid.detections(interview_id)]
        covered += [(m.start, m.end) for m in rejected.find(text)]
        result += [UnflaggedWord(interview_id, *found) for found in unflagged(text, covered)]
    return result


def unreviewed_counts(ws: Workspace) -> dict[str, int]:
    """Unreviewed candidates per scanned interview (0: the interview is reviewed)."""
    require(ws.user, Action.REVIEW_DEID)
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        deid = repo.deid
        ids = [i for i in readable_interviews(repo) if i in deid.scanned()]
        return candidate_counts(ids, unflagged_in(deid, ids))


def candidate_counts(ids: Iterable[str], words: Iterable[UnflaggedWord]) -> dict[str, int]:
    counts = dict.fromkeys(ids, 0)
    for word in words:
        counts[word.interview_id] = counts.get(word.interview_id, 0) + 1
    return counts


def dismiss_unflagged(ws: Workspace, texts: Iterable[str]) -> int:
    """Mark unflagged candidates as not identifiers, for the whole project; returns how many.

    A dismissal is a rejection like a reviewer's on a false alarm (sealed in ``deid_term`` with
    the de-identification key, found by MAC), so the word is never listed again, in any
    interview, and a detector that later flags it is overruled the same way. Only current
    candidates can be dismissed, so this cannot unprotect a known name; nothing is stored if
    one of the texts is not a candidate.
    """
    require(ws.user, Action.REVIEW_DEID)
    require(ws.user, Action.READ_TRANSCRIPTS)
    wanted = list(dict.fromkeys(" ".join(t.split()) for t in texts))
    if not wanted or not all(wanted):
        raise InvalidInputError(_("Give at least one word to dismiss (empty words are not accepted)."))
    with ws.write() as repo:
        deid = repo.deid
        kinds = {w.text: w.kind for w in unflagged_in(deid, readable_interviews(repo))}
        accepted = {mac for mac, status in deid.term_macs().items() if status == ACCEPTED}
        missing = sum(1 for t in wanted if t not in kinds or deid.mac(t) in accepted)
        if missing:
            raise NotFoundError(
                _(
                    "{missing} of the {n_wanted} word(s) given are not unflagged candidates in this project (they "
                    "must be written exactly as listed); nothing was dismissed. `workbench deid unflagged` lists "
                    "the candidates."
                ).format(missing=missing, n_wanted=len(wanted))
            )
        for text in wanted:
            kind = "ID" if kinds[text] == "number" else "NAME"
            deid.save_term(text, kind, status=REJECTED, origin="review", pseudonym_id=None, participant_id=None,
                           user_id=ws.user.id)  # fmt: skip
        _refresh_terms(deid)
        ws.audit(repo, "deid unflagged dismissed", "project", ws.project.id, count=len(wanted))
    return len(wanted)
