"""The brightest channel and the chroma of a page image, which tell print from ink and paper.

OpenCV's per-channel max and min: numpy's reductions over the channel axis take 20 times as
long on a page, and these run on every page OCR reads."""

from __future__ import annotations

import cv2
import numpy as np

from dossier.model import TextLine

PRINT_PERCENTILE = 5  # a line's print level: this percentile of its box's brightness


def brightest(image: np.ndarray) -> np.ndarray:
    """The brightest channel of an RGB image: black print is dark in it, coloured ink is not."""
    r, g, b = cv2.split(image)
    return cv2.max(cv2.max(r, g), b)


def channels(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The brightest channel and the chroma (brightest - darkest) of an RGB image."""
    r, g, b = cv2.split(image)
    top = cv2.max(cv2.max(r, g), b)
    return top, cv2.subtract(top, cv2.min(cv2.min(r, g), b))


def print_level(bright: np.ndarray, lines: list[TextLine]) -> float | None:
    """How dark the page's print is: the median over ``lines`` of each box's darker pixels in
    ``bright`` (:func:`brightest`); None without a line."""
    levels = [np.percentile(box, PRINT_PERCENTILE) for ln in lines
              if (box := bright[max(0, int(ln.bbox[1])):int(ln.bbox[3]) + 1, max(0, int(ln.bbox[0])):int(ln.bbox[2]) + 1]).size]
    return float(np.median(levels)) if levels else None
