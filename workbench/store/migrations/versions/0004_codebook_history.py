"""Schema changes for issue 4 (codebooks and REFI-QDA); a no-op until that work lands.

Revision ID: 0004_codebook_history
Revises: 0003_project_settings
"""

from __future__ import annotations

revision = "0004_codebook_history"
down_revision = "0003_project_settings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
