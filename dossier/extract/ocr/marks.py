"""Solid marks the OCR engine does not read: the filled dots (●) a statement prints in the cells of
the months paid.

PP-OCR detects text lines; a lone filled disc or square in a table cell is no line to it, so a
person × month grid marked with ● reads as a grid with no month paid at all. Such marks are found
as blobs of ink on the page: about a character's size, about as wide as tall, mostly filled (a disc
fills π/4 of its box, a glyph's strokes far less), and outside every line the engine read. Each
becomes a one-character line ``●`` with :data:`MARK_CONFIDENCE`, so the table reader sees it like a
printed mark. Ticks (✓ √) are glyphs the engine reads itself.
"""

from __future__ import annotations

import cv2
import numpy as np

from dossier.extract.measure import text_height
from dossier.model import TextLine

MARK_TEXT = "●"
MARK_CONFIDENCE = 0.8  # found by shape, not read: never a confident value on its own
MIN_SIZE, MAX_SIZE = 0.3, 1.3  # a mark's side, in the page's median text height
MIN_FILL = 0.6  # a disc fills 0.785 of its box; 口, 回 and strokes fill far less
MAX_ASPECT = 1.4


def find_marks(image: np.ndarray, lines: list[TextLine]) -> list[TextLine]:
    """Filled marks on an upright RGB page image, as lines in its pixel coordinates."""
    height = text_height(lines)
    if height is None:
        return []
    gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.ndim == 3 else image
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    boxes = np.array([ln.bbox for ln in lines], dtype=float).reshape(-1, 4)
    marks = []
    for x, y, w, h, area in stats[1:count]:
        if not (MIN_SIZE * height <= min(w, h) and max(w, h) <= MAX_SIZE * height):
            continue
        if max(w, h) > MAX_ASPECT * min(w, h) or area < MIN_FILL * w * h:
            continue
        cx, cy = x + w / 2, y + h / 2
        inside = (boxes[:, 0] <= cx) & (cx <= boxes[:, 2]) & (boxes[:, 1] <= cy) & (cy <= boxes[:, 3])
        if inside.any():
            continue  # part of a line the engine read (a full stop, a bullet, a stroke of a glyph)
        marks.append(TextLine(text=MARK_TEXT, confidence=MARK_CONFIDENCE, char_confidences=(MARK_CONFIDENCE,),
                              bbox=(float(x), float(y), float(x + w), float(y + h))))
    return marks
