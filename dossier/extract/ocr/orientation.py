"""Whole-page orientation (0/90/180/270) decided from how well the text reads.

The engine reads every line as it lies (no per-line flipping, see the engine contract), so an
upright page reads fully, with high confidence, in wide boxes; an upside-down page decodes to a
few low-confidence characters per box; a sideways page gives tall boxes.

The 0° pass is the real OCR pass, so an upright page (the common case) costs nothing extra. Only
when it reads poorly are the other candidates read (one or two more passes, see
``recognize_upright``), at full size: recognition dominates the run time (every text line is
scaled to the recogniser's fixed height whatever the page resolution), so a downscaled probe
followed by a full pass was measured to cost more than reading the candidates directly.
"""

from __future__ import annotations

import numpy as np

from dossier.extract.measure import char_weight
from dossier.extract.ocr.engine import OcrEngine
from dossier.model import TextLine

MIN_CAPACITY_TO_JUDGE = 8.0  # less detected text than this (in characters): blank or nearly so
UPRIGHT_WIDE_SHARE = 0.75  # share of the detected text in boxes wider than tall on an upright page
UPRIGHT_DENSITY = 0.65  # confidence-weighted text read per unit of text a wide box can hold
# A box of one glyph or mark (a ✓ in a grid cell, a digit) is less than two glyphs long whichever
# way the page lies, and often taller than wide: only boxes this elongated tell which way text runs.
ELONGATED = 2.0


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
    """How much text the box holds: its length in line heights (one CJK glyph is about square)."""
    x0, y0, x1, y1 = line.bbox
    short = min(x1 - x0, y1 - y0) or 1.0
    return max(x1 - x0, y1 - y0) / short


def _text_width(text: str) -> float:
    """Width of ``text`` in line heights (CJK glyphs are square; see ``char_weight``)."""
    return sum(map(char_weight, text))


def reading_score(lines: list[TextLine]) -> float:
    """Confidence-weighted text read horizontally, each box counted up to its capacity.

    The detector finds the same boxes whichever way the page lies, but an upside-down line
    decodes to fewer characters with lower confidence (Chinese: one or two per box; Latin: about
    a third of the letters), so how much of each box was read is the evidence.
    """
    return sum(line.confidence * min(_text_width(line.text), _capacity(line))
               for line in lines if _is_wide(line))


def _sideways(lines: list[TextLine]) -> bool:
    """Whether the text runs vertically: most of the elongated boxes are taller than wide.

    A statement ticked month by month is mostly single-mark boxes; counted, they made an upright
    or upside-down grid look sideways, so 180° was never tried.
    """
    runs = [line for line in lines if _capacity(line) >= ELONGATED] or lines
    capacity = sum(_capacity(line) for line in runs)
    return sum(_capacity(line) for line in runs if _is_wide(line)) < UPRIGHT_WIDE_SHARE * capacity


def reads_upright(lines: list[TextLine]) -> bool:
    """Whether these lines look like an upright page (or there is too little text to tell)."""
    capacity = sum(_capacity(line) for line in lines)
    if capacity < MIN_CAPACITY_TO_JUDGE:
        return True
    if _sideways(lines):
        return False
    wide_capacity = sum(_capacity(line) for line in lines if _is_wide(line))
    return reading_score(lines) / wide_capacity >= UPRIGHT_DENSITY


def recognize_upright(engine: OcrEngine, image: np.ndarray) -> tuple[int, list[TextLine]]:
    """``(rotation, lines)``: the clockwise turn that makes ``image`` upright and its text lines.

    Boxes are in pixels of ``rotate(image, rotation)``. Mostly tall boxes at 0° mean the text
    runs vertically: 90° and 270° are both read and the better one wins, and if neither reads as
    an upright page, 180° too. Wide boxes that read poorly mean upside down or just a poor scan:
    180° is read and wins only if it reads better.
    """
    lines = engine.recognize(image)
    if reads_upright(lines):
        return 0, lines
    sideways = _sideways(lines)
    best = (reading_score(lines), 0, lines)
    for degrees in [90, 270] if sideways else [180]:
        turned = engine.recognize(rotate(image, degrees))
        best = max(best, (reading_score(turned), degrees, turned), key=lambda b: b[0])
    if sideways and not reads_upright(best[2]):
        # neither quarter turn reads as an upright page: the tall boxes were a frame's rules (a
        # fax's dotted border), not text running vertically, and the page may be upside down
        turned = engine.recognize(rotate(image, 180))
        best = max(best, (reading_score(turned), 180, turned), key=lambda b: b[0])
    return best[1], best[2]
