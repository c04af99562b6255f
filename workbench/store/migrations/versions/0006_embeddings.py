"""Schema changes for issue 6 (embeddings and themes); a no-op until that work lands.

Revision ID: 0006_embeddings
Revises: 0005_coding_workflow
"""

from __future__ import annotations

revision = "0006_embeddings"
down_revision = "0005_coding_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
