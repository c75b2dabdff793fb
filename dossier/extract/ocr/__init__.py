"""OCR: engines (rapidocr default, paddleocr optional), orientation, the worker pool, the cache.

Public surface::

    get_engine(name, settings) -> OcrEngine         this process's engine (lazy, one per name)
    register_engine(cls)                            plugins and test doubles
    InlineOcr(settings, engine=None)                runner in this process
    OcrPool(settings, engine=None)                  runner over worker processes (time limits)
    ocr_pages(sha256, sources, runner, settings)    cached OCR of page images
"""

from dossier.extract.ocr.engine import OcrEngine, engine_class, get_engine, register_engine
from dossier.extract.ocr.page import ImageSource, OcrPage, ocr_image
from dossier.extract.ocr.pool import OcrPool
from dossier.extract.ocr.runner import InlineOcr, OcrRunner, ocr_pages

__all__ = ["ImageSource", "InlineOcr", "OcrEngine", "OcrPage", "OcrPool", "OcrRunner", "engine_class",
           "get_engine", "ocr_image", "ocr_pages", "register_engine"]
