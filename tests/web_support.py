"""Helpers for the web tests: a data folder holding (part of) sample-upgrade, users, a live server.

The quick variant takes only the born-digital files of ``fixtures/sample-upgrade`` (text-layer
PDFs and the .docx: read without OCR, a few seconds) plus its ``application.yaml``, so the web
tests exercise real extraction and validation output without the OCR models.
"""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from dossier.config import Settings, load_settings
from dossier.store.db import Database, init_db
from dossier.store.users import add_user
from dossier.web import create_app
from fixtures import load_truth
from tests.conftest import FIXTURES

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # Starlette's note that it prefers httpx2 for its TestClient
    from fastapi.testclient import TestClient

SAMPLE = FIXTURES / "sample-upgrade"
FULL_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")  # an unmasked ID number
TEXT_FORMS = ("text_pdf", "docx")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"


def truth() -> dict:
    return load_truth(SAMPLE)


def copy_sample(dst: Path, forms: tuple[str, ...] | None = TEXT_FORMS, renames: dict[str, str] | None = None) -> Path:
    """sample-upgrade's files of ``forms`` (all when None) and its application.yaml under ``dst``,
    those named in ``renames`` (sample path -> path) under another name."""
    folder = dst / "sample-upgrade"
    for rel, entry in truth()["files"].items():
        if forms is None or entry["form"] in forms:
            target = folder / (renames or {}).get(rel, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(SAMPLE / rel, target)
    shutil.copy(SAMPLE / "application.yaml", folder / "application.yaml")
    return folder


@dataclass
class Site:
    settings: Settings
    db: Database
    tokens: dict[str, str] = field(default_factory=dict)  # role -> token
    application: str = "sample-upgrade"


def make_site(root: Path, *, forms: tuple[str, ...] | None = TEXT_FORMS, check: bool = True,
              renames: dict[str, str] | None = None) -> Site:
    """A data folder with sample-upgrade ingested and processed, and one user per role."""
    from dossier.workers.local import ingest_and_process

    settings = load_settings(home=root / "home", database_url=None, broker_url=None)
    db = init_db(settings)
    ingest_and_process([copy_sample(root / "in", forms, renames)], "sample-upgrade", settings, db=db)
    if check:
        from dossier.workflow.check import check_application

        check_application(db, settings, "sample-upgrade", actor="test")
    site = Site(settings, db)
    with db.session() as session:
        for role in ("admin", "reviewer", "viewer"):
            _, site.tokens[role] = add_user(session, f"{role}-user", role)
    return site


def bearer(token: str) -> dict[str, str]:
    """The API header that presents ``token``."""
    return {"Authorization": f"Bearer {token}"}


def auth(site: Site, role: str = "viewer") -> dict[str, str]:
    """The API header of ``site``'s user of ``role``."""
    return bearer(site.tokens[role])


@contextmanager
def serve(site: Site) -> Iterator[TestClient]:
    """A test client of the web app over ``site``'s data folder."""
    with TestClient(create_app(site.settings, db=site.db)) as client:
        yield client


def module_site(name: str, prepare: Callable[[Site], None] | None = None, **options):
    """A web test module's ``site`` (``make_site`` with ``options``, built once for the module,
    then given to ``prepare`` to add what the module needs) and ``client`` (its app served)
    fixtures: ``site, client = module_site("web-api")``."""

    @pytest.fixture(scope="module")
    def site(tmp_path_factory):
        built = make_site(tmp_path_factory.mktemp(name), **options)
        if prepare is not None:
            prepare(built)
        yield built
        built.db.dispose()

    @pytest.fixture(scope="module")
    def client(site):
        with serve(site) as c:
            yield c

    return site, client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving ``app`` on a free loopback port, in a thread of this process."""

    def __init__(self, app):
        import uvicorn

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
