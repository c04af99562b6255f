"""Schema changes for issue 5 (coding and agreement); a no-op until that work lands.

Revision ID: 0005_coding_workflow
Revises: 0004_codebook_history
"""

from __future__ import annotations

revision = "0005_coding_workflow"
down_revision = "0004_codebook_history"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
