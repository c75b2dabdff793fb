"""``dossier export`` / ``dossier import``: a round trip into an empty archive loses nothing.

The source is a SQLite archive; the target is a fresh SQLite file or PostgreSQL schema, so the
round trip also moves an archive from the embedded default to the scale-out database.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from conftest import FIXTURES, fresh_database
from dossier.cli import app
from dossier.config import Settings
from dossier.errors import ExitCode
from dossier.intake.ingest import ingest_paths
from dossier.ledger.search import SearchQuery, search
from dossier.model import ApplicationSpec
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import Database, init_db
from dossier.store.findings import add_correction, add_review
from dossier.workers.stages import process_document

UPGRADE = FIXTURES / "sample-upgrade"
SHARED = UPGRADE / "人员资料" / "宋明" / "职称证书.pdf"  # filed under both applications
FILES = {"升级2026": [SHARED, UPGRADE / "综合资料" / "社保缴费明细.pdf", UPGRADE / "综合资料" / "资质证书副本.pdf"],
         "延续2026": [SHARED, FIXTURES / "sample-clean" / "人员资料" / "白涛" / "岗位证书.pdf"]}
# What an export carries; a table added to the schema must be added here or to NOT_EXPORTED.
EXPORTED = {"applications", "application_documents", "documents", "pages", "text_lines", "extractions", "fields",
            "records", "field_corrections", "discrepancies", "reviews", "packets", "audit_events", "reminders"}
# credentials and sign-ins stay with their installation; so do the reminder channels admins added
# in the web UI: they hold passwords and robot keys, and where one installation's reminders go
NOT_EXPORTED = {"users", "login_sessions", "notify_channels"}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.service)])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a throw-away PostgreSQL schema."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


def _run(*args: str, home: Path, url: str | None = None):
    env = {"DOSSIER_HOME": str(home), "COLUMNS": "200"}
    if url:
        env["DOSSIER_DATABASE_URL"] = url
    return CliRunner().invoke(app, list(args), env=env)


@pytest.fixture
def source(tmp_path, monkeypatch) -> Path:
    """A SQLite archive with two applications, a correction, a reviewed finding and a packet."""
    monkeypatch.delenv("DOSSIER_DATABASE_URL", raising=False)
    home = tmp_path / "source"
    settings = Settings(home=home)
    db = init_db(settings)
    archive = Archive.from_settings(settings)
    try:
        for name, files in FILES.items():
            for result in ingest_paths(files, name, settings, db=db):
                if result.status == "new":
                    process_document(result.sha256, db=db, archive=archive, settings=settings)
        with db.session() as s:
            spec = ApplicationSpec(company_name="湖北楚天建设工程有限公司", uscc="91420106MAEMKANM50",
                                   application_type="upgrade", filing_date=date(2026, 12, 1),
                                   roster=[{"name": "宋明", "id_number": "420106197710041234", "role": "titled_staff"}])
            app_row = repo.get_or_create_application(s, "升级2026", folder="/inbox/升级2026", spec=spec)
            qualification = next(d for d in repo.document_status(s, "升级2026") if d.doc_type == "qualification_certificate")
            doc = repo.find_document(s, qualification.sha256)
            add_correction(s, document_id=doc.id, first_page=1, name="cert_number", value="D342099999",
                           previous="D369532596", user="审核员", comment="按原件更正")
            finding = schema.Discrepancy(application_id=app_row.id, code="USCC_MISMATCH", severity="blocking",
                                         message="资质证书的统一社会信用代码与营业执照不一致", subject="91420106MAEMKANM50",
                                         evidence=[{"sha256": doc.sha256, "field": "uscc", "value": "91420106MAHN1NRH8N",
                                                    "page": 1, "bbox": [1, 2, 3, 4]}], fingerprint="f" * 64)
            s.add(finding)
            add_review(s, finding, user="审核员", action="waive", comment="已核实", old_value="x", new_value=None)
            s.add(schema.Packet(application_id=app_row.id, path="/out/packet.pdf", sha256="e" * 64,
                                checklist="builtin:upgrade", draft=True))
            # a reminder sent: a restored archive must not send it again
            s.add(schema.Reminder(entry_key="qualification:91420106MAEMKANM50:D369532596", threshold="days:90",
                                  channel="资质组邮件", company="湖北楚天建设工程有限公司", line="资质证书 90 天内须提交延续",
                                  as_of="2026-11-01", status="sent", attempts=1, repeat=False))
    finally:
        db.dispose()
    return home


def _counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t)) for t in schema.Base.metadata.sorted_tables}


def _extractions(db: Database) -> dict:
    with db.session() as s:
        return {name: [d.model_dump() for d in repo.load_extractions(s, name)] for name in sorted(FILES)}


def _exported_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and p.name not in ("manifest.json", "audit.json")}


def test_every_table_is_exported_or_deliberately_left_out():
    assert {t.name for t in schema.Base.metadata.sorted_tables} == EXPORTED | NOT_EXPORTED


def test_round_trip_into_an_empty_archive_loses_nothing(source, database_url, tmp_path):
    folder = tmp_path / "export"
    result = _run("export", "--all", str(folder), home=source)
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["format"] == "dossier-export" and manifest["documents"] == 4
    assert sorted(manifest["applications"]) == sorted(FILES)

    target = tmp_path / "target"
    result = _run("import", str(folder), home=target, url=database_url)
    assert result.exit_code == 0, result.output

    src_db = Database.from_url(f"sqlite:///{source / 'dossier.db'}")
    dst_db = Database.from_url(database_url)
    try:
        # every original, byte for byte
        src_archive, dst_archive = Archive(source / "originals"), Archive(target / "originals")
        with src_db.session() as s:
            shas = sorted(s.scalars(select(schema.Document.sha256)))
        for sha in shas:
            assert dst_archive.path_for(sha).read_bytes() == src_archive.path_for(sha).read_bytes()
        # every row (one more audit event: the import itself)
        before, after = _counts(src_db), _counts(dst_db)
        assert after == {**before, "audit_events": before["audit_events"] + 1}
        # what readers see: extractions with the correction applied, findings with their review
        assert _extractions(dst_db) == _extractions(src_db)
        with dst_db.session() as s:
            [review] = s.scalars(select(schema.Review)).all()
            assert (review.action, review.discrepancy.status) == ("waive", "waived")
            assert repo.get_application(s, "升级2026").spec["roster"][0]["name"] == "宋明"
            # the full-text index was filled by the database as the lines went in
            assert len(search(s, SearchQuery(text="宋明")).hits) == 2
            assert [h.number for h in search(s, SearchQuery(number="D342099999")).hits] == ["D342099999"]
    finally:
        src_db.dispose()
        dst_db.dispose()

    # exporting the restored archive gives the same files, column for column
    again = tmp_path / "again"
    assert _run("export", "--all", str(again), home=target, url=database_url).exit_code == 0
    assert _exported_files(again) == _exported_files(folder)
    events = json.loads((again / "audit.json").read_text(encoding="utf-8"))
    assert events[:-1] == json.loads((folder / "audit.json").read_text(encoding="utf-8"))
    assert events[-1]["action"] == "archive.imported"


def test_one_application_exports_its_own_documents(source, tmp_path):
    folder = tmp_path / "one"
    assert _run("export", "延续2026", str(folder), home=source).exit_code == 0
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["applications"] == ["延续2026"] and manifest["documents"] == 2
    target = tmp_path / "target"
    assert _run("import", str(folder), home=target).exit_code == 0
    db = Database.from_url(f"sqlite:///{target / 'dossier.db'}")
    try:
        with db.session() as s:
            assert [a.name for a in s.scalars(select(schema.Application))] == ["延续2026"]
            assert sorted(d.path for d in repo.document_status(s, "延续2026")) == ["岗位证书.pdf", "职称证书.pdf"]
    finally:
        db.dispose()


def test_import_refuses_a_tampered_export_and_a_non_empty_archive(source, tmp_path):
    folder = tmp_path / "export"
    assert _run("export", "--all", str(folder), home=source).exit_code == 0
    # the export folder must be new
    assert _run("export", "--all", str(folder), home=source).exit_code == ExitCode.bad_args
    blob = next((folder / "originals").rglob("*"), None)
    while blob is not None and blob.is_dir():
        blob = next(blob.iterdir())
    original = blob.read_bytes()
    blob.chmod(0o644)
    blob.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    target = tmp_path / "target"
    result = _run("import", str(folder), home=target)
    assert result.exit_code == ExitCode.store and "校验" in result.output
    db = Database.from_url(f"sqlite:///{target / 'dossier.db'}")
    try:
        assert _counts(db)["documents"] == 0 and not list((target / "originals").rglob("*"))
    finally:
        db.dispose()
    blob.write_bytes(original)
    assert _run("import", str(folder), home=target).exit_code == 0
    result = _run("import", str(folder), home=target)
    assert result.exit_code == ExitCode.bad_args and "不是空的" in result.output
    assert _run("export", str(folder), home=source).exit_code == ExitCode.bad_args  # APP... DIR or --all DIR
