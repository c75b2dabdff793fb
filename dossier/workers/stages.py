"""The processing stages as plain functions keyed by content hash.

Each stage reads what it needs from the store and writes its result back, so it can run in this
process (the embedded default), in a pool, or as a Celery task on another machine, and running
it twice leaves the same state. Heavy work (OCR) is cached by the pages stage itself.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from sqlalchemy.orm import Session

from dossier.config import Settings
from dossier.errors import InputFileError
from dossier.extract.document import QrReader, extract_documents
from dossier.extract.ocr import InlineOcr, OcrRunner, ocr_pages
from dossier.extract.pages import page_source, read_file
from dossier.extract.pages.progress import PageProgress
from dossier.extract.qr import decode_qr
from dossier.model import ExtractedDocument, FileText
from dossier.privacy import MaskingFilter, mask_text
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.workers.claims import FINISHED, POLL_SECONDS, Attempt, Claims
from dossier.workers.pages_read import PagesRead
from dossier.workflow.facts import cached_file_facts

log = logging.getLogger(__name__)
# its lines name inbox files, whose names may hold an ID number: masked here, whatever handler
# (the console's, a test's, a service manager's) ends up writing them
log.addFilter(MaskingFilter())


def analyse_file(path: Path, *, sha256: str, media_type: str, name: str, settings: Settings,
                 ocr: OcrRunner | None = None,
                 progress: PageProgress | None = None) -> tuple[FileText, list[ExtractedDocument]]:
    """Pages, classification and extraction of one file, without any database; ``progress``
    hears of each page read.

    Raises an ``InputFileError`` when the file cannot be read at all.
    """
    text = read_file(path, sha256=sha256, media_type=media_type, settings=settings, ocr=ocr, progress=progress)
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
                     ocr: OcrRunner | None = None, claims: Claims | None = None, wait: bool = True) -> str:
    """Pages + extraction for one stored original; returns the document's status.

    The document is claimed first (:mod:`dossier.workers.claims`), so of two processes handed the
    same document, one reads it. The other waits until it is ``processed`` or ``failed`` and
    returns that, taking the document over if its reader dies; with ``wait=False`` (Celery tasks:
    a task never waits for another) it returns ``processing`` at once instead.
    ``claims``: the caller's, which may hold the claim already (the local executor claims a
    batch before reading its pages); by default the claim is taken and given back here.

    Idempotent: a processed document is left alone; a failed one stays failed with its reason.
    Raises KeyError for an unknown document.
    """
    if claims is None:
        with Claims(db) as own:
            return process_document(sha256, db=db, archive=archive, settings=settings, ocr=ocr,
                                    claims=own, wait=wait)
    waiting = False
    while True:
        attempt = claims.acquire(sha256)
        if attempt is None:
            raise KeyError(f"no document {sha256}")
        if attempt.held:
            status = _read_claimed(sha256, attempt, claims, db, archive, settings, ocr)
            if status is not None:
                return status
        elif attempt.status in FINISHED or not wait:
            return attempt.status
        elif not waiting:
            log.info("document %s is being read by %s: waiting for it", sha256[:12], attempt.holder)
            waiting = True
        time.sleep(POLL_SECONDS)


def _read_claimed(sha256: str, attempt: Attempt, claims: Claims, db: Database, archive: Archive,
                  settings: Settings, ocr: OcrRunner | None) -> str | None:
    """Read a document this process holds the claim of, recording its pages read as it goes;
    its final status, or None when the claim was lost meanwhile (the reading is then discarded)."""
    media_type, name = attempt.media_type or "", attempt.name
    try:
        text, extracted = analyse_file(archive.path_for(sha256), sha256=sha256, media_type=media_type,
                                       name=name, settings=settings, ocr=ocr,
                                       progress=PagesRead(db, attempt.document_id, by=claims.token))
    except InputFileError as exc:
        log.warning("quarantined %s: %s", mask_text(name), exc)
        return "failed" if claims.settle(sha256, "failed", failure=exc) else None
    # The facts validation compares across files (page hashes, PDF history) are computed here,
    # where the work is spread over workers, rather than by the first check of the application.
    facts = cached_file_facts(settings, archive, sha256, media_type, name)
    if facts is not None and facts.text_over_image_pages:
        # Check compares these pages' text layer with OCR of their image: read them now, with
        # this stage's OCR, into the cache, so a check (in the web app, say) loads no engine.
        _read_for_comparison(archive.path_for(sha256), sha256, media_type, facts.text_over_image_pages,
                             settings, ocr)

    def write(session: Session, document_id: int) -> None:
        repo.save_file_text(session, document_id, text)
        repo.save_extractions(session, document_id, extracted)

    return "processed" if claims.settle(sha256, "processed", write=write) else None


def _read_for_comparison(path: Path, sha256: str, media_type: str, pages: list[int], settings: Settings,
                         ocr: OcrRunner | None) -> None:
    try:
        sources = [page_source(path, media_type, number, settings) for number in pages]
    except InputFileError as exc:
        log.warning("pages of %s not read for comparison: %s", sha256[:12], exc)
        return
    # A page that fails here is tried again by the check; nothing to record.
    ocr_pages(sha256, sources, ocr or InlineOcr(settings), settings)
