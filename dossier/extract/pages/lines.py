"""Words with boxes (a PDF text layer) grouped into text lines like an OCR detector would give.

Words on the same baseline band form a line; a wide horizontal gap (a table column, a label far
from its value) splits it into separate lines on the same row, because an OCR detector does the
same and the field extractor pairs a label with the value in the same or next line of a row.
"""

from __future__ import annotations

from dataclasses import dataclass

from dossier.model import TextLine

SAME_ROW_OVERLAP = 0.5  # vertical overlap (share of the shorter word) for two words to share a row
SPACE_GAP = 0.25  # gap wider than this many line heights becomes a space
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


def _overlap(a_top: float, a_bottom: float, word: Word) -> float:
    inter = min(a_bottom, word.bottom) - max(a_top, word.top)
    shorter = min(a_bottom - a_top, word.height) or 1.0
    return inter / shorter


def _rows(words: list[Word]) -> list[list[Word]]:
    """Words grouped into rows, rows top to bottom."""
    rows: list[tuple[float, float, list[Word]]] = []  # (top, bottom, words) of each row
    for word in sorted(words, key=lambda w: ((w.top + w.bottom) / 2, w.x0)):
        for i, (top, bottom, members) in enumerate(rows):
            if _overlap(top, bottom, word) >= SAME_ROW_OVERLAP:
                members.append(word)
                rows[i] = (min(top, word.top), max(bottom, word.bottom), members)
                break
        else:
            rows.append((word.top, word.bottom, [word]))
    rows.sort(key=lambda r: r[0])
    return [members for _, _, members in rows]


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
    for row in _rows([w for w in words if w.text.strip()]):
        row.sort(key=lambda w: w.x0)
        height = max(w.height for w in row) or 1.0
        segment = [row[0]]
        for word in row[1:]:
            if word.x0 - segment[-1].x1 > SPLIT_GAP * height:
                lines.append(_line(segment, height))
                segment = []
            segment.append(word)
        lines.append(_line(segment, height))
    return lines
