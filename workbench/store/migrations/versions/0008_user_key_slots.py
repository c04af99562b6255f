"""Per-user accounts: password hashes, scoped key slots, and staged failed sign-ins.

A key slot now says what it grants (``scope``: the master key, or only the release key for report
writers), so its wrapped payload column is renamed from ``wrapped_master_key`` to ``wrapped_key``.
Failed sign-ins cannot be MACed into the audit chain (nobody holds a key then); they wait in
``login_failure`` until the next successful sign-in folds them into the chain.

Revision ID: 0008_user_key_slots
Revises: 0007_deidentification
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_user_key_slots"
down_revision = "0007_deidentification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user") as batch:
        batch.add_column(sa.Column("password_hash", sa.Text(), nullable=True))
    with op.batch_alter_table("key_slot") as batch:
        batch.alter_column("wrapped_master_key", new_column_name="wrapped_key")
        batch.add_column(sa.Column("scope", sa.String(20), nullable=False, server_default="master"))
    op.create_table(
        "login_failure",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("client", sa.String(100), nullable=False),
        sa.Column("folded_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_login_failure_at", "login_failure", ["at"])


def downgrade() -> None:
    op.drop_index("ix_login_failure_at", table_name="login_failure")
    op.drop_table("login_failure")
    op.execute("DELETE FROM key_slot WHERE kind <> 'passphrase'")
    with op.batch_alter_table("key_slot") as batch:
        batch.drop_column("scope")
        batch.alter_column("wrapped_key", new_column_name="wrapped_master_key")
    with op.batch_alter_table("app_user") as batch:
        batch.drop_column("password_hash")
