"""How far a document's reading has got (``pages_read`` of ``pages_to_read``), for the upload box.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("pages_read", sa.Integer(), nullable=True))
    op.add_column("documents", sa.Column("pages_to_read", sa.Integer(), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE, as in 0004: a batch copy of ``documents`` would cascade-delete its pages.
    op.drop_column("documents", "pages_to_read")
    op.drop_column("documents", "pages_read")
