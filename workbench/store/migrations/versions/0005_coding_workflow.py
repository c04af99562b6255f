"""Coding workflow (issue 5): a coding records when its span or memo last changed.

Revision ID: 0005_coding_workflow
Revises: 0004_codebook_history
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_coding_workflow"
down_revision = "0004_codebook_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("coding") as batch:
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("coding") as batch:
        batch.drop_column("updated_at")
