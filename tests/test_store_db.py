"""Database: migrations on SQLite and PostgreSQL, and the repository functions stages use.

PostgreSQL runs when DOSSIER_TEST_DATABASE_URL is set
(e.g. postgresql://postgres@127.0.0.1:5432/test); each test gets its own schema, dropped
afterwards. Under CI a missing URL fails the test.
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from dossier.config import Settings
from dossier.errors import ApplicationNotFound, ConfigError, UnsupportedFileType
from dossier.intake.ingest import ingest_paths
from dossier.ledger.search import is_search_index
from dossier.model import (
    ApplicationSpec,
    ExtractedDocument,
    ExtractedField,
    FileText,
    PageText,
    TextLine,
    TextSource,
)
from dossier.store import repo, schema
from dossier.store.db import Database, init_db, make_engine, normalise_url

TABLES = {"applications", "documents", "application_documents", "pages", "text_lines",
          "extractions", "fields", "records", "discrepancies", "reviews", "packets",
          "audit_events", "users", "reminders", "login_sessions", "notify_channels", "alembic_version"}
SHA_A = "a" * 64
SHA_B = "b" * 64


def test_upgrade_head_creates_every_table_and_matches_the_models(db):
    assert TABLES <= set(inspect(db.engine).get_table_names())
    with db.engine.connect() as conn:
        # the full-text index (migration 0003: FTS5 tables, an expression index) is not ORM models
        opts = {"compare_type": True, "include_name": lambda name, type_, parent: not is_search_index(name)}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts),
                                schema.Base.metadata)
    assert diff == [], "the migration and dossier/store/schema.py disagree; add a migration"
    db.upgrade()  # a second run is a no-op


def test_init_db_uses_the_home_sqlite_file(home):
    database = init_db(Settings())
    try:
        assert (home / "dossier.db").is_file()
        with database.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() > 0
    finally:
        database.dispose()


def test_connections_opening_a_new_sqlite_file_at_once_all_get_it_in_wal_mode(tmp_path):
    """Two processes started together on a new home (two watchers, say) both switch the new file
    to WAL; SQLite refuses one of them at once ("database is locked", no busy wait) now and then."""
    failures: list[BaseException] = []
    for round_ in range(300):
        url = f"sqlite:///{tmp_path / f'{round_}.db'}"
        engines = [make_engine(url) for _ in range(4)]
        barrier = threading.Barrier(len(engines))

        def connect(engine, barrier: threading.Barrier) -> None:
            barrier.wait()
            try:
                with engine.connect() as conn:
                    assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            except BaseException as exc:  # reported below
                failures.append(exc)

        threads = [threading.Thread(target=connect, args=(engine, barrier)) for engine in engines]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for engine in engines:
            engine.dispose()
    assert failures == []


def test_urls():
    assert normalise_url("postgresql://u:p@h:5432/d") == "postgresql+psycopg://u:p@h:5432/d"
    assert normalise_url("postgres://h/d") == "postgresql+psycopg://h/d"
    assert normalise_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    with pytest.raises(ConfigError):
        normalise_url("not a url")


def _document(session, sha=SHA_A, name="营业执照.pdf", app="华建二级升级"):
    application = repo.get_or_create_application(session, app)
    doc, _ = repo.record_document(session, sha256=sha, size=10, media_type="application/pdf",
                                        name=name)
    repo.link_document(session, application, doc, path=f"企业/{name}")
    return doc


def _file_text(sha: str, words: list[str]) -> FileText:
    return FileText(sha256=sha, media_type="application/pdf", pages=[
        PageText(number=1, width=595.0, height=842.0, source=TextSource.ocr, rotation=90,
                 warnings=["skewed"],
                 # OCR lines carry a probability per character, text-layer lines none
                 lines=[TextLine(text=w, confidence=0.9, bbox=(1.0, 2.0 + i, 3.0, 4.0 + i),
                                 char_confidences=tuple(round(0.5 + 0.1 * j, 3) for j in range(len(w))) if i % 2 else None)
                        for i, w in enumerate(words)]),
    ])


def test_applications_and_documents(db):
    spec = ApplicationSpec(company_name="北京华建建设工程有限公司", uscc="91110108MA01EXA75A",
                           application_type="upgrade", filing_date="2026-12-01")
    with db.session() as s:
        app = repo.get_or_create_application(s, "华建", folder="/inbox/华建", spec=spec)
        doc, created = repo.record_document(s, sha256=SHA_A, size=3, media_type=None,
                                            name="\ufffd.pdf", name_hex="b9a4.pdf".encode().hex())
        assert created and doc.status == "received"
        assert repo.link_document(s, app, doc, path="a/x.pdf")
        assert not repo.link_document(s, app, doc, path="b/copy.pdf")
    with db.session() as s:
        again, created = repo.record_document(s, sha256=SHA_A, size=3, media_type=None,
                                              name="other.pdf")
        assert not created and again.source_name == "\ufffd.pdf"
        app = repo.get_application(s, "华建")
        assert app.spec["uscc"] == "91110108MA01EXA75A" and app.folder == "/inbox/华建"
        assert app.created_at.tzinfo is not None and app.created_at <= datetime.now(UTC)
        assert s.scalar(select(func.count()).select_from(schema.ApplicationDocument)) == 1
        with pytest.raises(ApplicationNotFound):
            repo.get_application(s, "无此项目")


def test_status_rows_and_failure_reason(db):
    with db.session() as s:
        doc = _document(s)
        doc_id = doc.id
    with db.session() as s:
        repo.set_status(s, doc_id, "failed",
                        failure=UnsupportedFileType("ELF", path="x.pdf", reason_zh="不支持的文件类型"))
    with db.session() as s:
        [row] = repo.document_status(s, "华建二级升级")
        assert (row.path, row.source_name, row.status, row.reason) == (
            "企业/营业执照.pdf", "营业执照.pdf", "failed", "不支持的文件类型")
        assert s.get(schema.Document, doc_id).failure_code == "UnsupportedFileType"
        repo.set_status(s, doc_id, "processed")
    with db.session() as s:
        [row] = repo.document_status(s, "华建二级升级")
        assert row.status == "processed" and row.reason is None
        repo.save_extractions(s, doc_id, [ExtractedDocument(file="x.pdf", sha256="a" * 64, doc_type=None,
                                                            errors=["第 2 页：页面处理超时"])])
    with db.session() as s:
        [row] = repo.document_status(s, "华建二级升级")
        assert row.status == "processed" and row.reason == "部分页面无法读取：第 2 页：页面处理超时"


def test_save_file_text_replaces_idempotently(db):
    with db.session() as s:
        doc_id = _document(s).id
        repo.save_file_text(s, doc_id, _file_text(SHA_A, ["营业执照", "统一社会信用代码"]))
    with db.session() as s:
        repo.save_file_text(s, doc_id, _file_text(SHA_A, ["营业执照", "名称", "住所"]))
    with db.session() as s:
        loaded = repo.load_file_text(s, doc_id)
        assert loaded == _file_text(SHA_A, ["营业执照", "名称", "住所"])
        assert s.scalar(select(func.count()).select_from(schema.TextLine)) == 3
        assert s.get(schema.Document, doc_id).page_count == 1


def test_save_extractions_replaces_and_loads_back(db):
    license_ = ExtractedDocument(
        file="x", sha256=SHA_A, doc_type="business_license", doc_type_confidence=0.97, pages=1,
        fields={"uscc": ExtractedField(value="91110108MA01EXA75A", raw="9111O108MA01EXA75A",
                                       confidence=0.93, page=1, bbox=(10, 20, 30, 40),
                                       suggestion="91110108MA01EXA75A", notes=["O→0"]),
                "business_scope": ExtractedField(value=["施工", "设计"], confidence=0.8)})
    social = ExtractedDocument(
        file="x", sha256=SHA_A, doc_type="social_insurance_record", doc_type_confidence=0.9,
        pages=2, first_page=2,
        records=[{"name": "张伟", "id_number": "110101198003071239", "month": "2026-01"},
                 {"name": "李娜", "id_number": "110101199001011234", "month": "2026-01"}])
    with db.session() as s:
        doc_id = _document(s).id
        repo.save_extractions(s, doc_id, [license_])
    with db.session() as s:
        repo.save_extractions(s, doc_id, [license_, social])
    with db.session() as s:
        loaded = repo.load_extractions(s, "华建二级升级")
        assert [d.doc_type for d in loaded] == ["business_license", "social_insurance_record"]
        assert loaded[0].fields == license_.fields
        assert loaded[1].records == social.records and loaded[1].first_page == 2
        assert loaded[0].file == "企业/营业执照.pdf"
        doc = s.get(schema.Document, doc_id)
        assert (doc.doc_type, doc.doc_type_confidence) == ("business_license", 0.97)
        assert s.scalar(select(func.count()).select_from(schema.Extraction)) == 2
        # the plain-text copy of a value is what archive search looks up
        hit = s.scalar(select(schema.Field).where(schema.Field.name == "uscc",
                                                  schema.Field.value_text == "91110108MA01EXA75A"))
        assert hit is not None


def test_deleting_a_document_cascades(db):
    with db.session() as s:
        doc_id = _document(s).id
        repo.save_file_text(s, doc_id, _file_text(SHA_A, ["a"]))
        repo.save_extractions(s, doc_id, [ExtractedDocument(file="x", sha256=SHA_A, doc_type=None)])
    with db.session() as s:
        s.delete(s.get(schema.Document, doc_id))
    with db.session() as s:
        for table in (schema.Page, schema.TextLine, schema.Extraction, schema.ApplicationDocument):
            assert s.scalar(select(func.count()).select_from(table)) == 0


def test_audit_and_rollback(db):
    with db.session() as s:
        repo.audit(s, "张三", "discrepancy.waive", "discrepancy:7", {"comment": "已核实"})
    with pytest.raises(RuntimeError), db.session() as s:
        repo.audit(s, "李四", "x", "y")
        raise RuntimeError("abort")
    with db.session() as s:
        [event] = s.scalars(select(schema.AuditEvent)).all()
        assert (event.actor, event.details) == ("张三", {"comment": "已核实"})


def test_concurrent_writers_do_not_lose_or_duplicate(db):
    """Threads racing to record the same documents end with one row each and no error."""
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for i in range(10):
                with db.session() as s:
                    app = repo.get_or_create_application(s, "并发")
                    doc, _ = repo.record_document(s, sha256=f"{i:064x}", size=i, media_type=None,
                                                  name=f"{n}-{i}.pdf")
                    repo.link_document(s, app, doc, path=f"{i}.pdf")
        except BaseException as exc:  # reported below, with the thread's traceback lost otherwise
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(schema.Document)) == 10
        assert s.scalar(select(func.count()).select_from(schema.ApplicationDocument)) == 10
        assert len(repo.document_status(s, "并发")) == 10


def test_intake_records_on_every_database(database_url, tmp_path):
    """Names that are not valid UTF-8 must reach PostgreSQL (which refuses surrogates) intact."""
    settings = Settings(home=tmp_path / "home", database_url=database_url)
    folder = tmp_path / "华建"
    folder.mkdir()
    gbk = "劳动合同.pdf".encode("gbk")
    with open(os.path.join(os.fsencode(folder), gbk), "wb") as handle:
        handle.write(b"%PDF-1.7\n")
    (folder / "program.pdf").write_bytes(b"\x7fELF\x02\x01\x01\x00")
    assert sorted(r.status for r in ingest_paths([folder], "华建", settings)) == ["new", "quarantined"]
    assert {r.status for r in ingest_paths([folder], "华建", settings)} == {"duplicate"}
    database = Database.from_url(database_url)
    try:
        with database.session() as s:
            rows = {row.path: row for row in repo.document_status(s, "华建")}
            assert {p: r.status for p, r in rows.items()} == {"劳动合同.pdf": "received",
                                                             "program.pdf": "failed"}
            doc = repo.find_document(s, rows["劳动合同.pdf"].sha256)
            assert bytes.fromhex(doc.source_name_hex) == gbk
    finally:
        database.dispose()
