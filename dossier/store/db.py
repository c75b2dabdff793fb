"""Database connection: SQLite by default, PostgreSQL by URL; migrations run programmatically.

SQLite is set up for a watcher, a web app and workers sharing one file: WAL (readers never block
the writer), foreign keys enforced, a busy timeout, and ``BEGIN IMMEDIATE`` for every
transaction. The last one matters: with SQLite's default deferred transactions, a transaction that
reads and then writes fails at once with "database is locked" when another writer committed in
between, whatever the busy timeout; taking the write lock up front makes it wait its turn instead.
Transactions are kept short (one file's records at a time), so the serialisation is cheap.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from dossier.config import Settings
from dossier.errors import ConfigError, StoreError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Any constant works; it only has to be the same in every process migrating one database.
_MIGRATION_LOCK_KEY = 0x646F7373  # "doss"


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL: ``postgresql://`` (which would mean psycopg2) is rewritten."""
    try:
        parsed = make_url(url)
    except Exception as exc:  # sqlalchemy raises ArgumentError; any failure means a bad setting
        raise ConfigError(f"invalid database URL: {exc}", reason_zh=f"数据库地址无效：{exc}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _enable_wal(cursor: sqlite3.Cursor) -> None:
    """``PRAGMA journal_mode=WAL``, retried for as long as the busy timeout: switching a new file
    to WAL takes an exclusive lock, and when another connection opens the same new file at that
    moment (two processes started together on a new home) SQLite says "database is locked" at
    once, without waiting in its busy handler."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Hand transaction control to SQLAlchemy (the "begin" hook below) instead of the sqlite3
        # module, which would otherwise issue its own deferred BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _enable_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable across crashes in WAL mode
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """An engine for ``url`` with the per-database settings described above."""
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """An engine and its session factory; one per process and database URL."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One short transaction: committed when the block ends, rolled back on an exception."""
        with self._sessions() as session, session.begin():
            yield session

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (``alembic upgrade head``)."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        try:
            with self.engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    # Two processes starting on a fresh database must not both create tables.
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                                       {"key": _MIGRATION_LOCK_KEY})
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate the database: {exc}",
                             path=self.engine.url.render_as_string(hide_password=True),
                             reason_zh=f"数据库升级失败：{exc}") from exc

    def dispose(self) -> None:
        """Close pooled connections (call after fork and at shutdown)."""
        self.engine.dispose()


def init_db(settings: Settings) -> Database:
    """Open the database named by the settings and migrate it to the newest schema."""
    database = Database.from_url(settings.db_url)
    database.upgrade()
    return database
