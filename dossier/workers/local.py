"""The local executor: the embedded default, every stage in this process plus an OCR pool."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from dossier.config import Settings
from dossier.intake.ingest import IntakeResult, ingest_paths
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
    from dossier.extract.ocr.pool import OcrPool

    results = ingest_paths(paths, application, settings, db=db)
    archive = Archive.from_settings(settings)
    todo = [r for r in results if r.status == "new"]
    if todo and settings.broker_url:
        # scale-out: the originals are in the shared archive and recorded; workers do the rest
        from dossier.workers.queue import enqueue_documents

        enqueue_documents([r.sha256 for r in todo], settings)
    elif todo:
        with OcrPool(settings) as pool:
            for result in todo:
                if progress is not None:
                    progress(result)
                process_document(result.sha256, db=db, archive=archive, settings=settings, ocr=pool)
    return results
