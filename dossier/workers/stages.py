"""The processing stages as plain functions keyed by content hash.

Each stage reads what it needs from the store and writes its result back, so it can run in this
process (the embedded default), in a pool, or as a Celery task on another machine, and running
it twice leaves the same state. Heavy work (OCR) is cached by the pages stage itself.
"""

from __future__ import annotations

import logging
from pathlib import Path

from dossier.config import Settings
from dossier.errors import InputFileError
from dossier.extract.document import QrReader, extract_documents
from dossier.extract.ocr import InlineOcr, OcrRunner, ocr_pages
from dossier.extract.pages import page_source, read_file
from dossier.extract.qr import decode_qr
from dossier.model import ExtractedDocument, FileText
from dossier.privacy import mask_text
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.workflow.facts import cached_file_facts

log = logging.getLogger(__name__)


def analyse_file(path: Path, *, sha256: str, media_type: str, name: str, settings: Settings,
                 ocr: OcrRunner | None = None) -> tuple[FileText, list[ExtractedDocument]]:
    """Pages, classification and extraction of one file, without any database.

    Raises an ``InputFileError`` when the file cannot be read at all.
    """
    text = read_file(path, sha256=sha256, media_type=media_type, settings=settings, ocr=ocr)
    return text, extract_documents(text, name, qr_reader=qr_reader(path, media_type, settings, name))


def qr_reader(path: Path, media_type: str, settings: Settings, name: str) -> QrReader:
    """Page number -> QR payloads of that page of ``path``; an undecodable page has none."""

    def read(page: int) -> list[str]:
        try:
            image, _ = page_source(path, media_type, page, settings).load()
        except InputFileError as exc:
            log.warning("QR: page %d of %s not decodable: %s", page, name, exc)
            return []
        return decode_qr(image)

    return read


def process_document(sha256: str, *, db: Database, archive: Archive, settings: Settings,
                     ocr: OcrRunner | None = None) -> str:
    """Pages + extraction for one stored original; returns the document's final status.

    Idempotent: a processed document is left alone; a failed one stays failed with its reason.
    """
    with db.session() as session:
        doc = repo.find_document(session, sha256)
        if doc is None:
            raise KeyError(f"no document {sha256}")
        if doc.status in ("processed", "failed"):
            return doc.status
        doc_id, media_type, name = doc.id, doc.media_type, doc.source_name
        repo.set_status(session, doc_id, "processing")
    try:
        text, extracted = analyse_file(archive.path_for(sha256), sha256=sha256, media_type=media_type,
                                       name=name, settings=settings, ocr=ocr)
    except InputFileError as exc:
        log.warning("quarantined %s: %s", mask_text(name), exc)
        with db.session() as session:
            repo.set_status(session, doc_id, "failed", failure=exc)
        return "failed"
    # The facts validation compares across files (page hashes, PDF history) are computed here,
    # where the work is spread over workers, rather than by the first check of the application.
    facts = cached_file_facts(settings, archive, sha256, media_type, name)
    if facts is not None and facts.text_over_image_pages:
        # Check compares these pages' text layer with OCR of their image: read them now, with
        # this stage's OCR, into the cache, so a check (in the web app, say) loads no engine.
        _read_for_comparison(archive.path_for(sha256), sha256, media_type, facts.text_over_image_pages,
                             settings, ocr)
    with db.session() as session:
        repo.save_file_text(session, doc_id, text)
        repo.save_extractions(session, doc_id, extracted)
        repo.set_status(session, doc_id, "processed")
    return "processed"


def _read_for_comparison(path: Path, sha256: str, media_type: str, pages: list[int], settings: Settings,
                         ocr: OcrRunner | None) -> None:
    try:
        sources = [page_source(path, media_type, number, settings) for number in pages]
    except InputFileError as exc:
        log.warning("pages of %s not read for comparison: %s", sha256[:12], exc)
        return
    # A page that fails here is tried again by the check; nothing to record.
    ocr_pages(sha256, sources, ocr or InlineOcr(settings), settings)
