"""Recording how many pages of a document have been read, where the web app can see it.

The reader (this process, a Celery worker) and the web app share only the database, so the count
is written to the document's row (``pages_read`` of ``pages_to_read``). The upload box polls
every 1.5 s: writing more often than once a second would only add commits (and, on SQLite,
writer waits) that no one sees, so counts in between are skipped, except the last page's.
"""

from __future__ import annotations

import time

from dossier.store import repo
from dossier.store.db import Database

MIN_SECONDS = 1.0  # between two writes of one document's count


class PagesRead:
    """A page progress hook (:data:`dossier.extract.pages.progress.PageProgress`) writing the
    count of document ``document_id`` read under the claim of ``by``; failures are left to the
    caller (the reader logs them)."""

    def __init__(self, db: Database, document_id: int, *, by: str, min_seconds: float = MIN_SECONDS):
        self._db = db
        self._document_id = document_id
        self._by = by
        self._min_seconds = min_seconds
        self._last = float("-inf")

    def __call__(self, read: int, total: int) -> None:
        now = time.monotonic()
        if read < total and now - self._last < self._min_seconds:
            return
        with self._db.session() as session:
            repo.record_pages_read(session, self._document_id, read, total, by=self._by)
        self._last = now
