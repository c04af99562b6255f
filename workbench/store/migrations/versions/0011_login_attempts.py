"""Sign-in attempts are reserved before the password is checked (``login_failure.pending``).

The limit on failed sign-ins is checked and the attempt recorded in one write transaction,
before the slow key derivation; while the password is checked the row is ``pending``. A right
password deletes its row, a wrong one keeps it as a failure. Existing rows are failures.

Revision ID: 0011_login_attempts
Revises: 0010_release_erasure
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_login_attempts"
down_revision = "0010_release_erasure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("login_failure") as batch:
        batch.add_column(sa.Column("pending", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("login_failure") as batch:
        batch.drop_column("pending")
