"""Archive search on SQLite (FTS5 trigram + LIKE for short queries) and PostgreSQL (bigram GIN).

The documents are text-layer PDFs from the fixtures, ingested and processed without OCR.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from conftest import FIXTURES, fresh_database
from dossier.cli import app
from dossier.config import Settings
from dossier.intake.ingest import ingest_paths
from dossier.ledger.search import SearchError, SearchQuery, search
from dossier.model import FileText, PageText, TextLine, TextSource
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.store.findings import add_correction
from dossier.workers.stages import process_document

UPGRADE = FIXTURES / "sample-upgrade"
FILES = {
    "up": [UPGRADE / "人员资料" / "宋明" / "职称证书.pdf", UPGRADE / "综合资料" / "社保缴费明细.pdf",
           UPGRADE / "综合资料" / "资质证书副本.pdf"],
    "clean": [FIXTURES / "sample-clean" / "人员资料" / "白涛" / "岗位证书.pdf"],
}
XU_HUA = "421002198809031273"  # a row of the 社保 statement


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a throw-away PostgreSQL schema."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _archive(url: str, home) -> Database:
    settings = Settings(home=home, database_url=url)
    db = Database.from_url(url)
    db.upgrade()
    archive = Archive.from_settings(settings)
    for application, files in FILES.items():
        for result in ingest_paths(files, application, settings, db=db):
            assert process_document(result.sha256, db=db, archive=archive, settings=settings) == "processed"
    return db


@pytest.fixture
def archive_db(database_url, tmp_path):
    db = _archive(database_url, tmp_path / "home")
    yield db
    db.dispose()


def _find(db, **query) -> list[tuple[str | None, list[str]]]:
    with db.session() as s:
        return sorted((h.doc_type, h.matched) for h in search(s, SearchQuery(**query)).hits)


def _types(db, **query) -> list[str | None]:
    return [doc_type for doc_type, _ in _find(db, **query)]


def test_a_two_character_name_is_found_in_the_full_text(archive_db):
    with archive_db.session() as s:
        hits = search(s, SearchQuery(text="宋明")).hits
    assert sorted(h.doc_type for h in hits) == ["social_insurance_record", "title_certificate"]
    title = next(h for h in hits if h.doc_type == "title_certificate")
    assert title.name == "宋明" and title.applications == ["up"] and title.matched == ["全文"]
    assert any("宋明" in line.text for line in title.lines) and title.lines[0].page == 1
    assert _types(archive_db, text="白涛") == ["worker_certificate"]
    assert _types(archive_db, text="宋") and _types(archive_db, text="宋_") == []  # _ is a character, not a wildcard


def test_longer_queries_use_the_index_and_latin_letters_ignore_case(archive_db):
    assert _types(archive_db, text="建筑业企业资质证书") == ["qualification_certificate"]
    assert _types(archive_db, text="d369532596") == ["qualification_certificate"]
    assert _types(archive_db, text=XU_HUA) == ["social_insurance_record"]
    assert _types(archive_db, text="没有这样的文字") == []
    with archive_db.session() as s:
        dialect = s.get_bind().dialect.name
        if dialect == "sqlite":  # the index agrees with text_lines
            s.execute(text("INSERT INTO text_search(text_search) VALUES ('integrity-check')"))
        else:  # the planner can answer a two-character query from the bigram index
            s.execute(text("SET LOCAL enable_seqscan = off"))
            plan = "\n".join(s.execute(text(
                "EXPLAIN SELECT id FROM text_lines WHERE dossier_bigrams(text) @> ARRAY['宋明']")).scalars())
            assert "ix_text_lines_bigrams" in plan


def test_the_index_follows_text_lines_when_pages_are_stored_again_or_deleted(archive_db):
    with archive_db.session() as s:
        doc = repo.find_document(s, next(h.sha256 for h in search(s, SearchQuery(text="宋明", doc_type="职称")).hits))
        doc_id = doc.id
        repo.save_file_text(s, doc_id, FileText(sha256=doc.sha256, media_type="application/pdf", pages=[
            PageText(number=1, width=595, height=842, source=TextSource.ocr,
                     lines=[TextLine(text="专业技术资格证书 姓名 宋朝明", bbox=(0, 0, 1, 1))])]))
    assert _types(archive_db, text="宋朝明") == ["title_certificate"]
    assert _types(archive_db, text="宋明") == ["social_insurance_record"]
    assert _types(archive_db, text="取得资格时间") == []  # a line of the replaced text
    with archive_db.session() as s:
        s.delete(s.get(schema.Document, doc_id))
    assert _types(archive_db, text="宋朝明") == []
    with archive_db.session() as s:
        if s.get_bind().dialect.name == "sqlite":
            s.execute(text("INSERT INTO text_search(text_search) VALUES ('integrity-check')"))


def test_structured_filters(archive_db):
    assert _find(archive_db, person="宋明") == [("social_insurance_record", ["姓名"]), ("title_certificate", ["姓名"])]
    assert _find(archive_db, id_number=XU_HUA.lower()) == [("social_insurance_record", ["身份证号"])]
    assert _types(archive_db, company="楚天", doc_type="资质证书") == ["qualification_certificate"]
    assert _types(archive_db, number="d3695") == ["qualification_certificate"]
    assert _types(archive_db, doc_type="社保") == ["social_insurance_record"]
    assert _types(archive_db, doc_type="worker_certificate") == ["worker_certificate"]
    assert _types(archive_db, date_from="2029-01-01", date_to="2029-12-31") == ["qualification_certificate"]
    assert _types(archive_db, date_from="2029-01-01", date_field="issue_date") == []
    assert _types(archive_db, person="宋明", doc_type="title_certificate") == ["title_certificate"]
    assert _types(archive_db, person="宋明", application="clean") == []
    assert _types(archive_db, text="宋明", person="白涛") == []
    assert len(_types(archive_db)) == 4  # no filter: the newest documents
    with archive_db.session() as s, pytest.raises(SearchError):
        search(s, SearchQuery(doc_type="合同书"))


def test_a_reviewers_correction_is_what_search_finds(archive_db):
    with archive_db.session() as s:
        [hit] = search(s, SearchQuery(number="D369532596")).hits
        doc = repo.find_document(s, hit.sha256)
        add_correction(s, document_id=doc.id, first_page=1, name="cert_number", value="D342099999",
                       previous="D369532596", user="审核员", comment="按原件更正")
    assert _types(archive_db, number="D342099999") == ["qualification_certificate"]
    assert _types(archive_db, number="D369532596") == []
    with archive_db.session() as s:
        [hit] = search(s, SearchQuery(text="资质证书", number="D3420")).hits
        assert hit.number == "D342099999" and hit.matched == ["证书编号", "全文", "文件夹或文件名"]  # 资质证书副本.pdf


def test_the_command_masks_id_numbers_unless_asked(archive_db, database_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DOSSIER_DATABASE_URL", database_url)
    monkeypatch.setenv("DOSSIER_HOME", str(tmp_path / "home"))
    result = CliRunner().invoke(app, ["search", XU_HUA, "--json"])
    assert result.exit_code == 0, result.output
    [hit] = json.loads(result.stdout)["hits"]
    assert XU_HUA not in result.stdout and any("421002********1273" in line["text"] for line in hit["lines"])
    shown = CliRunner().invoke(app, ["search", "--id", XU_HUA, "--show-ids", "--json"])
    assert XU_HUA in shown.stdout
    table = CliRunner().invoke(app, ["search", "--person", "许华"], env={"COLUMNS": "250"})
    assert table.exit_code == 0 and "社会保险缴费证明" in table.stdout and XU_HUA not in table.stdout
    bad = CliRunner().invoke(app, ["search", "--from", "2026-13-01"])
    assert bad.exit_code != 0


def test_lines_stored_before_the_index_existed_are_indexed_by_the_migration(database_url):
    from alembic import command
    from alembic.config import Config

    from dossier.store.db import MIGRATIONS_DIR

    db = Database.from_url(database_url)
    db.upgrade()
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        # The lines are written with today's models, then the schema is taken back to before the
        # index (0002), which drops the index but keeps the lines: what an archive of that time held.
        with db.session() as s:
            app_row = repo.get_or_create_application(s, "旧档案")
            doc, _ = repo.record_document(s, sha256="c" * 64, size=1, media_type="application/pdf", name="旧.pdf")
            repo.link_document(s, app_row, doc, path="旧.pdf")
            repo.save_file_text(s, doc.id, FileText(sha256="c" * 64, media_type="application/pdf", pages=[
                PageText(number=1, width=595, height=842, source=TextSource.ocr,
                         lines=[TextLine(text="安全生产许可证 单位名称 楚天建设", bbox=(0, 0, 1, 1))])]))
            repo.save_extractions(s, doc.id, [])
            s.add(schema.Extraction(document_id=doc.id, first_page=1, page_count=1, doc_type=None))
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0002")
        db.upgrade()
        assert _types(db, text="楚天建设") == [None]
        assert _types(db, text="楚天") == [None]
    finally:
        db.dispose()


def test_without_the_sqlite_index_search_scans_and_finds_the_same(tmp_path):
    """An SQLite without FTS5 trigram (before 3.34, or built without FTS5): migration 0003 makes
    no index, and search reads text_lines instead."""
    db = _archive(f"sqlite:///{tmp_path / 'old.db'}", tmp_path / "home")
    try:
        with db.session() as s:
            for trigger in ("text_search_insert", "text_search_delete", "text_search_update"):
                s.execute(text(f"DROP TRIGGER {trigger}"))
            s.execute(text("DROP TABLE text_search"))
        assert _types(db, text="建筑业企业资质证书") == ["qualification_certificate"]
        assert _types(db, text="宋明") == ["social_insurance_record", "title_certificate"]
    finally:
        db.dispose()
