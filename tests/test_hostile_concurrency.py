"""Concurrency with real processes and threads: one record per file, never a half-read document.

* the same file handed in twice while the first copy is still being processed (two ``dossier
  ingest`` processes, same application and different ones): one reads it, both report it read;
* two watchers on one inbox (two ``dossier watch --oneshot`` processes);
* a file rewritten or replaced while it is being read (a writer thread against intake).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from dossier.config import Settings
from dossier.extract.ocr import InlineOcr
from dossier.intake.ingest import ingest_paths
from dossier.store import schema
from dossier.store.archive import Archive, hash_file
from dossier.store.db import init_db
from dossier.workers.stages import process_document

ROOT = Path(__file__).resolve().parent.parent
OLD = time.time() - 3600


def typed_pdf(label: str, pages: int = 1) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for number in range(1, pages + 1):
        for row in range(40):
            pdf.drawString(72, 780 - 18 * row, f"{label} page {number} row {row} 91350100M000100Y43")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home)


def _dossier(args: list[str], home: Path, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "DOSSIER_HOME": str(home), "DOSSIER_OCR_PROCESSES": "1", **env}
    environment.pop("DOSSIER_DATABASE_URL", None)
    environment.pop("DOSSIER_BROKER_URL", None)
    return subprocess.Popen([sys.executable, "-m", "dossier.cli", *args], cwd=ROOT, env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(procs: list[subprocess.Popen], timeout: float = 120) -> list[str]:
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        outputs.append(out)
    return outputs


def _db_state(settings: Settings) -> tuple[list[schema.Document], int, int]:
    db = init_db(settings)
    try:
        with db.session() as s:
            docs = list(s.scalars(select(schema.Document)))
            links = s.scalar(select(func.count()).select_from(schema.ApplicationDocument))
            pages = s.scalar(select(func.count()).select_from(schema.Page))
            return docs, links, pages
    finally:
        db.dispose()


@pytest.mark.parametrize("applications", [("app", "app"), ("app", "other")])
def test_same_file_ingested_twice_at_once_gives_one_complete_document(tmp_path, home, settings,
                                                                       applications):
    path = tmp_path / "营业执照.pdf"
    path.write_bytes(typed_pdf("licence", pages=12))  # long enough to still be in progress
    procs = [_dossier(["ingest", str(path), "-a", name, "--json"], home) for name in applications]
    outputs = _finish(procs)
    lines = [json.loads(line) for out in outputs for line in out.splitlines() if line.startswith("{")]
    # Neither returns before the document is read: one process reads it (it holds the claim), the
    # other waits for it, or reads it itself when it comes first (dossier.workers.claims).
    assert len(lines) == 2 and {line["status"] for line in lines} == {"processed"}
    docs, links, pages = _db_state(settings)
    assert len(docs) == 1 and docs[0].status == "processed" and docs[0].page_count == 12
    assert pages == 12  # each page once: never two half-runs merged
    assert links == len(set(applications))
    assert Archive.from_settings(settings).verify(docs[0].sha256)


def test_two_watchers_on_one_inbox_take_each_file_once(tmp_path, home, settings):
    inbox = tmp_path / "inbox"
    app_dir = inbox / "华建"
    app_dir.mkdir(parents=True)
    sources = {}
    for i in range(12):
        data = typed_pdf(f"doc {i}", pages=2) if i % 4 else b"\x7fELF" + bytes([i]) * 64
        path = app_dir / f"扫描件{i:02d}.pdf"
        path.write_bytes(data)
        os.utime(path, (OLD, OLD))
        sources[path.name] = data
    procs = [_dossier(["watch", str(inbox), "--oneshot"], home, DOSSIER_STABLE_SECONDS="0.2")
             for _ in range(2)]
    _finish(procs)
    left = [p.name for p in app_dir.iterdir() if p.is_file()]
    assert left == []  # nothing stays behind in the inbox ...
    filed = {p.name: p.read_bytes() for sub in (".done", ".quarantine") for p in (app_dir / sub).iterdir()
             if not p.name.endswith(".reason.txt")}
    assert filed == sources  # ... and every source is filed away exactly once, unchanged
    docs, links, _ = _db_state(settings)
    assert len(docs) == 12 and links == 12
    assert sorted(d.status for d in docs) == ["failed"] * 3 + ["processed"] * 9
    archive = Archive.from_settings(settings)
    assert all(archive.verify(d.sha256) for d in docs)


def test_file_rewritten_while_being_read_never_becomes_a_half_read_document(tmp_path, settings, monkeypatch):
    versions = [typed_pdf("first", pages=3), typed_pdf("second version, longer", pages=6)]
    digests = {hashlib.sha256(v).hexdigest() for v in versions}
    path = tmp_path / "app" / "合同.pdf"
    path.parent.mkdir()
    path.write_bytes(versions[0])
    monkeypatch.setattr("dossier.store.archive.CHUNK_SIZE", 4096)  # more reads: more chances to race
    stop = threading.Event()

    def rewrite_in_place() -> None:  # a slow copy tool overwriting the same file again and again
        n = 0
        while not stop.is_set():
            data = versions[n % 2]
            with open(path, "r+b") as out:
                out.truncate(0)
                for start in range(0, len(data), 8192):
                    out.write(data[start:start + 8192])
                    out.flush()
            n += 1

    writer = threading.Thread(target=rewrite_in_place, daemon=True)
    writer.start()
    try:
        results = [r for _ in range(30) for r in ingest_paths([path.parent], "app", settings)]
    finally:
        stop.set()
        writer.join(10)
    assert {r.status for r in results} <= {"new", "duplicate", "quarantined", "error"}
    errors = [r for r in results if r.status == "error"]
    assert all(r.reason == "文件仍在写入中" for r in errors)
    archive = Archive.from_settings(settings)
    blobs = [p for p in archive.root.rglob("*") if p.is_file()]
    for blob in blobs:  # whatever was stored is exactly what was read, hashed as written
        assert hash_file(blob)[0] == blob.name
    # A copy taken while the writer was half-way (explicit ``ingest`` does not wait for files to
    # settle; the watcher does) is a real state of the file: kept, and refused with a reason.
    db = init_db(settings)
    try:
        with db.session() as s:
            received = list(s.scalars(select(schema.Document.sha256).where(schema.Document.status == "received")))
        for sha256 in received:
            process_document(sha256, db=db, archive=archive, settings=settings, ocr=InlineOcr(settings))
    finally:
        db.dispose()
    docs, _, _ = _db_state(settings)
    assert {d.sha256 for d in docs} == {b.name for b in blobs}
    for doc in docs:
        if doc.sha256 in digests:
            assert doc.status == "processed", doc.failure_detail
        else:
            assert doc.status == "failed" and doc.failure_reason, doc.sha256


def test_source_replaced_after_intake_does_not_change_what_is_read(tmp_path, settings):
    path = tmp_path / "app" / "资质证书.pdf"
    path.parent.mkdir()
    path.write_bytes(typed_pdf("archived copy"))
    [result] = ingest_paths([path.parent], "app", settings)
    replacement = tmp_path / "new.pdf"
    replacement.write_bytes(typed_pdf("replacement"))
    os.replace(replacement, path)  # the inbox copy changes before the pages stage runs
    db = init_db(settings)
    try:
        assert process_document(result.sha256, db=db, archive=Archive.from_settings(settings),
                                settings=settings, ocr=InlineOcr(settings)) == "processed"
        with db.session() as s:
            lines = list(s.scalars(select(schema.TextLine.text)))
    finally:
        db.dispose()
    assert lines and all("archived copy" in line for line in lines if "page" in line)
    assert not any("replacement" in line for line in lines)
