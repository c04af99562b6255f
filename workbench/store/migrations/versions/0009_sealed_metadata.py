"""Sealed metadata: encrypted category lists, per-interview manifests, audit anchors.

The schema change only adds columns and a table. Converting the data needs the project keys,
so it happens in the application on the first unlock by a member holding the master key, in
one transaction (``workbench.store.sealing.upgrade_sealing``): category lists are moved into
``categories_enc``, every bound value is sealed again with its clear-text columns in its
associated data, manifests are computed and the audit log gets its anchors. Downgrading drops
the sealed category lists (the allowed values of category attributes are lost, the values of
participants are not).

Revision ID: 0009_sealed_metadata
Revises: 0008_user_key_slots
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_sealed_metadata"
down_revision = "0008_user_key_slots"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("attribute_def") as batch:
        batch.add_column(sa.Column("categories_enc", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("interview") as batch:
        batch.add_column(sa.Column("manifest_enc", sa.LargeBinary(), nullable=True))
    op.create_table(
        "audit_anchor",
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("head", sa.LargeBinary(), nullable=False),
        sa.Column("tag", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('tail', 'master')", name=op.f("ck_audit_anchor_kind")),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_audit_anchor")),
    )


def downgrade() -> None:
    op.drop_table("audit_anchor")
    with op.batch_alter_table("interview") as batch:
        batch.drop_column("manifest_enc")
    with op.batch_alter_table("attribute_def") as batch:
        batch.drop_column("categories_enc")
