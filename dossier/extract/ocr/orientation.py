"""Whole-page orientation (0/90/180/270) decided from how well the text reads.

The engine reads every line as it lies (no per-line flipping, see the engine contract), so an
upright page reads fully, with high confidence, in wide boxes; an upside-down page decodes to a
few low-confidence characters per box; a sideways page gives tall boxes.

The 0° pass is the real OCR pass, so an upright page (the common case) costs nothing extra. Only
when it reads poorly are the other rotations tried, at full size, stopping at the first that
reads well: recognition dominates the run time (every text line is scaled to the recogniser's
fixed height whatever the page resolution), so a downscaled probe followed by a full pass was
measured to cost more than trying full size directly.
"""

from __future__ import annotations

import numpy as np

from dossier.extract.ocr.engine import OcrEngine
from dossier.model import TextLine

MIN_CAPACITY_TO_JUDGE = 8.0  # less detected text than this (in characters): blank or nearly so
UPRIGHT_WIDE_SHARE = 0.75  # share of the detected text in boxes wider than tall on an upright page
UPRIGHT_DENSITY = 0.5  # confidence-weighted characters read per character a wide box can hold


def rotate(image: np.ndarray, degrees: int) -> np.ndarray:
    """``image`` turned ``degrees`` clockwise (a multiple of 90)."""
    if degrees % 360 == 0:
        return image
    # np.rot90 turns counter-clockwise; copy so the engine gets a contiguous array.
    return np.ascontiguousarray(np.rot90(image, k=-(degrees // 90) % 4))


def _is_wide(line: TextLine) -> bool:
    x0, y0, x1, y1 = line.bbox
    return (x1 - x0) >= (y1 - y0)


def _capacity(line: TextLine) -> float:
    """How many characters the box holds: its length in line heights (CJK glyphs are square).

    The detector finds the same boxes whichever way the page lies, but an upside-down line
    decodes to a character or two, so characters read per character of capacity is the evidence;
    the character count alone is not.
    """
    x0, y0, x1, y1 = line.bbox
    short = min(x1 - x0, y1 - y0) or 1.0
    return max(x1 - x0, y1 - y0) / short


def reading_score(lines: list[TextLine]) -> float:
    """Confidence-weighted characters read horizontally, each box counted up to its capacity."""
    return sum(line.confidence * min(len(line.text), _capacity(line)) for line in lines if _is_wide(line))


def reads_upright(lines: list[TextLine]) -> bool:
    """Whether these lines look like an upright page (or there is too little text to tell)."""
    capacity = sum(_capacity(line) for line in lines)
    if capacity < MIN_CAPACITY_TO_JUDGE:
        return True
    wide_capacity = sum(_capacity(line) for line in lines if _is_wide(line))
    if wide_capacity < UPRIGHT_WIDE_SHARE * capacity:
        return False
    return reading_score(lines) / wide_capacity >= UPRIGHT_DENSITY


def _candidates(lines: list[TextLine]) -> list[int]:
    """Rotations worth trying after 0°, the likely ones first."""
    capacity = sum(_capacity(line) for line in lines)
    tall = sum(_capacity(line) for line in lines if not _is_wide(line))
    return [90, 270, 180] if tall > capacity / 2 else [180, 90, 270]


def recognize_upright(engine: OcrEngine, image: np.ndarray) -> tuple[int, list[TextLine]]:
    """``(rotation, lines)``: the clockwise turn that makes ``image`` upright and its text lines.

    Boxes are in pixels of ``rotate(image, rotation)``.
    """
    lines = engine.recognize(image)
    if reads_upright(lines):
        return 0, lines
    best = (reading_score(lines), 0, lines)
    for degrees in _candidates(lines):
        turned = engine.recognize(rotate(image, degrees))
        if reads_upright(turned):
            return degrees, turned
        best = max(best, (reading_score(turned), degrees, turned), key=lambda b: b[0])
    return best[1], best[2]
