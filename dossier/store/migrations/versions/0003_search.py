"""Archive search: a full-text index over text_lines that the database keeps up to date itself.

Chinese has no spaces between words, so both indexes work on characters, not words:

- SQLite: an FTS5 table with the trigram tokenizer, external content (it stores no copy of the
  text, only the index), filled and emptied by triggers on text_lines. Every way lines are written
  (the pages stage, ``dossier import``, a cascade from deleting a page or document) updates it.
- PostgreSQL: a GIN index over the character bigrams of each line (``dossier_bigrams``, an
  immutable SQL function). Unlike pg_trgm it needs no extension (no privilege, no schema to
  share between databases), does not depend on the database locale deciding what a "word
  character" is, and finds two-character names through the index.

The index objects are not ORM models; ``dossier.ledger.search.is_search_index`` names them for
comparisons of the models with the database.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import logging
import sqlite3

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

_SQLITE_UP = (
    "CREATE VIRTUAL TABLE text_search USING fts5("
    "text, content='text_lines', content_rowid='id', tokenize='trigram case_sensitive 0')",
    "CREATE TRIGGER text_search_insert AFTER INSERT ON text_lines BEGIN "
    "INSERT INTO text_search(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER text_search_delete AFTER DELETE ON text_lines BEGIN "
    "INSERT INTO text_search(text_search, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER text_search_update AFTER UPDATE OF text ON text_lines BEGIN "
    "INSERT INTO text_search(text_search, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO text_search(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO text_search(text_search) VALUES ('rebuild')",  # lines stored before this revision
)
_SQLITE_DOWN = (
    "DROP TRIGGER IF EXISTS text_search_update",
    "DROP TRIGGER IF EXISTS text_search_delete",
    "DROP TRIGGER IF EXISTS text_search_insert",
    "DROP TABLE IF EXISTS text_search",
)

# upper(): the search is case-insensitive for Latin letters (certificate numbers, the X of an ID).
# COST: it takes about 20 us a line, far more than a default SQL function's 100 says; the
# planner should rather read the index than compute it row by row.
_POSTGRESQL_UP = (
    "CREATE FUNCTION dossier_bigrams(line text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 1000 AS $$ "
    "SELECT coalesce(array_agg(DISTINCT upper(substr(line, i, 2))), '{}') "
    "FROM generate_series(1, length(line) - 1) AS i $$",
    "CREATE INDEX ix_text_lines_bigrams ON text_lines USING gin (dossier_bigrams(text))",
)
_POSTGRESQL_DOWN = (
    "DROP INDEX IF EXISTS ix_text_lines_bigrams",
    "DROP FUNCTION IF EXISTS dossier_bigrams(text)",
)


def _sqlite_has_trigram() -> bool:
    """FTS5 compiled in, and SQLite 3.34 or later (the trigram tokenizer)."""
    bind = op.get_bind()
    version = tuple(int(p) for p in bind.exec_driver_sql("SELECT sqlite_version()").scalar().split("."))
    return version >= (3, 34) and bool(
        bind.exec_driver_sql("SELECT sqlite_compileoption_used('ENABLE_FTS5')").scalar())


def _statements(up: bool) -> tuple[str, ...]:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        if up and not _sqlite_has_trigram():
            # An old or stripped SQLite: no index; search scans text_lines with LIKE (slower, same
            # results). A later revision can add the index once the library is newer.
            log.warning("SQLite %s without FTS5 trigram: archive search will scan instead of using an index",
                        sqlite3.sqlite_version)
            return ()
        return _SQLITE_UP if up else _SQLITE_DOWN
    if dialect == "postgresql":
        return _POSTGRESQL_UP if up else _POSTGRESQL_DOWN
    return ()  # another database: search falls back to LIKE over text_lines


def upgrade() -> None:
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade() -> None:
    for statement in _statements(up=False):
        op.execute(statement)
