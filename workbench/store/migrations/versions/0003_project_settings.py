"""Project settings (embedding model, de-identification rules, blind coding...) as JSON values.

Settings are configuration, never participant data, so they are stored in plain JSON.

Revision ID: 0003_project_settings
Revises: 0002_user_removed_at
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_project_settings"
down_revision = "0002_user_removed_at"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "project_setting",
        sa.Column("key", sa.String(80), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(32), sa.ForeignKey("app_user.id"), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("project_setting")
