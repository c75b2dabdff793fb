"""Shared test helpers.

A test that needs an outside resource (a service, the shared corpus, a system font) calls
``need(...)``: it skips on a developer's machine without that resource, and fails under CI
(``CI=true`` or ``DOSSIER_REQUIRE_SERVICES=1``), where every test must run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus"


def services_required() -> bool:
    return os.environ.get("CI", "").lower() == "true" or os.environ.get("DOSSIER_REQUIRE_SERVICES") == "1"


def need(available: bool, what: str) -> None:
    """Skip (or, in CI, fail) the calling test when ``what`` is not available."""
    if available:
        return
    if services_required():
        pytest.fail(f"{what} is required under CI but is not available")
    pytest.skip(f"{what} not available")


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
