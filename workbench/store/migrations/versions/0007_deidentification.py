"""Schema changes for issue 7 (de-identification and exports); a no-op until that work lands.

Revision ID: 0007_deidentification
Revises: 0006_embeddings
"""

from __future__ import annotations

revision = "0007_deidentification"
down_revision = "0006_embeddings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
