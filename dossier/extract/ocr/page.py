"""One page through OCR: load its image, smooth it when it is only black and white, downscale,
find the orientation, read it (again under coloured ink where ink crosses print, under a grey scan's seal, and beside a
label read alone), back to points.

The unit of work is an :class:`ImageSource`: a small picklable description of where a page image
comes from (a PDF page to render, an image frame, an image inside a .docx). Workers load the
image themselves, so rendering and decoding run in parallel too and no large array is pickled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np

from dossier.extract.measure import text_height
from dossier.extract.ocr.beside import read_beside_labels
from dossier.extract.ocr.bilevel import is_bilevel, smooth_bilevel
from dossier.extract.ocr.engine import OcrEngine
from dossier.extract.ocr.ink import read_under_ink
from dossier.extract.ocr.marks import find_marks
from dossier.extract.ocr.orientation import recognize_upright, rotate
from dossier.model import PageText, TextLine, TextSource

POINTS_PER_INCH = 72.0
MIN_LINE_CONFIDENCE = 0.5  # weaker lines are noise (specks, stamps, ruled lines read as text)


class ImageSource(Protocol):
    """Where one page image comes from; must be picklable and cheap to pickle."""

    path: str  # the file, for error messages
    number: int  # 1-based page number within the file

    def load(self) -> tuple[np.ndarray, float]:
        """The page as an RGB uint8 array and its resolution in pixels per inch.

        Raises an :class:`dossier.errors.InputFileError` when the image cannot be decoded.
        """
        ...


@dataclass(frozen=True)
class OcrPage:
    """OCR of one page in pixels of the *upright* source image (before any OCR downscale)."""

    rotation: int  # clockwise degrees applied to make the page upright
    width: int
    height: int
    dpi: float
    lines: list[TextLine]

    def to_page_text(self, number: int) -> PageText:
        """The page in points (lines in the engine's order)."""
        k = POINTS_PER_INCH / self.dpi
        lines = [ln.model_copy(update={"confidence": round(ln.confidence, 4),
                                       "bbox": tuple(round(v * k, 2) for v in ln.bbox)})
                 for ln in self.lines]
        return PageText(number=number, width=round(self.width * k, 2), height=round(self.height * k, 2),
                        source=TextSource.ocr, rotation=self.rotation, lines=lines)


def downscale(image: np.ndarray, max_side: int) -> tuple[np.ndarray, float]:
    """``image`` shrunk so its longer side is at most ``max_side``, and the factor used (≤ 1)."""
    height, width = image.shape[:2]
    factor = min(1.0, max_side / max(height, width))
    if factor >= 1.0:
        return image, 1.0
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA), factor


def ocr_image(engine: OcrEngine, image: np.ndarray, dpi: float, max_side: int) -> OcrPage:
    """OCR an RGB page image of any orientation; boxes come back at the image's own scale."""
    bilevel = is_bilevel(image)
    small, factor = downscale(smooth_bilevel(image, dpi) if bilevel else image, max_side)
    rotation, lines = recognize_upright(engine, small)
    upright = rotate(small, rotation)
    # Weak lines still count here: a line the ink broke up is where the second reading helps.
    lines = read_under_ink(engine, upright, lines, grey=not bilevel)
    lines = [ln for ln in lines if ln.confidence >= MIN_LINE_CONFIDENCE]
    height = text_height(lines)
    if height is not None:
        lines += read_beside_labels(engine, upright, lines, height)
    lines += find_marks(upright, lines)
    height, width = image.shape[:2]
    if rotation in (90, 270):
        width, height = height, width
    if factor != 1.0:
        lines = [ln.model_copy(update={"bbox": tuple(v / factor for v in ln.bbox)}) for ln in lines]
    return OcrPage(rotation=rotation, width=width, height=height, dpi=dpi, lines=lines)


def ocr_source(engine: OcrEngine, source: ImageSource, max_side: int) -> OcrPage:
    """Load ``source`` and OCR it: the whole job of one page, in whichever process runs it."""
    image, dpi = source.load()
    return ocr_image(engine, image, dpi, max_side)
