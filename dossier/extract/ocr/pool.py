"""A pool of worker processes, each with its own engine, for OCR throughput and time limits.

Engines are not thread-safe and hold ~1 GB each, so parallelism is by process:
``settings.ocr_processes`` workers x ``settings.ocr_threads`` onnxruntime threads (2 x 1 was
measured best on 2 cores). Workers start with ``forkserver`` (``spawn`` where unavailable), never
``fork``: forking a process that already runs onnxruntime threads can deadlock.

Time limit: at most one page per worker is in flight, so a page's clock starts when it is handed
to a worker (a fresh worker's start-up counts). A page over ``settings.page_timeout`` becomes a
:class:`PageTimeout` for that page only. A hung worker cannot be stopped on its own in a
``ProcessPoolExecutor``, so the whole pool is replaced and the other in-flight pages are queued
again. A worker that dies (e.g. killed for memory) breaks the pool the same way; the pages that
were in flight are retried one at a time in a fresh pool, and a page that kills its worker on
its own is reported as OcrError.
"""

from __future__ import annotations

import logging
import multiprocessing
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from dossier.config import Settings
from dossier.errors import DossierError, OcrError, PageTimeout
from dossier.extract.ocr.engine import EngineClass, OcrEngine, engine_class
from dossier.extract.ocr.page import ImageSource
from dossier.extract.ocr.runner import Outcome, run_one

log = logging.getLogger(__name__)

_worker_engine: OcrEngine | None = None
_worker_error: DossierError | None = None
_worker_max_side = 0


def _init_worker(cls: EngineClass, settings: Settings) -> None:
    """Worker initializer: build this process's one engine (models load once per worker)."""
    global _worker_engine, _worker_error, _worker_max_side
    _worker_max_side = settings.ocr_max_side
    try:
        _worker_engine = cls(settings)
    except DossierError as exc:
        # An initializer that raises only breaks the pool; keep the reason (e.g. OcrModelMissing)
        # and raise it from each task so it reaches the caller.
        _worker_error = exc


def _work(source: ImageSource) -> Outcome:
    if _worker_error is not None:
        raise _worker_error
    assert _worker_engine is not None, "worker initializer did not run"
    return run_one(_worker_engine, source, _worker_max_side)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class OcrPool:
    """OCR runner over worker processes; use as a context manager or call :meth:`close`.

    ``engine`` defaults to the registered class named ``settings.ocr_engine``; pass a class (it is
    pickled by reference, so it must be importable in the workers) to use another one.
    """

    def __init__(self, settings: Settings, engine: EngineClass | None = None):
        self._settings = settings
        self._engine_class = engine or engine_class(settings.ocr_engine)
        self.engine_name = self._engine_class.name
        self.engine_version = self._engine_class.version_for(settings)
        self.processes = max(1, settings.ocr_processes)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> OcrPool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the workers (waits for none: nothing is in flight between runs)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.processes, mp_context=_context(),
                initializer=_init_worker, initargs=(self._engine_class, self._settings))
        return self._executor

    def _discard_pool(self) -> None:
        """Kill every worker (one may be hung inside the engine) and forget the executor."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        # ProcessPoolExecutor has no public way to stop a busy worker before Python 3.14.
        kill = getattr(executor, "kill_workers", None)
        if kill is not None:
            kill()
        else:
            for process in list(executor._processes.values()):
                process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def run(self, sources: Sequence[ImageSource]) -> Iterator[tuple[ImageSource, Outcome]]:
        """OCR ``sources``; yields ``(source, page or error)`` as pages finish (any order)."""
        limit = self._settings.page_timeout
        # (source, suspect): a suspect was in flight when a worker died and runs alone next time,
        # so that if it kills a worker again it is certainly the culprit.
        pending: deque[tuple[ImageSource, bool]] = deque((s, False) for s in sources)
        inflight: dict[Future, tuple[ImageSource, bool, float]] = {}
        while pending or inflight:
            while pending and len(inflight) < self.processes:
                source, suspect = pending[0]
                if inflight and (suspect or any(s for _, s, _ in inflight.values())):
                    break
                try:
                    future = self._pool().submit(_work, source)
                except BrokenProcessPool:
                    # A worker died since the last wait: the pages in flight report it below and
                    # the pool is rebuilt; a pool that broke with nothing in flight is replaced now.
                    if inflight:
                        break
                    self._discard_pool()
                    continue
                pending.popleft()
                inflight[future] = (source, suspect, time.monotonic() + limit)
            next_deadline = min(deadline for _, _, deadline in inflight.values())
            done, _ = wait(inflight, timeout=max(0.0, next_deadline - time.monotonic()),
                           return_when=FIRST_COMPLETED)
            died: list[tuple[ImageSource, bool]] = []
            for future in done:
                source, suspect, _ = inflight.pop(future)
                try:
                    yield source, future.result()
                except BrokenProcessPool:
                    died.append((source, suspect))
            now = time.monotonic()
            expired = [f for f, (_, _, deadline) in inflight.items() if deadline <= now and not f.done()]
            for future in expired:
                source, _, _ = inflight.pop(future)
                log.warning("OCR of %s page %d exceeded %.0f s", source.path, source.number, limit)
                yield source, PageTimeout(f"OCR of page {source.number} took longer than {limit:g} s",
                                          path=source.path)
            if died:
                # Everything still in flight went down with the pool and may be the culprit too.
                died.extend((s, suspect) for s, suspect, _ in inflight.values())
                for source, suspect in died:
                    if suspect:  # it ran alone: it killed the worker
                        yield source, OcrError(f"the OCR worker process died on page {source.number} "
                                               "(twice; e.g. out of memory)", path=source.path)
                    else:
                        pending.appendleft((source, True))
            elif expired:
                # Innocent pages still in flight are lost with the pool: queue them again first.
                pending.extendleft((s, suspect) for s, suspect, _ in reversed(list(inflight.values())))
            if died or expired:
                inflight.clear()
                self._discard_pool()
