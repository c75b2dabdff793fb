"""Text detection on overlapping horizontal bands of a page instead of the whole page at once.

The detector's working memory grows with the area of its input: on a 200-dpi A4 scan (1414 x 2000
at detection scale) it is most of an OCR process's ~0.9 GB peak. Bands of at most ``max_rows``
rows bring that down with the area, at the cost of detecting the overlaps twice. A line up to
``overlap`` rows tall lies whole in some band; where two bands both found a line, the reading kept
is the one farthest from a cut, and a piece cut off at a band's edge gives way to the whole line
the neighbouring band found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# the detector rounds its input to multiples of 32 rows: bands of such heights keep its scale
ALIGN = 32
# a box from one band covering this much of a box from another band is the same line
SAME_LINE = 0.5


@dataclass(frozen=True)
class Band:
    """Rows ``top:bottom`` of a page ``height`` rows tall."""

    top: int
    bottom: int
    height: int

    def margin(self, box: np.ndarray) -> float:
        """Rows between ``box`` (page coordinates) and the nearer cut of this band; the page's own
        edges are no cut."""
        gaps = [math.inf]
        if self.top > 0:
            gaps.append(float(box[:, 1].min()) - self.top)
        if self.bottom < self.height:
            gaps.append(self.bottom - float(box[:, 1].max()))
        return min(gaps)


def bands(height: int, max_rows: int, overlap: int, min_rows: int = 0) -> list[Band]:
    """The fewest bands covering ``height`` rows that leave ``overlap`` rows between neighbours,
    each at most ``max_rows`` (rounded down to ``ALIGN``) and at least ``min_rows`` rows: the
    detector scales up an input thinner than its minimum side, which would change what it sees.
    One band when the page fits in one."""
    floor = math.ceil(min_rows / ALIGN) * ALIGN
    max_rows = max(max_rows // ALIGN * ALIGN, floor, overlap + ALIGN)
    if height <= max_rows:
        return [Band(0, height, height)]
    count = math.ceil((height - overlap) / (max_rows - overlap))
    rows = min(max_rows, max(floor, math.ceil((height + (count - 1) * overlap) / count / ALIGN) * ALIGN))
    step = (height - rows) / (count - 1)
    return [Band(round(k * step), round(k * step) + rows, height) for k in range(count)]


def merge(found: list[tuple[Band, np.ndarray, list[float]]]) -> tuple[list[np.ndarray], list[float]]:
    """The boxes (page coordinates) and scores of every band, each line once: boxes are taken
    farthest-from-a-cut first, and one that mostly lies within a box taken from another band is
    the same line seen again (or cut short) and is dropped."""
    candidates = [(band.margin(box), index, box, score)
                  for index, (band, boxes, scores) in enumerate(found) for box, score in zip(boxes, scores)]
    candidates.sort(key=lambda c: -c[0])
    kept: list[tuple[int, np.ndarray, float]] = []
    for _, index, box, score in candidates:
        if not any(other != index and _covered(box, taken) > SAME_LINE for other, taken, _ in kept):
            kept.append((index, box, score))
    return [box for _, box, _ in kept], [score for _, _, score in kept]


def _covered(box: np.ndarray, other: np.ndarray) -> float:
    """The share of ``box``'s bounding rectangle that lies within ``other``'s, or of ``other``'s
    within ``box``'s, whichever is larger (a piece of a line lies within the whole line)."""
    (ax0, ay0), (ax1, ay1) = box.min(axis=0), box.max(axis=0)
    (bx0, by0), (bx1, by1) = other.min(axis=0), other.max(axis=0)
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    smaller = min((ax1 - ax0) * (ay1 - ay0), (bx1 - bx0) * (by1 - by0))
    return inter / smaller if smaller > 0 else 0.0
