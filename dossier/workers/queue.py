"""What the command line calls in the scale-out mode (``settings.broker_url`` set).

* :func:`enqueue_documents` after ``ingest``/``watch`` committed the documents;
* :func:`run_worker` for ``dossier worker``;
* :func:`requeue_stale` for an operator after a broker restart (workers also sweep by themselves).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

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
    # the watcher, instead of one per file.
    key = settings.broker_url or ""
    if key not in _senders:
        _senders[key] = create_app(settings)
    return _senders[key]


def enqueue_documents(sha256s: Iterable[str], settings: Settings) -> int:
    """Enqueue processing of the documents ``sha256s``; call after their records are committed.

    Returns how many were enqueued. A DossierError when the broker cannot be reached: the
    documents stay ``received`` and a worker's requeue sweep picks them up later.
    """
    app = _sender(settings)
    count = 0
    try:
        for sha256 in sha256s:
            app.send_task(PROCESS_DOCUMENT, args=[sha256])
            count += 1
    except (kombu.exceptions.OperationalError, redis.exceptions.RedisError) as exc:
        raise DossierError(f"cannot reach the task broker {settings.broker_url}: {exc}",
                           reason_zh=f"任务队列不可用（{exc}）；文件已保存，恢复后将自动处理") from exc
    return count


def run_worker(settings: Settings, queues: Sequence[str] = QUEUES, concurrency: int | None = None, *,
               visibility_timeout: float | None = None, loglevel: str = "INFO") -> None:
    """Run a Celery worker in this process until it is stopped (``dossier worker``).

    ``queues``: any of ``ocr`` and ``default`` (both by default). ``concurrency``: worker
    processes, default ``settings.ocr_processes``; each runs one task at a time with
    ``settings.ocr_threads`` OCR threads. ``visibility_timeout``: seconds after which the broker
    hands a message held by a vanished worker to another; default: longer than any task may run.
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
    ])


def requeue_stale(settings: Settings, *, older_than: float | None = None) -> list[str]:
    """Enqueue again the unfinished documents unchanged for ``older_than`` seconds (default:
    twice the visibility timeout); returns their SHA-256. For use after a broker restart."""
    app = _sender(settings)
    if older_than is None:
        older_than = recovery.stale_after(app)
    return recovery.requeue_stale(app, settings, older_than=older_than)
