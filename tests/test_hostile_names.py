"""Hostile file names: stored safely (nothing written outside the archive, nothing lost) and shown
faithfully (the name a person gave, in every place it is shown).

Basic cases (GBK bytes, undecodable bytes, backslash traversal, a 238-byte name, "../" in an
argument) are in test_intake.py; these add case-only differences, the longest possible names,
control characters, non-UTF-8 application folders through the watcher, and links out of the inbox.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from dossier.cli import app
from dossier.config import Settings
from dossier.intake.ingest import ingest_paths
from dossier.store import repo, schema
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.workers.watcher import watch

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
OLD = time.time() - 3600


@pytest.fixture
def settings(home) -> Settings:
    return Settings(home=home, stable_seconds=0.2, rescan_seconds=60)


def _write(folder: Path, raw_name: bytes, data: bytes) -> None:
    path = os.path.join(os.fsencode(folder), raw_name)
    with open(path, "wb") as handle:
        handle.write(data)
    os.utime(path, (OLD, OLD))


def _rows(settings) -> tuple[list[schema.Document], list[schema.ApplicationDocument]]:
    db = init_db(settings)
    try:
        with db.session() as s:
            return (list(s.scalars(select(schema.Document).order_by(schema.Document.id))),
                    list(s.scalars(select(schema.ApplicationDocument))))
    finally:
        db.dispose()


def _only_archive_written(settings, tmp_path: Path, expected_top: set[str]) -> None:
    assert set(os.listdir(tmp_path)) == expected_top
    blobs = [p for p in Archive.from_settings(settings).root.rglob("*") if p.is_file()]
    assert all(p.name == p.parent.name + p.name[2:] and len(p.name) == 64 for p in blobs)


def test_names_differing_only_in_case_are_two_files(tmp_path, settings):
    folder = tmp_path / "app"
    folder.mkdir()
    _write(folder, "营业执照.PDF".encode(), PDF)
    _write(folder, "营业执照.pdf".encode(), PDF + b"other scan")
    _write(folder, "Scan.pdf".encode(), PDF + b"third")
    _write(folder, "scan.pdf".encode(), PDF + b"third")  # same bytes as Scan.pdf
    results = ingest_paths([folder], "app", settings)
    assert sorted((r.source.name, r.status) for r in results) == [
        ("Scan.pdf", "new"), ("scan.pdf", "duplicate"), ("营业执照.PDF", "new"), ("营业执照.pdf", "new")]
    docs, links = _rows(settings)
    assert sorted(d.source_name for d in docs) == ["Scan.pdf", "营业执照.PDF", "营业执照.pdf"]
    assert sorted(link.path for link in links) == ["Scan.pdf", "营业执照.PDF", "营业执照.pdf"]


def test_longest_names_and_deep_paths(tmp_path, settings):
    folder = tmp_path / "app"
    deep = folder.joinpath(*["很深的目录名称" * 6] * 8)  # each part 126 bytes, ~1 KB of path
    deep.mkdir(parents=True)
    longest = ("证" * 83 + ".pdf").encode()  # 253 bytes: at the 255-byte limit of one name
    _write(deep, longest, PDF)
    _write(folder, ("扫" * 84 + "xxx").encode(), PDF + b"1")  # 255 bytes, no extension at all
    results = ingest_paths([folder], "app", settings)
    assert [r.status for r in results] == ["new", "new"]
    docs, links = _rows(settings)
    paths = {link.path for link in links}
    assert "/".join(["很深的目录名称" * 6] * 8 + [longest.decode()]) in paths
    assert "扫" * 84 + "xxx" in paths
    _only_archive_written(settings, tmp_path, {"app", "home"})


def test_control_characters_and_bidi_overrides_are_kept_as_given(tmp_path, settings):
    folder = tmp_path / "app"
    folder.mkdir()
    names = ["合同\n第二行.pdf", "发票\u202egpj.pdf", "tab\there.pdf", " 前后空格 .pdf"]
    for i, name in enumerate(names):
        _write(folder, name.encode(), PDF + str(i).encode())
    ingest_paths([folder], "app", settings)
    docs, _ = _rows(settings)
    assert sorted(d.source_name for d in docs) == sorted(names)
    assert all(d.source_name_hex is None for d in docs)  # valid UTF-8: the text is exact


def test_status_shows_the_name_as_received(tmp_path, settings):
    folder = tmp_path / "app"
    folder.mkdir()
    gbk = "资质证书 副本.pdf".encode("gbk")
    _write(folder, gbk, PDF)
    _write(folder, b"\xff\xfe-\x80scan.pdf", PDF + b"x")  # not UTF-8, not GB 18030
    ingest_paths([folder], "项目", settings)
    result = CliRunner().invoke(app, ["status", "项目", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    shown = sorted(row["path"] for row in rows)
    assert "资质证书 副本.pdf" in shown
    [odd] = [s for s in shown if s.endswith("scan.pdf")]
    assert "\ufffd" in odd  # undecodable bytes are visibly marked, never silently dropped
    docs, _ = _rows(settings)
    assert {bytes.fromhex(d.source_name_hex) for d in docs} == {gbk, b"\xff\xfe-\x80scan.pdf"}


def test_watcher_takes_non_utf8_application_folders_and_names(tmp_path, settings):
    inbox = tmp_path / "inbox"
    app_dir = os.path.join(os.fsencode(inbox), "华建公司".encode("gbk"))
    os.makedirs(app_dir)
    _write(Path(os.fsdecode(app_dir)), "营业执照.pdf".encode("gbk"), PDF)
    _write(Path(os.fsdecode(app_dir)), "程序.pdf".encode("gbk"), ELF)
    watch(inbox, settings, oneshot=True)
    done = os.listdir(os.path.join(app_dir, b".done"))
    quarantined = sorted(os.listdir(os.path.join(app_dir, b".quarantine")))
    assert done == ["营业执照.pdf".encode("gbk")]
    assert quarantined == ["程序.pdf".encode("gbk"), "程序.pdf".encode("gbk") + b".reason.txt"]
    db = init_db(settings)
    with db.session() as s:
        rows = repo.document_status(s, "华建公司")
    db.dispose()
    assert sorted(r.path for r in rows) == ["程序.pdf", "营业执照.pdf"]


def test_links_out_of_the_inbox_are_not_followed(tmp_path, settings):
    secret = tmp_path / "outside" / "secret.pdf"
    secret.parent.mkdir()
    secret.write_bytes(PDF + b"secret")
    inbox = tmp_path / "inbox"
    (inbox / "华建").mkdir(parents=True)
    (inbox / "华建" / "link.pdf").symlink_to(secret)
    (inbox / "华建" / "dir-link").symlink_to(secret.parent, target_is_directory=True)
    (inbox / "逃逸").symlink_to(secret.parent, target_is_directory=True)  # an "application" link
    watch(inbox, settings, oneshot=True)
    results = ingest_paths([inbox / "华建"], "华建", settings)
    assert results == []
    assert _rows(settings) == ([], [])
    assert secret.read_bytes() == PDF + b"secret" and (inbox / "华建" / "link.pdf").is_symlink()
