"""Releases sealed per interview, so that shredding an interview reaches every release (issue 13).

A release keeps its project-wide part (codes, generalized attributes, minimums) in
``deid_release``; each interview's de-identified quotes and transcript go to one
``deid_release_part`` row, which shredding the interview deletes.

Releases made before this revision are deleted: they hold every interview in one sealed blob
(so a shredded interview could not be taken out of them) and they carry the leak fingerprints
that let a report writer test guesses of real names. They are derived data: a lead makes a new
release with ``workbench deid release`` (or Release on the Review page).

Revision ID: 0010_release_erasure
Revises: 0009_sealed_metadata
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_release_erasure"
down_revision = "0009_sealed_metadata"
branch_labels = None
depends_on = None

_ID = sa.String(length=32)


def upgrade() -> None:
    op.execute("DELETE FROM deid_release")
    op.create_table(
        "deid_release_part",
        sa.Column("id", _ID, nullable=False),
        sa.Column("release_id", _ID, nullable=False),
        sa.Column("interview_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["release_id"], ["deid_release.id"], name=op.f("fk_deid_release_part_release_id_deid_release"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_deid_release_part_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_release_part")),
    )  # fmt: skip
    op.create_index("ix_deid_release_part_interview", "deid_release_part", ["interview_id"], unique=False)
    op.create_index("ix_deid_release_part_release", "deid_release_part", ["release_id", "position"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_deid_release_part_release", table_name="deid_release_part")
    op.drop_index("ix_deid_release_part_interview", table_name="deid_release_part")
    op.drop_table("deid_release_part")
    op.execute("DELETE FROM deid_release")
