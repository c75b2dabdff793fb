"""OCR of one document spread over many workers: which pages to fan out, and when all are done.

No Celery here, only the bookkeeping the tasks in :mod:`dossier.workers.tasks` are built from:

* :func:`pending_pages` asks the pages stage itself which pages need OCR (it runs
  ``read_file`` with a runner that records the pages instead of reading them), so the choice of
  text layer versus OCR, and the render resolution, are exactly those of the embedded mode.
  Pages already in the OCR cache never reach a runner, so they are not listed.
* :func:`ocr_page` reads one page into the OCR cache (the same cache the stage reads).
* A page is *settled* when it is in the cache or its failure is recorded next to it
  (:func:`record_failure`); :func:`all_settled` tells the task that settles the last page to
  enqueue the document's final step, which never OCRs a fanned-out page again:
  :class:`SettledOcr` hands the recorded failure back to the stage instead.

Everything lives under the document's derived folder in ``settings.home``, so any worker on any
machine sharing that folder sees the same state, and a redelivered task finds the work done.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from dossier import errors
from dossier.config import Settings
from dossier.errors import DossierError, OcrError
from dossier.extract.ocr import ImageSource, InlineOcr, OcrRunner, ocr_pages
from dossier.extract.ocr.cache import OcrCache
from dossier.extract.ocr.runner import Outcome
from dossier.extract.pages import read_file
from dossier.extract.pages.images import ImageFrame
from dossier.extract.pages.pdf import PdfPageImage
from dossier.store import derived

log = logging.getLogger(__name__)

FAILURES = "ocr-failed"  # derived sub-folder of recorded page failures, beside the cache's "ocr"
PDF_PAGE = "pdf_page"
IMAGE_FRAME = "image_frame"

SourceSpec = dict[str, Any]
"""A page image source as JSON for a task message: ``{"kind": ..., ...}`` without the path,
which each worker rebuilds from the archive (machines may mount the shared home elsewhere)."""


def describe(source: ImageSource) -> SourceSpec | None:
    """``source`` as JSON, or None for sources that cannot travel (images inside a .docx carry
    their bytes); those are read by the document's final step in its own process."""
    if isinstance(source, PdfPageImage):
        return {"kind": PDF_PAGE, "dpi": source.dpi}
    if isinstance(source, ImageFrame):
        return {"kind": IMAGE_FRAME, "max_pixels": source.max_pixels}
    return None


def rebuild(path: Path, page: int, spec: SourceSpec) -> ImageSource:
    """The source ``describe`` described, for page ``page`` of the original at ``path``."""
    if spec.get("kind") == PDF_PAGE:
        return PdfPageImage(str(path), page, float(spec["dpi"]))
    if spec.get("kind") == IMAGE_FRAME:
        return ImageFrame(str(path), page, int(spec["max_pixels"]))
    raise OcrError(f"unknown page source {spec!r}", path=path)


class _Recorder:
    """An OCR runner that only notes which pages it was asked to read."""

    def __init__(self, settings: Settings):
        identity = InlineOcr(settings)
        self.engine_name, self.engine_version = identity.engine_name, identity.engine_version
        self.sources: list[ImageSource] = []

    def run(self, sources: Sequence[ImageSource]) -> Iterator[tuple[ImageSource, Outcome]]:
        for source in sources:
            self.sources.append(source)
            yield source, OcrError("deferred to an OCR task")


def pending_pages(path: Path, *, sha256: str, media_type: str, settings: Settings) -> dict[int, SourceSpec]:
    """``{page number: source}`` of the pages of ``path`` that need OCR and are not cached yet.

    Raises what ``read_file`` raises for a file that cannot be read at all.
    """
    recorder = _Recorder(settings)
    read_file(path, sha256=sha256, media_type=media_type, settings=settings, ocr=recorder)
    specs = {source.number: describe(source) for source in recorder.sources}
    return {number: spec for number, spec in specs.items() if spec is not None}


def _failure_path(settings: Settings, runner: InlineOcr, sha256: str, page: int) -> Path:
    return derived.derived_path(settings, sha256, FAILURES,
                                f"{runner.engine_name}-{runner.engine_version}", f"{page}.json")


def record_failure(settings: Settings, sha256: str, page: int, error: DossierError) -> None:
    """Settle ``page`` as failed with ``error`` (kept so the final step reports the real reason)."""
    path = _failure_path(settings, InlineOcr(settings), sha256, page)
    derived.write_json(path, {"error": type(error).__name__, "message": error.message,
                              "reason_zh": error.reason_zh})


def clear_failures(settings: Settings, sha256: str, pages: Sequence[int]) -> None:
    """Forget recorded failures of ``pages`` before they are tried again."""
    runner = InlineOcr(settings)
    for page in pages:
        _failure_path(settings, runner, sha256, page).unlink(missing_ok=True)


def _recorded_failure(settings: Settings, runner: InlineOcr, sha256: str, page: int) -> DossierError | None:
    data = derived.read_json(_failure_path(settings, runner, sha256, page))
    if not isinstance(data, dict):
        return None
    cls = getattr(errors, str(data.get("error")), None)
    if not (isinstance(cls, type) and issubclass(cls, DossierError)):
        cls = OcrError
    return cls(str(data.get("message", "")), reason_zh=data.get("reason_zh"))


def read_settled(pages: Sequence[tuple[str, int, SourceSpec, Path]], runner: OcrRunner,
                 settings: Settings) -> None:
    """Read ``(sha256, page, source, original)`` pages of many documents with ``runner`` in one
    batch, settling each (cached, or its failure recorded): a pool then keeps every process busy
    even when each file has a single page. The documents' final steps read them with
    :class:`SettledOcr`."""
    owners: dict[int, str] = {}
    sources = []
    for sha256, page, spec, original in pages:
        source = rebuild(original, page, spec)
        owners[id(source)] = sha256
        sources.append(source)
    by_document: dict[str, list[int]] = {}
    for sha256, page, _, _ in pages:
        by_document.setdefault(sha256, []).append(page)
    for sha256, numbers in by_document.items():  # a retry forgets what an earlier run recorded
        clear_failures(settings, sha256, numbers)
    cache = OcrCache(settings, runner.engine_name, runner.engine_version)
    for source, outcome in runner.run(sources):
        sha256 = owners[id(source)]
        if isinstance(outcome, DossierError):
            log.warning("OCR of page %d of %s failed: %s", source.number, sha256[:12], outcome)
            record_failure(settings, sha256, source.number, outcome)
        else:
            cache.put(sha256, outcome.to_page_text(source.number))


def ocr_page(sha256: str, page: int, spec: SourceSpec, *, original: Path, settings: Settings) -> bool:
    """Read one page into the OCR cache (a cached page is left alone); True when it succeeded.

    A page that cannot be read is settled as failed with its reason.
    """
    outcome = ocr_pages(sha256, [rebuild(original, page, spec)], InlineOcr(settings), settings)[page]
    if isinstance(outcome, DossierError):
        log.warning("OCR of page %d of %s failed: %s", page, sha256[:12], outcome)
        record_failure(settings, sha256, page, outcome)
        return False
    return True


def all_settled(settings: Settings, sha256: str, pages: Sequence[int]) -> bool:
    """Whether every page of ``pages`` is cached or has a recorded failure."""
    runner = InlineOcr(settings)
    cache = OcrCache(settings, runner.engine_name, runner.engine_version)
    # Pages finish roughly in order, so looking from the end finds an unsettled one at once for
    # every task but the last: the check stays cheap on documents with hundreds of pages.
    return all(cache.get(sha256, page) is not None or _failure_path(settings, runner, sha256, page).is_file()
               for page in reversed(pages))


class SettledOcr:
    """The OCR runner of a document's final step: fanned-out pages are never read again.

    Cached pages are served by the cache before a runner is asked. A fanned-out page that reaches
    this runner failed in its task: its recorded error is returned. Sources that cannot be fanned
    out (images inside a .docx) are read here, in this process.
    """

    def __init__(self, settings: Settings, sha256: str, fallback: OcrRunner | None = None):
        self._settings = settings
        self._sha256 = sha256
        self._inline = InlineOcr(settings)
        self._fallback = fallback or self._inline  # reads the sources that cannot be fanned out
        # the cache identity is that of the engine that read the pages
        self.engine_name, self.engine_version = self._fallback.engine_name, self._fallback.engine_version

    def run(self, sources: Sequence[ImageSource]) -> Iterator[tuple[ImageSource, Outcome]]:
        yield from self._fallback.run([source for source in sources if describe(source) is None])
        for source in sources:
            if describe(source) is not None:
                failure = _recorded_failure(self._settings, self._inline, self._sha256, source.number)
                yield source, failure or OcrError(f"page {source.number} was not read by an OCR task",
                                                  path=source.path)


def last_progress(settings: Settings, sha256: str) -> float | None:
    """The newest modification time of anything derived from ``sha256`` (OCR results, recorded
    failures), or None when nothing is: how a sweep tells a slow document from a stuck one."""
    root = derived.derived_path(settings, sha256)
    newest: float | None = None
    for folder, _, files in os.walk(root):
        for name in (folder, *(os.path.join(folder, f) for f in files)):
            try:
                mtime = os.stat(name).st_mtime
            except FileNotFoundError:  # a temporary file renamed meanwhile
                continue
            newest = mtime if newest is None else max(newest, mtime)
    return newest

