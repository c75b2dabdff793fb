"""Running OCR over page images: the runner contract, the in-process runner, the cached entry point.

A runner turns :class:`ImageSource` items into :class:`OcrPage` results or per-page errors. Two
implementations: :class:`InlineOcr` (this process, no time limit; the CLI on one file, tests) and
:class:`dossier.extract.ocr.pool.OcrPool` (worker processes, per-page time limit; throughput).
:func:`ocr_pages` puts the cache in front of either.
"""

from __future__ import annotations

import ctypes
import functools
import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol

from dossier.config import Settings
from dossier.errors import DossierError, OcrError, OcrModelMissing
from dossier.extract.ocr.cache import OcrCache
from dossier.extract.ocr.engine import OcrEngine, engine_class, get_engine
from dossier.extract.ocr.page import ImageSource, OcrPage, ocr_source
from dossier.model import PageText

log = logging.getLogger(__name__)

Outcome = OcrPage | DossierError


class OcrRunner(Protocol):
    """Runs OCR on page images. ``engine_name``/``engine_version`` must be known without loading
    the engine (they key the cache); results may come back in any order."""

    engine_name: str
    engine_version: str

    def run(self, sources: Sequence[ImageSource]) -> Iterator[tuple[ImageSource, Outcome]]: ...


def run_one(engine: OcrEngine, source: ImageSource, max_side: int) -> Outcome:
    """One page's OCR with every failure turned into an error value naming the file and page.

    OcrModelMissing is raised, not returned: it is about the installation, not this page.
    """
    try:
        return ocr_source(engine, source, max_side)
    except OcrModelMissing:
        raise
    except DossierError as exc:
        return exc
    except Exception as exc:  # a decoder or engine bug must cost one page, not the file
        log.exception("OCR of %s page %d failed", source.path, source.number)
        return OcrError(f"OCR of page {source.number} failed: {type(exc).__name__}: {exc}", path=source.path)
    finally:
        _return_freed_memory()


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        return ctypes.CDLL(None).malloc_trim  # glibc; musl and macOS have none
    except (OSError, AttributeError):
        return None


def _return_freed_memory() -> None:
    """Give the heap's free pages back to the system after a page.

    The engine frees the detector's working memory (hundreds of MB for an A4 page) when a page is
    done, but glibc keeps it mapped: an OCR process sat ~320 MB higher between pages, and the
    peak RSS of ``dossier ingest``'s process tree was 2238 MiB against 2014 MiB with this
    (``benchmarks/ocr_throughput.py``). Costs 10-50 ms on a page that takes 2-5 s.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


class InlineOcr:
    """OCR in the calling process with its lazily created engine (or one given, e.g. a test double).

    No per-page time limit: a page cannot be interrupted inside the engine without a process
    boundary; use :class:`OcrPool` where a limit matters.
    """

    def __init__(self, settings: Settings, engine: OcrEngine | None = None):
        self._settings = settings
        self._engine = engine
        if engine is not None:
            self.engine_name, self.engine_version = engine.name, engine.version
        else:
            self.engine_name = settings.ocr_engine
            self.engine_version = engine_class(settings.ocr_engine).version_for(settings)

    def run(self, sources: Sequence[ImageSource]) -> Iterator[tuple[ImageSource, Outcome]]:
        for source in sources:
            engine = self._engine or get_engine(self.engine_name, self._settings)
            yield source, run_one(engine, source, self._settings.ocr_max_side)


def ocr_pages(sha256: str, sources: Sequence[ImageSource], runner: OcrRunner, settings: Settings,
              on_page: Callable[[], None] | None = None) -> dict[int, PageText | DossierError]:
    """OCR ``sources`` (pages of the file ``sha256``), cached: ``{page number: page or error}``.

    Cached pages are neither loaded nor OCR'd. Errors are not cached, so a page that timed out
    is tried again on the next run. ``on_page`` is called after each page's outcome is in hand
    (a progress count; it must not raise).
    """
    cache = OcrCache(settings, runner.engine_name, runner.engine_version)
    results: dict[int, PageText | DossierError] = {}
    todo = []
    for source in sources:
        hit = cache.get(sha256, source.number)
        if hit is None:
            todo.append(source)
        else:
            results[source.number] = hit
            if on_page is not None:
                on_page()
    if todo:
        log.info("OCR of %d page(s) of %s (%d cached)", len(todo), sha256[:12], len(results))
        for source, outcome in runner.run(todo):
            if isinstance(outcome, OcrPage):
                page = outcome.to_page_text(source.number)
                cache.put(sha256, page)
                results[source.number] = page
            else:
                results[source.number] = outcome
            if on_page is not None:
                on_page()
    return results
