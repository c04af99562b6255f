"""Life-event manifests (issue 15): ``participant.events_manifest_enc``.

An HMAC, under a key derived from the participant's data key, over the ids and ciphertexts of
all their life events (``store/sealing.py``), so that an event deleted, or put back whole from an
older copy, is noticed when the events are read. Added empty: a participant without events is
sealed with their first event; one who already has events (recorded under 0014) reads as
damaged, with ``ManifestMissingError``, until an admin runs ``workbench events seal DIR`` once
(``services/events.seal_event_manifests`` says why that is a command and not done here or on
unlock). Life events came with 0014 in the same development cycle, so no released database
has any.

Revision ID: 0015_event_manifest
Revises: 0014_life_event
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015_event_manifest"
down_revision = "0014_life_event"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("events_manifest_enc", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("events_manifest_enc")
