"""The archive of originals: content-addressed, atomic, read-only, never rewritten."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from dossier.config import Settings
from dossier.errors import FileNotStable, IntegrityError, StoreError
from dossier.store import derived
from dossier.store.archive import Archive, hash_file
from dossier.store.fsutil import TEMP_PREFIX

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def archive(tmp_path) -> Archive:
    return Archive(tmp_path / "originals")


def _file(tmp_path: Path, data: bytes, name: str = "scan.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_put_stores_by_digest_read_only(archive, tmp_path):
    data = b"%PDF-1.7 hello" * 1000
    sha, size = archive.put(_file(tmp_path, data))
    assert sha == hashlib.sha256(data).hexdigest() and size == len(data)
    blob = archive.path_for(sha)
    assert blob == archive.root / sha[:2] / sha
    assert blob.read_bytes() == data
    assert not stat.S_IMODE(blob.stat().st_mode) & 0o222  # no write bit for anyone
    with archive.open(sha) as handle:
        assert handle.read() == data
    assert archive.verify(sha)


def test_put_is_idempotent_and_never_rewrites(archive, tmp_path):
    sha, _ = archive.put(_file(tmp_path, b"same bytes", "a.jpg"))
    before = archive.path_for(sha).stat()
    time.sleep(0.01)
    assert archive.put(_file(tmp_path, b"same bytes", "b.png"))[0] == sha
    after = archive.path_for(sha).stat()
    assert (before.st_ino, before.st_mtime_ns) == (after.st_ino, after.st_mtime_ns)
    assert [p.name for p in archive.path_for(sha).parent.iterdir()] == [sha]


def test_verify_detects_tampering_and_put_refuses_to_paper_over_it(archive, tmp_path):
    source = _file(tmp_path, b"original content")
    sha, _ = archive.put(source)
    blob = archive.path_for(sha)
    blob.chmod(0o644)
    blob.write_bytes(b"forged content!!")
    assert not archive.verify(sha)
    with pytest.raises(IntegrityError):
        archive.put(source)
    assert blob.read_bytes() == b"forged content!!"  # evidence left for a person to look at


def test_missing_blob(archive):
    sha = "0" * 64
    assert not archive.verify(sha)
    with pytest.raises(StoreError):
        archive.open(sha)


@pytest.mark.parametrize("bad", ["../../etc/passwd", "ABC", "g" * 64, "A" * 64])
def test_only_digests_become_paths(archive, bad):
    with pytest.raises(StoreError):
        archive.path_for(bad)


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_failure_mid_write_leaves_no_blob_and_no_temp(archive, tmp_path, monkeypatch, failing):
    source = _file(tmp_path, os.urandom(3 << 20))

    def boom(*args, **kwargs):
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, failing, boom)
    with pytest.raises(OSError, match="disk pulled out"):
        archive.put(source)
    monkeypatch.undo()
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert not archive.path_for(sha).exists()
    assert list(archive.path_for(sha).parent.iterdir()) == []
    assert archive.put(source)[0] == sha and archive.verify(sha)


def test_source_changing_during_copy_stores_nothing(archive, tmp_path, monkeypatch):
    source = _file(tmp_path, b"version one")
    def hash_then_change(path):
        result = hash_file(path)
        Path(path).write_bytes(b"version two, longer")  # the writer was not finished
        return result

    monkeypatch.setattr("dossier.store.archive.hash_file", hash_then_change)
    with pytest.raises(FileNotStable):
        archive.put(source)
    assert not any(p.is_file() for p in archive.root.rglob("*"))


def test_killed_writer_leaves_only_an_ignored_temp_file(archive, tmp_path):
    """A process killed while writing a large original leaves nothing at the final path."""
    source = _file(tmp_path, os.urandom(8 << 20), "big.pdf")
    script = textwrap.dedent(f"""
        import os, sys, time
        from pathlib import Path
        from dossier.store.archive import Archive, hash_file
        def hang(fd):  # data written, not yet durable or renamed: the crash window
            sys.stdout.write("writing\\n"); sys.stdout.flush(); time.sleep(60)
        os.fsync = hang
        Archive(Path({str(archive.root)!r})).put(Path({str(source)!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    sha = hashlib.sha256(source.read_bytes()).hexdigest()
    assert not archive.path_for(sha).exists()
    leftovers = list(archive.path_for(sha).parent.iterdir())
    assert leftovers and all(p.name.startswith(TEMP_PREFIX) for p in leftovers)
    assert archive.put(source) == (sha, 8 << 20)  # a later attempt is unaffected
    assert archive.verify(sha)


def test_derived_paths_and_json(tmp_path):
    settings = Settings(home=tmp_path)
    sha = hashlib.sha256(b"x").hexdigest()
    path = derived.derived_path(settings, sha, "ocr", "rapidocr-3", "p1.json")
    assert path == settings.derived_dir / sha[:2] / sha / "ocr" / "rapidocr-3" / "p1.json"
    assert derived.read_json(path) is None
    derived.write_json(path, {"text": "营业执照", "lines": [1, 2]})
    assert derived.read_json(path) == {"text": "营业执照", "lines": [1, 2]}
    assert "营业执照" in path.read_text(encoding="utf-8")
    path.write_bytes(b"{truncated")
    assert derived.read_json(path) is None  # a damaged cache entry is a miss, to be rebuilt
    for bad in ("..", "a/b", "", "a\\b"):
        with pytest.raises(StoreError):
            derived.derived_path(settings, sha, bad)
