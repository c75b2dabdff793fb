"""Shared test helpers.

A test that needs an outside resource (a service, the shared corpus, a system font) calls
``need(...)``: it skips on a developer's machine without that resource, and fails under CI
(``CI=true`` or ``DOSSIER_REQUIRE_SERVICES=1``), where every test must run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
# Beside the checkout, as on the team machines; DOSSIER_TEST_CORPUS points elsewhere.
SHARED_CORPUS = Path(os.environ.get("DOSSIER_TEST_CORPUS") or ROOT.parent / "shared" / "corpus")
# pytest-xdist starts its workers with COLUMNS=80, and rich freezes COLUMNS into the CLI's console
# when dossier.cli is imported: every table after that wraps at 80 columns. Tests that print a
# table give the width they need to the invocation instead.
os.environ.pop("COLUMNS", None)


def services_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("DOSSIER_REQUIRE_SERVICES") == "1"


def need(available: bool, what: str) -> None:
    """Skip (or, in CI, fail) the calling test when ``what`` is not available."""
    if available:
        return
    if services_required():
        pytest.fail(f"{what} is required under CI but is not available")
    pytest.skip(f"{what} not available")


def cjk_ttf() -> Path:
    """The CJK TrueType font tests draw with: the one dossier bundles (no system font needed)."""
    from dossier.fonts import cjk_font_file

    return cjk_font_file()


@pytest.fixture
def corpus() -> Path:
    need(SHARED_CORPUS.is_dir(), f"shared corpus at {SHARED_CORPUS}")
    return SHARED_CORPUS


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty DOSSIER_HOME for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("DOSSIER_HOME", str(path))
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    monkeypatch.delenv("DOSSIER_BROKER_URL", raising=False)
    return path


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file in ``folder``, or a throw-away schema of
    the PostgreSQL server named by DOSSIER_TEST_DATABASE_URL (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'test.db'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from dossier.store.db import normalise_url

    base = os.environ.get("DOSSIER_TEST_DATABASE_URL")
    need(bool(base), "PostgreSQL (set DOSSIER_TEST_DATABASE_URL)")
    schema = f"dossier_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(normalise_url(base)).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def database_url(request, tmp_path):
    """A fresh, empty database for one test, on SQLite and on PostgreSQL (see ``fresh_database``)."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def db(database_url):
    """That database, migrated to the current schema."""
    from dossier.store.db import Database

    database = Database.from_url(database_url)
    database.upgrade()
    yield database
    database.dispose()
