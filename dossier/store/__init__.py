"""Storage below every stage: originals, derived artefacts and the database.

``archive``  originals, content-addressed by SHA-256, immutable
``derived``  rebuildable artefacts (rendered pages, OCR results) kept apart from originals
``db``       engine, sessions, migrations (SQLite by default, PostgreSQL by URL)
``schema``   the tables; ``migrations/`` their Alembic history
``repo``     the functions stages use to read and write records
"""
