"""Life events (issue 15): one ``life_event`` row per event in a participant's life.

The row's payload (type, life domain, direction, time, memo, span, quote) is sealed; the
clear columns (participant, anchoring interview, data key, recorder, codebook version,
revision, times) are bound into its associated data (``store/sealing.py``). Nothing existing
changes.

Revision ID: 0014_life_event
Revises: 0013_refi_fidelity
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014_life_event"
down_revision = "0013_refi_fidelity"
branch_labels = None
depends_on = None

_ID = sa.String(length=32)


def upgrade() -> None:
    op.create_table(
        "life_event",
        sa.Column("id", _ID, nullable=False),
        sa.Column("participant_id", _ID, nullable=False),
        sa.Column("interview_id", _ID, nullable=True),
        sa.Column("data_key_id", _ID, nullable=False),
        sa.Column("recorder_id", _ID, nullable=False),
        sa.Column("codebook_version", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], name=op.f("fk_life_event_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_life_event_interview_id_interview"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["data_key_id"], ["data_key.id"], name=op.f("fk_life_event_data_key_id_data_key")),
        sa.ForeignKeyConstraint(["recorder_id"], ["app_user.id"], name=op.f("fk_life_event_recorder_id_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_life_event")),
    )  # fmt: skip
    op.create_index("ix_life_event_participant", "life_event", ["participant_id"], unique=False)
    op.create_index("ix_life_event_interview", "life_event", ["interview_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_life_event_interview", table_name="life_event")
    op.drop_index("ix_life_event_participant", table_name="life_event")
    op.drop_table("life_event")
