"""Reminders: the send log of ``dossier remind``, one row per (entry, threshold, channel).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_key", sa.String(255), nullable=False),
        sa.Column("threshold", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("company", sa.String(255), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("as_of", sa.String(10), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('attempting', 'sent', 'failed')", name=op.f("ck_reminders_status")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("entry_key", "threshold", "channel", name=op.f("uq_reminders_entry_key_threshold_channel")),
    )
    op.create_index(op.f("ix_reminders_company"), "reminders", ["company"])


def downgrade() -> None:
    op.drop_index("ix_reminders_company", table_name="reminders")
    op.drop_table("reminders")
