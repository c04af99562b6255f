"""Initial schema: project, users, key slots, data keys, participants, interviews,
segments, codes, codebook versions, codings, memos and the audit chain.

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('admin', 'lead', 'researcher', 'writer')",
            name=op.f("ck_app_user_role"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("name", name=op.f("uq_app_user_name")),
    )
    op.create_table(
        "attribute_def",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "type IN ('text', 'integer', 'date', 'category')",
            name=op.f("ck_attribute_def_type"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attribute_def")),
        sa.UniqueConstraint("name", name=op.f("uq_attribute_def_name")),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("mac", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
    )
    op.create_table(
        "code",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("parent_id", sa.String(length=36), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("color", sa.String(length=7), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("inclusion", sa.Text(), nullable=False),
        sa.Column("exclusion", sa.Text(), nullable=False),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("codable", sa.Boolean(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["code.id"], name=op.f("fk_code_parent_id_code")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_code")),
    )
    op.create_table(
        "project",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("master_key_version", sa.Integer(), nullable=False),
        sa.Column("default_user_id", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project")),
    )
    op.create_table(
        "codebook_version",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["app_user.id"],
            name=op.f("fk_codebook_version_author_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_codebook_version")),
    )
    op.create_table(
        "data_key",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary(), nullable=True),
        sa.Column("master_key_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_by", sa.String(length=32), nullable=True),
        sa.CheckConstraint(
            "(wrapped_key IS NULL) = (shredded_at IS NOT NULL)",
            name=op.f("ck_data_key_shred_state"),
        ),
        sa.ForeignKeyConstraint(
            ["shredded_by"],
            ["app_user.id"],
            name=op.f("fk_data_key_shredded_by_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_key")),
    )
    op.create_table(
        "key_slot",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=True),
        sa.Column("kdf_salt", sa.LargeBinary(), nullable=False),
        sa.Column("kdf_params", sa.Text(), nullable=False),
        sa.Column("wrapped_master_key", sa.LargeBinary(), nullable=False),
        sa.Column("master_key_version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["app_user.id"],
            name=op.f("fk_key_slot_user_id_app_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_key_slot")),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("data_key_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_key_id"],
            ["data_key.id"],
            name=op.f("fk_participant_data_key_id_data_key"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant")),
        sa.UniqueConstraint("code", name=op.f("uq_participant_code")),
    )
    op.create_table(
        "interview",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("participant_id", sa.String(length=32), nullable=True),
        sa.Column("data_key_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("wave", sa.Integer(), nullable=True),
        sa.Column("source_format", sa.String(length=20), nullable=False),
        sa.Column("char_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=32), nullable=False),
        sa.Column("title_enc", sa.LargeBinary(), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_key_id"],
            ["data_key.id"],
            name=op.f("fk_interview_data_key_id_data_key"),
        ),
        sa.ForeignKeyConstraint(
            ["imported_by"],
            ["app_user.id"],
            name=op.f("fk_interview_imported_by_app_user"),
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_interview_participant_id_participant"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interview")),
        sa.UniqueConstraint("data_key_id", name=op.f("uq_interview_data_key_id")),
    )
    op.create_table(
        "participant_attribute",
        sa.Column("participant_id", sa.String(length=32), nullable=False),
        sa.Column("attribute_id", sa.String(length=32), nullable=False),
        sa.Column("value_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attribute_id"],
            ["attribute_def.id"],
            name=op.f("fk_participant_attribute_attribute_id_attribute_def"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
            name=op.f("fk_participant_attribute_participant_id_participant"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "participant_id", "attribute_id", name=op.f("pk_participant_attribute")
        ),
    )
    op.create_table(
        "coding",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("interview_id", sa.String(length=32), nullable=False),
        sa.Column("code_id", sa.String(length=36), nullable=False),
        sa.Column("coder_id", sa.String(length=32), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("suggested", sa.Boolean(), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.Column("memo_enc", sa.LargeBinary(), nullable=True),
        sa.CheckConstraint('start >= 0 AND "end" > start', name=op.f("ck_coding_span")),
        sa.ForeignKeyConstraint(
            ["code_id"], ["code.id"], name=op.f("fk_coding_code_id_code")
        ),
        sa.ForeignKeyConstraint(
            ["coder_id"], ["app_user.id"], name=op.f("fk_coding_coder_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_coding_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coding")),
        sa.UniqueConstraint(
            "interview_id", "code_id", "coder_id", "start", "end", name="uq_coding_span"
        ),
    )
    op.create_index("ix_coding_code", "coding", ["code_id"], unique=False)
    op.create_index("ix_coding_interview", "coding", ["interview_id"], unique=False)
    op.create_table(
        "memo",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("interview_id", sa.String(length=32), nullable=True),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["app_user.id"], name=op.f("fk_memo_author_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_memo_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memo")),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("interview_id", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("parent_id", sa.String(length=32), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("speaker_role", sa.String(length=20), nullable=False),
        sa.Column("time_s", sa.Float(), nullable=True),
        sa.Column("speaker_enc", sa.LargeBinary(), nullable=False),
        sa.Column("text_enc", sa.LargeBinary(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('turn', 'sentence')", name=op.f("ck_segment_kind")
        ),
        sa.CheckConstraint(
            'start >= 0 AND "end" > start', name=op.f("ck_segment_span")
        ),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interview.id"],
            name=op.f("fk_segment_interview_id_interview"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["segment.id"],
            name=op.f("fk_segment_parent_id_segment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment")),
    )
    op.create_index(
        "ix_segment_interview",
        "segment",
        ["interview_id", "kind", "position"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_segment_interview", table_name="segment")
    op.drop_table("segment")
    op.drop_table("memo")
    op.drop_index("ix_coding_interview", table_name="coding")
    op.drop_index("ix_coding_code", table_name="coding")
    op.drop_table("coding")
    op.drop_table("participant_attribute")
    op.drop_table("interview")
    op.drop_table("participant")
    op.drop_table("key_slot")
    op.drop_table("data_key")
    op.drop_table("codebook_version")
    op.drop_table("project")
    op.drop_table("code")
    op.drop_table("audit_event")
    op.drop_table("attribute_def")
    op.drop_table("app_user")
