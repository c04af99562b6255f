"""Codes may have no colour: ``code.color`` becomes nullable.

REFI-QDA makes a code's colour optional. Codes imported without one used to be given
grey (#999999), which the next export then claimed as the code's colour; NULL now
keeps "no colour" as no colour (screens show a default). Existing rows keep their
colours; nothing needs converting.

Revision ID: 0013_refi_fidelity
Revises: 0011_login_attempts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013_refi_fidelity"
down_revision = "0011_login_attempts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("code") as batch:
        batch.alter_column("color", existing_type=sa.String(7), nullable=True)


def downgrade() -> None:
    op.execute("UPDATE code SET color = '#999999' WHERE color IS NULL")
    with op.batch_alter_table("code") as batch:
        batch.alter_column("color", existing_type=sa.String(7), nullable=False)
