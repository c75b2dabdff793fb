"""Geometry and label matching over text lines.

Lines come from a text layer, OCR or docx alike (``dossier.model.TextLine``, points, top-left
origin). Matching happens on a *compact* form of each line (whitespace removed, full-width colon
folded) because OCR and typesetting both scatter spaces inside labels (姓 名, 有 效 期); every
compact index maps back to the original text so a value keeps an approximate box of its own.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from functools import cached_property

from dossier.model import BBox, TextLine

SEPARATORS = set(":：|/、,，;；()（）[]【】<>《》")


def _char_weight(ch: str) -> float:
    """Display width of a character relative to a CJK ideograph (for sub-line boxes)."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.55


@dataclass
class Line:
    """A text line with its compact form and the map from compact to original indices."""

    index: int
    page: int
    source: TextLine
    compact: str = field(init=False)
    _map: list[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        chars, positions = [], []
        for i, ch in enumerate(self.source.text):
            if ch.isspace():
                continue
            chars.append(ch)
            positions.append(i)
        self.compact = "".join(chars)
        self._map = positions

    @property
    def bbox(self) -> BBox:
        return self.source.bbox

    @property
    def confidence(self) -> float:
        return self.source.confidence

    @cached_property
    def _offsets(self) -> list[float]:
        """Cumulative display width before each original character."""
        acc, out = 0.0, []
        for ch in self.source.text:
            out.append(acc)
            acc += _char_weight(ch)
        out.append(acc)
        return out

    def sub_bbox(self, start: int, end: int) -> BBox:
        """Approximate box of compact characters ``[start, end)``."""
        if not self.compact or start >= end:
            return self.bbox
        x0, y0, x1, y1 = self.bbox
        offsets = self._offsets
        total = offsets[-1] or 1.0
        a = offsets[self._map[start]]
        b = offsets[self._map[end - 1] + 1]
        width = x1 - x0
        return (x0 + width * a / total, y0, x0 + width * b / total, y1)

    @property
    def height(self) -> float:
        return self.bbox[3] - self.bbox[1]

    @property
    def cy(self) -> float:
        return (self.bbox[1] + self.bbox[3]) / 2


def make_lines(pages: list[tuple[int, list[TextLine]]]) -> list[Line]:
    """Number the lines of several pages in reading order (page, then top-down, left-right)."""
    out: list[Line] = []
    for page, lines in pages:
        ordered = sorted(lines, key=lambda ln: (round(ln.bbox[1] / 4), ln.bbox[0]))
        for tl in ordered:
            if tl.text.strip():
                out.append(Line(len(out), page, tl))
    return out


@dataclass(frozen=True)
class LabelHit:
    line: Line
    label: str
    start: int  # compact index of the label
    end: int  # compact index just past the label


def find_labels(line: Line, labels: list[str], vocabulary: tuple[str, ...]) -> list[LabelHit]:
    """Occurrences of ``labels`` in ``line``, longest first, non-overlapping.

    An occurrence is rejected when a longer vocabulary label covers it (名称 inside 工程名称,
    有效期 inside 注册专业有效期): the printed label is the longer one.
    """
    text = line.compact
    hits: list[LabelHit] = []
    taken = [False] * len(text)
    for label in sorted({lb.replace(" ", "") for lb in labels}, key=len, reverse=True):
        start = text.find(label)
        while start >= 0:
            end = start + len(label)
            if not any(taken[start:end]) and not _covered(text, start, end, vocabulary):
                hits.append(LabelHit(line, label, start, end))
                for i in range(start, end):
                    taken[i] = True
            start = text.find(label, start + 1)
    return sorted(hits, key=lambda h: h.start)


def _covered(text: str, start: int, end: int, vocabulary: tuple[str, ...]) -> bool:
    label_len = end - start
    for other in vocabulary:
        if len(other) <= label_len:
            break
        lo = max(0, end - len(other))
        hi = min(start, len(text) - len(other))
        for s in range(lo, hi + 1):
            if text.startswith(other, s) and s <= start and s + len(other) >= end:
                return True
    return False


def strip_separators(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim colons, brackets and similar from both ends of ``text[start:end]``."""
    while start < end and text[start] in SEPARATORS:
        start += 1
    while end > start and text[end - 1] in ":：|、,，;；":
        end -= 1
    return start, end


def same_row(a: Line, b: Line) -> bool:
    """True when ``b``'s vertical centre lies within ``a``'s line box (a table row)."""
    return a.page == b.page and a.bbox[1] - 0.2 * a.height <= b.cy <= a.bbox[3] + 0.2 * a.height


def right_of(anchor: Line, x: float, lines: list[Line]) -> list[Line]:
    """Lines on the same row as ``anchor`` starting at or right of ``x``, nearest first."""
    # OCR boxes of a label and its value often overlap by a few points
    slack = max(4.0, 0.6 * anchor.height)
    row = [ln for ln in lines if ln is not anchor and same_row(anchor, ln) and ln.bbox[0] >= x - slack]
    return sorted(row, key=lambda ln: ln.bbox[0])


def below(anchor: Line, x0: float, x1: float, lines: list[Line], max_gap_lines: float = 3.0) -> list[Line]:
    """Lines under ``anchor`` overlapping ``[x0, x1]`` horizontally, within a few line heights."""
    limit = anchor.bbox[3] + max_gap_lines * max(anchor.height, 6.0)
    out = [ln for ln in lines if ln.page == anchor.page and ln.bbox[1] >= anchor.bbox[3] - 0.3 * anchor.height
           and ln.bbox[1] <= limit and ln.bbox[0] < x1 + 0.5 * (x1 - x0 + 1) and ln.bbox[2] > x0]
    return sorted(out, key=lambda ln: (ln.bbox[1], ln.bbox[0]))


def union(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))
