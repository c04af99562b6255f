"""Schema changes for issue 8 (accounts and key slots); a no-op until that work lands.

Revision ID: 0008_user_key_slots
Revises: 0007_deidentification
"""

from __future__ import annotations

revision = "0008_user_key_slots"
down_revision = "0007_deidentification"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
