"""Project life cycle: create, unlock, report, change the passphrase, shred."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from workbench.crypto.kdf import KdfParams
from workbench.crypto.passwords import verify_password
from workbench.domain.models import SUPPORTED_LANGUAGES, InterviewStatus, ProjectStatus, Role, User
from workbench.domain.permissions import Action, require
from workbench.errors import (
    InvalidInputError,
    NotAProjectError,
    ProjectExistsError,
    TooManyAttemptsError,
    UnknownUserError,
    WorkbenchError,
    WrongPassphraseError,
)
from workbench.i18n import gettext as _
from workbench.services.workspace import Workspace
from workbench.store import audit, sealing
from workbench.store.accounts import UNKNOWN_USER, AccountRepo
from workbench.store.keys import (
    Keyring,
    add_passphrase_slot,
    create_master_key,
    rewrap_passphrase_slots,
    shred_data_key,
    unlock_passphrase,
    unlock_user_slot,
    utcnow,
)
from workbench.store.repo import Repo
from workbench.store.store import Store, new_location, read_location, remove_project_files, write_location

MIN_PASSPHRASE_LENGTH = 10
_USER_NAME = re.compile(r"^[\w.@-]{1,100}$")


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InvalidInputError(
            _(
                "The passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters (a few unrelated "
                "words are easy to remember and hard to guess)."
            ).format(MIN_PASSPHRASE_LENGTH=MIN_PASSPHRASE_LENGTH)
        )
    from workbench.services.password_policy import refuse_weak

    refuse_weak(passphrase, "passphrase")


def check_user_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    if not _USER_NAME.match(name):
        raise InvalidInputError(
            _("{name!r} is not a valid user name: use letters, digits, '.', '_', '-' or '@' (at most 100).").format(
                name=name
            )
        )
    return name


def init_project(
    directory: Path,
    passphrase: str,
    user_name: str,
    *,
    language: str = "hu",
    name: str | None = None,
    kdf: KdfParams | None = None,
) -> Workspace:
    """Create an encrypted project in ``directory``; nothing is left behind if it fails."""
    check_passphrase(passphrase)
    user_name = check_user_name(user_name)
    if language not in SUPPORTED_LANGUAGES:
        raise InvalidInputError(
            _("Unsupported language {language!r}; use one of {SUPPORTED_LANGUAGES}.").format(
                language=language, SUPPORTED_LANGUAGES=", ".join(SUPPORTED_LANGUAGES)
            )
        )
    directory.mkdir(parents=True, exist_ok=True)
    location = new_location(directory)
    store = Store(location.database_url())
    try:
        if not store.database_is_empty():
            raise ProjectExistsError(
                _(
                    "The database named by WORKBENCH_DATABASE_URL already holds a project; "
                    "use an empty database (or schema) for each project."
                )
            )
        master_key = create_master_key()
        keyring = Keyring(location.project_id, master_key)
        user = User("", user_name, Role.ADMIN)
        with store.write() as conn:
            store.migrate_in(conn)
            repo = Repo(conn, keyring)
            repo.project.create(location.project_id, name or directory.resolve().name, language)
            user = repo.users.add(user_name, Role.ADMIN)
            repo.project.set_default_user(user.id)
            add_passphrase_slot(conn, master_key, passphrase, kdf or KdfParams())
            audit.record(
                conn,
                keyring,
                user.name,
                "project created",
                object_type="project",
                object_id=location.project_id,
                detail=dict(sealing.CREATED_MARKER),
                new_anchors=True,
            )
            info = repo.project.info(location.backend)
        write_location(location)
    except BaseException:
        store.dispose()
        if location.backend == "sqlite":
            remove_project_files(directory)
        raise
    return Workspace(location, store, keyring, user, info)


# Sign-in rate limits: failures counted over a sliding window, per user and per client.
SIGNIN_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_CLIENT = 20
CLI_CLIENT = "cli"


def open_project(directory: Path, secret: str, user_name: str | None = None, *, client: str = CLI_CLIENT) -> Workspace:
    """Sign ``user_name`` in (default: the project's creator) and unlock the project for them.

    ``secret`` is the user's own password, which opens their key slot, or the project
    passphrase (the admins' recovery secret). Repeated failures per user and per client pause
    further attempts before any key derivation runs; every failure is staged and folded into
    the audit chain by the next successful sign-in, which is itself audited.
    """
    location = read_location(directory)
    store = Store(location.database_url())
    try:
        store.check_schema()
        with store.write() as conn:  # check the limit and reserve this attempt in one transaction
            repo = Repo(conn, Keyring(location.project_id, None))  # no keys yet: sign-in needs none
            repo.accounts.lock_signins(location.project_id)
            info = repo.project.info(location.backend)
            if info.id != location.project_id:
                raise NotAProjectError(
                    _(
                        "The database does not belong to the project in {directory} (its project id differs); "
                        "check WORKBENCH_DATABASE_URL."
                    ).format(directory=directory)
                )
            user = _member_or_none(repo, user_name)
            _check_rate(repo.accounts, user.name if user else None, client)
            attempt = repo.accounts.record_failure(
                user.name if user else UNKNOWN_USER, client, pending=user is not None
            )
        keyring: Keyring | None = None
        method = ""
        if user is not None:
            with store.read() as conn:  # the slow key derivation, outside any write lock
                keyring, method = _unlock_as(conn, location.project_id, user, secret)
        if user is None or keyring is None:
            with store.write() as conn:
                Repo(conn, Keyring(location.project_id, None)).accounts.confirm_failure(attempt)
            raise WrongPassphraseError(
                _(
                    "The user name or password is wrong (passwords are case-sensitive). "
                    "Check both and try again; after several failures sign-in pauses for a while."
                )
            )
        upgraded = False
        with store.write() as conn:
            repo = Repo(conn, keyring)
            repo.accounts.release_attempt(attempt)
            if keyring.full and sealing.needs_upgrade(conn):
                sealing.upgrade_sealing(conn, keyring, user.name)  # one transaction with the sign-in
                upgraded = True
            repo.accounts.fold_failures()
            audit.record(
                conn, keyring, user.name, "login", object_type="user", object_id=user.id,
                detail={"client": client, "with": method},
            )  # fmt: skip
        if upgraded:
            store.checkpoint()  # no clear category list lingers in the write-ahead log
    except BaseException:
        store.dispose()
        raise
    return Workspace(location, store, keyring, user, info)


LOGIN_HINT_KEY = "login.hint"


def login_hint(directory: Path) -> str | None:
    """A sign-in hint stored in the project's settings (the demo tells its fictional passwords), translated.

    Settings are readable without signing in, which is exactly why only fictional demo
    credentials may ever be put there.
    """
    location = read_location(directory)
    store = Store(location.database_url())
    try:
        with store.read() as conn:
            hint = Repo(conn, Keyring(location.project_id, None)).settings.get(LOGIN_HINT_KEY)
    except (WorkbenchError, SQLAlchemyError):  # an older schema without settings: no hint
        return None
    finally:
        store.dispose()
    # The stored text is the English message (the demo's, marked in services/demo.py): shown in
    # the reader's language where the catalogue has it, as stored otherwise.
    return _(str(hint)) if hint else None


def _member_or_none(repo: Repo, user_name: str | None) -> User | None:
    if user_name and user_name.strip():
        return repo.users.by_name(user_name.strip())
    default_id = repo.project.default_user_id()
    user = repo.users.by_id(default_id) if default_id else None
    if user is None or repo.users.by_name(user.name) is None:  # the creator may have been removed
        raise UnknownUserError(_("Name the acting user with --user or WORKBENCH_USER."))
    return user


def _check_rate(accounts: AccountRepo, user_name: str | None, client: str) -> None:
    """Refuse the attempt if the member or the client is over its limit (attempts in progress count).

    A member's limit counts their failures from everywhere, except that the CLI counts only the
    CLI's own: failures in the browser never close the passphrase recovery path of someone at the
    server's shell. The client limit counts one client's failures (one browser session, see
    ``workbench.ui.session.client_id``), so one session cannot lock out the others.
    """
    since = utcnow() - SIGNIN_WINDOW
    checks: list[tuple[str, str | None, str | None, int]] = [("this client", None, client, MAX_FAILURES_PER_CLIENT)]
    if user_name is not None:
        user_client = CLI_CLIENT if client == CLI_CLIENT else None
        checks.insert(0, (f"user {user_name}", user_name, user_client, MAX_FAILURES_PER_USER))
    for who, name, from_client, limit in checks:
        if accounts.failures_since(since, user_name=name, client=from_client) >= limit:
            oldest = accounts.oldest_failure_since(since, user_name=name, client=from_client)
            wait = (oldest + SIGNIN_WINDOW - utcnow()) if oldest else SIGNIN_WINDOW
            minutes = max(1, int(wait.total_seconds() // 60) + 1)
            raise TooManyAttemptsError(
                _(
                    "Too many failed sign-ins for {who} ({limit} within {signin_window_total_seco} minutes). Wait "
                    "about {minutes} minute(s) and try again, or ask an admin to check the audit log."
                ).format(
                    who=who,
                    limit=limit,
                    signin_window_total_seco=int(SIGNIN_WINDOW.total_seconds() // 60),
                    minutes=minutes,
                )
            )


def _unlock_as(conn: Connection, project_id: str, user: User, secret: str) -> tuple[Keyring | None, str]:
    """The keys ``secret`` opens for ``user``: their own slot first, then the project passphrase."""
    stored = Repo(conn, Keyring(project_id, None)).accounts.password_hash(user.id)
    if stored is not None and verify_password(stored, secret):
        keyring = unlock_user_slot(conn, project_id, user.id, secret)
        if keyring is not None:
            return keyring, "password"
    return unlock_passphrase(conn, project_id, secret), "passphrase"


def project_status(ws: Workspace) -> ProjectStatus:
    require(ws.user, Action.VIEW_STATUS)
    with ws.read() as repo:
        per_interview, per_coder, _per_code = repo.codings.counts()
        segments = repo.interviews.segment_counts()
        interviews = [
            InterviewStatus(summary, segments.get(summary.id, 0), per_interview.get(summary.id, 0))
            for summary in repo.interviews.summaries(damaged_ok=True)
        ]
        return ProjectStatus(
            project=ws.project,
            users=repo.users.current(),
            interviews=interviews,
            participants=repo.participants.codes(),
            code_count=len(repo.codebook.codes()),
            coding_count=sum(per_interview.values()),
            codings_by_coder=dict(per_coder),
            codebook_version=repo.codebook.current_version(),
        )


def change_passphrase(ws: Workspace, new_passphrase: str, *, kdf: KdfParams | None = None) -> None:
    """Re-wrap the master key for a new passphrase, in one transaction; no data is re-encrypted."""
    require(ws.user, Action.MANAGE_KEYS)
    check_passphrase(new_passphrase)
    with ws.write() as repo:
        rewrap_passphrase_slots(repo.conn, ws.keyring, new_passphrase, kdf or KdfParams())
        ws.audit(repo, "passphrase changed", "project", ws.project.id)


def shred_interview(ws: Workspace, interview_ref: str) -> tuple[str, dt.datetime]:
    """Destroy the data key of one interview (crypto-shredding); returns its id and the time.

    Erasure reaches every copy derived from the interview in the same transaction: its part of
    every release (de-identified quotes and transcript, which the release key alone would still
    open), what was detected in it and the pseudonyms of texts found only there, its embeddings,
    every theme run that clustered it (its own data key is deleted with it), the suggestion
    decisions on its sentences and the life events recorded from it.
    """
    require(ws.user, Action.SHRED)
    with ws.write() as repo:
        interview_id = repo.interviews.resolve(interview_ref)
        when = _shred_interview_in(ws, repo, interview_id)
    ws.store.checkpoint()
    return interview_id, when


def _shred_interview_in(ws: Workspace, repo: Repo, interview_id: str) -> dt.datetime:
    key_id = repo.interviews.data_key_id(interview_id)
    releases = repo.deid.erase_interview(interview_id)
    runs = repo.embeddings.erase_interview(interview_id)
    events = repo.events.erase_interview(interview_id)
    when = shred_data_key(repo.conn, ws.keyring, key_id, ws.user.id)
    for run_id in runs:
        ws.audit(repo, "theme run discarded", "theme_run", run_id, reason="interview shredded")
    ws.audit(repo, "interview shredded", "interview", interview_id, releases=releases, theme_runs=len(runs),
             life_events=events)  # fmt: skip
    return when


def shred_participant(ws: Workspace, code: str) -> tuple[list[str], dt.datetime]:
    """Destroy everything about one participant; returns the ids of the interviews shredded and the time.

    Each of their interviews is shredded as ``shred_interview`` does, every life event of theirs
    is deleted (also those anchored on no interview), every release loses their life path and
    attributes (``DeidRepo.erase_participant``), their attribute values are deleted and their
    own data key is destroyed. The row keeps only the pseudonymous code, so that the audit log and
    interview list can still say that a participant existed and was shredded.
    """
    require(ws.user, Action.SHRED)
    with ws.write() as repo:
        found = repo.participants.key_of(code)
        if found is None:
            raise InvalidInputError(_("There is no participant {code!r} in this project.").format(code=code))
        participant_id, key_id = found
        interviews = repo.interviews.unshredded_of(participant_id)
        for interview_id in interviews:
            _shred_interview_in(ws, repo, interview_id)
        events = repo.events.erase_participant(participant_id)
        releases = repo.deid.erase_participant(code)
        repo.participants.erase_attributes(participant_id)
        when = shred_data_key(repo.conn, ws.keyring, key_id, ws.user.id)
        ws.audit(repo, "participant shredded", "participant", participant_id, code=code, interviews=len(interviews),
                 life_events=events, releases=releases)  # fmt: skip
    ws.store.checkpoint()
    return interviews, when


def verify_audit(ws: Workspace) -> int | None:
    """Sequence number of the first broken or missing audit entry, or None when the log is intact.

    Missing covers a cut-off tail, an emptied log and a chain rebuilt by a writer: the anchors
    (``workbench.store.audit``) no longer match it.
    """
    require(ws.user, Action.VIEW_AUDIT)
    with ws.read() as repo:
        return audit.verify(repo.conn, ws.keyring)


@dataclass(frozen=True)
class AuditReport:
    entries: list[audit.AuditEntry]
    first_broken: int | None


def audit_log(
    ws: Workspace, *, since: dt.datetime | None = None, actor: str | None = None, limit: int = 1000
) -> AuditReport:
    """Audit entries (newest first) with the result of verifying the whole chain."""
    require(ws.user, Action.VIEW_AUDIT)
    with ws.read() as repo:
        found = audit.entries(repo.conn, since=since, actor=actor, limit=limit)
        return AuditReport(found, audit.verify(repo.conn, ws.keyring))


__all__ = [
    "AuditReport",
    "WorkbenchError",
    "audit_log",
    "change_passphrase",
    "init_project",
    "open_project",
    "project_status",
    "shred_interview",
    "shred_participant",
    "verify_audit",
]
