"""A seal in a grey scan: paler strokes than print, lifted by brightness where colour is lost.

A scanning app or a photocopier in grey turns a red seal into grey strokes a little paler than
the black print they cross: the 厅 of an office's name under the seal's ring is read as nothing,
the 一 of 一级 under its text is lost, a date's figures mix with its star. Colour cannot lift
such a seal (:mod:`dossier.extract.ocr.ink`), but brightness can: print is the page's darkest
ink, and the seal's strokes, away from the print they cross, are paler. Where such strokes form a
seal's shape (a ring with its words and star, several lines of print across both ways) over
print, that part of the page is read again with them lifted to paper, and merged as a reading
under coloured ink is: a repair, never a certain value.
"""

from __future__ import annotations

import cv2
import numpy as np

from dossier.extract.measure import is_overlay
from dossier.extract.ocr.channels import channels, print_level
from dossier.model import TextLine

CORE = 0.15  # print's own strokes: darker than this share of the way from print level to paper
PALE = 0.2  # a stroke at all: darker than paper by this share of the way to print level
HALO = 0.06  # print's soft edge, in text heights: kept with the print it surrounds
PAPER_PERCENTILE = 75  # the paper's brightness: most of a page is paper
SEAL_SIZE = 2.5  # a seal spans this many text heights both ways at least
MAX_SEAL = 16.0  # ... and at most (a 42 mm seal over 10.5 pt print: 12)
ROUND = 1.6  # a seal is round or oval: neither side longer than this many times the other
MAX_FILL = 0.5  # a seal is strokes: of its box, less than this is covered (shading is solid)
RING = 0.7  # a seal's ring runs round this share of the ellipse its box holds, at least
RING_BAND = (0.8, 1.05)  # where the ring lies, in shares of the ellipse's radius
RING_ANGLES = 48
PROBE_HEIGHT = 8.0  # a line of print, in cells of the grid the seal's shape is judged on
GREY_CHROMA = 40  # a page with any pixel this coloured is a colour page: its seals have colour


def grey_overlay(image: np.ndarray, lines: list[TextLine], text_height: float
                 ) -> tuple[tuple[int, int, int, int], np.ndarray] | None:
    """The box of the grey seals lying over lines of print in ``image`` (upright RGB, a grey
    scan), grown by a text height, and the mask of their strokes away from print; None on a
    page with colour, or where no seal's strokes cross print."""
    brightest, chroma = channels(image)
    if cv2.countNonZero((chroma >= GREY_CHROMA).view(np.uint8)):
        return None
    print_lines = [ln for ln in lines if not is_overlay(ln, text_height)]
    level, paper = print_level(brightest, print_lines), float(np.percentile(brightest, PAPER_PERCENTILE))
    if level is None or paper - level < 1.0:
        return None
    core = (brightest < level + CORE * (paper - level)).view(np.uint8)
    reach = max(1, round(HALO * text_height))
    halo = cv2.dilate(core, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    strokes = (brightest < paper - PALE * (paper - level)) & ~halo
    # the seal's shape, judged on a coarse grid: its ring, words and star joined into one piece
    factor = min(1.0, PROBE_HEIGHT / text_height)
    cells = cv2.resize(strokes.view(np.uint8) * 255, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA) > 0
    cells = cv2.morphologyEx(cells.view(np.uint8), cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(cells, connectivity=8)
    least, most = SEAL_SIZE * text_height * factor, MAX_SEAL * text_height * factor
    rows, cols = image.shape[:2]
    seals = []
    for index, (x, y, w, h, area) in enumerate(stats[1:], start=1):
        # a card's pale labels and border, a photo's shading: not a seal's size, shape or strokes
        if not (least <= min(w, h) and max(w, h) <= most and max(w, h) <= ROUND * min(w, h)) \
                or area > MAX_FILL * w * h or not _ringed(labels == index, x, y, w, h):
            continue
        box = (x / factor, y / factor, (x + w) / factor, (y + h) / factor)
        if any(_crosses(box, ln.bbox) for ln in print_lines):
            seals.append(box)
    if not seals:
        return None
    grow = text_height
    region = (max(0, int(min(b[0] for b in seals) - grow)), max(0, int(min(b[1] for b in seals) - grow)),
              min(cols, int(max(b[2] for b in seals) + grow)), min(rows, int(max(b[3] for b in seals) + grow)))
    return region, strokes


def lifted(image: np.ndarray, strokes: np.ndarray) -> np.ndarray:
    """``image`` with the grey seal's ``strokes`` (:func:`grey_overlay`) made paper white."""
    out = image.copy()
    out[strokes] = 255
    return out


def _ringed(piece: np.ndarray, x: int, y: int, w: int, h: int) -> bool:
    """Whether the cells of ``piece`` (its box ``x, y, w, h``) run round the ellipse the box
    holds, as a seal's ring does; a card's border meets that ellipse only at its four sides."""
    angles = np.linspace(0.0, 2 * np.pi, RING_ANGLES, endpoint=False)
    cx, cy = x + w / 2, y + h / 2
    found = np.zeros(RING_ANGLES, bool)
    for r in np.linspace(*RING_BAND, 6):
        cols = np.clip(np.round(cx - 0.5 + r * (w / 2) * np.cos(angles)).astype(int), 0, piece.shape[1] - 1)
        rows = np.clip(np.round(cy - 0.5 + r * (h / 2) * np.sin(angles)).astype(int), 0, piece.shape[0] - 1)
        found |= piece[rows, cols]
    return float(found.mean()) >= RING


def _crosses(seal: tuple[float, ...], line: tuple[float, ...]) -> bool:
    return seal[0] < line[2] and line[0] < seal[2] and seal[1] < line[3] and line[1] < seal[3]
