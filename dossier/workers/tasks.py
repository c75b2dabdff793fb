"""The Celery tasks: thin wrappers that run the stages on a worker.

A document goes through three tasks, none of which waits for another:

``process_document(sha256)`` (queue ``default``)
    claims the document (``dossier.workers.claims``: a document another live process reads is
    left to it), asks the pages stage which pages need OCR and enqueues one ``ocr_page`` per
    page, having handed the claim over to the queue; with nothing to OCR it runs the stage at once.
``ocr_page(sha256, page, source, pages)`` (queue ``ocr``)
    reads one page into the shared OCR cache, or records why it could not. The task that settles
    the last of ``pages`` enqueues ``finish_document``, so one big file keeps many workers busy.
``finish_document(sha256)`` (queue ``default``)
    runs :func:`dossier.workers.stages.process_document`, which claims the document again (of
    two finish tasks, one reads it; the other returns at once) and finds every page in the cache,
    then enqueues ``check_application`` for every application of the document that has nothing
    left to process.
``check_application(name)`` and ``build_packet(name, out_dir, ...)`` (queue ``default``)
    the validate and assemble stages (``dossier.workflow``), for the web app and scale-out.
``remind(as_of=None)`` (queue ``default``)
    ``dossier remind``, daily from Celery beat (``dossier.workers.celery_app.beat_config``).

Arguments are the content hash and small JSON values; each task reads the rest from the
database and the shared home. A repeated task (redelivery, requeue, retry) finds its work done:
the stage leaves a processed document alone and the cache serves pages already read. Database
and broker outages are retried with exponential backoff.
"""

from __future__ import annotations

import logging
import os
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from sqlalchemy import exc as sa_exc

from dossier.config import Settings
from dossier.errors import DossierError, GateRefused, InputFileError, OcrError, OcrModelMissing, PageTimeout
from dossier.store import repo
from dossier.store.archive import Archive
from dossier.store.db import Database
from dossier.workers import fanout, stages
from dossier.workers.claims import FINISHED, Claims
from dossier.workers.routing import BUILD_PACKET, CHECK_APPLICATION, FINISH_DOCUMENT, OCR_PAGE, PROCESS_DOCUMENT, REMIND

log = logging.getLogger(__name__)

# Errors that go away by themselves: the database or the broker restarting or unreachable.
TRANSIENT: tuple[type[Exception], ...] = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    kombu.exceptions.OperationalError,
)
RETRY_OPTIONS: dict[str, Any] = {
    "retry_backoff": 2,  # 2, 4, 8 ... seconds (with jitter) ...
    "retry_backoff_max": 120,  # ... at most two minutes apart ...
    "max_retries": 12,  # ... which rides out an outage of about 15 minutes
    "retry_jitter": True,
}


class _Context:
    """What tasks share within one worker process: settings, database, archive.

    The database engine is made in the process that uses it: worker processes are forked, and a
    connection must never be shared across a fork.
    """

    def __init__(self) -> None:
        self._pid = 0
        self._db: Database | None = None

    def db(self, settings: Settings) -> Database:
        if self._db is None or self._pid != os.getpid():
            self._db, self._pid = Database.from_url(settings.db_url), os.getpid()
        return self._db


_context = _Context()


def _resources(task: Task) -> tuple[Settings, Database, Archive]:
    settings: Settings = task.app.settings
    return settings, _context.db(settings), Archive.from_settings(settings)


@shared_task(bind=True, name=PROCESS_DOCUMENT, autoretry_for=TRANSIENT, **RETRY_OPTIONS)
def process_document(self: Task, sha256: str, resume: bool = False) -> str:
    """Start a document: fan its OCR out page by page, or process it now when nothing needs OCR.

    A document whose pages were fanned out already is left to its page tasks, unless ``resume``
    (sent by the recovery, which found those tasks lost): then the pages not yet read are sent
    again. Returns the document's status, ``"fanned out"`` or ``"in flight"``.
    """
    settings, db, archive = _resources(self)
    with Claims(db) as claims:
        attempt = claims.acquire(sha256)
        if attempt is None:
            log.warning("process_document: no document %s (deleted?)", sha256)
            return "missing"
        if not attempt.held:
            return attempt.status  # finished, or being read by another live process
        if attempt.fanned_out and not resume:
            # A repeated message (a producer's, a redelivery): its page tasks are in flight, and
            # sending them again would read every page twice.
            claims.release(sha256, to_queue=True)
            return "in flight"
        try:
            pending = fanout.pending_pages(archive.path_for(sha256), sha256=sha256,
                                           media_type=attempt.media_type or "", settings=settings)
        except InputFileError:
            pending = {}  # unreadable: the stage records why
        if not pending:
            return _finish(self, sha256, claims)
        # Given up before the pages are sent: the task that settles the last of them enqueues
        # finish_document, which must find the document free to claim.
        claims.release(sha256, to_queue=True)
    pages = sorted(pending)
    fanout.clear_failures(settings, sha256, pages)
    for page in pages:
        self.app.send_task(OCR_PAGE, args=[sha256, page, pending[page], pages])
    log.info("document %s: %d page(s) sent to OCR", sha256[:12], len(pages))
    return "fanned out"


class _OcrPageTask(Task):
    """``ocr_page`` settles its page even when the task itself fails."""

    def on_failure(self, exc: BaseException, task_id: str, args: tuple, kwargs: dict, einfo: Any) -> None:
        # Called when retries are exhausted, on an unexpected error and, in the worker's main
        # process, on the hard time limit. Without a settled page the document would wait for it
        # until a requeue sweep, and then fail the same way again.
        sha256, page, _, pages = args
        settings: Settings = self.app.settings
        if isinstance(exc, OcrModelMissing):
            # This worker is not set up for OCR; the page is not at fault. Leave it unsettled:
            # the requeue sweep gives it to the workers again later.
            log.error("worker cannot OCR (page %d of %s left for another worker): %s", page, sha256[:12], exc)
            return
        if isinstance(exc, (TimeLimitExceeded, SoftTimeLimitExceeded)):
            error: DossierError = PageTimeout(f"page {page} exceeded the time limit",
                                              reason_zh=f"第 {page} 页处理超时")
        else:
            error = OcrError(f"OCR task of page {page} failed: {type(exc).__name__}: {exc}")
        fanout.record_failure(settings, sha256, page, error)
        _maybe_finish(self, sha256, pages)


@shared_task(bind=True, base=_OcrPageTask, name=OCR_PAGE, autoretry_for=TRANSIENT, **RETRY_OPTIONS)
def ocr_page(self: Task, sha256: str, page: int, source: fanout.SourceSpec, pages: list[int]) -> bool:
    """OCR page ``page`` of ``sha256`` into the cache; the last page of ``pages`` to settle
    enqueues the document's final step. Returns whether this page was read."""
    settings, _, archive = _resources(self)
    done = fanout.ocr_page(sha256, page, source, original=archive.path_for(sha256), settings=settings)
    _maybe_finish(self, sha256, pages)
    return done


def _maybe_finish(task: Task, sha256: str, pages: list[int]) -> None:
    # Two pages settling at the same moment may both see the document complete; the second
    # finish_document then finds it processed. Waiting for nothing is what matters.
    if fanout.all_settled(task.app.settings, sha256, pages):
        task.app.send_task(FINISH_DOCUMENT, args=[sha256])


@shared_task(bind=True, name=FINISH_DOCUMENT,
             autoretry_for=(*TRANSIENT, sa_exc.IntegrityError), **RETRY_OPTIONS)
def finish_document(self: Task, sha256: str) -> str:
    """Pages and extraction of a document whose OCR is settled; returns its final status, or
    ``processing`` when another process holds the document (it finishes it).

    ``IntegrityError`` is retried too, as a safety net: the claim keeps a duplicate of this task
    from storing the same pages at the same time, and a retry finds the document processed.
    """
    return _finish(self, sha256)


def _finish(task: Task, sha256: str, claims: Claims | None = None) -> str:
    settings, db, archive = _resources(task)
    try:
        status = stages.process_document(sha256, db=db, archive=archive, settings=settings,
                                         ocr=fanout.SettledOcr(settings, sha256), claims=claims, wait=False)
    except KeyError:
        log.warning("finish_document: no document %s (deleted?)", sha256)
        return "missing"
    if status not in FINISHED:
        return status  # another process holds it: it finishes the document and what follows
    with db.session() as session:
        ready = repo.applications_ready(session, sha256)
    for name in ready:
        task.app.send_task(CHECK_APPLICATION, args=[name])
    return status


@shared_task(bind=True, name=CHECK_APPLICATION, autoretry_for=TRANSIENT, **RETRY_OPTIONS)
def check_application(self: Task, name: str) -> dict:
    """Validate application ``name`` and store its findings; a summary (or the Chinese reason
    it could not be checked, e.g. no application.yaml)."""
    from dossier.workflow.check import check_application as check

    settings, db, _ = _resources(self)
    try:
        result = check(db, settings, name, actor="worker")
    except DossierError as exc:
        log.warning("check of %s refused: %s", name, exc)
        return {"error": exc.reason_zh}
    return {"findings": len(result.findings), "open_blocking": len(result.open_blocking),
            "pending": len(result.pending)}


@shared_task(bind=True, name=BUILD_PACKET, autoretry_for=TRANSIENT, **RETRY_OPTIONS)
def build_packet(self: Task, name: str, out_dir: str, checklist: str | None = None, draft: bool = False,
                 user: str = "worker") -> dict:
    """Bind application ``name`` into ``out_dir`` (a path every worker can write, under the
    shared home); the packet's digest and pages, or why the gate refused."""
    from dossier.workflow.build import build_application

    settings, db, _ = _resources(self)
    try:
        result = build_application(db, settings, name, out_dir, checklist=checklist, draft=draft, user=user)
    except GateRefused as refused:
        return {"refused": refused.findings}
    except DossierError as exc:
        return {"error": exc.reason_zh}
    return {"packet_sha256": result.packet_sha256, "pages": result.pages, "draft": result.draft}


@shared_task(bind=True, name=REMIND, autoretry_for=TRANSIENT, **RETRY_OPTIONS)
def remind(self: Task, as_of: str | None = None) -> dict:
    """Send the reminders due on ``as_of`` (default: today in ``notify.timezone``); how many
    digests went out and which failed (channel and Chinese reason, no secrets)."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    from dossier.notify.remind import NoChannels, run_reminders

    settings, db, _ = _resources(self)
    day = date.fromisoformat(as_of) if as_of else datetime.now(ZoneInfo(settings.notify.timezone)).date()
    try:
        outcomes = run_reminders(db, settings, as_of=day, actor="beat")
    except NoChannels as exc:  # the daily beat runs whether or not anyone has configured a channel yet
        log.info("no reminders sent on %s: %s", day, exc)
        return {"as_of": day.isoformat(), "sent": 0, "failed": [], "skipped": exc.reason_zh}
    failed = [{"channel": o.channel, "company": o.company, "error": o.error} for o in outcomes if o.status == "failed"]
    for failure in failed:
        log.warning("reminder to %s about %s failed: %s", failure["channel"], failure["company"], failure["error"])
    return {"as_of": day.isoformat(), "sent": sum(o.status == "sent" for o in outcomes), "failed": failed}
