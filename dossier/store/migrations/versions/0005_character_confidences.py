"""Character confidences: the OCR engine's probability for each character of a stored line.

A line's confidence is the mean of its characters'; one character misread in a long line (a
company name with 大 for 天) leaves the mean above the review threshold and only the character's
own probability shows it. NULL for text layers and for lines stored before this revision
(``dossier reprocess`` re-reads them from the OCR cache, which is recomputed once).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("text_lines", sa.Column("char_confidences", sa.JSON().with_variant(JSONB(), "postgresql"),
                                          nullable=True))


def downgrade() -> None:
    # plain ALTER TABLE DROP COLUMN (SQLite 3.35 or later), as in 0004
    op.drop_column("text_lines", "char_confidences")
