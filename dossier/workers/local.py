"""The local executor: the embedded default, every stage in this process plus an OCR pool."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from dossier.config import Settings
from dossier.intake.ingest import IntakeResult, ingest_paths
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database
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
        for i, sha in enumerate(shas):
            if progress is not None:
                progress(i)
            process_document(sha, db=db, archive=archive, settings=settings, ocr=pool)
