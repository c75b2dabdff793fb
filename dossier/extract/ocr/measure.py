"""The size of a page's print, measured from the lines the engine read: the unit in which marks,
ink and overlays on a page are judged, whatever its resolution."""

from __future__ import annotations

from dossier.model import TextLine

MIN_TEXT_LINES = 3  # fewer lines give no print size to measure by


def text_height(lines: list[TextLine], at_least: int = MIN_TEXT_LINES) -> float | None:
    """The median height of the lines of two characters or more; None with fewer than
    ``at_least`` of them."""
    heights = sorted(ln.bbox[3] - ln.bbox[1] for ln in lines if len(ln.text.strip()) >= 2)
    return heights[len(heights) // 2] if heights and len(heights) >= at_least else None
