"""Embeddings and themes (issue 6): encrypted vectors, theme runs, remembered suggestion decisions.

- ``embedding``: one vector per (interview, model, text), sealed with the interview's data key,
  so shredding the interview kills its embeddings too. ``text_mac`` is an HMAC of the text under
  a key derived from the master key: equal texts are found again without the text (or a bare hash
  of it, which short quotes would give away to a dictionary) being stored.
- ``theme_run``: the latest result per scope, sealed with its own data key (it holds keywords
  and quotes); the ids of its interviews are kept in the clear so a run touching a shredded
  interview is recognised and discarded.
- ``suggestion_decision``: which suggested spans a researcher accepted or rejected (offsets only).

Revision ID: 0006_embeddings
Revises: 0005_coding_workflow
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_embeddings"
down_revision = "0005_coding_workflow"
branch_labels = None
depends_on = None

_ID = sa.String(32)
_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "embedding",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("interview_id", _ID, sa.ForeignKey("interview.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("text_mac", sa.String(64), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("vector_enc", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("interview_id", "model", "text_mac", name=op.f("uq_embedding_text")),
    )
    op.create_table(
        "theme_run",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("scope", sa.String(80), nullable=False),
        sa.Column("model", sa.String(100), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", _ID, sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("data_key_id", _ID, sa.ForeignKey("data_key.id"), nullable=False),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("theme_count", sa.Integer(), nullable=False),
        sa.Column("interview_ids", sa.Text(), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "suggestion_decision",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("user_id", _ID, sa.ForeignKey("app_user.id"), nullable=False),
        sa.Column("code_id", sa.String(36), sa.ForeignKey("code.id"), nullable=False),
        sa.Column("interview_id", _ID, sa.ForeignKey("interview.id", ondelete="CASCADE"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(10), nullable=False),
        sa.Column("decided_at", _TIME, nullable=False),
        sa.CheckConstraint("decision IN ('accepted', 'rejected')", name=op.f("ck_suggestion_decision_decision")),
        sa.UniqueConstraint(
            "user_id", "code_id", "interview_id", "start", "end", name=op.f("uq_suggestion_decision_span")
        ),
    )


def downgrade() -> None:
    op.drop_table("suggestion_decision")
    op.drop_table("theme_run")
    op.drop_table("embedding")
