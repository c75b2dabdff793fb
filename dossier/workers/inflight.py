"""Which documents have a task somewhere: waiting in a broker queue, or on a live worker.

A document's work is a chain of tasks (``process_document`` -> ``ocr_page`` x n ->
``finish_document``, see :mod:`dossier.workers.tasks`), each naming the document's SHA-256 as
its first argument, and each task sends the next before its own message is acknowledged. So a
document has work in flight exactly while some message naming it is

* in a queue of the broker (read here straight from Redis, without taking it off), or
* reserved or running on a worker that answers Celery's ``inspect`` (a worker that is dead, or
  cut off from the broker, does not answer: what it held is not counted).

The two are read in that order, so a message moving from a queue to a worker between the reads
is seen in one of them. A message is missed only in the moment a worker has taken it off the
queue and not yet registered it: a document so missed is requeued needlessly, which costs a
cache look-up (every task is idempotent).
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Iterable
from typing import Any

from celery import Celery

from dossier.workers.routing import FINISH_DOCUMENT, OCR_PAGE, PROCESS_DOCUMENT, QUEUES

log = logging.getLogger(__name__)

DOCUMENT_TASKS = frozenset({PROCESS_DOCUMENT, OCR_PAGE, FINISH_DOCUMENT})
INSPECT_SECONDS = 2.0  # how long live workers are given to answer; a loaded worker answers in ms


def queued_documents(app: Celery) -> set[str]:
    """SHA-256 of the documents named by a task message waiting in one of dossier's queues."""
    found: set[str] = set()
    with app.connection_for_read() as connection:
        channel = connection.default_channel
        # The transport's own key names: a queue is split into one Redis list per priority step,
        # under the configured key prefix.
        keys = {channel._q_for_pri(queue, step) for queue in QUEUES for step in channel.priority_steps}
        for key in sorted(keys):
            for raw in channel.client.lrange(key, 0, -1):
                sha256 = _document_of_message(raw)
                if sha256:
                    found.add(sha256)
    return found


def running_documents(app: Celery, *, timeout: float = INSPECT_SECONDS) -> set[str]:
    """SHA-256 of the documents named by a task that a live worker has reserved or is running."""
    with app.connection_for_write() as connection:
        inspect = app.control.inspect(timeout=timeout, connection=connection)
        replies = [inspect.active() or {}, inspect.reserved() or {}, inspect.scheduled() or {}]
    found: set[str] = set()
    for reply in replies:
        for requests in reply.values():
            found.update(_document_of_requests(requests))
    return found


def _document_of_requests(requests: Iterable[dict[str, Any]]) -> Iterable[str]:
    for request in requests:
        request = request.get("request", request)  # ``scheduled`` wraps the request with its ETA
        args = request.get("args")
        if request.get("name") in DOCUMENT_TASKS and isinstance(args, list) and args and isinstance(args[0], str):
            yield args[0]


def _document_of_message(raw: bytes) -> str | None:
    """The document a raw message of the Redis transport names, or None (another task, or a
    message this code cannot read, which is then left to whoever can)."""
    try:
        message = json.loads(raw)
        if message.get("headers", {}).get("task") not in DOCUMENT_TASKS:
            return None
        body = message["body"]
        if message.get("properties", {}).get("body_encoding") == "base64":
            body = base64.b64decode(body)
        args = json.loads(body)[0]  # protocol 2: [args, kwargs, embed]
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        log.debug("unreadable message in the queue: %s", exc)
        return None
    return args[0] if isinstance(args, list) and args and isinstance(args[0], str) else None
