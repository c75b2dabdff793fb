"""The OCR engine contract and the registry that creates one engine per process.

Contract of an engine (the thing a plugin implements):

* It is a class with a ``name`` (registry key, e.g. ``"rapidocr"``), a classmethod
  ``version_for(settings) -> str`` and a constructor ``__init__(settings)``. ``version_for`` must
  be cheap (no model loading, no heavy import): the OCR cache is consulted with
  ``(file sha256, page, name, version)`` *before* any engine exists, so that a re-run never
  constructs one. The version names the engine release, the model files and any setting that
  changes the output (e.g. the image size limit); it becomes one path component, so it must not
  contain ``/``.
* The constructor may load models (seconds, ~1 GB RAM). It must never download anything: when a
  model is missing it raises :class:`dossier.errors.OcrModelMissing` saying which files or
  folders are expected. It may raise :class:`dossier.errors.OcrError` for other setup failures.
* ``recognize(image)`` is called with an RGB ``uint8`` array of shape ``(height, width, 3)``, the
  page as it should be read (the caller already decided the page orientation and downscaled it
  to ``settings.ocr_max_side``). It returns the text lines found, boxes in *pixels* of that array
  (top-left origin), in any order, empty text dropped; an empty list when there is no text.
  It returns every line it detected however low its confidence (no score threshold): how badly
  a page reads is the evidence for its orientation, and the caller drops weak lines afterwards.
  Engines must not turn individual lines upside down on their own (a per-line 180° classifier):
  whole-page orientation is decided by the caller from how well upright text reads, and a
  line classifier would hide an upside-down page. It raises :class:`OcrError` when the engine
  fails on this image; any other exception is treated the same way by the caller.
* It may also offer ``read_line(image) -> TextLine | None``: the text of an image holding one
  line, by recognition alone (no detection), its box the whole image, None when nothing is read.
  The page stage uses it to read beside a label where detection found nothing (see
  :mod:`dossier.extract.ocr.beside`); an engine without it is simply not asked.
* Where it runs: engines are not thread-safe. Each process has at most one engine per name,
  created lazily by :func:`get_engine` (in-process runs) or by the OCR pool's worker initializer
  (one engine per worker process). ``recognize`` is called from one thread at a time, many times.
  An engine must not read global settings or the environment beyond what ``settings`` carries.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from importlib import metadata
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

import numpy as np

from dossier.errors import ConfigError
from dossier.model import TextLine

if TYPE_CHECKING:
    from dossier.config import Settings

log = logging.getLogger(__name__)


@runtime_checkable
class OcrEngine(Protocol):
    """An OCR engine instance; see the module docstring for the full contract."""

    name: ClassVar[str]
    version: str

    def recognize(self, image: np.ndarray) -> list[TextLine]:
        """Text lines of an upright RGB page image, boxes in pixels of ``image``."""
        ...


class EngineClass(Protocol):
    """What the registry stores: the engine class itself (or any equivalent factory)."""

    name: ClassVar[str]

    def version_for(self, settings: Settings) -> str: ...

    def __call__(self, settings: Settings) -> OcrEngine: ...


def package_release(distribution: str) -> str:
    """The installed release of an engine's package for its cache key; ``missing`` when absent
    (constructing the engine then raises OcrModelMissing with the reason)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "missing"


def _builtin_engines() -> dict[str, Callable[[], EngineClass]]:
    # Imported on demand so that choosing one engine never imports another's heavy packages.
    def rapid() -> EngineClass:
        from dossier.extract.ocr.rapid import RapidOcrEngine
        return RapidOcrEngine

    def paddle() -> EngineClass:
        from dossier.extract.ocr.paddle import PaddleOcrEngine
        return PaddleOcrEngine

    return {"rapidocr": rapid, "paddleocr": paddle}


_REGISTRY: dict[str, Callable[[], EngineClass]] = _builtin_engines()
_ENGINES: dict[tuple[str, str], OcrEngine] = {}  # this process's engines by (name, version)


def register_engine(engine_class: EngineClass) -> None:
    """Make ``engine_class`` available under ``engine_class.name`` (plugins, test doubles).

    Registration is per process: an engine used by the OCR pool must be registered at import
    time of a module the workers import, or be passed to the pool as its factory.
    """
    _REGISTRY[engine_class.name] = lambda: engine_class


def engine_class(name: str) -> EngineClass:
    """The registered class for ``name``; a ConfigError lists the known names."""
    try:
        loader = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ConfigError(f"unknown OCR engine {name!r} (known: {known})",
                          reason_zh=f"未知的文字识别引擎 {name!r}（可选：{known}）") from None
    return loader()


def get_engine(name: str, settings: Settings) -> OcrEngine:
    """This process's engine ``name``, created on first use and kept for the process lifetime."""
    cls = engine_class(name)
    key = (name, cls.version_for(settings))
    engine = _ENGINES.get(key)
    if engine is None:
        log.info("loading OCR engine %s %s", *key)
        engine = _ENGINES[key] = cls(settings)
    return engine
