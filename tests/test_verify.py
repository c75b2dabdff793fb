"""``dossier verify``: originals present and intact, database and archive consistent."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import delete
from typer.testing import CliRunner

from dossier.cli import app
from dossier.config import Settings
from dossier.intake.ingest import ingest_paths
from dossier.store import schema
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.store.fsutil import TEMP_PREFIX
from dossier.store.verify import TEMP_GRACE_SECONDS, verify_store

PDF = b"%PDF-1.7\n" + b"0" * 500 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 300


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home)


@pytest.fixture
def stored(tmp_path, settings) -> dict[str, str]:
    """Three originals ingested into a fresh DOSSIER_HOME: {file name: sha256}."""
    folder = tmp_path / "scans"
    folder.mkdir()
    for name, data in (("营业执照.pdf", PDF), ("证书.png", PNG), ("合同.pdf", PDF + b"2")):
        (folder / name).write_bytes(data)
    results = ingest_paths([folder], "app", settings)
    return {r.source.name: r.sha256 for r in results}


def _verify(settings):
    db = init_db(settings)
    try:
        return verify_store(settings, db)
    finally:
        db.dispose()


def _run(*args):
    result = CliRunner().invoke(app, ["verify", *args])
    return result.exit_code, result.output


def _blob(settings, sha256) -> Path:
    return Archive.from_settings(settings).path_for(sha256)


def _old(path: Path) -> Path:
    then = time.time() - TEMP_GRACE_SECONDS - 60
    os.utime(path, (then, then))
    return path


def test_clean_store_verifies(settings, stored):
    report = _verify(settings)
    assert report.ok and report.documents == 3 and report.originals_ok == 3
    code, output = _run()
    assert code == 0 and "原件完好 3" in output


def test_altered_original_is_reported_and_exit_is_non_zero(settings, stored):
    blob = _blob(settings, stored["营业执照.pdf"])
    blob.chmod(0o644)  # the archive made it read-only: someone had to do this first
    blob.write_bytes(PDF.replace(b"0", b"1", 1))
    blob.chmod(0o444)
    code, output = _run("--json")
    report = json.loads(output)
    assert code != 0 and not report["ok"]
    [problem] = report["problems"]
    assert problem["kind"] == "altered_original" and problem["severity"] == "error"
    assert problem["sha256"] == stored["营业执照.pdf"] and "SHA-256" in problem["message"]
    assert report["originals_ok"] == 2


def test_missing_original_and_writable_original(settings, stored):
    _blob(settings, stored["证书.png"]).unlink()
    _blob(settings, stored["合同.pdf"]).chmod(0o644)
    kinds = {p.kind: p for p in _verify(settings).problems}
    assert set(kinds) == {"missing_original", "writable_original"}
    assert kinds["missing_original"].sha256 == stored["证书.png"]
    code, output = _run()
    assert code != 0 and "发现问题 2" in output
    assert {p["kind"] for p in json.loads(_run("--json")[1])["problems"]} == set(kinds)


def test_stray_blob_unexpected_file_and_old_temp_files(settings, stored):
    db = init_db(settings)
    with db.session() as session:  # the row goes, the blob stays: a crash between the two steps
        session.execute(delete(schema.Document).where(schema.Document.sha256 == stored["证书.png"]))
    db.dispose()
    archive = Archive.from_settings(settings)
    (archive.root / "notes.txt").write_text("hello")
    old_temp = archive.root / "ab" / f"{TEMP_PREFIX}half"
    old_temp.parent.mkdir(exist_ok=True)
    old_temp.write_bytes(b"half a file")
    _old(old_temp)
    fresh_temp = archive.root / f"{TEMP_PREFIX}writing-now"  # a write going on right now
    fresh_temp.write_bytes(b"...")
    derived_temp = settings.derived_dir / "cd" / f"{TEMP_PREFIX}ocr"
    derived_temp.parent.mkdir(parents=True)
    derived_temp.write_bytes(b"{")
    _old(derived_temp)
    report = _verify(settings)
    found = sorted((p.kind, Path(p.path).name) for p in report.problems)
    assert found == sorted([("stray_original", stored["证书.png"]), ("unexpected_file", "notes.txt"),
                            ("leftover_temp", old_temp.name), ("leftover_temp", derived_temp.name)])
    stray = next(p for p in report.problems if p.kind == "stray_original")
    assert stray.detail == "content matches its name"
    code, output = _run()
    assert code != 0 and "发现问题 4" in output


def test_misplaced_blob_is_unexpected(settings, stored):
    sha = stored["合同.pdf"]
    blob = _blob(settings, sha)
    elsewhere = blob.parent.parent / "zz" / sha
    elsewhere.parent.mkdir()
    os.link(blob, elsewhere)
    [problem] = _verify(settings).problems
    assert problem.kind == "unexpected_file" and str(blob) in problem.detail


def test_empty_home_verifies(settings):
    report = _verify(settings)
    assert report.ok and report.documents == 0
