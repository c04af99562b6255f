"""Encrypted embeddings, theme runs and suggestion decisions (SQL and crypto for issue 6).

- An embedding row is found by (interview, model, ``text_mac``): an HMAC-SHA256 of the text under
  a key derived from the project master key. A bare SHA-256 of a short quote could be reversed by
  hashing guesses; the HMAC cannot be computed without the master key.
- The vector (float32, little-endian) is sealed with the interview's data key, so shredding the
  interview makes its embeddings unreadable along with its text.
- A theme run's payload (keywords, quotes, assignments) is sealed with a data key of its own,
  which is deleted with the run, and with every run that includes an interview when that interview
  is shredded (``erase_interview``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from sqlalchemy import delete, insert, select, update

from workbench.crypto.aead import Aad, AuthenticationFailed, open_sealed, seal
from workbench.crypto.kdf import Purpose, derive_key
from workbench.domain.records import StoredRun
from workbench.errors import IntegrityError, NotFoundError
from workbench.i18n import gettext as _
from workbench.store import schema as s
from workbench.store.audit import as_utc
from workbench.store.keys import create_data_key, new_id, utcnow

if TYPE_CHECKING:
    from workbench.store.repo import Repo

Vector = npt.NDArray[np.float32]
Span = tuple[str, int, int]
"""(interview id, start, end)"""


class EmbeddingRepo:
    """Embedding and theme tables, inside the transaction of ``repo``."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.conn = repo.conn
        self._mac_key = derive_key(repo.keyring.require_master(), Purpose.EMBEDDING_TEXT_ID)

    def text_mac(self, text: str) -> str:
        return hmac.new(self._mac_key, text.encode("utf-8"), hashlib.sha256).hexdigest()

    # -- vectors -----------------------------------------------------------

    def _key_of(self, interview_id: str) -> tuple[str, bytes]:
        key_id = self.repo.interviews.data_key_id(interview_id)
        return key_id, self.repo.keyring.data_key(self.conn, key_id, f"interview {interview_id[:8]}")

    def vectors(self, interview_id: str, model: str) -> dict[str, Vector]:
        """Every stored vector of one interview for one model, by text MAC."""
        key_id, key = self._key_of(interview_id)
        rows = self.conn.execute(
            select(s.embedding.c.id, s.embedding.c.text_mac, s.embedding.c.dim, s.embedding.c.vector_enc).where(
                s.embedding.c.interview_id == interview_id, s.embedding.c.model == model
            )
        )
        out: dict[str, Vector] = {}
        for row in rows:
            aad = Aad("embedding", row.id, "vector", f"dk:{key_id}:v1")
            try:
                raw = open_sealed(key, bytes(row.vector_enc), aad)
            except AuthenticationFailed:
                raise IntegrityError(aad.describe()) from None
            out[row.text_mac] = np.frombuffer(raw, dtype="<f4").astype(np.float32).reshape(row.dim)
        return out

    def add_vectors(self, interview_id: str, model: str, vectors: Mapping[str, Vector]) -> int:
        """Store new vectors (by text MAC); ones already stored are left as they are."""
        if not vectors:
            return 0
        key_id, key = self._key_of(interview_id)
        existing = set(
            self.conn.execute(
                select(s.embedding.c.text_mac).where(
                    s.embedding.c.interview_id == interview_id, s.embedding.c.model == model
                )
            ).scalars()
        )
        now = utcnow()
        rows = []
        for mac, vector in vectors.items():
            if mac in existing:
                continue
            row_id = new_id()
            blob = np.asarray(vector, dtype="<f4").tobytes()
            rows.append(
                {
                    "id": row_id, "interview_id": interview_id, "model": model, "text_mac": mac,
                    "dim": int(vector.shape[0]), "created_at": now,
                    "vector_enc": seal(key, blob, Aad("embedding", row_id, "vector", f"dk:{key_id}:v1")),
                }
            )  # fmt: skip
        if rows:
            self.conn.execute(insert(s.embedding), rows)
        return len(rows)

    # -- theme runs --------------------------------------------------------

    def save_run(
        self, scope: str, model: str, user_id: str, interview_ids: Iterable[str], payload: dict[str, Any]
    ) -> str:
        """Store a run sealed under a new data key, replacing earlier runs of the same scope."""
        self.delete_runs(scope)
        run_id = new_id()
        key_id = create_data_key(self.conn, self.repo.keyring, "themes")
        cipher = self.repo.keyring.cipher(self.conn, key_id, f"theme run {run_id[:8]}")
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        items, themes = len(payload.get("items", [])), len(payload.get("themes", []))
        self.conn.execute(
            insert(s.theme_run).values(
                id=run_id, scope=scope, model=model, created_at=utcnow(), created_by=user_id, data_key_id=key_id,
                item_count=items, theme_count=themes, interview_ids=json.dumps(sorted(set(interview_ids))),
                payload_enc=cipher.seal("theme_run", run_id, "payload", data),
            )
        )  # fmt: skip
        return run_id

    def latest_run(self, scope: str) -> StoredRun | None:
        row = self.conn.execute(
            select(s.theme_run).where(s.theme_run.c.scope == scope).order_by(s.theme_run.c.created_at.desc())
        ).first()
        if row is None:
            return None
        cipher = self.repo.keyring.cipher(self.conn, row.data_key_id, f"theme run {row.id[:8]}")
        payload = json.loads(cipher.open("theme_run", row.id, "payload", row.payload_enc))
        return StoredRun(row.id, row.scope, row.model, as_utc(row.created_at), json.loads(row.interview_ids), payload)

    def replace_payload(self, run_id: str, payload: dict[str, Any]) -> None:
        """Seal a changed payload (a theme renamed) under the run's own data key, in place."""
        row = self.conn.execute(select(s.theme_run.c.data_key_id).where(s.theme_run.c.id == run_id)).first()
        if row is None:
            raise NotFoundError(
                _("The theme run {id} is gone (a newer run replaced it); reload the page.").format(id=run_id[:8])
            )
        cipher = self.repo.keyring.cipher(self.conn, row.data_key_id, f"theme run {run_id[:8]}")
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        self.conn.execute(
            update(s.theme_run)
            .where(s.theme_run.c.id == run_id)
            .values(payload_enc=cipher.seal("theme_run", run_id, "payload", data))
        )

    def run_is_stale(self, interview_ids: Iterable[str]) -> bool:
        """True when an interview of the run was shredded or deleted since."""
        wanted = set(interview_ids)
        if not wanted:
            return False
        live = set(
            self.conn.execute(
                select(s.interview.c.id)
                .join(s.data_key, s.data_key.c.id == s.interview.c.data_key_id)
                .where(s.interview.c.id.in_(wanted), s.data_key.c.shredded_at.is_(None))
            ).scalars()
        )
        return live != wanted

    def delete_runs(self, scope: str) -> int:
        """Delete the runs of ``scope`` and their data keys (the payloads become unreadable)."""
        rows = self.conn.execute(
            select(s.theme_run.c.id, s.theme_run.c.data_key_id).where(s.theme_run.c.scope == scope)
        ).all()
        for row in rows:
            self.conn.execute(delete(s.theme_run).where(s.theme_run.c.id == row.id))
            self.conn.execute(delete(s.data_key).where(s.data_key.c.id == row.data_key_id))
            self.repo.keyring.forget(row.data_key_id)
        return len(rows)

    def erase_interview(self, interview_id: str) -> list[str]:
        """Delete everything derived from one (shredded) interview; returns the deleted runs' ids.

        Its vectors (already unreadable without its key) and the suggestion decisions on its
        sentences go, and so does every theme run that includes it, of any scope, with the run's
        data key: a run holds the interview's snippets and quotes under a key of its own, which
        shredding the interview's key would not reach.
        """
        runs = [
            (str(r.id), str(r.data_key_id))
            for r in self.conn.execute(select(s.theme_run.c.id, s.theme_run.c.data_key_id, s.theme_run.c.interview_ids))
            if interview_id in json.loads(r.interview_ids)
        ]
        for run_id, key_id in runs:
            self.conn.execute(delete(s.theme_run).where(s.theme_run.c.id == run_id))
            self.conn.execute(delete(s.data_key).where(s.data_key.c.id == key_id))
            self.repo.keyring.forget(key_id)
        self.conn.execute(delete(s.embedding).where(s.embedding.c.interview_id == interview_id))
        self.conn.execute(delete(s.suggestion_decision).where(s.suggestion_decision.c.interview_id == interview_id))
        return [run_id for run_id, _ in runs]

    # -- suggestion decisions ----------------------------------------------

    def decide(self, user_id: str, code_id: str, span: Span, decision: str) -> None:
        interview_id, start, end = span
        table = s.suggestion_decision
        self.conn.execute(
            delete(table).where(
                table.c.user_id == user_id, table.c.code_id == code_id, table.c.interview_id == interview_id,
                table.c.start == start, table.c.end == end,
            )
        )  # fmt: skip
        self.conn.execute(
            insert(table).values(
                id=new_id(), user_id=user_id, code_id=code_id, interview_id=interview_id, start=start, end=end,
                decision=decision, decided_at=utcnow(),
            )
        )  # fmt: skip

    def decided(self, user_id: str) -> set[tuple[str, str, int, int]]:
        """(code id, interview id, start, end) of every suggestion the user accepted or rejected."""
        table = s.suggestion_decision
        rows = self.conn.execute(
            select(table.c.code_id, table.c.interview_id, table.c.start, table.c.end).where(table.c.user_id == user_id)
        )
        return {(r.code_id, r.interview_id, r.start, r.end) for r in rows}
