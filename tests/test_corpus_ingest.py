"""The whole shared corpus (real public files by others) through intake and the pages stage.

In-process with a no-op OCR engine, so the run takes well under two minutes: what is tested is
that no file crashes or hangs the pipeline, that every original is kept byte for byte, and that
every refusal carries a specific reason. ``benchmarks/corpus_run.py`` does the same through the
real commands, one process per file, with the real OCR, timings and memory.

Skips on a developer machine without the corpus; fails under CI (``conftest.need``).
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

import numpy as np
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from dossier.config import Settings
from dossier.extract.ocr import InlineOcr
from dossier.extract.pages import read_file
from dossier.extract.pages.images import TRUNCATED_NOTE
from dossier.intake.ingest import ingest_paths
from dossier.intake.sniff import sniff
from dossier.store import schema
from dossier.store.archive import Archive
from dossier.store.db import init_db
from dossier.store.verify import verify_store
from dossier.workers.stages import process_document

MAX_SECONDS_PER_FILE = 60.0  # with no OCR model, even the 22-page report takes about 2 s

# What specific files must come to (failure code, or "processed"), beyond "no crash".
EXPECTED = {
    "pdf/encrypted/pypdf_r6_aes256_user_foo_owner_bar.pdf": "EncryptedFile",
    "pdf/encrypted/pdfplumber_password_test.pdf": "EncryptedFile",
    "pdf/encrypted/pypdf_r2_rc4_40_owner_only.pdf": "processed",  # empty user password
    "pdf/encrypted/qpdf_bad_encryption_length.pdf": "processed",  # repaired by qpdf
    "pdf/malformed/qpdf_leading_junk_before_header.pdf": "processed",  # repaired by qpdf
    "pdf/malformed/qpdf_xref_prev_loop.pdf": "processed",  # pdfminer recursion; qpdf repairs
    "pdf/malformed/pdfplumber_empty_0_bytes.pdf": "EmptyFile",
    "pdf/malformed/pdfjs_truncated_mid_dictionary.pdf": "CorruptFile",
    "pdf/huge_page/ocrmypdf_hugemono_35000px_jbig2.pdf": "processed",  # rendered at a capped dpi
    "images/odd/pillow_decompression_bomb.gif": "ImageTooLarge",
    "images/odd/libvips_truncated.jpg": "processed",  # what can be read, with a warning
    "images/odd/paperless_simple.heic": "UnsupportedFileType",
    "images/odd/pillow_cmyk.jpg": "processed",
    "images/odd/pillow_16bit_rgb.tiff": "processed",
    "images/odd/paperless_multipage_scan.tiff": "processed",
    "docx/encrypted/poi_encrypted_docx_password_pass.docx": "EncryptedFile",
    "docx/malformed/poi_truncated_zip.docx": "CorruptFile",
}
PASSWORDS = {  # the corpus's PROVENANCE.md
    "pdf/encrypted/pypdf_r6_aes256_user_foo_owner_bar.pdf": "foo",
    "pdf/encrypted/pypdf_r4_aes128_userpw.pdf": "asdfzxcv",
    "pdf/encrypted/pdfminer_rc4_128_user_baz.pdf": "baz",
    "pdf/encrypted/pdfplumber_password_test.pdf": "test",
    "pdf/encrypted/pdfjs_saslprep_r6_unicode_pw.pdf": "S\u00aaSL\u00adprep",
    "pdf/encrypted/pypdf_libreoffice_writer_pw.pdf": "openpassword",
}


class NullEngine:
    name = "corpus-null"
    version = "1"

    @classmethod
    def version_for(cls, settings) -> str:
        return cls.version

    def __init__(self, settings=None) -> None:
        pass

    def recognize(self, image: np.ndarray):
        assert image.dtype == np.uint8 and image.ndim == 3
        return []


def _entries(corpus: Path) -> list[dict]:
    return json.loads((corpus / "index.json").read_text(encoding="utf-8"))


@pytest.mark.timeout(600)
def test_every_corpus_file_is_processed_or_quarantined_with_a_reason(corpus, home):
    settings = Settings(home=home)
    entries = _entries(corpus)
    before = {e["path"]: hashlib.sha256((corpus / e["path"]).read_bytes()).hexdigest() for e in entries}
    assert all(before[e["path"]] == e["sha256"] for e in entries), "the corpus itself changed"
    results = ingest_paths([corpus / e["path"] for e in entries], "corpus", settings)
    assert len(results) == len(entries) and {r.status for r in results} <= {"new", "duplicate", "quarantined"}

    db = init_db(settings)
    archive = Archive.from_settings(settings)
    ocr = InlineOcr(settings, NullEngine())
    slow = {}
    try:
        for entry, result in zip(entries, results):
            started = time.monotonic()
            process_document(result.sha256, db=db, archive=archive, settings=settings, ocr=ocr)
            if (took := time.monotonic() - started) > MAX_SECONDS_PER_FILE:
                slow[entry["path"]] = round(took, 1)
        with db.session() as s:
            docs = {d.sha256: d for d in s.scalars(select(schema.Document))}
        report = verify_store(settings, db)
    finally:
        db.dispose()

    assert not slow, f"files over {MAX_SECONDS_PER_FILE} s: {slow}"
    outcomes = {}
    for entry, result in zip(entries, results):
        doc = docs[result.sha256]
        assert doc.status in ("processed", "failed"), (entry["path"], doc.status)
        if doc.status == "failed":
            assert doc.failure_reason and doc.failure_code and doc.failure_detail, entry["path"]
            assert doc.failure_reason != "处理失败", entry["path"]  # specific, not the generic reason
        outcomes[entry["path"]] = "processed" if doc.status == "processed" else doc.failure_code
        blob = archive.path_for(result.sha256)
        assert blob.read_bytes() == (corpus / entry["path"]).read_bytes(), entry["path"]
        assert hashlib.sha256((corpus / entry["path"]).read_bytes()).hexdigest() == before[entry["path"]]
    assert report.ok, report.problems
    wrong = {path: (outcomes[path], want) for path, want in EXPECTED.items()
             if path in outcomes and outcomes[path] != want}
    assert not wrong, wrong


def _read(path: Path, settings: Settings):
    return read_file(path, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), media_type=sniff(path),
                     settings=settings, ocr=InlineOcr(settings, NullEngine()))


@pytest.mark.parametrize("name", sorted(PASSWORDS))
def test_corpus_encrypted_pdfs_open_with_their_password(corpus, tmp_path, name):
    settings = Settings(home=tmp_path / "home", pdf_passwords=[SecretStr("wrong"), SecretStr(PASSWORDS[name])])
    text = _read(corpus / name, settings)
    assert text.pages and not text.errors


def test_corpus_truncated_jpeg_is_read_with_a_warning(corpus, tmp_path):
    text = _read(corpus / "images/odd/libvips_truncated.jpg", Settings(home=tmp_path / "home"))
    assert TRUNCATED_NOTE in text.pages[0].warnings
