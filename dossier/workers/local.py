"""The local executor: the embedded default, every stage in this process plus an OCR pool."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from dossier.config import Settings
from dossier.intake.ingest import IntakeResult, ingest_paths
from dossier.errors import InputFileError
from dossier.extract.ocr import OcrRunner
from dossier.extract.pages.pdf import is_scan_only
from dossier.intake.sniff import PDF
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.workers import fanout
from dossier.workers.stages import process_document

Progress = Callable[[IntakeResult], None]


def ingest_and_process(paths: Iterable[str | os.PathLike], application: str, settings: Settings, *,
                       db: Database, progress: Progress | None = None) -> list[IntakeResult]:
    """Intake every file, then pages + extraction for each new one (OCR in a process pool), or,
    when ``settings.broker_url`` is set, enqueue the new documents for Celery workers.

    ``progress`` is called before each document is processed (for a progress bar).
    """
    results = ingest_paths(paths, application, settings, db=db)
    todo = [r for r in results if r.status == "new"]
    _process([r.sha256 for r in todo], settings, db=db,
             progress=(lambda i: progress(todo[i])) if progress is not None else None)
    return results


def reprocess(application: str, settings: Settings, *, db: Database) -> list[str]:
    """Read every document of ``application`` again (pages from the OCR cache, then
    classification and extraction): after an upgrade of the specs, say. Files that failed after
    intake are tried again too. Returns the SHA-256s read. Reviewers' corrections stay and apply."""
    with db.session() as session:
        # A file quarantined at intake has no media type: nothing here could read it.
        shas = [row.sha256 for row in repo.document_status(session, application) if row.media_type]
        for sha in shas:
            repo.set_status(session, repo.find_document(session, sha).id, "received")
    _process(shas, settings, db=db)
    return shas


def _process(shas: list[str], settings: Settings, *, db: Database,
             progress: Callable[[int], None] | None = None) -> None:
    """Process ``shas`` here with an OCR pool, or, with a broker, hand them to the workers."""
    from dossier.extract.ocr.pool import OcrPool

    if not shas:
        return
    if settings.broker_url:
        # scale-out: the originals are in the shared archive and recorded; workers do the rest
        from dossier.workers.queue import enqueue_documents

        enqueue_documents(shas, settings)
        return
    archive = Archive.from_settings(settings)
    with OcrPool(settings) as pool:
        # Listing the pending pages reads each file once more: worth it only when there are
        # several pool processes to keep busy.
        settled = _read_all_pages(shas, settings, db=db, archive=archive, pool=pool) if pool.processes > 1 else set()
        for i, sha in enumerate(shas):
            if progress is not None:
                progress(i)
            runner = fanout.SettledOcr(settings, sha, fallback=pool) if sha in settled else pool
            process_document(sha, db=db, archive=archive, settings=settings, ocr=runner)


def _read_all_pages(shas: list[str], settings: Settings, *, db: Database, archive: Archive,
                    pool: OcrRunner) -> set[str]:
    """OCR the pending pages of all ``shas`` through ``pool`` at once (one document after another
    would leave all but one pool process idle on single-page scans); the documents settled."""
    with db.session() as session:
        media = {sha: doc.media_type for sha in shas if (doc := repo.find_document(session, sha)) is not None}
    pages, settled = [], set()
    for sha in shas:
        original = archive.path_for(sha)
        # Listing a file's pending pages reads it: cheap for an image or a scanned PDF, but a
        # PDF with a text layer would be parsed twice (pdfminer, slow); it goes at its turn.
        if not media.get(sha) or (media[sha] == PDF and not is_scan_only(original)):
            continue
        try:
            pending = fanout.pending_pages(original, sha256=sha, media_type=media[sha], settings=settings)
        except InputFileError:
            continue  # the stage records why, at the document's turn
        pages += [(sha, page, spec, original) for page, spec in sorted(pending.items())]
        settled.add(sha)
    if pages:
        fanout.read_settled(pages, pool, settings)
    return settled
