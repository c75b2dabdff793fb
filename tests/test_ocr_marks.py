"""Filled marks the OCR engine does not read (●) are found by their shape (issue 14: a grid
statement marked with dots read as no month paid)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from conftest import cjk_ttf
from dossier.extract.ocr.marks import MARK_TEXT, find_marks
from dossier.model import TextLine


def page_with_a_marked_grid():
    """A 1000 x 400 px grid: a header of text, 3 rows x 6 month cells, dots in some cells; the
    lines an engine would have read (the text), not the dots."""
    image = Image.new("RGB", (1000, 400), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(cjk_ttf()), 24)
    lines = []
    for x, text in ((20, "姓名"), (140, "公民身份号码")):
        draw.text((x, 20), text, fill="black", font=font)
        lines.append(TextLine(text=text, bbox=(x, 20, x + 26 * len(text), 46)))
    paid = {(0, 0), (0, 1), (0, 5), (1, 2), (2, 3), (2, 4)}
    for row in range(3):
        y = 80 + row * 60
        draw.line((0, y - 10, 1000, y - 10), fill="black", width=2)  # the ruling of the table
        draw.text((20, y), "张伟", fill="black", font=font)
        lines.append(TextLine(text="张伟", bbox=(20, y, 72, y + 26)))
        for col in range(6):
            x = 400 + col * 90
            draw.line((x - 20, 70, x - 20, 260), fill="black", width=2)
            if (row, col) in paid:
                draw.ellipse((x + 20, y + 4, x + 38, y + 22), fill="black")
    draw.text((20, 300), "说明：本证明口回田", fill="black", font=font)  # boxy glyphs, read as text
    lines.append(TextLine(text="说明：本证明口回田", bbox=(20, 300, 260, 326)))
    return np.asarray(image), lines, paid


def test_filled_dots_outside_the_read_lines_become_marks_and_nothing_else_does():
    image, lines, paid = page_with_a_marked_grid()
    marks = find_marks(image, lines)
    assert all(m.text == MARK_TEXT and m.confidence < 0.9 for m in marks)
    found = {(round((m.bbox[1] - 84) / 60), round((m.bbox[0] - 420) / 90)) for m in marks}
    assert found == paid and len(marks) == len(paid)


def test_a_page_without_text_to_measure_by_gives_no_marks():
    image, _, _ = page_with_a_marked_grid()
    assert find_marks(image, []) == []
