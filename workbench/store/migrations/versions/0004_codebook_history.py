"""Codebook history (issue 4): what each codebook version did to codings, and the codings it archived.

Revision ID: 0004_codebook_history
Revises: 0003_project_settings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_codebook_history"
down_revision = "0003_project_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("codebook_version") as batch:
        batch.add_column(sa.Column("changes", sa.Text(), nullable=False, server_default="[]"))
    op.create_table(
        "coding_archive",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("interview_id", sa.String(32), nullable=False),
        sa.Column("code_id", sa.String(36), nullable=False),
        sa.Column("archived_in", sa.Integer(), nullable=False),
        sa.Column("data", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_coding_archive_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], name=op.f("fk_coding_archive_code_id_code")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding_archive")),
    )
    op.create_index("ix_coding_archive_code", "coding_archive", ["code_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_coding_archive_code", table_name="coding_archive")
    op.drop_table("coding_archive")
    with op.batch_alter_table("codebook_version") as batch:
        batch.drop_column("changes")
