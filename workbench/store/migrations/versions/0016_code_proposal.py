"""Code proposals (issue 20): a researcher proposes a code while coding; a lead accepts or declines it.

A new table only; nothing existing changes. A proposal is codebook material (a name and a
definition) like the ``code`` table, not participant data.

Revision ID: 0016_code_proposal
Revises: 0015_event_manifest
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016_code_proposal"
down_revision = "0015_event_manifest"
branch_labels = None
depends_on = None

_ID = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "code_proposal",
        sa.Column("id", _ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("proposed_by", _ID, nullable=False),
        sa.Column("proposed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by", _ID, nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("code_id", sa.String(length=36), nullable=True),
        sa.CheckConstraint("status IN ('open', 'accepted', 'declined')", name=op.f("ck_code_proposal_status")),
        sa.ForeignKeyConstraint(["parent_id"], ["code.id"], name=op.f("fk_code_proposal_parent_id_code")),
        sa.ForeignKeyConstraint(["proposed_by"], ["app_user.id"], name=op.f("fk_code_proposal_proposed_by_app_user")),
        sa.ForeignKeyConstraint(["decided_by"], ["app_user.id"], name=op.f("fk_code_proposal_decided_by_app_user")),
        sa.ForeignKeyConstraint(["code_id"], ["code.id"], name=op.f("fk_code_proposal_code_id_code")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code_proposal")),
    )  # fmt: skip
    op.create_index("ix_code_proposal_status", "code_proposal", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_code_proposal_status", table_name="code_proposal")
    op.drop_table("code_proposal")
