"""Uploaded files are processed off the request thread, like files dropped in the watched inbox.

Embedded default: one background thread reads pages and extracts fields (OCR in the app's own
process pool, started on first need), then re-checks the application so its discrepancy queue
is current. With ``settings.broker_url`` the documents are enqueued for the Celery workers
instead, which check the application themselves once its last file is read.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

from dossier.config import Settings
from dossier.errors import DossierError
from dossier.store.archive import Archive
from dossier.store.db import Database

log = logging.getLogger(__name__)


class Jobs:
    def __init__(self, settings: Settings, db: Database):
        self.settings = settings
        self.db = db
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dossier-web")
        self._futures: set[Future] = set()
        self._lock = threading.Lock()
        self._ocr = None

    def process(self, application: str, sha256s: list[str], *, actor: str) -> None:
        """Process ``sha256s`` (already archived and recorded), then re-check ``application``."""
        if not sha256s:
            return
        if self.settings.broker_url:
            from dossier.workers.queue import enqueue_documents

            enqueue_documents(sha256s, self.settings)
            return
        self._submit(self._process, application, list(sha256s), actor)

    def check(self, application: str, *, actor: str) -> None:
        """Re-check ``application`` in the background (e.g. after its spec changed)."""
        self._submit(self._check, application, actor)

    def _submit(self, fn, *args) -> None:
        future = self._executor.submit(fn, *args)
        with self._lock:
            self._futures.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future) -> None:
        with self._lock:
            self._futures.discard(future)
        if future.exception() is not None:
            log.error("background job failed", exc_info=future.exception())

    def busy(self) -> bool:
        with self._lock:
            return bool(self._futures)

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until every job submitted so far has finished; False on timeout."""
        with self._lock:
            futures = set(self._futures)
        _, pending = wait(futures, timeout=timeout)
        return not pending

    def _pool(self):
        if self._ocr is None:
            from dossier.extract.ocr.pool import OcrPool

            self._ocr = OcrPool(self.settings)
        return self._ocr

    def _process(self, application: str, sha256s: list[str], actor: str) -> None:
        from dossier.workers.stages import process_document

        archive = Archive.from_settings(self.settings)
        for sha256 in sha256s:
            try:
                process_document(sha256, db=self.db, archive=archive, settings=self.settings, ocr=self._pool())
            except DossierError as exc:  # e.g. the OCR models are missing: the next file may not need them
                log.error("processing %s failed: %s", sha256, exc)
        self._check(application, actor)

    def _check(self, application: str, actor: str) -> None:
        from dossier.workflow.check import check_application

        try:
            check_application(self.db, self.settings, application, actor=actor)
        except DossierError as exc:  # no application.yaml yet, say: the page shows why
            log.info("check of %s skipped: %s", application, exc)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
        if self._ocr is not None:
            self._ocr.close()
            self._ocr = None
