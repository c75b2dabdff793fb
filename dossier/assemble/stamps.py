"""What is stamped over every page: the page number, the optional watermark, the draft mark.

All stamps are drawn into one overlay PDF, one overlay page per packet page, sized to the
packet page's visible box; the builder lays each over its page. A page shown rotated (/Rotate)
gets its stamps drawn in the rotated frame, so they read upright where a person reads the page.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from reportlab.lib.colors import Color, white
from reportlab.pdfgen.canvas import Canvas

from dossier.assemble.fonts import fit_text

NUMBER_SIZE = 10.0
NUMBER_BASELINE = 16.0  # points above the bottom edge
WATERMARK_COLOR = Color(0.45, 0.45, 0.45)
WATERMARK_ALPHA = 0.18
DRAFT_TEXT = "草稿"
DRAFT_COLOR = Color(0.8, 0.0, 0.0)


@dataclass(frozen=True)
class PageFrame:
    """A packet page's visible box (in its own user space) and its /Rotate."""

    width: float
    height: float
    rotate: int = 0  # 0, 90, 180, 270


@dataclass(frozen=True)
class StampSet:
    page_number_format: str  # "第 {page} 页 共 {total} 页"
    watermark: str | None
    draft: bool


def render_stamps(frames: list[PageFrame], stamps: StampSet, font: str) -> bytes:
    """The overlay PDF: page i carries the stamps of packet page i + 1."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, pageCompression=1)
    total = len(frames)
    for number, frame in enumerate(frames, start=1):
        canvas.setPageSize((frame.width, frame.height))
        width, height = _upright(canvas, frame)
        if stamps.watermark:
            _watermark(canvas, stamps.watermark, width, height, font)
        if stamps.draft:
            _draft(canvas, width, height, font)
        _page_number(canvas, stamps.page_number_format.format(page=number, total=total), width, font)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _upright(canvas: Canvas, frame: PageFrame) -> tuple[float, float]:
    """Map the reading frame onto the page's user space; the reading frame's (width, height)."""
    w, h, rotate = frame.width, frame.height, frame.rotate % 360
    # A page shown turned clockwise by `rotate`: draw in display coordinates (X, Y) and map them
    # back to user space (x, y) — e.g. for 90: x = w - Y, y = X.
    if rotate == 90:
        canvas.transform(0, 1, -1, 0, w, 0)
        return h, w
    if rotate == 180:
        canvas.transform(-1, 0, 0, -1, w, h)
    elif rotate == 270:
        canvas.transform(0, -1, 1, 0, 0, h)
        return h, w
    return w, h


def _page_number(canvas: Canvas, text: str, width: float, font: str) -> None:
    # A white backing keeps the number legible over a full-bleed scan.
    text_width = canvas.stringWidth(text, font, NUMBER_SIZE)
    canvas.saveState()
    canvas.setFillColor(white)
    canvas.setFillAlpha(0.85)
    canvas.rect((width - text_width) / 2 - 4, NUMBER_BASELINE - 3, text_width + 8, NUMBER_SIZE + 4, stroke=0, fill=1)
    canvas.restoreState()
    canvas.setFont(font, NUMBER_SIZE)
    canvas.drawCentredString(width / 2, NUMBER_BASELINE, text)


def _watermark(canvas: Canvas, text: str, width: float, height: float, font: str) -> None:
    size = min(width, height) / 14
    canvas.saveState()
    canvas.setFillColor(WATERMARK_COLOR)
    canvas.setFillAlpha(WATERMARK_ALPHA)
    canvas.setFont(font, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(math.degrees(math.atan2(height, width)))
    diagonal = math.hypot(width, height)
    text = fit_text(text, font, size, diagonal * 0.8)
    spacing = min(width, height) / 3
    for offset in (-spacing, 0, spacing):  # three lines: no crop or fold hides all of them
        canvas.drawCentredString(0, offset, text)
    canvas.restoreState()


def _draft(canvas: Canvas, width: float, height: float, font: str) -> None:
    size = 28
    box_w = canvas.stringWidth(DRAFT_TEXT, font, size) + 16
    canvas.saveState()
    canvas.setStrokeColor(DRAFT_COLOR)
    canvas.setFillColor(DRAFT_COLOR)
    canvas.setFillAlpha(0.7)
    canvas.setStrokeAlpha(0.7)
    canvas.setLineWidth(2)
    x, y = width - box_w - 24, height - size - 32
    canvas.rect(x, y - 8, box_w, size + 14, stroke=1, fill=0)
    canvas.setFont(font, size)
    canvas.drawString(x + 8, y, DRAFT_TEXT)
    canvas.restoreState()
