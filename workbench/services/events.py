"""Life events: record, list, edit and delete the dated steps of a participant's life (issue 15).

Every use case checks the role first (``domain/permissions.py``): reading events needs the right
to read transcripts (they hold quotes and special-category facts), recording and changing them
the right to code; researchers may change only the events they recorded, as with codings.

An event's type must be a codable code of the codebook's *life-event* family (the codes below
the node whose key is ``life_event``, shipped as ``codebooks/life-events.yaml``), so types are
edited, versioned and exported like every other code, and each event keeps the codebook
version it was recorded or last edited under. Audit entries name ids only, never the type,
time or memo (those are facts about a person and the audit log is stored in the clear).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from workbench.domain.codebook import descendants, match_code
from workbench.domain.events import (
    LIFE_EVENT_FAMILY_KEY,
    Direction,
    EventAnchor,
    EventTime,
    EventType,
    LifeDomain,
    LifeEvent,
    resolve_ages,
)
from workbench.domain.models import Code, Participant, Role, Transcript
from workbench.domain.permissions import Action, require
from workbench.domain.text import check_span
from workbench.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from workbench.i18n import gettext as _
from workbench.paths import CODEBOOKS_DIR
from workbench.services.workspace import Workspace
from workbench.store.events import EventRecord, ManifestSealing
from workbench.store.keys import new_id, utcnow
from workbench.store.repo import Repo

LIFE_EVENTS_CODEBOOK = "life-events.yaml"
MAX_MEMO = 5000

DEFAULTS: Mapping[str, tuple[LifeDomain, Direction]] = {
    EventType.FAMILY_RUPTURE: (LifeDomain.FAMILY, Direction.NEUTRAL),
    EventType.SCHOOL_EXIT: (LifeDomain.SCHOOL_WORK, Direction.NEUTRAL),
    EventType.FIRST_OFFENCE: (LifeDomain.PEERS, Direction.NEUTRAL),
    EventType.INCARCERATION: (LifeDomain.PRISON, Direction.NEUTRAL),
    EventType.EXTREMIST_CONTACT: (LifeDomain.RELIGION_IDEOLOGY, Direction.TOWARDS),
    EventType.COGNITIVE_OPENING: (LifeDomain.RELIGION_IDEOLOGY, Direction.TOWARDS),
    EventType.TURNING_POINT: (LifeDomain.FAMILY, Direction.AWAY),
    EventType.PUSH_FACTOR: (LifeDomain.STATE_INSTITUTIONS, Direction.TOWARDS),
    EventType.PULL_FACTOR: (LifeDomain.PEERS, Direction.TOWARDS),
    EventType.EXIT_TRIGGER: (LifeDomain.PRISON, Direction.AWAY),
    EventType.RELEASE: (LifeDomain.PRISON, Direction.NEUTRAL),
}
"""The domain and direction a shipped type usually has (the codebook texts say the same); the
recording form proposes them and the researcher may change either."""

BIRTH_YEAR_ATTRIBUTES = ("birth_year", "year_of_birth", "born", "szuletesi_ev", "születési_év")
AGE_ATTRIBUTE = "age"
REFERENCE_DATE_ATTRIBUTES = ("first_interview", "interview_date")


@dataclass(frozen=True)
class EventChanges:
    """What an edit sets; ``None`` leaves a field as it is (an empty memo clears the memo)."""

    type: str | None = None
    time: EventTime | None = None
    domain: LifeDomain | None = None
    direction: Direction | None = None
    memo: str | None = None


# -- event types -----------------------------------------------------------------------------


def event_types_in(repo: Repo) -> list[Code]:
    """The codable codes below the life-event family node(s), in codebook order."""
    codes = repo.codebook.codes()
    families = [c for c in codes if c.key == LIFE_EVENT_FAMILY_KEY]
    below: set[str] = set()
    for family in families:
        below |= descendants(codes, family.id)
    return [c for c in codes if c.id in below and c.codable]


def event_types(ws: Workspace) -> list[Code]:
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        return event_types_in(repo)


def install_event_types(ws: Workspace) -> int | None:
    """Pull the shipped life-event family into the codebook (new codebook version); None if it was there."""
    from workbench.services.codebook.file_format import read_codebook
    from workbench.services.codebook.sync import pull_codebook

    codes = read_codebook(CODEBOOKS_DIR / LIFE_EVENTS_CODEBOOK, ws.project.language)
    return pull_codebook(ws, codes, LIFE_EVENTS_CODEBOOK).version


def _event_type(repo: Repo, ref: str) -> Code:
    types = event_types_in(repo)
    if not types:
        raise InvalidInputError(
            _(
                "The codebook has no life-event types. Pull them with `workbench codebook import DIR "
                "codebooks/{LIFE_EVENTS_CODEBOOK}` (or `workbench events types DIR --install`)."
            ).format(LIFE_EVENTS_CODEBOOK=LIFE_EVENTS_CODEBOOK)
        )
    found = match_code(types, ref)
    if found is None:
        keys = ", ".join(c.key or c.name for c in types[:12])
        raise InvalidInputError(
            _("{ref!r} is not a life-event type of this codebook; the types are: {keys}.").format(ref=ref, keys=keys)
        )
    return found


def _type_key(code: Code) -> str:
    return code.key or code.id


def defaults_for(type_key: str) -> tuple[LifeDomain, Direction]:
    return DEFAULTS.get(type_key, (LifeDomain.FAMILY, Direction.NEUTRAL))


# -- participants' birth years ---------------------------------------------------------------


def birth_year_of(participant: Participant, *, today: dt.date | None = None) -> int | None:
    """The participant's birth year: a birth-year attribute, else ``age`` counted back from the
    interview date attribute (or today). None when neither is known.

    Ages and years in a life story are converted with it; it is an estimate (the birthday is
    unknown), which the ``about`` precision of converted times says.
    """
    attrs = participant.attributes
    for name in BIRTH_YEAR_ATTRIBUTES:
        value = attrs.get(name)
        if isinstance(value, int | float) and 1900 <= value <= 2100:
            return int(value)
    age = attrs.get(AGE_ATTRIBUTE)
    if not isinstance(age, int | float) or not 0 < age < 120:
        return None
    reference = today or dt.date.today()
    for name in REFERENCE_DATE_ATTRIBUTES:
        value = attrs.get(name)
        if isinstance(value, dt.date):
            reference = value
            break
    return reference.year - int(age)


def _participant(repo: Repo, code: str) -> Participant:
    for participant in repo.participants.all():
        if participant.code == code:
            return participant
    raise NotFoundError(
        _("There is no participant {code!r} in this project; `workbench participants list` lists them.").format(
            code=code
        )
    )


# -- use cases -------------------------------------------------------------------------------


def add_event(
    ws: Workspace,
    *,
    type_ref: str,
    time: EventTime,
    participant_code: str | None = None,
    interview_ref: str | None = None,
    start: int | None = None,
    end: int | None = None,
    domain: LifeDomain | None = None,
    direction: Direction | None = None,
    memo: str = "",
) -> LifeEvent:
    """Record one event, anchored on a span (or a whole interview) of the participant, or on nothing.

    With an interview and no participant, the interview's participant is used.
    """
    require(ws.user, Action.CODE)
    memo = _clean_memo(memo)
    with ws.write() as repo:
        anchor, owner = _anchor(repo, interview_ref, start, end)
        code = participant_code or owner
        if code is None:
            raise InvalidInputError(_("Say whose event it is: give a participant, or an interview that has one."))
        if owner is not None and owner != code:
            raise InvalidInputError(
                _("That interview belongs to {owner}, not to {code}.").format(owner=owner, code=code)
            )
        participant_id = repo.participants.id_of(code)
        if participant_id is None:
            raise NotFoundError(_("There is no participant {code!r} in this project.").format(code=code))
        kind = _event_type(repo, type_ref)
        _check_anchor_event(repo, time, participant_id)
        default_domain, default_direction = defaults_for(_type_key(kind))
        event = LifeEvent(
            id=new_id(),
            participant_id=participant_id,
            participant_code=code,
            type=_type_key(kind),
            type_code_id=kind.id,
            domain=domain or default_domain,
            direction=direction or default_direction,
            time=time,
            recorder=ws.user.name,
            created_at=utcnow(),
            memo=memo,
            anchor=anchor,
            codebook_version=repo.codebook.current_version(),
        )
        repo.events.add(event, ws.user.id)
        interview_id = anchor.interview_id if anchor else None
        ws.audit(repo, "life event recorded", "life_event", event.id, participant=code, interview=interview_id,
                 codebook_version=event.codebook_version)  # fmt: skip
        return repo.events.get(event.id)


def list_events(
    ws: Workspace, *, participant_code: str | None = None, interview_ref: str | None = None
) -> list[LifeEvent]:
    """Events of the project, of one participant or recorded from one interview."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        participant_id = None
        if participant_code is not None:
            participant_id = repo.participants.id_of(participant_code)
            if participant_id is None:
                raise NotFoundError(
                    _("There is no participant {participant_code!r} in this project.").format(
                        participant_code=participant_code
                    )
                )
        interview_id = repo.interviews.resolve(interview_ref) if interview_ref else None
        return repo.events.list(participant_id, interview_id)


def get_event(ws: Workspace, event_ref: str) -> LifeEvent:
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        return repo.events.get(repo.events.resolve(event_ref))


def edit_event(ws: Workspace, event_ref: str, changes: EventChanges) -> LifeEvent:
    """Change an event's type, time, domain, direction or memo; it is sealed again as a new revision."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        event_id = repo.events.resolve(event_ref)
        _changeable(ws, repo, event_id)
        current = repo.events.get(event_id)
        updated = replace(current, codebook_version=repo.codebook.current_version())
        if changes.type is not None:
            kind = _event_type(repo, changes.type)
            updated = replace(updated, type=_type_key(kind), type_code_id=kind.id)
        if changes.time is not None:
            _check_anchor_event(repo, changes.time, current.participant_id, own_id=event_id)
            updated = replace(updated, time=changes.time)
        if changes.domain is not None:
            updated = replace(updated, domain=changes.domain)
        if changes.direction is not None:
            updated = replace(updated, direction=changes.direction)
        if changes.memo is not None:
            updated = replace(updated, memo=_clean_memo(changes.memo))
        revision = repo.events.replace(updated)
        ws.audit(repo, "life event edited", "life_event", event_id, participant=current.participant_code,
                 revision=revision, codebook_version=updated.codebook_version)  # fmt: skip
        return repo.events.get(event_id)


def delete_event(ws: Workspace, event_ref: str) -> str:
    """Delete one event; returns its id. Relative times anchored on it lose their anchor's age."""
    require(ws.user, Action.CODE)
    with ws.write() as repo:
        event_id = repo.events.resolve(event_ref)
        record = _changeable(ws, repo, event_id)
        repo.events.delete(event_id)
        code = next((p.code for p in repo.participants.codes() if p.id == record.participant_id), "")
        ws.audit(repo, "life event deleted", "life_event", event_id, participant=code)
        return event_id


def seal_event_manifests(ws: Workspace, *, dry_run: bool = False) -> ManifestSealing:
    """Once, by an admin: seal the missing event manifests of a database from before they existed.

    A database that got life events under migration 0014 has no event manifests (0015 added
    the column empty), so every read of those participants' events fails with
    ``ManifestMissingError``. This seals a manifest only where it is missing and every event of
    the participant opens on its own (``EventRepo.seal_missing_manifests``); a manifest that
    exists but does not match is never re-sealed, because that is exactly the deletion or
    rollback the manifest reports.

    Why an explicit command and not part of the one-time upgrade on an admin's unlock
    (``sealing.upgrade_sealing``, run from ``projects.open_project``): a missing manifest looks
    the same whether the database predates manifests or someone with write access to it set
    the column to NULL after deleting an event. Sealing on every unlock would re-seal such
    tampering silently, the first time an admin signs in; a command is a decision the admin
    takes knowingly (after checking the project came from that version), and it is audited
    with the participants it sealed. The legacy upgrade can key off an anchored audit log,
    which an attacker cannot forge; a NULL column has no such witness.
    """
    require(ws.user, Action.SEAL_EVENT_MANIFESTS)
    ws.keyring.require_master()
    if dry_run:
        with ws.read() as repo:
            return repo.events.seal_missing_manifests(dry_run=True)
    with ws.write() as repo:
        result = repo.events.seal_missing_manifests()
        ws.audit(repo, "life-event manifests sealed", "participant", "", sealed=list(result.sealed),
                 count=len(result.sealed), blocked=sorted(result.blocked))  # fmt: skip
    return result


def _changeable(ws: Workspace, repo: Repo, event_id: str) -> EventRecord:
    record = repo.events.record(event_id)
    if ws.user.role is Role.RESEARCHER and record.recorder_id != ws.user.id:
        raise PermissionDeniedError(
            _("{user_name} is a researcher and may change only the life events they recorded; ask a lead.").format(
                user_name=ws.user.name
            )
        )
    return record


def _anchor(
    repo: Repo, interview_ref: str | None, start: int | None, end: int | None
) -> tuple[EventAnchor | None, str | None]:
    """The anchor on an interview span and the interview's participant code."""
    if interview_ref is None:
        if start is not None or end is not None:
            raise InvalidInputError(_("A span needs the interview it is in."))
        return None, None
    interview_id = repo.interviews.resolve(interview_ref)
    summary = next(s for s in repo.interviews.summaries() if s.id == interview_id)
    quote = ""
    if start is not None or end is not None:
        if start is None or end is None:
            raise InvalidInputError(_("Give both the start and the end of the span."))
        text = repo.interviews.text(interview_id)
        check_span(len(text), start, end)
        quote = text[start:end]
    return EventAnchor(interview_id, start, end, summary.wave, quote), summary.participant_code


def _check_anchor_event(repo: Repo, time: EventTime, participant_id: str, *, own_id: str | None = None) -> None:
    """A relative time must point at an event of the same participant (or a type key)."""
    if time.anchor_event_id is None:
        return
    if time.anchor_event_id == own_id:
        raise InvalidInputError(_("An event cannot be timed relative to itself."))
    record = repo.events.record(repo.events.resolve(time.anchor_event_id))
    if record.participant_id != participant_id:
        raise InvalidInputError(_("A relative time must refer to another event of the same participant."))


def _clean_memo(memo: str | None) -> str:
    text = (memo or "").strip()
    if len(text) > MAX_MEMO:
        raise InvalidInputError(_("A life-event memo may be at most {MAX_MEMO} characters.").format(MAX_MEMO=MAX_MEMO))
    return text


# -- tables for the CLI, exports and the views ------------------------------------------------


EXPORT_COLUMNS = (
    "id", "participant", "type", "domain", "direction", "time_kind", "precision", "value", "end", "date",
    "end_date", "anchor_event", "anchor_type", "age", "year", "interview", "wave", "start", "end_offset",
    "recorder", "codebook_version", "created_at", "memo", "quote",
)  # fmt: skip


def event_rows(ws: Workspace, events: Sequence[LifeEvent]) -> list[dict[str, object]]:
    """One flat row per event with its resolved age and year (JSON and CSV exports, ``events list``)."""
    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        births = {p.id: birth_year_of(p) for p in repo.participants.all()}
        wanted = {e.participant_id for e in events}
        context = [e for e in repo.events.list() if e.participant_id in wanted]  # relative times need their anchors
    by_participant: dict[str, list[LifeEvent]] = {}
    for event in context:
        by_participant.setdefault(event.participant_id, []).append(event)
    ages: dict[str, float | None] = {}
    for pid, own in by_participant.items():
        ages.update(resolve_ages(own, births.get(pid)))
    rows: list[dict[str, object]] = []
    for e in events:
        age = ages.get(e.id)
        birth = births.get(e.participant_id)
        t = e.time
        rows.append({
            "id": e.id, "participant": e.participant_code, "type": e.type, "domain": e.domain.value,
            "direction": e.direction.value, "time_kind": t.kind.value, "precision": t.precision.value,
            "value": t.value, "end": t.end, "date": t.date.isoformat() if t.date else None,
            "end_date": t.end_date.isoformat() if t.end_date else None, "anchor_event": t.anchor_event_id,
            "anchor_type": t.anchor_type, "age": None if age is None else round(age, 2),
            "year": None if age is None or birth is None else round(birth + age, 2),
            "interview": e.anchor.interview_id if e.anchor else None, "wave": e.anchor.wave if e.anchor else None,
            "start": e.anchor.start if e.anchor else None, "end_offset": e.anchor.end if e.anchor else None,
            "recorder": e.recorder, "codebook_version": e.codebook_version,
            "created_at": e.created_at.isoformat(), "memo": e.memo, "quote": e.anchor.quote if e.anchor else "",
        })  # fmt: skip
    return rows


# -- proposing a time from a span -------------------------------------------------------------


def propose_time_for_span(
    ws: Workspace, interview_ref: str, start: int, end: int, *, transcript: Transcript | None = None
) -> EventTime | None:
    """A time read from the span, or else from the turn around it, with its anchors filled in.

    ``nlp/timeexpr.py`` does the reading. "Two years later" is taken as relative to the event
    recorded from the nearest earlier passage of the same interview (else the participant's
    latest event); "two years ago" and "last year" become calendar years counted from the
    interview's date. The proposal is only a prefill: the researcher confirms or edits it.
    ``transcript`` is the interview already decrypted by the caller (the Code page holds it), so a
    page rerun does not decrypt the whole transcript again just to read one turn.
    """
    from workbench.nlp.timeexpr import propose_time

    require(ws.user, Action.READ_TRANSCRIPTS)
    with ws.read() as repo:
        interview_id = repo.interviews.resolve(interview_ref)
        if transcript is None or transcript.summary.id != interview_id:
            transcript = repo.interviews.transcript(interview_id)
        check_span(len(transcript.text), start, end)
        turn = next((t for t in transcript.turns if t.start <= start < t.end), None)
        found = propose_time(transcript.text[start:end], transcript.summary.language)
        if found is None and turn is not None:
            found = propose_time(turn.text, transcript.summary.language)
        if found is None:
            return None
        participant_id = repo.participants.id_of(transcript.summary.participant_code or "")
        reference = _interview_year(repo, transcript.summary.participant_code) or transcript.summary.imported_at.year
        return _settle(repo, found.time, participant_id, reference, interview_id=interview_id, before=start)


def time_from_text(ws: Workspace, text: str, *, participant_code: str, language: str | None = None) -> EventTime:
    """The time a researcher typed in words ("two years later", "16 évesen"), anchors filled in as above.

    Without ``language`` the project's language is tried first, then the other one (a Hungarian
    phrase typed in an English project is still read).
    """
    from workbench.nlp.timeexpr import propose_time

    require(ws.user, Action.READ_TRANSCRIPTS)
    own = ws.project.language
    languages = [language] if language else [own, *(x for x in ("en", "hu") if x != own)]
    found = next((p for p in (propose_time(text, lang) for lang in languages) if p is not None), None)
    if found is None:
        raise InvalidInputError(
            _("No time was recognised in that text; give an age, a year, a date or a time relative to an event.")
        )
    with ws.read() as repo:
        participant_id = repo.participants.id_of(participant_code)
        if participant_id is None:
            raise NotFoundError(
                _("There is no participant {participant_code!r} in this project.").format(
                    participant_code=participant_code
                )
            )
        return _settle(repo, found.time, participant_id, dt.date.today().year)


def _interview_year(repo: Repo, code: str | None) -> int | None:
    """The year of the participant's interview date attribute ("two years ago" counts from it), if any."""
    if not code:
        return None
    attrs = _participant(repo, code).attributes
    dated = [v for name in REFERENCE_DATE_ATTRIBUTES if isinstance(v := attrs.get(name), dt.date)]
    return dated[0].year if dated else None


def _anchor_start(event: LifeEvent) -> int:
    return (event.anchor.start if event.anchor else None) or 0


def _settle(
    repo: Repo,
    time: EventTime,
    participant_id: str | None,
    reference_year: int,
    *,
    interview_id: str | None = None,
    before: int | None = None,
) -> EventTime:
    """Turn the reader's placeholders into what the store keeps: "now" into a year, "previous" into an event."""
    from workbench.domain.events import TimeKind
    from workbench.nlp.timeexpr import NOW, PREVIOUS

    if time.kind is not TimeKind.RELATIVE or time.value is None:
        return time
    if time.anchor_type == NOW:
        return EventTime(TimeKind.YEAR, round(reference_year + time.value, 2), time.precision)
    if time.anchor_type != PREVIOUS or participant_id is None:
        return time
    events = repo.events.list(participant_id)
    earlier = [
        e for e in events
        if e.anchor is not None and e.anchor.interview_id == interview_id and before is not None
        and e.anchor.start is not None and e.anchor.start < before
    ]  # fmt: skip
    chosen = max(earlier, key=_anchor_start) if earlier else (events[-1] if events else None)
    if chosen is None:
        return time
    return replace(time, anchor_event_id=chosen.id, anchor_type=None)
