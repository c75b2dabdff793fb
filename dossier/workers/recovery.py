"""Finding documents whose task messages were lost, and sending them again at once.

Messages are lost when Redis restarts without persistence (every queued message, and every
message a worker held, is gone), when a worker dies holding messages (the broker would give them
back only after its visibility timeout, 17 minutes under the defaults), when a producer dies
between committing a document and enqueueing it, or when a task could not send its successor.
The database is the record of what is left to do, and a document is *lost* when

* it is still ``received`` or ``processing``, no live process holds its claim (a claim not
  refreshed for ``claims.STALE_AFTER_SECONDS`` belongs to a dead process), and its row has not
  changed for ``LOST_AFTER_SECONDS`` (so a document committed a moment ago by a producer that is
  about to enqueue it is left to that producer), and
* no task naming it waits in a broker queue or is reserved or running on a live worker
  (:mod:`dossier.workers.inflight`).

Lost documents get a fresh ``process_document``, which sends OCR only for the pages not yet in
the shared cache. A document requeued needlessly (a message in a worker's hands at the instant
it was looked for) costs a cache look-up: every task is idempotent and the claim lets one process
read a document.

Who looks, and when:

* every worker, in a thread of its main process: every ``MARKER_SECONDS`` it checks a marker key
  it keeps in the broker. A broker that restarted without persistence has lost the marker with
  the queues: the first worker to notice sets it again and, once workers had ``SETTLE_SECONDS``
  to reconnect, requeues what was lost. Every ``SWEEP_SECONDS`` one worker (a Redis lock picks
  it) looks for lost documents anyway, which covers dead workers and dead producers;
* an operator, with ``dossier requeue`` (:func:`dossier.workers.queue.requeue_lost`).

Under the defaults, a broker restart is noticed within 5 s and its lost documents are sent
again 5 s later. A document a dead worker was reading is sent again 25 to 60 s after the worker
died (its claim goes stale, then one sweep period); a page a dead worker was reading, once no
other task of its document is in flight, within 5 s plus one sweep period.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import kombu.exceptions
import redis
from celery import Celery, bootsteps
from sqlalchemy.exc import SQLAlchemyError

from dossier.config import Settings
from dossier.errors import DossierError
from dossier.store import repo
from dossier.store.db import Database
from dossier.workers import fanout, inflight
from dossier.workers.claims import STALE_AFTER_SECONDS
from dossier.workers.routing import PROCESS_DOCUMENT

log = logging.getLogger(__name__)

LOST_AFTER_SECONDS = 5.0
MARKER_SECONDS = 5.0
SETTLE_SECONDS = 5.0
SWEEP_SECONDS = 30.0
MARKER_KEY = "dossier:broker-marker"
_SWEEP_LOCK = "dossier:requeue-sweep"
_RECOVERABLE = (DossierError, SQLAlchemyError, redis.RedisError, kombu.exceptions.KombuError, OSError)


def _unheld(settings: Settings, *, unchanged_for: float) -> dict[str, str]:
    """SHA-256 -> status of the unfinished documents no live process holds, unchanged in the
    database and in the shared derived folder (OCR results, page failures) for ``unchanged_for``
    seconds; oldest first."""
    db = Database.from_url(settings.db_url)
    try:
        with db.session() as session:
            candidates = repo.unheld_unfinished(session, stale_after=STALE_AFTER_SECONDS,
                                                unchanged_for=unchanged_for)
    finally:
        db.dispose()  # called from a worker's parent process: keep no connection to fork
    if not unchanged_for:
        return candidates  # whatever their files did a moment ago
    quiet_since = time.time() - unchanged_for
    return {sha256: status for sha256, status in candidates.items()
            if (progress := fanout.last_progress(settings, sha256)) is None or progress <= quiet_since}


def lost_documents(app: Celery, settings: Settings) -> dict[str, str]:
    """SHA-256 -> status of the lost documents (see the module's docstring), oldest first."""
    candidates = _unheld(settings, unchanged_for=LOST_AFTER_SECONDS)
    if candidates:
        queued = inflight.queued_documents(app)
        candidates = {sha256: status for sha256, status in candidates.items() if sha256 not in queued}
    if candidates:
        running = inflight.running_documents(app)
        candidates = {sha256: status for sha256, status in candidates.items() if sha256 not in running}
    if candidates:
        # Finished or claimed while the broker and the workers were asked: not lost.
        still = _unheld(settings, unchanged_for=0)
        candidates = {sha256: status for sha256, status in candidates.items() if still.get(sha256) == status}
    return candidates


def requeue_lost(app: Celery, settings: Settings) -> list[str]:
    """Send every lost document again; return their SHA-256."""
    return _send(app, lost_documents(app, settings), "lost")


def requeue_stale(app: Celery, settings: Settings, *, older_than: float) -> list[str]:
    """Send again every unfinished document that no live process holds and that has not changed
    for ``older_than`` seconds, whether or not a task for it is in flight (the time-based
    fallback of ``dossier requeue --older-than``); return their SHA-256."""
    return _send(app, _unheld(settings, unchanged_for=older_than), "stale")


def _send(app: Celery, documents: dict[str, str], why: str) -> list[str]:
    for sha256, status in documents.items():
        # A ``processing`` document had its pages fanned out: ``resume`` sends again those not
        # read. A ``received`` one starts afresh, and must not resume: its producer's message may
        # still come and fan it out first, and the pages would then be sent twice.
        app.send_task(PROCESS_DOCUMENT, args=[sha256], kwargs={"resume": status == "processing"})
    if documents:
        log.warning("requeued %d %s document(s)", len(documents), why)
    return list(documents)


class BrokerMarker:
    """A key every worker keeps in the broker; its absence means the broker lost its state."""

    def __init__(self, broker_url: str):
        self._client = redis.Redis.from_url(broker_url, socket_timeout=10, socket_connect_timeout=5)

    def vanished(self) -> bool:
        """True when the marker was missing and this caller set it again: the broker was
        restarted empty (or is new), and this caller is the one to recover from it."""
        return bool(self._client.set(MARKER_KEY, str(time.time()), nx=True))

    def take_sweep(self) -> bool:
        """True for the one caller per ``SWEEP_SECONDS`` that should sweep (the lock expires)."""
        return bool(self._client.set(_SWEEP_LOCK, "1", nx=True, ex=max(1, int(SWEEP_SECONDS * 0.9))))

    def close(self) -> None:
        self._client.close()


class RecoveryStep(bootsteps.StartStopStep):
    """Worker bootstep: the recovery thread (see the module's docstring) in the main process.

    A thread of its own, not the worker's timer: asking the workers what they hold waits for
    their replies, and the timer runs in the event loop that must answer for this worker.
    """

    requires = {"celery.worker.components:Pool"}  # started after the pool's first processes forked

    def __init__(self, parent: Any, **kwargs: Any):
        super().__init__(parent, **kwargs)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, worker: Any) -> None:
        self._thread = threading.Thread(target=self._run, args=(worker.app,), name="dossier-recovery", daemon=True)
        self._thread.start()

    def stop(self, worker: Any) -> None:
        self._stop.set()

    def _run(self, app: Celery) -> None:
        settings: Settings = app.settings
        marker = BrokerMarker(settings.broker_url or "")
        next_sweep = time.monotonic() + SWEEP_SECONDS
        try:
            while True:
                try:
                    if marker.vanished():
                        log.warning("the broker has lost its state (restarted?): looking for lost documents")
                        if self._stop.wait(SETTLE_SECONDS):  # let the workers reconnect first
                            return
                        requeue_lost(app, settings)
                    elif time.monotonic() >= next_sweep:
                        next_sweep = time.monotonic() + SWEEP_SECONDS
                        if marker.take_sweep():
                            requeue_lost(app, settings)
                except _RECOVERABLE as exc:  # the broker or the database is away: try again later
                    log.warning("recovery check skipped: %s", exc)
                if self._stop.wait(MARKER_SECONDS):
                    return
        finally:
            marker.close()
