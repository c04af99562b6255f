"""An unlocked project, for one acting user, as the CLI and the app hold it."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields

from workbench.domain.models import ProjectInfo, User
from workbench.store import audit
from workbench.store.keys import Keyring
from workbench.store.repo import Repo
from workbench.store.store import ProjectLocation, Store


@dataclass
class Workspace:
    """Store, keys and user of one session. Never share one between users."""

    location: ProjectLocation
    store: Store
    keyring: Keyring
    user: User
    project: ProjectInfo

    @contextmanager
    def read(self) -> Iterator[Repo]:
        with self.store.read() as conn:
            yield Repo(conn, self.keyring)

    @contextmanager
    def write(self) -> Iterator[Repo]:
        with self.store.write() as conn:
            repo = Repo(conn, self.keyring)
            yield repo
            repo.seal_manifests()  # before the commit: codings and memos changed in this transaction

    def audit(self, repo: Repo, action: str, object_type: str = "", object_id: str = "", **detail: object) -> None:
        """Record an action in the caller's transaction, so it commits or rolls back with it."""
        audit.record(
            repo.conn, self.keyring, self.user.name, action, object_type=object_type, object_id=object_id, detail=detail
        )

    def audit_many(self, repo: Repo, entries: Sequence[tuple[str, str, str, dict[str, object]]]) -> None:
        """Record several actions (action, object type, object id, detail) in the caller's transaction."""
        audit.record_many(repo.conn, self.keyring, self.user.name, entries)

    def close(self) -> None:
        """Dispose of the store and drop what pages and services cached on this workspace.

        The Code page's decrypted transcript and semantic search's index of decrypted sentences
        live as extra attributes of the session's workspace; something may still hold the object
        itself after sign-out (a widget callback, a page's globals), so they go explicitly here.
        """
        self.store.dispose()
        declared = {f.name for f in fields(self)}
        for name in [n for n in vars(self) if n not in declared]:
            delattr(self, name)
