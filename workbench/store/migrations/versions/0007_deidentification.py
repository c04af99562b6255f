"""De-identification (issue 7): pseudonym map, known and reviewed terms, detections, releases.

Every real name is stored encrypted (``*_enc``); ``value_mac`` columns hold keyed hashes.

Revision ID: 0007_deidentification
Revises: 0006_embeddings
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_deidentification"
down_revision = "0006_embeddings"
branch_labels = None
depends_on = None

_ID = sa.String(length=32)
_TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "deid_pseudonym",
        sa.Column("id", _ID, nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("value_mac", sa.String(length=64), nullable=False),
        sa.Column("value_enc", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_pseudonym")),
        sa.UniqueConstraint("value_mac", name=op.f("uq_deid_pseudonym_value_mac")),
        sa.UniqueConstraint("entity_type", "number", name="uq_deid_pseudonym_number"),
    )
    op.create_table(
        "deid_term",
        sa.Column("id", _ID, nullable=False),
        sa.Column("value_mac", sa.String(length=64), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("origin", sa.String(length=10), nullable=False),
        sa.Column("pseudonym_id", _ID, nullable=True),
        sa.Column("participant_id", _ID, nullable=True),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.CheckConstraint("status IN ('accepted', 'rejected')", name=op.f("ck_deid_term_status")),
        sa.CheckConstraint("origin IN ('intake', 'review', 'added')", name=op.f("ck_deid_term_origin")),
        sa.ForeignKeyConstraint(
            ["pseudonym_id"], ["deid_pseudonym.id"], name=op.f("fk_deid_term_pseudonym_id_deid_pseudonym")
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participant.id"], name=op.f("fk_deid_term_participant_id_participant"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], name=op.f("fk_deid_term_created_by_app_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_term")),
        sa.UniqueConstraint("value_mac", name=op.f("uq_deid_term_value_mac")),
    )
    op.create_table(
        "deid_scan",
        sa.Column("interview_id", _ID, nullable=False),
        sa.Column("scanned_at", _TIME, nullable=False),
        sa.Column("detector_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_deid_scan_interview_id_interview"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("interview_id", name=op.f("pk_deid_scan")),
    )
    op.create_table(
        "deid_detection",
        sa.Column("id", _ID, nullable=False),
        sa.Column("interview_id", _ID, nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("entity_type", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("recognizer", sa.String(length=40), nullable=False),
        sa.Column("pseudonym_id", _ID, nullable=True),
        sa.Column("value_mac", sa.String(length=64), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_deid_detection_span")),
        sa.ForeignKeyConstraint(
            ["interview_id"], ["interview.id"], name=op.f("fk_deid_detection_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["pseudonym_id"], ["deid_pseudonym.id"], name=op.f("fk_deid_detection_pseudonym_id_deid_pseudonym")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_detection")),
    )
    op.create_index("ix_deid_detection_interview", "deid_detection", ["interview_id", "start"], unique=False)
    op.create_index("ix_deid_detection_value", "deid_detection", ["value_mac"], unique=False)
    op.create_table(
        "deid_release",
        sa.Column("id", _ID, nullable=False),
        sa.Column("created_at", _TIME, nullable=False),
        sa.Column("created_by", _ID, nullable=False),
        sa.Column("data_key_id", _ID, nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("payload_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"], name=op.f("fk_deid_release_created_by_app_user")),
        sa.ForeignKeyConstraint(["data_key_id"], ["data_key.id"], name=op.f("fk_deid_release_data_key_id_data_key")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deid_release")),
    )


def downgrade() -> None:
    op.drop_table("deid_release")
    op.drop_index("ix_deid_detection_value", table_name="deid_detection")
    op.drop_index("ix_deid_detection_interview", table_name="deid_detection")
    op.drop_table("deid_detection")
    op.drop_table("deid_scan")
    op.drop_table("deid_term")
    op.drop_table("deid_pseudonym")
