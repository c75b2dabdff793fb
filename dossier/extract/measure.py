"""The size of a page's print, measured from the lines read on it: the unit in which marks, ink
and overlays on a page are judged, whatever its resolution; and the width of a character in it."""

from __future__ import annotations

import unicodedata

from dossier.model import BBox, TextLine


def char_weight(ch: str) -> float:
    """Display width of a character relative to a CJK ideograph (for sub-line boxes)."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


MIN_TEXT_LINES = 3  # fewer lines give no print size to measure by
# a line read on its slant (a "仅供…使用" overlay written across a copy) has a box spanning the
# lines of print it crosses; a line of print that a seal's edge joined stays under this
OVERLAY_HEIGHT = 3.0


def text_height(lines: list[TextLine], at_least: int = MIN_TEXT_LINES) -> float | None:
    """The median height of the lines of two characters or more; None with fewer than
    ``at_least`` of them."""
    heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in lines if len(ln.text.strip()) >= 2)
    return heights[len(heights) // 2] if heights and len(heights) >= at_least else None


def is_overlay(line: TextLine, height: float) -> bool:
    """Whether ``line`` is an overlay read on its slant: its box is taller than
    :data:`OVERLAY_HEIGHT` times the page's print ``height`` (see :func:`text_height`) and half
    again as tall as its own characters are wide. A title printed large (营业执照) is as tall as
    its characters are wide; a slanted line's box is as tall as the run of its characters rises."""
    box_height = line.bbox[3] - line.bbox[1]
    em = (line.bbox[2] - line.bbox[0]) / max(1.0, sum(char_weight(ch) for ch in line.text if not ch.isspace()))
    return box_height > OVERLAY_HEIGHT * height and box_height > 1.5 * em


def shared_height(a: BBox, b: BBox) -> float:
    """How much of their heights two boxes share (negative: the gap between them)."""
    return min(a[3], b[3]) - max(a[1], b[1])
