"""The inbox watcher: stability, temp files, oneshot, .done/.quarantine, polling."""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import select

from dossier.config import Settings
from dossier.intake.ingest import IntakeResult, ingest_file
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.workers.watcher import watch

PDF = b"%PDF-1.7\n" + b"0" * 2000 + b"\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 100
SPEC = """\
company_name: 北京华建建设工程有限公司
uscc: 91110108MA01EXA75A
application_type: new
filing_date: 2026-12-01
"""
OLD = time.time() - 3600  # an mtime long past: the file is known to be complete


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home, stable_seconds=0.3, rescan_seconds=60)


@pytest.fixture
def inbox(tmp_path) -> Path:
    path = tmp_path / "inbox"
    (path / "华建").mkdir(parents=True)
    return path


def _drop(path: Path, data: bytes, *, old: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if old:
        os.utime(path, (OLD, OLD))
    return path


def _wait(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@contextmanager
def _watching(inbox: Path, settings: Settings, **options) -> Iterator[None]:
    stop = threading.Event()
    failure: list[BaseException] = []

    def run() -> None:
        try:
            watch(inbox, settings, stop=stop, **options)
        except BaseException as exc:  # re-raised in the test's thread below
            failure.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)  # let the observer start
        yield
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive() and not failure, failure


def _written_size(chunks: int) -> int:
    return len(b"%PDF-1.7\n") + sum(len(f"chunk {i}\n") * 100 for i in range(chunks))


def _slow_writer(path: Path, chunks: int = 8, delay: float = 0.1) -> threading.Thread:
    """Writes PDF-looking content in pieces, like a scanner or a Samba copy."""

    def write() -> None:
        with open(path, "wb") as out:
            out.write(b"%PDF-1.7\n")
            for i in range(chunks):
                out.write(f"chunk {i}\n".encode() * 100)
                out.flush()
                time.sleep(delay)

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    return thread


def _stored(settings: Settings) -> list[schema.Document]:
    database = init_db(settings)
    try:
        with database.session() as s:
            return list(s.scalars(select(schema.Document).order_by(schema.Document.source_name)))
    finally:
        database.dispose()


def test_oneshot_takes_what_is_there_and_skips_temp_files(inbox, settings):
    app = inbox / "华建"
    _drop(app / "application.yaml", SPEC.encode())
    _drop(app / "营业执照.pdf", PDF)
    _drop(app / "人员" / "张伟" / "身份证.pdf", PDF + b"id")
    temps = [_drop(app / name, PDF + name.encode())
             for name in ("~$合同.docx", "下载.pdf.part", "a.crdownload", "x.tmp", "Thumbs.db",
                          ".hidden.pdf")]
    loose = _drop(inbox / "没有项目.pdf", PDF + b"loose")

    started = time.monotonic()
    watch(inbox, settings, oneshot=True)
    assert time.monotonic() - started < 5

    assert (app / ".done" / "营业执照.pdf").read_bytes() == PDF
    assert (app / ".done" / "人员" / "张伟" / "身份证.pdf").exists()
    assert not (app / "营业执照.pdf").exists()
    assert all(p.exists() for p in temps) and loose.exists() and (app / "application.yaml").exists()
    docs = _stored(settings)
    assert [d.source_name for d in docs] == ["人员/张伟/身份证.pdf", "营业执照.pdf"]
    database = init_db(settings)
    with database.session() as s:
        assert repo.get_application(s, "华建").spec["company_name"] == "北京华建建设工程有限公司"
    database.dispose()


def test_oneshot_waits_for_a_file_still_being_written(inbox, settings):
    target = inbox / "华建" / "社保证明.pdf"
    writer = _slow_writer(target)
    time.sleep(0.05)
    watch(inbox, settings, oneshot=True)
    assert not writer.is_alive(), "oneshot returned before the writer finished"
    done = inbox / "华建" / ".done" / "社保证明.pdf"
    [doc] = _stored(settings)
    assert doc.sha256 == hashlib.sha256(done.read_bytes()).hexdigest()
    assert doc.size == done.stat().st_size == _written_size(8)


def test_live_watch_does_not_take_a_growing_file(inbox, settings):
    target = inbox / "华建" / "合同.pdf"
    done = inbox / "华建" / ".done" / "合同.pdf"
    with _watching(inbox, settings):
        writer = _slow_writer(target, chunks=10)
        _wait(target.exists)
        while writer.is_alive():
            assert target.exists() and not done.exists(), "taken while still being written"
            time.sleep(0.05)
        _wait(done.exists)
    [doc] = _stored(settings)
    assert doc.size == done.stat().st_size == _written_size(10) and doc.status == "received"
    assert Archive.from_settings(settings).path_for(doc.sha256).read_bytes() == done.read_bytes()


def test_live_watch_ignores_temp_files_and_takes_the_renamed_result(inbox, settings):
    partial = inbox / "华建" / "下载.pdf.crdownload"
    with _watching(inbox, settings):
        _drop(partial, PDF, old=False)
        time.sleep(settings.stable_seconds * 3)
        assert partial.exists() and _stored(settings) == []
        partial.rename(inbox / "华建" / "下载.pdf")  # the browser finished
        _wait((inbox / "华建" / ".done" / "下载.pdf").exists)
        time.sleep(settings.stable_seconds * 3)  # what is in .done is never taken again
        assert os.listdir(inbox / "华建" / ".done") == ["下载.pdf"]
    assert [d.source_name for d in _stored(settings)] == ["下载.pdf"]


def test_source_moves_to_done_only_after_it_is_archived(inbox, settings):
    settings_db = init_db(settings)
    archive = Archive.from_settings(settings)
    seen: list[bool] = []
    fail = [True]

    def on_file(path, application, name) -> IntakeResult:
        seen.append(path.exists())  # still in the inbox while being stored
        if fail[0]:
            raise RuntimeError("OCR crashed")
        result = ingest_file(path, application, settings_db, archive, name=name)
        assert archive.verify(result.sha256)
        return result

    source = _drop(inbox / "华建" / "证书.pdf", PDF)
    watch(inbox, settings, oneshot=True, on_file=on_file)
    assert source.exists() and not (inbox / "华建" / ".done").exists()  # a failure keeps the file

    fail[0] = False
    watch(inbox, settings, oneshot=True, on_file=on_file)
    assert seen == [True, True]
    assert not source.exists() and (inbox / "华建" / ".done" / "证书.pdf").exists()
    settings_db.dispose()


def test_unusable_input_is_quarantined_with_a_reason(inbox, settings):
    _drop(inbox / "华建" / "营业执照.pdf", ELF)
    watch(inbox, settings, oneshot=True)
    quarantined = inbox / "华建" / ".quarantine" / "营业执照.pdf"
    assert quarantined.read_bytes() == ELF
    reason = (inbox / "华建" / ".quarantine" / "营业执照.pdf.reason.txt").read_text(encoding="utf-8")
    assert "不支持的文件类型" in reason and "ELF executable" in reason
    [doc] = _stored(settings)
    assert doc.status == "failed" and doc.sha256 in reason
    assert Archive.from_settings(settings).path_for(doc.sha256).read_bytes() == ELF


def test_name_collisions_get_a_suffix(inbox, settings):
    app = inbox / "华建"
    for content in (ELF, ELF + b"2", PDF, PDF + b"2", PDF):  # the last is a duplicate
        _drop(app / "扫描件.pdf", content)
        watch(inbox, settings, oneshot=True)
    assert sorted(os.listdir(app / ".done")) == ["扫描件 (2).pdf", "扫描件 (3).pdf", "扫描件.pdf"]
    assert sorted(os.listdir(app / ".quarantine")) == [
        "扫描件 (2).pdf", "扫描件 (2).pdf.reason.txt", "扫描件.pdf", "扫描件.pdf.reason.txt"]
    assert len(_stored(settings)) == 4


def test_long_names_still_fit_when_suffixed(inbox, settings):
    name = "很长的文件名" * 13 + ".pdf"  # 238 bytes: no room for ".reason.txt" as it is
    _drop(inbox / "华建" / name, ELF)
    watch(inbox, settings, oneshot=True)
    entries = os.listdir(inbox / "华建" / ".quarantine")
    assert len(entries) == 2 and all(len(os.fsencode(e)) <= 255 for e in entries)
    assert any(e.endswith(".pdf.reason.txt") for e in entries)


def test_polling_mode_picks_up_new_files(inbox, settings):
    with _watching(inbox, settings, polling=True):
        (inbox / "新项目").mkdir()
        _drop(inbox / "新项目" / "application.yaml", SPEC.encode())
        _drop(inbox / "新项目" / "中标通知书.pdf", PDF)
        _wait((inbox / "新项目" / ".done" / "中标通知书.pdf").exists)
    database = init_db(settings)
    with database.session() as s:
        assert repo.get_application(s, "新项目").spec["application_type"] == "new"
        [row] = repo.document_status(s, "新项目")
        assert row.path == "中标通知书.pdf"
    database.dispose()


def test_rescan_catches_files_without_events(inbox, settings, monkeypatch):
    # An observer that reports nothing, as on a network share where events never arrive.
    monkeypatch.setattr("dossier.workers.watcher.Observer.schedule", lambda *a, **k: None)
    fast = settings.model_copy(update={"rescan_seconds": 0.5})
    with _watching(inbox, fast):
        _drop(inbox / "华建" / "竣工验收.pdf", PDF)
        _wait((inbox / "华建" / ".done" / "竣工验收.pdf").exists)
