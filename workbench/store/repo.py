"""The unit of work: one transaction of one project, with the keys of the acting session.

A ``Repo`` holds the connection of one transaction, the session's keyring and the interviews
whose codings or memos this transaction changed (their manifests are sealed again before the
commit). It is what ``Workspace.read()`` and ``Workspace.write()`` yield. The data itself is
read and written through one repository per kind of data, each in its own module and reached
as an attribute of the unit of work (``repo.users``, ``repo.interviews``, ``repo.codings``, ...):
see ARCHITECTURE.md, "The store". Plaintext enters and leaves those repositories as domain
values; only ciphertext and harmless metadata cross into SQL, always as bound parameters.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select

from workbench.store import schema as s
from workbench.store.accounts import AccountRepo
from workbench.store.codebook import CodebookRepo
from workbench.store.codings import CodingRepo
from workbench.store.interviews import InterviewRepo
from workbench.store.keys import FieldCipher, Keyring
from workbench.store.memos import MemoRepo
from workbench.store.participants import ParticipantRepo
from workbench.store.project import ProjectRepo
from workbench.store.proposals import ProposalRepo
from workbench.store.sealing import check_event_manifest, check_manifest, seal_event_manifest, seal_manifest
from workbench.store.settings import SettingsRepo
from workbench.store.users import UserRepo

if TYPE_CHECKING:
    from workbench.store.deid import DeidRepo
    from workbench.store.embeddings import EmbeddingRepo
    from workbench.store.events import EventRepo


class Repo:
    """One transaction: its connection, its keys, and a repository per kind of data."""

    def __init__(self, conn: Connection, keyring: Keyring) -> None:
        self.conn = conn
        self.keyring = keyring
        self._changed: set[str] = set()
        self._events_changed: set[str] = set()
        self._verified: dict[str, dict[str, list[object]]] = {}

    # -- repositories (created on first use, so a transaction pays only for what it reads) --

    @cached_property
    def project(self) -> ProjectRepo:
        return ProjectRepo(self)

    @cached_property
    def users(self) -> UserRepo:
        return UserRepo(self)

    @cached_property
    def accounts(self) -> AccountRepo:
        return AccountRepo(self)

    @cached_property
    def settings(self) -> SettingsRepo:
        return SettingsRepo(self)

    @cached_property
    def participants(self) -> ParticipantRepo:
        return ParticipantRepo(self)

    @cached_property
    def interviews(self) -> InterviewRepo:
        return InterviewRepo(self)

    @cached_property
    def codebook(self) -> CodebookRepo:
        return CodebookRepo(self)

    @cached_property
    def codings(self) -> CodingRepo:
        return CodingRepo(self)

    @cached_property
    def memos(self) -> MemoRepo:
        return MemoRepo(self)

    @cached_property
    def proposals(self) -> ProposalRepo:
        return ProposalRepo(self)

    @cached_property
    def deid(self) -> DeidRepo:
        from workbench.store.deid import DeidRepo  # only commands that de-identify pay for its imports

        return DeidRepo(self)

    @cached_property
    def embeddings(self) -> EmbeddingRepo:
        from workbench.store.embeddings import EmbeddingRepo  # numpy: only theme and suggestion commands need it

        return EmbeddingRepo(self)

    @cached_property
    def events(self) -> EventRepo:
        from workbench.store.events import EventRepo  # life events (issue 15); imported with its first use

        return EventRepo(self)

    # -- manifests of the interviews this transaction changes -------------------------------

    def touch(self, interview_id: str) -> None:
        """Call before changing an interview's codings or memos: its manifest is sealed again before commit.

        The first touch in a transaction checks the manifest, so a change never blesses rows an
        attacker put back or removed. A shredded interview has nothing left to protect.
        """
        if interview_id in self._changed:
            return
        self._verified.pop(interview_id, None)
        cipher = self._manifest_cipher(interview_id)
        if cipher is not None:
            check_manifest(self.conn, cipher, interview_id)
            self._changed.add(interview_id)

    def created(self, interview_id: str) -> None:
        """A new interview: its (empty) manifest is sealed before commit, with nothing to check first."""
        self._changed.add(interview_id)

    def _manifest_cipher(self, interview_id: str) -> FieldCipher | None:
        row = self.conn.execute(
            select(s.interview.c.data_key_id, s.data_key.c.shredded_at)
            .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
            .where(s.interview.c.id == interview_id)
        ).one_or_none()
        if row is None or row.shredded_at is not None:
            return None
        return self.keyring.cipher(self.conn, row.data_key_id, f"interview {interview_id[:8]}")

    def seal_manifests(self) -> None:
        """Seal the manifest of every interview and participant touched in this transaction.

        ``Workspace.write`` calls it before the commit.
        """
        for interview_id in sorted(self._changed):
            cipher = self._manifest_cipher(interview_id)
            if cipher is not None:  # else shredded in the same transaction
                seal_manifest(self.conn, cipher, interview_id)
        self._changed.clear()
        for participant_id in sorted(self._events_changed):
            cipher = self._participant_cipher(participant_id)
            if cipher is not None:
                seal_event_manifest(self.conn, cipher, participant_id)
        self._events_changed.clear()

    def changed(self, interview_id: str) -> bool:
        """Whether this transaction changed the interview's codings or memos (its manifest was checked then)."""
        return interview_id in self._changed

    def verified_entries(self, interview_id: str) -> dict[str, list[object]]:
        """Where ``CodingRepo.verified_meta`` leaves the codings' entries it verified in this transaction.

        Each entry (``sealing.coding_entry``: id, metadata and ciphertext hashes) was covered by
        the interview's whole manifest, found matching; a row read later in the transaction that equals its entry is
        therefore authentic, one that does not is checked against the manifest again. Emptied when
        the transaction changes the interview.
        """
        return self._verified.setdefault(interview_id, {})

    def check_manifest(self, interview_id: str, cipher: FieldCipher) -> None:
        """Check the manifest, unless this transaction changed the interview (it was checked then)."""
        if interview_id not in self._changed:
            check_manifest(self.conn, cipher, interview_id)

    # -- manifests of the participants whose life events this transaction changes -----------

    def touch_events(self, participant_id: str, *, check: bool = True) -> None:
        """Call before changing a participant's life events: their manifest is sealed again before commit.

        The first touch checks the manifest (as ``touch`` does for an interview), except where
        ``check`` is false: erasing events while shredding must never be blocked by tampering.
        """
        if participant_id in self._events_changed:
            return
        cipher = self._participant_cipher(participant_id)
        if cipher is None:
            return
        if check:
            check_event_manifest(self.conn, cipher, participant_id)
        self._events_changed.add(participant_id)

    def events_touched(self, participant_id: str) -> bool:
        """Whether this transaction changed the participant's events (their manifest was checked then)."""
        return participant_id in self._events_changed

    def check_events(self, participant_id: str) -> None:
        """Check a participant's event manifest, unless this transaction changed their events."""
        if participant_id in self._events_changed:
            return
        cipher = self._participant_cipher(participant_id)
        if cipher is not None:
            check_event_manifest(self.conn, cipher, participant_id)

    def _participant_cipher(self, participant_id: str) -> FieldCipher | None:
        row = self.conn.execute(
            select(s.participant.c.data_key_id, s.participant.c.code, s.data_key.c.shredded_at)
            .join(s.data_key, s.data_key.c.id == s.participant.c.data_key_id)
            .where(s.participant.c.id == participant_id)
        ).one_or_none()
        if row is None or row.shredded_at is not None:
            return None
        return self.keyring.cipher(self.conn, row.data_key_id, f"participant {row.code}")
