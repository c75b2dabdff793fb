"""Recovering documents whose task messages were lost.

Redis is run without persistence in most deployments, so a Redis restart drops every queued
message; a producer can also crash between committing a document and enqueueing it. The
database and the shared derived folder are the record of what is left to do: a document still
``received`` or ``processing`` that has not changed for a while (neither its row, which a live
reader's claim heartbeat keeps touching, nor any OCR result or recorded page failure) has no
message left in flight, and is enqueued again. Tasks
are idempotent, so a document requeued needlessly costs a few cache look-ups.

Every worker runs a sweep every ``SWEEP_SECONDS`` (a Redis lock lets one of them do it per
period); ``dossier.workers.queue.requeue_stale`` runs one on demand.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import kombu.exceptions
import redis
from celery import Celery, bootsteps
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from dossier.config import Settings
from dossier.errors import DossierError
from dossier.store.db import Database
from dossier.store.schema import Document, utcnow
from dossier.workers import fanout
from dossier.workers.routing import PROCESS_DOCUMENT

log = logging.getLogger(__name__)

UNFINISHED = ("received", "processing")
SWEEP_SECONDS = 300
_SWEEP_LOCK = "dossier:requeue-sweep"


def stale_documents(settings: Settings, db: Database, *, older_than: float) -> list[str]:
    """SHA-256 of unfinished documents without any change for ``older_than`` seconds."""
    cutoff = utcnow() - timedelta(seconds=older_than)
    with db.session() as session:
        candidates = session.scalars(
            select(Document.sha256)
            .where(Document.status.in_(UNFINISHED), Document.updated_at <= cutoff)
            .order_by(Document.id)
        ).all()
    quiet_since = time.time() - older_than
    return [sha256 for sha256 in candidates
            if (progress := fanout.last_progress(settings, sha256)) is None or progress <= quiet_since]


def requeue_stale(app: Celery, settings: Settings, *, older_than: float) -> list[str]:
    """Enqueue every stale document again (see :func:`stale_documents`); return their SHA-256."""
    db = Database.from_url(settings.db_url)
    try:
        stale = stale_documents(settings, db, older_than=older_than)
    finally:
        db.dispose()  # the sweep runs in the worker's parent process: keep no connection to fork
    for sha256 in stale:
        app.send_task(PROCESS_DOCUMENT, args=[sha256])
    if stale:
        log.warning("requeued %d document(s) whose tasks were lost", len(stale))
    return stale


def stale_after(app: Celery) -> float:
    """How long a document must be quiet before a sweep requeues it: twice the visibility
    timeout, so messages a dead worker held are redelivered by the broker first."""
    return 2 * float(app.conf.broker_transport_options["visibility_timeout"])


class RequeueStep(bootsteps.StartStopStep):
    """Worker bootstep: run :func:`requeue_stale` every ``SWEEP_SECONDS`` in the main process."""

    requires = {"celery.worker.components:Timer"}

    def __init__(self, parent: Any, **kwargs: Any):
        super().__init__(parent, **kwargs)
        self.timer_ref = None

    def start(self, worker: Any) -> None:
        self.timer_ref = worker.timer.call_repeatedly(SWEEP_SECONDS, self.sweep, (worker.app,), priority=10)

    def stop(self, worker: Any) -> None:
        if self.timer_ref is not None:
            self.timer_ref.cancel()

    @staticmethod
    def sweep(app: Celery) -> None:
        settings: Settings = app.settings
        try:
            with redis.Redis.from_url(settings.broker_url) as client:
                # One sweep per period across all workers; the lock expires by itself.
                if not client.set(_SWEEP_LOCK, "1", nx=True, ex=int(SWEEP_SECONDS * 0.9)):
                    return
            requeue_stale(app, settings, older_than=stale_after(app))
        except (DossierError, SQLAlchemyError, redis.RedisError, kombu.exceptions.KombuError, OSError) as exc:
            log.warning("requeue sweep skipped: %s", exc)  # the next period tries again
