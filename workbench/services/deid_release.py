"""De-identification: building the release report writers read, and the hooks anonymised exports use.

``release`` (leads) refuses while interviews have unreviewed candidates (``services/deid.py``
lists them), replaces every accepted or unreviewed detection and known name (tags or surrogates),
generalizes participant attributes, leak-checks the result against fingerprints of the names, and
seals it with the release key: one project part plus one part per interview, so shredding an
interview removes its share. ``qdpx_hooks`` rewrites a ``.qdpx`` export the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from workbench.deid.disclosure import DEFAULT_K, DEFAULT_THRESHOLD
from workbench.deid.generalize import SETTING_KEY as GENERALIZE_KEY
from workbench.deid.generalize import Rule, generalize, parse_rules
from workbench.deid.leaks import Fingerprints, count_leaks, fingerprints
from workbench.deid.pseudonyms import replace_spans, replace_with_offsets, surrogate, tag
from workbench.deid.terms import Term, normalize_term
from workbench.domain.models import Transcript
from workbench.domain.permissions import Action, require
from workbench.domain.records import StoredRelease
from workbench.errors import InvalidInputError, LeakDetectedError, UnreviewedCandidatesError
from workbench.i18n import gettext as _
from workbench.services.deid import (
    ACCEPTED,
    REJECTED,
    REPLACEMENT_KEY,
    ProgressFn,
    candidate_counts,
    detection_status,
    matchers,
    readable_interviews,
    unflagged_in,
)
from workbench.services.export_hooks import ExportHooks, Transformed
from workbench.services.life_release import LIFE_EVENTS, LIFE_PATHS, LifeRelease, released_texts
from workbench.services.workspace import Workspace
from workbench.store.deid import DeidRepo
from workbench.store.repo import Repo


@dataclass(frozen=True)
class ReleaseSummary:
    id: str
    interviews: int
    quotes: int
    participants: int
    replaced: int


def _refuse_unreviewed(repo: Repo, counts: Mapping[str, int]) -> None:
    waiting = {i: n for i, n in counts.items() if n}
    if not waiting:
        return
    titles = {i.id: i.title for i in repo.interviews.summaries()}
    listed = "; ".join(f"{titles.get(i, 'interview')} ({i[:8]}): {n}" for i, n in waiting.items())
    raise UnreviewedCandidatesError(
        _(
            "The release was refused: {n_waiting} interview(s) have unflagged words nobody reviewed ({listed}). "
            "Nothing was released. Protect or dismiss them on the De-identification review page (or with "
            "`workbench deid unflagged`, `deid review add` and `deid dismiss`), or, as a lead, release with the "
            "override (`--override-unreviewed`), which is audited."
        ).format(n_waiting=len(waiting), listed=listed),
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
            _(
                "The release was refused: the leak check found protected names or participant codes in the "
                "released material ({places}). Nothing was released. Rename a code or attribute value that holds a "
                "name, review the de-identification, and release again."
            ).format(places=places)
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
        raise InvalidInputError(_("The suppression threshold and k must be at least 1."))
    from workbench.deid.engine import shared_detector

    with ws.write() as repo:
        deid = repo.deid
        ids = readable_interviews(repo)
        unscanned = [i for i in ids if i not in deid.scanned()]
        if unscanned:
            known, rejected = matchers(deid)
            for interview_id in unscanned:
                transcript = repo.interviews.transcript(interview_id)
                spans = shared_detector().detect(transcript.text, transcript.summary.language, known, rejected)
                deid.replace_detections(interview_id, transcript.text, spans)
        unreviewed = {i: n for i, n in candidate_counts(ids, unflagged_in(deid, ids)).items() if n}
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
            if detection_status(d, self.decisions) != REJECTED
        ]

    def for_text(self, text: str, language: str) -> str:
        """Free text outside the transcripts (memos): detected afresh, then replaced the same way."""
        from workbench.deid.engine import shared_detector

        known, rejected = matchers(self.deid)
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
