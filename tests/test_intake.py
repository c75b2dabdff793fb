"""Intake: content sniffing, archiving, dedupe, application folders, hostile file names."""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from dossier.config import Settings
from dossier.errors import ConfigError, CorruptFile, EmptyFile, InputFileError, UnsupportedFileType
from dossier.intake import sniff as sn
from dossier.intake.ingest import ingest_paths
from dossier.intake.names import SourceName
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import init_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"%PDF-1.4 decoy"
SPEC = """\
company_name: 北京华建建设工程有限公司
uscc: 91110108MA01EXA75A
application_type: upgrade
qualifications: [建筑工程施工总承包二级]
filing_date: 2026-12-01
roster:
  - {name: 张伟, id_number: "110101198003071239", role: technical_lead}
"""


def _docx(extra: dict[str, bytes] | None = None, *, word: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        if word:
            z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home)


@pytest.fixture
def db(settings):
    database = init_db(settings)
    yield database
    database.dispose()


def _count(db, table) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(table))


@pytest.mark.parametrize("data, media_type", [
    (PDF, sn.PDF),
    (b"\r\n\x00junk before the header " + PDF, sn.PDF),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", sn.JPEG),
    (PNG, sn.PNG),
    (b"II*\x00\x08\x00\x00\x00", sn.TIFF),
    (b"MM\x00*\x00\x00\x00\x08", sn.TIFF),
    (b"BM" + b"\x00" * 12 + (40).to_bytes(4, "little") + b"\x00" * 20, sn.BMP),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", sn.WEBP),
    (b"GIF89a\x01\x00", sn.GIF),
    (_docx(), sn.DOCX),
])
def test_sniff_by_content_not_extension(tmp_path, data, media_type):
    path = tmp_path / "named-wrongly.txt"
    path.write_bytes(data)
    assert sn.sniff(path) == media_type


@pytest.mark.parametrize("data, error, words", [
    (b"", EmptyFile, "空文件"),
    (ELF, UnsupportedFileType, "ELF"),
    (b"MZ\x90\x00", UnsupportedFileType, "Windows"),
    (b"#!/bin/sh\nrm -rf /\n", UnsupportedFileType, "脚本"),
    (b"just some text, no magic", UnsupportedFileType, "不支持"),
    (b"BMxx not a bitmap", UnsupportedFileType, "不支持"),
    (_docx(word=False), UnsupportedFileType, "ZIP"),
    (b"PK\x03\x04 truncated zip", CorruptFile, "损坏"),
])
def test_sniff_refuses_what_it_cannot_read(tmp_path, data, error, words):
    path = tmp_path / "scan.pdf"
    path.write_bytes(data)
    with pytest.raises(error) as info:
        sn.sniff(path, name="扫描件.pdf")
    assert words in info.value.reason_zh + str(info.value)
    assert info.value.user_message.startswith("扫描件.pdf：")


def test_duplicate_drop_is_recorded_once(tmp_path, settings, db):
    first = tmp_path / "营业执照.pdf"
    first.write_bytes(PDF)
    again = tmp_path / "营业执照 (1).pdf"
    again.write_bytes(PDF)
    [r1] = ingest_paths([first], "华建", settings)
    [r2] = ingest_paths([again], "华建", settings)
    assert (r1.status, r2.status) == ("new", "duplicate")
    assert r1.sha256 == r2.sha256 == hashlib.sha256(PDF).hexdigest()
    assert r2.message == "已存在（重复文件）：营业执照 (1).pdf"
    assert r1.message == "已接收：营业执照.pdf" and r1.media_type == sn.PDF
    assert _count(db, schema.Document) == 1 and _count(db, schema.ApplicationDocument) == 1
    assert first.exists() and again.exists()  # intake never touches the sources


def test_application_folder_creates_then_updates(tmp_path, settings, db):
    folder = tmp_path / "华建升级"
    (folder / "人员" / "张伟").mkdir(parents=True)
    (folder / "application.yaml").write_text(SPEC, encoding="utf-8")
    (folder / "人员" / "张伟" / "身份证.png").write_bytes(PNG)
    [result] = ingest_paths([folder], "华建升级", settings)
    assert result.status == "new"
    with db.session() as s:
        app = repo.get_application(s, "华建升级")
        assert app.spec["company_name"] == "北京华建建设工程有限公司"
        assert app.spec["roster"][0]["role"] == "technical_lead"
        assert app.folder == str(folder)
        [row] = repo.document_status(s, "华建升级")
        assert row.path == "人员/张伟/身份证.png" and row.status == "received"

    (folder / "application.yaml").write_text(SPEC.replace("upgrade", "renewal"), encoding="utf-8")
    [again] = ingest_paths([folder], "华建升级", settings)
    assert again.status == "duplicate"
    with db.session() as s:
        assert repo.get_application(s, "华建升级").spec["application_type"] == "renewal"
        assert s.scalar(select(func.count()).select_from(schema.Application)) == 1


@pytest.mark.parametrize("text, words", [
    ("company_name: [unclosed", "application.yaml"),
    ("- just\n- a list\n", "键: 值"),
    (SPEC.replace("upgrade", "promotion"), "application_type"),
])
def test_malformed_application_yaml_names_the_file_and_reason(tmp_path, settings, text, words):
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "application.yaml").write_text(text, encoding="utf-8")
    (folder / "a.pdf").write_bytes(PDF)
    with pytest.raises(ConfigError) as info:
        ingest_paths([folder], "app", settings)
    assert info.value.path == str(folder / "application.yaml")
    assert words in info.value.user_message


def test_executable_renamed_pdf_is_quarantined_but_kept(tmp_path, settings, db):
    fake = tmp_path / "营业执照.pdf"
    fake.write_bytes(ELF)
    [result] = ingest_paths([fake], "华建", settings)
    assert result.status == "quarantined"
    assert "ELF" in result.reason and "营业执照.pdf" in result.message
    assert Archive.from_settings(settings).path_for(result.sha256).read_bytes() == ELF
    with db.session() as s:
        doc = repo.find_document(s, result.sha256)
        assert (doc.status, doc.failure_code) == ("failed", "UnsupportedFileType")
        assert doc.media_type is None
        assert doc.failure_reason == result.reason
        actions = s.scalars(select(schema.AuditEvent.action)).all()
        assert actions == ["document.received", "document.linked"]


def test_empty_file_is_kept_and_failed(tmp_path, settings):
    empty = tmp_path / "空.pdf"
    empty.touch()
    [result] = ingest_paths([empty], "华建", settings)
    assert result.status == "quarantined" and "空文件" in result.reason
    assert Archive.from_settings(settings).verify(result.sha256)


def test_same_file_in_two_applications_is_stored_once_linked_twice(tmp_path, settings, db):
    scan = tmp_path / "营业执照.pdf"
    scan.write_bytes(PDF)
    [a] = ingest_paths([scan], "甲项目", settings)
    [b] = ingest_paths([scan], "乙项目", settings)
    assert (a.status, b.status) == ("new", "new") and a.document_id == b.document_id
    assert _count(db, schema.Document) == 1 and _count(db, schema.ApplicationDocument) == 2
    blobs = [p for p in Archive.from_settings(settings).root.rglob("*") if p.is_file()]
    assert [p.name for p in blobs] == [a.sha256]


def test_temporary_partial_and_hidden_files_are_skipped(tmp_path, settings):
    folder = tmp_path / "app"
    (folder / "深" / "层" / "目录").mkdir(parents=True)
    (folder / ".git").mkdir()
    (folder / "深" / "层" / "目录" / "证书.pdf").write_bytes(PDF)
    for name in ("~$合同.docx", ".~lock.合同.docx#", "下载.pdf.part", "下载.pdf.crdownload",
                 "x.TMP", "Thumbs.db", "desktop.ini", ".DS_Store"):
        (folder / name).write_bytes(PDF)
    (folder / ".git" / "object.pdf").write_bytes(PDF)
    results = ingest_paths([folder], "app", settings)
    assert [(r.source.name, r.status) for r in results] == [("证书.pdf", "new")]


def test_hostile_names_are_stored_safely(tmp_path, settings, db):
    folder = tmp_path / "app"
    folder.mkdir()
    gbk = "工程合同.pdf".encode("gbk")  # as a Windows zip tool would leave it
    broken = b"\xff\xfe\xfa-scan.pdf"  # neither UTF-8 nor GB 18030 as a whole
    long_name = "很长的文件名" * 13 + ".pdf"  # 238 bytes in UTF-8
    for raw, data in ((gbk, PDF), (broken, PNG), ("x\\..\\..\\evil.pdf".encode(), PDF + b"1"),
                      (long_name.encode(), PDF + b"2")):
        with open(os.path.join(os.fsencode(folder), raw), "wb") as handle:
            handle.write(data)
    # a "../" inside an argument is resolved before anything is recorded
    sneaky = folder / ".." / "app" / long_name
    results = ingest_paths([folder, sneaky], "app", settings)
    assert [r.status for r in results] == ["new"] * 4 + ["duplicate"]
    with db.session() as s:
        docs = {d.source_name: d for d in s.scalars(select(schema.Document))}
        gbk_doc = docs["工程合同.pdf"]
        assert bytes.fromhex(gbk_doc.source_name_hex) == gbk
        [broken_doc] = [d for d in docs.values() if d.source_name.endswith("-scan.pdf")]
        assert bytes.fromhex(broken_doc.source_name_hex) == broken
        assert docs["x\\..\\..\\evil.pdf"].source_name_hex is None
        assert long_name in docs
        paths = {link.path for link in s.scalars(select(schema.ApplicationDocument))}
        assert paths == {"工程合同.pdf", broken_doc.source_name, "x\\..\\..\\evil.pdf", long_name}
    # nothing was written anywhere but the archive's own digest-named files
    archive = Archive.from_settings(settings)
    blobs = sorted(p.name for p in archive.root.rglob("*") if p.is_file())
    assert blobs == sorted(r.sha256 for r in results[:4])
    assert sorted(os.listdir(tmp_path)) == ["app", "home"]


def test_source_name_forms():
    assert SourceName.of("营业执照.pdf") == SourceName("营业执照.pdf", None)
    assert SourceName.of(Path("a") / "b.pdf").display == "a/b.pdf"
    surrogate = os.fsdecode("证书.pdf".encode("gbk"))
    assert SourceName.of(surrogate) == SourceName("证书.pdf", "证书.pdf".encode("gbk").hex())


def test_missing_path_is_an_input_error(tmp_path, settings):
    with pytest.raises(InputFileError) as info:
        ingest_paths([tmp_path / "没有.pdf"], "app", settings)
    assert "不存在" in info.value.user_message


def test_unreadable_file_is_an_error_result_and_nothing_is_stored(tmp_path, settings, db,
                                                                 monkeypatch):
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(PDF)

    def denied(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("dossier.store.archive.hash_file", denied)
    [result] = ingest_paths([locked], "app", settings)
    assert result.status == "error" and result.sha256 is None and "无法读取" in result.reason
    assert result.message.startswith("未能接收，稍后重试：locked.pdf")
    assert _count(db, schema.Document) == 0
