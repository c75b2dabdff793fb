"""Pages read while a file is read (issue 16, item 9: "已读 n/m 页" in the upload box): the readers
count each page, the stage writes the count to the document's row, and a failing write costs the
count, never the reading."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from dossier.config import Settings
from dossier.extract.pages import read_file
from dossier.intake import sniff
from dossier.intake.ingest import ingest_paths
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.workers import stages
from dossier.workers.pages_read import PagesRead

CONTRACT = FIXTURES / "sample-clean/人员资料/白涛/劳动合同.pdf"  # two pages with a text layer


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home)


def _read(settings: Settings, progress) -> int:
    sha256 = hashlib.sha256(CONTRACT.read_bytes()).hexdigest()
    text = read_file(CONTRACT, sha256=sha256, media_type=sniff.sniff(CONTRACT), settings=settings, progress=progress)
    return len(text.pages)


def test_each_page_read_is_counted_up_to_all_of_them(settings):
    seen: list[tuple[int, int]] = []
    assert _read(settings, lambda done, total: seen.append((done, total))) == 2
    assert seen == [(1, 2), (2, 2)]


def test_a_count_that_cannot_be_recorded_does_not_stop_the_reading(settings):
    def broken(done: int, total: int) -> None:
        raise OSError("database gone")

    assert _read(settings, broken) == 2


def test_the_stage_records_the_pages_read_on_the_document(tmp_path: Path, settings):
    path = tmp_path / "app" / "劳动合同.pdf"
    path.parent.mkdir()
    shutil.copy(CONTRACT, path)
    [result] = ingest_paths([path], "app", settings)  # recorded, not read yet
    db = init_db(settings)
    try:
        with db.session() as s:
            assert repo.find_document(s, result.sha256).pages_read is None
        status = stages.process_document(result.sha256, db=db, archive=Archive.from_settings(settings),
                                         settings=settings)
        assert status == "processed"
        with db.session() as s:
            doc = repo.find_document(s, result.sha256)
            assert (doc.pages_read, doc.pages_to_read, doc.page_count) == (2, 2, 2)
    finally:
        db.dispose()


def test_writes_are_spaced_the_last_is_kept_and_only_the_holder_writes(tmp_path: Path, settings):
    path = tmp_path / "app" / "劳动合同.pdf"
    path.parent.mkdir()
    shutil.copy(CONTRACT, path)
    [result] = ingest_paths([path], "app", settings)
    db = init_db(settings)
    try:
        with db.session() as s:
            doc_id = repo.find_document(s, result.sha256).id
            assert repo.claim_document(s, doc_id, by="test", stale_after=30)

        def row() -> tuple[int | None, int | None]:
            with db.session() as s:
                doc = s.get(schema.Document, doc_id)
                return doc.pages_read, doc.pages_to_read

        hook = PagesRead(db, doc_id, by="test", min_seconds=3600)
        hook(1, 3)
        assert row() == (1, 3)  # the first count is written at once
        hook(2, 3)
        assert row() == (1, 3)  # too soon after it
        hook(3, 3)
        assert row() == (3, 3)  # the last page always
        with db.session() as s:  # taken over by another reader: its count is not ours to write
            s.get(schema.Document, doc_id).claimed_by = "another"
        PagesRead(db, doc_id, by="test")(2, 3)
        assert row() == (3, 3)
    finally:
        db.dispose()
