"""The Celery application of the scale-out mode, built from :class:`dossier.config.Settings`.

Two queues: ``ocr`` (one page per task, heavy: ~1 GB engine per worker process) and ``default``
(per-document steps, light). ``dossier worker`` consumes both unless told otherwise, so a
machine can also be dedicated to one of them.

Delivery is at least once: tasks are acknowledged after they finish (``acks_late``), a task
whose worker process dies is given back (``reject_on_worker_lost``), and a message that a dead
*machine* held comes back after the broker's visibility timeout. Every task is idempotent, so a
repeat costs time, never correctness. Messages are JSON only (IDs and hashes, never pickles),
and there is no result backend: no task ever waits for another's result.

``celery -A dossier.workers.celery_app worker`` works too: the module attribute ``app`` is built
on first access from the ``DOSSIER_*`` settings (this module is then the worker's entry point).
"""

from __future__ import annotations

from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import worker_init
from kombu import Queue

from dossier.config import Settings, load_settings
from dossier.errors import ConfigError
from dossier.store.db import init_db
from dossier.workers.recovery import RecoveryStep
from dossier.workers.routing import DEFAULT_QUEUE, FINISH_DOCUMENT, OCR_PAGE, OCR_QUEUE, PROCESS_DOCUMENT, QUEUES, REMIND

OCR_GRACE_SECONDS = 30  # from the soft limit (the task records a timeout) to the hard kill
# A document step reads text layers and decodes QR codes of every page but never OCRs a
# fanned-out page, so its time grows slowly with the page count.
DOCUMENT_SOFT_LIMIT = 900
DOCUMENT_HARD_LIMIT = 960
# Recycle a worker process now and then, since engine memory grows over time: after this many
# tasks (light ones count too, and a replacement costs seconds plus an engine load), or as soon
# as it holds more than this much memory (one engine is ~1 GB).
# How a message is published when the broker does not answer. A task waits for the broker for
# about five minutes (0, 1, 2 ... 5, 5 ... seconds apart), so a Redis restart costs it a pause,
# not its successor: Celery's own retry of a task could not be published either and would drop
# the task (``Reject(requeue=False)``). A producer (``dossier ingest``, the watcher, the web app)
# gives up after about 1.5 s and tells its user; the workers send its documents once the broker
# is back (:mod:`dossier.workers.recovery`).
TASK_PUBLISH_RETRY = {"max_retries": 60, "interval_start": 0, "interval_step": 1, "interval_max": 5}
PRODUCER_RETRY = {"max_retries": 3, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
MAX_TASKS_PER_CHILD = 100
MAX_MEMORY_PER_CHILD_KB = 3_000_000


class DossierCelery(Celery):
    """A Celery app that carries the dossier settings its tasks run with."""

    def __init__(self, settings: Settings, **kwargs: Any):
        super().__init__("dossier", **kwargs)
        self.settings = settings


def time_limits(settings: Settings) -> dict[str, tuple[float, float]]:
    """``{task name: (soft, hard)}`` seconds; the soft limit lets a task record why it stopped."""
    ocr = (settings.page_timeout, settings.page_timeout + OCR_GRACE_SECONDS)
    document = (DOCUMENT_SOFT_LIMIT, DOCUMENT_HARD_LIMIT)
    return {OCR_PAGE: ocr, PROCESS_DOCUMENT: document, FINISH_DOCUMENT: document}


def default_visibility_timeout(settings: Settings) -> float:
    """Longer than the longest task may run: a message is redelivered only when its worker is gone."""
    return max(hard for _, hard in time_limits(settings).values()) + 60


def celery_config(settings: Settings, *, visibility_timeout: float | None = None,
                  producer: bool = False) -> dict[str, Any]:
    """The Celery configuration for ``settings`` (``visibility_timeout`` overrides the default);
    ``producer``: for a process that only sends (see ``PRODUCER_RETRY``)."""
    if not settings.broker_url:
        raise ConfigError("no broker: set DOSSIER_BROKER_URL (e.g. redis://host:6379/0)",
                          reason_zh="未配置任务队列：请设置 DOSSIER_BROKER_URL（例如 redis://host:6379/0）")
    visibility = visibility_timeout or default_visibility_timeout(settings)
    return {
        "broker_url": settings.broker_url,
        "broker_transport_options": {
            "visibility_timeout": visibility,
            # Look for abandoned messages several times per visibility timeout; kombu's default
            # (every 10 x 10 s) would add up to 100 s to every redelivery.
            "unacked_restore_interval": max(1.0, min(10.0, visibility / 4)),
            "unacked_restore_throttle": 1,
        },
        "broker_connection_retry_on_startup": True,
        "broker_connection_max_retries": None,  # a worker outlives any broker outage
        "task_publish_retry_policy": PRODUCER_RETRY if producer else TASK_PUBLISH_RETRY,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        # Finish what is running when the broker connection drops: the result lands in the shared
        # cache or database either way, and a repeat of the task is harmless.
        "worker_cancel_long_running_tasks_on_connection_loss": False,
        "worker_prefetch_multiplier": 1,  # a long OCR task must not hold queued pages hostage
        "worker_max_tasks_per_child": MAX_TASKS_PER_CHILD,
        "worker_max_memory_per_child": MAX_MEMORY_PER_CHILD_KB,
        "task_queues": [Queue(name) for name in QUEUES],
        "task_default_queue": DEFAULT_QUEUE,
        "task_routes": {OCR_PAGE: {"queue": OCR_QUEUE}},
        "task_annotations": {name: {"soft_time_limit": soft, "time_limit": hard}
                             for name, (soft, hard) in time_limits(settings).items()},
        "include": ["dossier.workers.tasks"],
        **beat_config(settings),
    }


def beat_config(settings: Settings) -> dict[str, Any]:
    """The daily ``dossier remind`` for Celery beat (``dossier worker --beat``); the send log makes
    a repeated or doubled run harmless. Scheduled even without a channel in dossier.toml: an admin
    may add one in the web UI at any time, and a run with none at all does nothing."""
    notify = settings.notify
    hour, minute = (int(part) for part in notify.remind_at.split(":"))
    return {"timezone": notify.timezone,
            "beat_schedule": {"dossier-remind-daily": {"task": REMIND, "schedule": crontab(hour=hour, minute=minute)}}}


def create_app(settings: Settings, *, visibility_timeout: float | None = None,
               producer: bool = False) -> DossierCelery:
    """A Celery app for ``settings`` (``producer``: see :func:`celery_config`); ConfigError
    when ``settings.broker_url`` is not set."""
    config = celery_config(settings, visibility_timeout=visibility_timeout, producer=producer)
    app = DossierCelery(settings, set_as_current=False)
    app.conf.update(config)
    app.steps["worker"].add(RecoveryStep)
    return app


@worker_init.connect
def _migrate(sender=None, **_: Any) -> None:
    """Bring the database schema up to date once per worker, before its processes start."""
    app = getattr(sender, "app", None)
    if isinstance(app, DossierCelery):
        init_db(app.settings).dispose()  # no connection may survive into the forked processes


def __getattr__(name: str) -> DossierCelery:
    # ``celery -A dossier.workers.celery_app`` looks up ``app``: build it then, from DOSSIER_*,
    # rather than at import time (importing this module must not read the environment).
    if name == "app":
        globals()["app"] = created = create_app(load_settings())
        return created
    raise AttributeError(name)
