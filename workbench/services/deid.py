"""De-identification use cases: known names, scanning, review decisions, and the release.

The workflow: at intake a researcher records the names, nicknames, places and institutions
tied to a participant (``add_known_entity``); ``scan`` runs the detector over every
interview and stores what it found (encrypted); the review (``review_items``, ``decide``,
``add_missed``) turns detections into project-wide decisions: an accepted or added name is
found in every interview in every inflected form, a rejected false alarm is never proposed
again. ``release`` (leads) leak-checks and seals de-identified quotes, generalized participant
attributes and code data with the release key, which is all a report writer's exports ever
read; each interview's share is sealed apart, so shredding the interview removes it.

Unreviewed detections are replaced too: recall comes first, so only an explicit rejection
lets a detected word through.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workbench.deid.disclosure import DEFAULT_K, DEFAULT_THRESHOLD
from workbench.deid.generalize import SETTING_KEY as GENERALIZE_KEY
from workbench.deid.generalize import Rule, generalize, parse_rules
from workbench.deid.leaks import Fingerprints, count_leaks, fingerprints
from workbench.deid.pseudonyms import replace_spans, replace_with_offsets, surrogate, tag
from workbench.deid.spans import ENTITY_TYPES, Span, entity_type, resolve_overlaps
from workbench.deid.terms import Term, TermMatcher, normalize_term
from workbench.domain.models import Transcript
from workbench.domain.permissions import Action, require
from workbench.domain.records import Pseudonym, StoredDetection, StoredRelease, StoredTerm
from workbench.errors import InvalidInputError, LeakDetectedError, NotFoundError, UnreviewedCandidatesError
from workbench.services.export_hooks import ExportHooks, Transformed
from workbench.services.life_release import LIFE_EVENTS, LIFE_PATHS, LifeRelease, released_texts
from workbench.services.workspace import Workspace
from workbench.store.deid import DeidRepo
from workbench.store.repo import Repo

if TYPE_CHECKING:
    from workbench.deid.engine import Detector

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


@dataclass(frozen=True)
class ReleaseSummary:
    id: str
    interviews: int
    quotes: int
    participants: int
    replaced: int


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
        raise InvalidInputError(f"{path.name}: cannot read it as YAML ({type(exc).__name__}).") from None
    data = load_untrusted_yaml(path.name, raw, what="known-entities YAML file", max_bytes=5 * 1024 * 1024)
    entries = data.get("entities") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InvalidInputError(f"{path.name}: expected a top-level 'entities' list.")
    with ws.write() as repo:
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or not entry.get("text") or not entry.get("type"):
                raise InvalidInputError(f"{path.name}: entry {number} needs 'text' and 'type'; nothing was stored.")
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
        raise InvalidInputError("The name to protect is empty.")
    participant_id = None
    if participant_code:
        participant_id = repo.participants.id_of(participant_code)
        if participant_id is None:
            raise NotFoundError(f"There is no participant {participant_code!r} in this project.")
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


def _matchers(deid: DeidRepo) -> tuple[TermMatcher, TermMatcher]:
    terms = deid.terms()
    known = TermMatcher(Term(t.pseudonym_id or t.id, t.text, t.entity_type) for t in terms if t.status == ACCEPTED)
    rejected = TermMatcher(Term(t.id, t.text, t.entity_type) for t in terms if t.status == REJECTED)
    return known, rejected


def _readable_interviews(repo: Repo) -> list[str]:
    return [i.id for i in repo.interviews.summaries() if i.shredded_at is None]


def scan(ws: Workspace, interview_refs: Iterable[str] | None = None, *,
         on_progress: ProgressFn | None = None) -> ScanReport:  # fmt: skip
    """Run the detector over interviews (all by default) and store what it finds, encrypted."""
    require(ws.user, Action.REVIEW_DEID)
    require(ws.user, Action.READ_TRANSCRIPTS)
    from workbench.deid.engine import shared_detector

    detector = shared_detector()
    with ws.write() as repo:
        deid = repo.deid
        ids = [repo.interviews.resolve(r) for r in interview_refs] if interview_refs else _readable_interviews(repo)
        known, rejected = _matchers(deid)
        total = 0
        for done, interview_id in enumerate(ids, start=1):
            transcript = repo.interviews.transcript(interview_id)
            spans = detector.detect(transcript.text, transcript.summary.language, known, rejected)
            total += deid.replace_detections(interview_id, transcript.text, spans)
            if on_progress:
                on_progress(done, len(ids))
        decisions = deid.term_macs()
        pending = sum(1 for d in deid.detections() if _status(d, decisions) == PENDING)
        ws.audit(repo, "deid scan", "project", ws.project.id, interviews=len(ids), detections=total)
    return ScanReport(len(ids), total, pending)


def _refresh_terms(deid: DeidRepo) -> None:
    """Apply the current decisions to stored detections without rerunning the models.

    Known terms are matched afresh in every scanned interview (so an added name is found
    everywhere); detections inside a rejected term are dropped; other detections overlapped by
    a known term give way to it.
    """
    known, rejected = _matchers(deid)
    scanned = deid.scanned()
    stored: dict[str, list[StoredDetection]] = {}
    for d in deid.detections():
        stored.setdefault(d.interview_id, []).append(d)
    for interview_id in _readable_interviews(deid.repo):
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


def _status(detection: StoredDetection, decisions: Mapping[str, str]) -> str:
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
            current = _status(d, decisions)
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
        raise InvalidInputError("Each decision must be accept or reject.")
    with ws.write() as repo:
        deid = repo.deid
        by_id = {d.id: d for d in deid.detections()}
        for ref, decision, kind in wanted:
            detection_id = deid.resolve_detection(ref)
            if detection_id not in by_id:
                raise NotFoundError(f"Detection {ref} belongs to a shredded interview.")
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
        ids = [repo.interviews.resolve(interview_ref)] if interview_ref else _readable_interviews(repo)
        return _unflagged_in(deid, ids)


def _unflagged_in(deid: DeidRepo, ids: Iterable[str]) -> list[UnflaggedWord]:
    from workbench.deid.unflagged import unflagged

    _, rejected = _matchers(deid)
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
        ids = [i for i in _readable_interviews(repo) if i in deid.scanned()]
        return _counts(ids, _unflagged_in(deid, ids))


def _counts(ids: Iterable[str], words: Iterable[UnflaggedWord]) -> dict[str, int]:
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
        raise InvalidInputError("Give at least one word to dismiss (empty words are not accepted).")
    with ws.write() as repo:
        deid = repo.deid
        kinds = {w.text: w.kind for w in _unflagged_in(deid, _readable_interviews(repo))}
        accepted = {mac for mac, status in deid.term_macs().items() if status == ACCEPTED}
        missing = sum(1 for t in wanted if t not in kinds or deid.mac(t) in accepted)
        if missing:
            raise NotFoundError(
                f"{missing} of the {len(wanted)} word(s) given are not unflagged candidates in this project "
                "(they must be written exactly as listed); nothing was dismissed. "
                "`workbench deid unflagged` lists the candidates."
            )
        for text in wanted:
            kind = "ID" if kinds[text] == "number" else "NAME"
            deid.save_term(text, kind, status=REJECTED, origin="review", pseudonym_id=None, participant_id=None,
                           user_id=ws.user.id)  # fmt: skip
        _refresh_terms(deid)
        ws.audit(repo, "deid unflagged dismissed", "project", ws.project.id, count=len(wanted))
    return len(wanted)


def _refuse_unreviewed(repo: Repo, counts: Mapping[str, int]) -> None:
    waiting = {i: n for i, n in counts.items() if n}
    if not waiting:
        return
    titles = {i.id: i.title for i in repo.interviews.summaries()}
    listed = "; ".join(f"{titles.get(i, 'interview')} ({i[:8]}): {n}" for i, n in waiting.items())
    raise UnreviewedCandidatesError(
        f"The release was refused: {len(waiting)} interview(s) have unflagged words nobody reviewed ({listed}). "
        "Nothing was released. Protect or dismiss them on the De-identification review page (or with "
        "`workbench deid unflagged`, `deid review add` and `deid dismiss`), or, as a lead, release with the "
        "override (`--override-unreviewed`), which is audited.",
        counts=waiting,
    )


# -- release ----------------------------------------------------------------------------------


def check_key(repo: Repo) -> bytes:
    """The key of the leak check's fingerprints: derived from the de-identification key.

    Report writers never hold it (their slot wraps the release key only), and fingerprints are
    computed in memory by a full session and never stored, so a writer has nothing to test
    guessed names against.
    """
    return repo.deid.leak_key()


def current_fingerprints(repo: Repo, key: bytes, *, include_codes: bool = True) -> Fingerprints:
    """Fingerprints of every accepted term and (unless left out) every participant code.

    Exported tables name participants by export pseudonym (``Participant 3``), never by their
    project code; a ``.qdpx`` keeps the codes as case names, so it leaves them out.
    """
    terms = [Term(t.id, t.text, t.entity_type) for t in repo.deid.terms() if t.status == ACCEPTED]
    if include_codes:
        terms += [Term(p.id, p.code, "ID", inflect=False) for p in repo.participants.codes()]
    return fingerprints(terms, key)


def release_texts(payload: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, text) of every text in released material that an export or a writer can see."""
    for code in payload.get("codes", []):
        yield "code names", str(code["name"])
    for name, description in payload.get("attributes", {}).items():
        yield "attributes", f"{name}\n{description}"
    for participant in payload.get("participants", []):
        yield "attributes", "\n".join([str(participant["pseudonym"]), *map(str, participant["attributes"].values())])
    for quote in payload.get("quotes", []):
        yield "quotes", f"{quote['code']}\n{quote['participant']}\n{quote['quote']}"
    for text in released_texts(payload):
        yield "life events", text
    for transcript in payload.get("transcripts", []):
        yield "transcripts", f"{transcript['label']}\n{transcript['participant']}\n{transcript['text']}"


def _verify_release(repo: Repo, payload: Mapping[str, Any]) -> dict[str, int]:
    """The leak check of the whole release, before it is sealed: refuses one holding a protected name.

    This is what lets an export in a writer's session do without any fingerprint: everything
    an export shows comes from a release that was checked here, against every accepted name
    and every participant code, by a session that may see them.
    """
    key = check_key(repo)
    prints = current_fingerprints(repo, key)
    found: dict[str, int] = {}
    texts = 0
    for where, text in release_texts(payload):
        texts += 1
        leaks = count_leaks(text, prints, key)
        if leaks:
            found[where] = found.get(where, 0) + leaks
    if found:
        places = ", ".join(f"{n} in {where}" for where, n in sorted(found.items()))
        raise LeakDetectedError(
            f"The release was refused: the leak check found protected names or participant codes in the "
            f"released material ({places}). Nothing was released. Rename a code or attribute value that holds "
            "a name, review the de-identification, and release again."
        )
    return {"texts": texts, "leaks": 0}


def release(ws: Workspace, *, on_progress: ProgressFn | None = None, threshold: int = DEFAULT_THRESHOLD,
            k: int = DEFAULT_K, override_unreviewed: bool = False) -> ReleaseSummary:  # fmt: skip
    """Seal de-identified material for report writers (scanning any interview not yet scanned).

    ``threshold`` and ``k`` are the release's minimums: exports by anyone who may not release
    can raise them, never lower them. The release is leak-checked as a whole before it is
    sealed, and it replaces every earlier release (only the latest is read; each is a copy).
    It is refused (``UnreviewedCandidatesError``) while an interview has unflagged candidates
    nobody protected or dismissed, unless ``override_unreviewed``: then it goes ahead and the
    audit log says so, with the counts.
    """
    require(ws.user, Action.RELEASE)
    if threshold < 1 or k < 1:
        raise InvalidInputError("The suppression threshold and k must be at least 1.")
    from workbench.deid.engine import shared_detector

    with ws.write() as repo:
        deid = repo.deid
        ids = _readable_interviews(repo)
        unscanned = [i for i in ids if i not in deid.scanned()]
        if unscanned:
            known, rejected = _matchers(deid)
            for interview_id in unscanned:
                transcript = repo.interviews.transcript(interview_id)
                spans = shared_detector().detect(transcript.text, transcript.summary.language, known, rejected)
                deid.replace_detections(interview_id, transcript.text, spans)
        unreviewed = {i: n for i, n in _counts(ids, _unflagged_in(deid, ids)).items() if n}
        if not override_unreviewed:
            _refuse_unreviewed(repo, unreviewed)
        builder = _ReleaseBuilder(ws, repo, deid)
        for done, interview_id in enumerate(ids, start=1):
            builder.add_interview(repo.interviews.transcript(interview_id))
            if on_progress:
                on_progress(done, len(ids))
        base = builder.payload()
        base["minimums"] = {"threshold": threshold, "k": k}
        base["verified"] = _verify_release(
            repo,
            {**base, "quotes": builder.quotes, "transcripts": builder.transcripts, LIFE_EVENTS: builder.life_events},
        )
        summary = {"interviews": len(ids), "quotes": len(builder.quotes),
                   "participants": len(base["participants"]), "replaced": builder.replaced}  # fmt: skip
        release_id = deid.add_release(base, builder.parts, summary, ws.user.id)
        superseded = deid.delete_releases_except(release_id)
        if unreviewed:
            ws.audit(repo, "deid release unreviewed override", "deid_release", release_id,
                     interviews=len(unreviewed), candidates=sum(unreviewed.values()))  # fmt: skip
        ws.audit(repo, "deid release", "deid_release", release_id, **summary, threshold=threshold, k=k,
                 superseded=superseded, unreviewed=sum(unreviewed.values()))  # fmt: skip
    return ReleaseSummary(release_id, len(ids), len(builder.quotes), len(base["participants"]), builder.replaced)


class _Replacer:
    """Replacement text for stored detections: the entity's tag (or surrogate), stable per project."""

    def __init__(self, deid: DeidRepo) -> None:
        self.deid = deid
        self.decisions = deid.term_macs()
        self.pseudonyms = deid.pseudonyms()
        self.surrogates = deid.repo.settings.get(REPLACEMENT_KEY, "tags") == "surrogates"
        self.surrogate_key = deid.surrogate_key() if self.surrogates else b""
        self.replaced = 0

    def value(self, entity_kind: str, pseudonym_id: str | None, text: str, language: str) -> str:
        pseudonym = self.pseudonyms.get(pseudonym_id or "")
        if pseudonym is None:
            pseudonym = self.deid.pseudonym_for(entity_kind, normalize_term(text))
            self.pseudonyms[pseudonym.id] = pseudonym
        self.replaced += 1
        if self.surrogates:
            return surrogate(pseudonym.entity_type, pseudonym.number, self.surrogate_key, language)
        return tag(pseudonym.entity_type, pseudonym.number)

    def for_interview(self, interview_id: str, language: str) -> list[tuple[int, int, str]]:
        """Every detection of the interview except rejected ones (unreviewed ones are replaced too)."""
        return [
            (d.start, d.end, self.value(d.entity_type, d.pseudonym_id, d.text, language))
            for d in self.deid.detections(interview_id)
            if _status(d, self.decisions) != REJECTED
        ]

    def for_text(self, text: str, language: str) -> str:
        """Free text outside the transcripts (memos): detected afresh, then replaced the same way."""
        from workbench.deid.engine import shared_detector

        known, rejected = _matchers(self.deid)
        spans = shared_detector().detect(text, language, known, rejected)
        return replace_spans(text, [(s.start, s.end, self.value(s.entity_type, s.term_key, text[s.start : s.end],
                                                                 language)) for s in spans])  # fmt: skip


def _generalized(repo: Repo) -> tuple[dict[str, Rule], dict[str, dict[str, str]]]:
    """The generalization rules and every participant's generalized attributes, by code."""
    definitions = [d for _, d in repo.participants.attribute_defs().values()]
    rules = parse_rules(repo.settings.get(GENERALIZE_KEY, {}), definitions)
    values: dict[str, dict[str, str]] = {}
    for p in repo.participants.all():
        attributes = {name: generalize(p.attributes.get(name), rule) for name, rule in rules.items()}
        values[p.code] = {k: v for k, v in attributes.items() if v is not None}
    return rules, values


class _ReleaseBuilder:
    """Collects the de-identified view of a project: quotes, transcripts, participants, codes."""

    def __init__(self, ws: Workspace, repo: Repo, deid: DeidRepo) -> None:
        self.repo = repo
        self.deid = deid
        self.replacer = _Replacer(deid)
        self.codes = {c.id: c for c in repo.codebook.codes()}
        self.quotes: list[dict[str, Any]] = []
        self.transcripts: list[dict[str, Any]] = []
        self.parts: list[tuple[str, dict[str, Any]]] = []
        """(interview id, its quotes and transcript): sealed apart so shredding can delete them."""
        self.participant_labels: dict[str, str] = {}
        self.language = ws.project.language
        self.life = LifeRelease(repo)
        self.life_events: list[dict[str, Any]] = []

    @property
    def replaced(self) -> int:
        return self.replacer.replaced

    def _participant(self, code: str | None) -> str:
        if not code:
            return "unassigned"
        if code not in self.participant_labels:
            p = self.deid.pseudonym_for("PARTICIPANT", code)
            self.participant_labels[code] = f"Participant {p.number}"
        return self.participant_labels[code]

    def add_interview(self, transcript: Transcript) -> None:
        interview_id = transcript.summary.id
        language = transcript.summary.language
        replacements = self.replacer.for_interview(interview_id, language)
        participant = self._participant(transcript.summary.participant_code)
        codings = {(c.code_id, c.start, c.end) for c in self.repo.codings.of_interview(interview_id)}
        quotes = []
        for code_id, start, end in sorted(codings, key=lambda c: (c[1], c[2], c[0])):
            code = self.codes.get(code_id)
            if code is None:
                continue
            quotes.append({"code_id": code_id, "code": code.name, "participant": participant,
                           "quote": deidentify(transcript.text, start, end, replacements),
                           "language": language})  # fmt: skip
        label = f"Interview {len(self.transcripts) + 1}"
        text = {"label": label, "participant": participant, "language": language,
                "text": replace_spans(transcript.text, replacements)}  # fmt: skip
        events = self.life.for_interview(interview_id, self._participant,
                                         lambda a, b: deidentify(transcript.text, a, b, replacements))  # fmt: skip
        self.quotes += quotes
        self.transcripts.append(text)
        self.life_events += events
        self.parts.append((interview_id, {"quotes": quotes, "transcript": text, LIFE_EVENTS: events}))

    def payload(self) -> dict[str, Any]:
        """The project-wide part of the release (the interviews' shares are in ``parts``)."""
        rules, values = _generalized(self.repo)
        participants = [{"pseudonym": self._participant(code), "attributes": attrs} for code, attrs in values.items()]
        participants.sort(key=lambda p: int(str(p["pseudonym"]).split()[-1]))
        return {
            "version": 2,
            "language": self.language,
            "codes": [{"id": c.id, "name": c.name, "parent_id": c.parent_id} for c in self.codes.values()],
            "attributes": {name: rule.describe() for name, rule in rules.items() if rule.kind != "drop"},
            "participants": participants,
            LIFE_PATHS: self.life.base(self._participant),
        }


def qdpx_hooks(ws: Workspace, repo: Repo) -> ExportHooks:
    """Transforms for the REFI-QDA exporter: de-identified transcripts and memos, generalized attributes."""
    require(ws.user, Action.RELEASE)
    deid = repo.deid
    replacer = _Replacer(deid)
    languages = {i.id: i.language for i in repo.interviews.summaries()}
    _, values = _generalized(repo)

    def text(interview_id: str, original: str) -> Transformed:
        new_text, offsets = replace_with_offsets(
            original, replacer.for_interview(interview_id, languages[interview_id])
        )
        return Transformed(new_text, offsets)

    def note(original: str) -> str:
        return replacer.for_text(original, ws.project.language)

    def attributes(code: str, _: Mapping[str, object]) -> Mapping[str, object]:
        return values.get(code, {})

    return ExportHooks(text, note, attributes)


def deidentify(text: str, start: int, end: int, replacements: list[tuple[int, int, str]]) -> str:
    """``text[start:end]`` with every overlapping detection replaced (clipped at the edges)."""
    inside = [
        (max(a, start) - start, min(b, end) - start, value) for a, b, value in replacements if a < end and b > start
    ]
    return replace_spans(text[start:end], inside)


def latest_release(ws: Workspace) -> StoredRelease | None:
    """The newest released material (readable with the release key alone)."""
    require(ws.user, Action.EXPORT)
    with ws.read() as repo:
        return repo.deid.latest_release()


def detect_lines(lines: Iterable[str], language: str) -> Iterator[dict[str, object]]:
    """``workbench pii detect``: spans per JSON line ``{"id", "text"}``, offsets in code points.

    Needs no project (no known names, no decisions): the models, patterns and candidates only.
    Records are detected ``DETECT_BATCH`` at a time so the model runs batched (``detect_many``).
    """
    if language not in ("en", "hu"):
        raise InvalidInputError(f"Unsupported language {language!r}; use en or hu.")
    from workbench.deid.engine import shared_detector

    detector = shared_detector()
    batch: list[dict[str, Any]] = []
    for record in _records(lines):
        batch.append(record)
        if len(batch) == DETECT_BATCH:
            yield from _detected(detector, batch, language)
            batch = []
    yield from _detected(detector, batch, language)


DETECT_BATCH = 64


def _records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            raise InvalidInputError(f"Line {number} is not JSON.") from None
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise InvalidInputError(f'Line {number}: expected an object with "id" and "text".')
        yield record


def _detected(detector: Detector, records: list[dict[str, Any]], language: str) -> Iterator[dict[str, object]]:
    found = detector.detect_many([r["text"] for r in records], language)
    for record, spans in zip(records, found, strict=True):
        yield {"id": record.get("id"), "spans": [{"start": s.start, "end": s.end, "type": s.entity_type,
                                                   "score": round(s.score, 3)} for s in spans]}  # fmt: skip
