"""Document claims: which process reads a document, and when it last said it is still at it.

``status = 'processing'`` alone cannot tell a document being read from one whose reader died;
``claimed_by`` and ``claimed_at`` can (see ``dossier.workers.claims``). Both stay empty for a
document no live process holds, so documents left ``processing`` by an earlier version (a reader
that died, or pages handed to the task queue) can be claimed at once.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("documents", sa.Column("claimed_by", sa.String(length=255), nullable=True))
    op.add_column("documents", sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    # Plain ALTER TABLE (SQLite 3.35 or later): a batch copy of ``documents`` would drop the
    # table, and with foreign keys on, that deletes every page and extraction with it.
    op.drop_column("documents", "claimed_at")
    op.drop_column("documents", "claimed_by")
