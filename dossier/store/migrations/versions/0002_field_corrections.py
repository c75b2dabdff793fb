"""Field corrections: a reviewer's corrected value for one extracted field, kept beside the read one.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "field_corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("first_page", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("value", _json(), nullable=True),
        sa.Column("previous", _json(), nullable=True),
        sa.Column("user_name", sa.String(length=255), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"],
                                name=op.f("fk_field_corrections_document_id_documents"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_corrections")),
    )
    op.create_index("ix_field_corrections_document_id_first_page_name", "field_corrections",
                    ["document_id", "first_page", "name"])


def downgrade() -> None:
    op.drop_index("ix_field_corrections_document_id_first_page_name", table_name="field_corrections")
    op.drop_table("field_corrections")
