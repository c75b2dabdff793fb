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
from dossier.workers.claims import STALE_AFTER_SECONDS, Claims
from dossier.workers.stages import process_document

Progress = Callable[[IntakeResult], None]


def ingest_and_process(paths: Iterable[str | os.PathLike], application: str, settings: Settings, *,
                       db: Database, progress: Progress | None = None) -> list[IntakeResult]:
    """Intake every file, then pages + extraction for each new one (OCR in a process pool), or,
    when ``settings.broker_url`` is set, enqueue the new documents for Celery workers.

    Embedded, this returns only once every document handed in is ``processed`` or ``failed``: a
    file already known that another process is still reading (or has yet to start reading) is
    waited for, or read here if no live process holds it.
    ``progress`` is called before each document is processed (for a progress bar).
    """
    results = ingest_paths(paths, application, settings, db=db)
    todo = {r.sha256: r for r in results
            if r.sha256 and (r.status == "new" or (r.status == "duplicate" and not settings.broker_url))}
    _process(list(todo), settings, db=db,
             progress=(lambda sha: progress(todo[sha])) if progress is not None else None)
    return results


def reprocess(application: str, settings: Settings, *, db: Database) -> list[str]:
    """Read every document of ``application`` again (pages from the OCR cache, then
    classification and extraction): after an upgrade of the specs, say. Files that failed after
    intake are tried again too. Returns the SHA-256s read. Reviewers' corrections stay and apply.

    A document another process is reading right now is not reset under it: its reading is waited
    for and stands."""
    with db.session() as session:
        # A file quarantined at intake has no media type: nothing here could read it.
        rows = [row for row in repo.document_status(session, application) if row.media_type]
        for row in rows:
            repo.reopen_document(session, repo.find_document(session, row.sha256).id,
                                 stale_after=STALE_AFTER_SECONDS)
    shas = [row.sha256 for row in rows]
    _process(shas, settings, db=db)
    return shas


def _process(shas: list[str], settings: Settings, *, db: Database,
             progress: Callable[[str], None] | None = None) -> None:
    """Process ``shas`` here with an OCR pool, or, with a broker, hand them to the workers.

    Here, every document is claimed before any page is read, so pages are OCR'd by this process
    only for documents it holds. Those are read first; then the others, held by other processes,
    are waited for (or taken over from a reader that died). Holding claims while waiting for
    another process's could deadlock two processes that each hold what the other waits for.
    """
    from dossier.extract.ocr.pool import OcrPool

    if not shas:
        return
    if settings.broker_url:
        # scale-out: the originals are in the shared archive and recorded; workers do the rest
        from dossier.workers.queue import enqueue_documents

        enqueue_documents(shas, settings)
        return
    archive = Archive.from_settings(settings)
    with OcrPool(settings) as pool, Claims(db) as claims:
        mine = [sha for sha in shas if (attempt := claims.acquire(sha)) is not None and attempt.held]
        # Listing the pending pages reads each file once more: worth it only when there are
        # several pool processes to keep busy.
        settled = _read_all_pages(mine, settings, db=db, archive=archive, pool=pool) if pool.processes > 1 else set()
        others = [sha for sha in shas if sha not in set(mine)]
        for sha in [*mine, *others]:
            if progress is not None:
                progress(sha)
            runner = fanout.SettledOcr(settings, sha, fallback=pool) if sha in settled else pool
            process_document(sha, db=db, archive=archive, settings=settings, ocr=runner, claims=claims)


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
