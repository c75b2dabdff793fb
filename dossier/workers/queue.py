"""What the command line calls in the scale-out mode (``settings.broker_url`` set).

* :func:`enqueue_documents` after ``ingest``/``watch`` committed the documents;
* :func:`run_worker` for ``dossier worker``;
* :func:`requeue_lost` for an operator after a broker restart (workers also recover by themselves),
  and :func:`requeue_stale`, its time-based fallback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import kombu.exceptions
import redis.exceptions

from dossier.config import Settings
from dossier.errors import ConfigError, DossierError
from dossier.workers import recovery
from dossier.workers.celery_app import DossierCelery, create_app
from dossier.workers.routing import PROCESS_DOCUMENT, QUEUES

_senders: dict[str, DossierCelery] = {}


def _sender(settings: Settings) -> DossierCelery:
    # One app (and its broker connection pool) per broker for a long-running producer such as
    # the watcher, instead of one per file. A producer tells its user at once that the broker is
    # away (the workers send the documents once it is back) rather than retrying as a task does.
    key = settings.broker_url or ""
    if key not in _senders:
        _senders[key] = create_app(settings, producer=True)
    return _senders[key]


def enqueue_documents(sha256s: Iterable[str], settings: Settings) -> int:
    """Enqueue processing of the documents ``sha256s``; call after their records are committed.

    Returns how many were enqueued. A DossierError when the broker cannot be reached: the
    documents stay ``received`` and a worker's recovery sweep sends them once the broker is back.
    """
    app = _sender(settings)
    count = 0
    with _broker_errors(settings, then_zh="文件已保存，恢复后将自动处理"):
        for sha256 in sha256s:
            app.send_task(PROCESS_DOCUMENT, args=[sha256])
            count += 1
    return count


@contextmanager
def _broker_errors(settings: Settings, *, then_zh: str) -> Iterator[None]:
    """Broker errors as a DossierError that names the broker (in Chinese: ``then_zh`` follows)."""
    try:
        yield
    except (kombu.exceptions.OperationalError, redis.exceptions.RedisError) as exc:
        raise DossierError(f"cannot reach the task broker {settings.broker_url}: {exc}",
                           reason_zh=f"任务队列不可用（{exc}）；{then_zh}") from exc


def run_worker(settings: Settings, queues: Sequence[str] = QUEUES, concurrency: int | None = None, *,
               visibility_timeout: float | None = None, loglevel: str = "INFO", beat: bool = False) -> None:
    """Run a Celery worker in this process until it is stopped (``dossier worker``).

    ``queues``: any of ``ocr`` and ``default`` (both by default). ``concurrency``: worker
    processes, default ``settings.ocr_processes``; each runs one task at a time with
    ``settings.ocr_threads`` OCR threads. ``visibility_timeout``: seconds after which the broker
    hands a message held by a vanished worker to another; default: longer than any task may run.
    ``beat``: also run Celery beat in this worker (the daily ``dossier remind``); one per cluster.
    """
    unknown = sorted(set(queues) - set(QUEUES))
    if unknown or not queues:
        raise ConfigError(f"unknown queue(s) {unknown}; known: {', '.join(QUEUES)}",
                          reason_zh=f"未知的队列 {unknown}；可选：{', '.join(QUEUES)}")
    app = create_app(settings, visibility_timeout=visibility_timeout)
    app.worker_main([
        "worker",
        f"--queues={','.join(queues)}",
        f"--concurrency={concurrency or settings.ocr_processes}",
        f"--loglevel={loglevel}",
        # Unique per process, so several workers on one machine do not clash.
        f"--hostname=dossier-{os.getpid()}@%h",
        # Mingle and gossip synchronise revoked task IDs and events between workers; dossier
        # revokes nothing, and they slow start-up and add broker traffic.
        "--without-mingle",
        "--without-gossip",
        *(["--beat", f"--schedule={settings.home / 'celerybeat-schedule'}"] if beat else []),
    ])


def requeue_lost(settings: Settings) -> list[str]:
    """Enqueue again the documents whose tasks were lost (a broker restart, a dead worker; see
    :mod:`dossier.workers.recovery`); returns their SHA-256. Run again at once, it returns none."""
    with _broker_errors(settings, then_zh="请在其恢复后再试"):
        return recovery.requeue_lost(_sender(settings), settings)


def requeue_stale(settings: Settings, *, older_than: float) -> list[str]:
    """Enqueue again the unfinished documents no live process holds and unchanged for
    ``older_than`` seconds, whatever the broker says; returns their SHA-256."""
    with _broker_errors(settings, then_zh="请在其恢复后再试"):
        return recovery.requeue_stale(_sender(settings), settings, older_than=older_than)
