"""Claims: one process at a time reads a document, and a reader that dies holds nobody up.

Two ``dossier ingest`` processes, two Celery workers, a worker and the web app can each be handed
the same document. Before reading it, a process *claims* it: one conditional UPDATE
(``received -> processing``, see :func:`dossier.store.repo.claim_document`) that exactly one of
them wins. The loser does not read the document; whoever must report its outcome waits for the
winner (``dossier.workers.stages.process_document`` polls every ``POLL_SECONDS``).

Why a heartbeat rather than a bound from the page timeout: a claim records who holds it and when
it was last refreshed, and a claim not refreshed for ``STALE_AFTER_SECONDS`` is taken over (its
holder died: kill -9, a machine gone). A bound of ``settings.page_timeout`` x pages would have to
cover the slowest reading of the largest file, 180 s a page by default: a dead reader of a
12-page scan would hold its document up for 36 minutes, and of a 200-page contract for 10 hours.
A heartbeat thread refreshes every claim this process holds every ``HEARTBEAT_SECONDS`` while it
reads, whatever the file's size, so a dead reader's document is taken over 25 to 30 s after the
reader died (plus at most one poll): under the defaults, a user whose ``dossier ingest`` waits
for a dead reader waits about half a minute more, then this process reads the document itself.
Six beats may be missed before a live reader loses its claim (a busy SQLite file makes a writer
wait, a loaded machine delays a thread); if it does lose it, nothing is torn: its result is
discarded when it tries to settle the claim (:meth:`Claims.settle`), and the new holder's stands.

A process that hangs while its heartbeat thread lives keeps its claim; the OCR pool's page
timeout is what bounds a hung page.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dossier.errors import DossierError
from dossier.store import repo
from dossier.store.db import Database

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
STALE_AFTER_SECONDS = 30.0
POLL_SECONDS = 1.0  # how often a process waiting for another's reading looks again
FINISHED = ("processed", "failed")
UNFINISHED = ("received", "processing")


@dataclass(frozen=True)
class Attempt:
    """The outcome of :meth:`Claims.acquire`: whether this process now holds the document."""

    held: bool
    document_id: int
    status: str  # the document's status after the attempt
    holder: str | None  # who holds it, when another process does
    media_type: str | None
    name: str
    # The document was ``processing`` with no holder before the attempt: its pages had been sent
    # to the task queue (``release(to_queue=True)``).
    fanned_out: bool = False


class Claims:
    """The claims one process (or one task) holds, kept alive by a heartbeat thread.

    Use as a context manager: on leaving, claims still held are given back (``received``) so
    another process can take them at once instead of after ``STALE_AFTER_SECONDS``.
    """

    def __init__(self, db: Database):
        self._db = db
        self.token = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self._held: dict[str, int] = {}  # sha256 -> document id
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Claims:
        self._thread = threading.Thread(target=self._beat, name="dossier-claims", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        for sha256 in list(self._held):
            try:
                self.release(sha256)
            except SQLAlchemyError as error:  # the claim goes stale by itself
                log.warning("claim on %s not released: %s", sha256[:12], error)

    def acquire(self, sha256: str) -> Attempt | None:
        """Claim document ``sha256`` unless it is finished or a live process holds it; None when
        there is no such document. A document this process holds already stays held."""
        with self._db.session() as session:
            doc = repo.find_document(session, sha256)
            if doc is None:
                return None
            held = doc.status == "processing" and doc.claimed_by == self.token
            fanned_out = doc.status == "processing" and doc.claimed_by is None
            if not held and doc.status in UNFINISHED:
                held = repo.claim_document(session, doc.id, by=self.token, stale_after=STALE_AFTER_SECONDS)
                session.expire(doc)  # re-read below: the UPDATE (ours or another's) changed it
            attempt = Attempt(held=held, document_id=doc.id, status=doc.status,
                              holder=None if held else doc.claimed_by, media_type=doc.media_type,
                              name=doc.source_name, fanned_out=fanned_out)
        with self._lock:
            if held:
                self._held[sha256] = attempt.document_id
            else:
                self._held.pop(sha256, None)
        return attempt

    def settle(self, sha256: str, status: str, *, failure: DossierError | None = None,
               write: Callable[[Session, int], None] | None = None) -> bool:
        """End the claim on ``sha256`` as ``processed`` or ``failed`` and ``write`` its result
        (``write(session, document_id)``) in the same transaction. False, and nothing written,
        when the claim was lost meanwhile (taken over as stale, or reset by ``dossier reprocess``).
        """
        document_id = self._held[sha256]
        with self._db.session() as session:
            settled = repo.settle_claim(session, document_id, by=self.token, status=status, failure=failure)
            if settled and write is not None:
                write(session, document_id)
        # Only after the commit: if writing failed, the claim is still ours to give back.
        with self._lock:
            self._held.pop(sha256, None)
        if not settled:
            log.warning("document %s was taken over while this process read it; its reading is discarded",
                        sha256[:12])
        return settled

    def release(self, sha256: str, *, to_queue: bool = False) -> None:
        """Give the claim on ``sha256`` up unfinished (see :func:`dossier.store.repo.release_claim`)."""
        document_id = self._held[sha256]
        with self._db.session() as session:
            repo.release_claim(session, document_id, by=self.token, to_queue=to_queue)
        with self._lock:
            self._held.pop(sha256, None)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            with self._lock:
                ids = list(self._held.values())
            if not ids:
                continue
            try:
                with self._db.session() as session:
                    repo.refresh_claims(session, ids, by=self.token)
            except SQLAlchemyError as error:  # a database outage: the next beat tries again
                log.warning("claims not refreshed: %s", error)
