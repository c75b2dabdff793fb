"""Reading order: boxes grouped into rows, rows top to bottom, each row left to right.

Used twice, the same way: words of a PDF text layer are grouped into text lines like an OCR
detector would give, and OCR lines are put into reading order. Words on the same row form a
line; a wide horizontal gap (a table column, a label far from its value) splits it into separate
lines on the same row, because an OCR detector does the same and the field extractor pairs a
label with the value in the same or next line of a row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from dossier.model import BBox, TextLine

T = TypeVar("T")

SAME_ROW_OVERLAP = 0.5  # vertical overlap (share of the shorter word) for two words to share a row
TALL_ITEM = 2.0  # an item this many times the median height is a title or seal text, not a row
# a gap wider than this many line heights becomes a space: the text layer split the words at a
# blank or a visible gap, and a font's space may be narrow (Noto Sans SC's is 0.22 em)
SPACE_GAP = 0.1
SPLIT_GAP = 2.0  # gap wider than this many line heights starts a new line (next cell/column)


@dataclass(frozen=True)
class Word:
    """One word of a text layer, box in points (top-left origin)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _rows(items: list[T], box: Callable[[T], BBox]) -> list[list[T]]:
    """``items`` grouped into rows (vertical overlap), rows top to bottom, each left to right.

    Rows are formed by the ordinary items first. An item much taller than most (a large title,
    a seal's curved text) overlaps several rows: it joins the one it overlaps most without
    widening it, so it never glues two rows of body text into one line.
    """
    heights = sorted(box(i)[3] - box(i)[1] for i in items)
    median = heights[len(heights) // 2] if heights else 0.0
    tall = [i for i in items if median and box(i)[3] - box(i)[1] > TALL_ITEM * median]
    tall_ids = {id(i) for i in tall}
    rows: list[tuple[float, float, list[T]]] = []  # (top, bottom, members) of each row
    for item in sorted((i for i in items if id(i) not in tall_ids), key=lambda i: (box(i)[1] + box(i)[3]) / 2):
        _, top, _, bottom = box(item)
        n = _best_row(rows, top, bottom)
        if n is None:
            rows.append((top, bottom, [item]))
        else:
            row_top, row_bottom, members = rows[n]
            members.append(item)
            rows[n] = (min(row_top, top), max(row_bottom, bottom), members)
    for item in tall:
        _, top, _, bottom = box(item)
        n = _best_row(rows, top, bottom)
        if n is None:
            rows.append((top, bottom, [item]))
        else:
            rows[n][2].append(item)
    rows.sort(key=lambda r: r[0])
    return [sorted(members, key=lambda i: box(i)[0]) for _, _, members in rows]


def _best_row(rows: list[tuple[float, float, list]], top: float, bottom: float) -> int | None:
    """The row a box of vertical extent (top, bottom) overlaps most, if enough to share it."""
    best, best_share = None, SAME_ROW_OVERLAP
    for n, (row_top, row_bottom, _) in enumerate(rows):
        shorter = min(row_bottom - row_top, bottom - top) or 1.0
        share = (min(row_bottom, bottom) - max(row_top, top)) / shorter
        if share >= best_share and (best is None or share > best_share):
            best, best_share = n, share
    return best


def reading_order(lines: list[TextLine]) -> list[TextLine]:
    """``lines`` (e.g. from OCR, in engine order) in reading order."""
    return [line for row in _rows(lines, lambda ln: ln.bbox) for line in row]


def _line(words: list[Word], height: float) -> TextLine:
    parts = [words[0].text]
    for prev, word in zip(words, words[1:]):
        if word.x0 - prev.x1 > SPACE_GAP * height:
            parts.append(" ")
        parts.append(word.text)
    box = (min(w.x0 for w in words), min(w.top for w in words),
           max(w.x1 for w in words), max(w.bottom for w in words))
    return TextLine(text="".join(parts), confidence=1.0, bbox=tuple(round(v, 2) for v in box))  # type: ignore[arg-type]


def group_lines(words: list[Word]) -> list[TextLine]:
    """Text lines in reading order: rows top to bottom, segments of a row left to right."""
    lines: list[TextLine] = []
    for row in _rows([w for w in words if w.text.strip()], lambda w: (w.x0, w.top, w.x1, w.bottom)):
        height = max(w.height for w in row) or 1.0
        segment = [row[0]]
        for word in row[1:]:
            if word.x0 - segment[-1].x1 > SPLIT_GAP * height:
                lines.append(_line(segment, height))
                segment = []
            segment.append(word)
        lines.append(_line(segment, height))
    return lines
