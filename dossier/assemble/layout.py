"""The packet's own pages, drawn with reportlab: cover, 总目录 and section dividers.

They are drawn into one PDF (one embedded font subset for all of them) after the body's page
count is known, so every page number printed here is final. The 目录's geometry is fixed (a set
number of rows per page), which lets the builder know how many 目录 pages there will be before
drawing them; the row rectangles are returned so the builder can make them clickable.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import date
from typing import Literal

from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from dossier.assemble.fonts import fit_text

PAGE_W, PAGE_H = A4
MARGIN = 56.0
ROW_H = 20.0
ROWS_PER_PAGE = 32
TOC_TOP = PAGE_H - 110  # top of the header row
# Column widths: 序号, 材料名称, 人员, 页码 (sum = page width - 2 margins).
COLUMNS = (48.0, PAGE_W - 2 * MARGIN - 48.0 - 110.0 - 70.0, 110.0, 70.0)
SECTION_FILL = Color(0.9, 0.9, 0.9)
CHINESE_ORDINALS = "一二三四五六七八九十"
COVER_TITLE = "建筑业企业资质申请附件材料"

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class TocRow:
    kind: Literal["section", "document"]
    number: str  # 序号: 一、二 for sections, 1, 2 … for documents
    title: str
    person: str
    page: int  # 1-based packet page where the entry starts


@dataclass(frozen=True)
class TocLink:
    toc_page: int  # 0-based index among the 目录 pages
    rect: Rect
    target: int  # 1-based packet page


@dataclass(frozen=True)
class Cover:
    company: str
    application_type_zh: str
    qualifications: tuple[str, ...]
    checklist_title: str
    on: date


@dataclass(frozen=True)
class Divider:
    number: int  # 1-based section number
    title: str
    first_page: int
    last_page: int
    groups: tuple[str, ...]  # people / projects in the section, for orientation


def toc_pages_needed(rows: int) -> int:
    """How many 目录 pages ``rows`` rows take (at least one: the 目录 is never left out)."""
    return max(1, math.ceil(rows / ROWS_PER_PAGE))


def section_ordinal(number: int) -> str:
    return CHINESE_ORDINALS[number - 1] if number <= len(CHINESE_ORDINALS) else str(number)


def render_front(cover: Cover, rows: list[TocRow], dividers: list[Divider], font: str) -> tuple[bytes, list[TocLink]]:
    """A PDF of the cover, the 目录 pages and the dividers, in that order; and the 目录's links."""
    buffer = io.BytesIO()
    # invariant=1: no creation date or random ID in what we draw, so rebuilds are identical.
    canvas = Canvas(buffer, pagesize=A4, invariant=1, pageCompression=1)
    _cover(canvas, cover, font)
    canvas.showPage()
    links: list[TocLink] = []
    for page in range(toc_pages_needed(len(rows))):
        chunk = rows[page * ROWS_PER_PAGE:(page + 1) * ROWS_PER_PAGE]
        links += _toc_page(canvas, chunk, page, font)
        canvas.showPage()
    for divider in dividers:
        _divider(canvas, divider, font)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue(), links


def _centered(canvas: Canvas, text: str, y: float, font: str, size: float) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(PAGE_W / 2, y, fit_text(text, font, size, PAGE_W - 2 * MARGIN))


def _cover(canvas: Canvas, cover: Cover, font: str) -> None:
    canvas.setFillColor(black)
    _centered(canvas, COVER_TITLE, PAGE_H * 0.70, font, 30)
    _centered(canvas, cover.company, PAGE_H * 0.58, font, 20)
    _centered(canvas, f"申请类型：{cover.application_type_zh}", PAGE_H * 0.48, font, 15)
    _centered(canvas, f"申请资质：{'、'.join(cover.qualifications)}", PAGE_H * 0.44, font, 15)
    _centered(canvas, cover.checklist_title, PAGE_H * 0.40, font, 12)
    _centered(canvas, f"{cover.on.year} 年 {cover.on.month:02d} 月 {cover.on.day:02d} 日", PAGE_H * 0.20, font, 15)


def _toc_page(canvas: Canvas, rows: list[TocRow], page: int, font: str) -> list[TocLink]:
    _centered(canvas, "总目录" if page == 0 else "总目录（续）", PAGE_H - 70, font, 20)
    x = [MARGIN]
    for width in COLUMNS:
        x.append(x[-1] + width)
    _row(canvas, x, TOC_TOP, ("序号", "材料名称", "人员", "页码"), font, 11, fill=SECTION_FILL)
    links = []
    for i, row in enumerate(rows):
        top = TOC_TOP - (i + 1) * ROW_H
        if row.kind == "section":
            _row(canvas, x, top, (row.number, row.title, "", str(row.page)), font, 11, fill=SECTION_FILL)
        else:
            _row(canvas, x, top, (row.number, row.title, row.person, str(row.page)), font, 10)
        links.append(TocLink(page, (x[0], top - ROW_H, x[-1], top), row.page))
    return links


def _row(canvas: Canvas, x: list[float], top: float, cells: tuple[str, ...], font: str, size: float,
         fill: Color | None = None) -> None:
    if fill is not None:
        canvas.setFillColor(fill)
        canvas.rect(x[0], top - ROW_H, x[-1] - x[0], ROW_H, stroke=0, fill=1)
    canvas.setFillColor(black)
    canvas.setLineWidth(0.5)
    canvas.rect(x[0], top - ROW_H, x[-1] - x[0], ROW_H, stroke=1, fill=0)
    canvas.setFont(font, size)
    baseline = top - ROW_H + (ROW_H - size) / 2 + 2
    for i, text in enumerate(cells):
        if i:
            canvas.line(x[i], top, x[i], top - ROW_H)
        width = x[i + 1] - x[i] - 8
        text = fit_text(text, font, size, width)
        if i in (0, 3):  # 序号 and 页码 read best centred
            canvas.drawCentredString((x[i] + x[i + 1]) / 2, baseline, text)
        else:
            canvas.drawString(x[i] + 4, baseline, text)


def _divider(canvas: Canvas, divider: Divider, font: str) -> None:
    canvas.setFillColor(black)
    _centered(canvas, f"第{section_ordinal(divider.number)}部分", PAGE_H * 0.64, font, 16)
    _centered(canvas, divider.title, PAGE_H * 0.56, font, 32)
    _centered(canvas, f"第 {divider.first_page} 页至第 {divider.last_page} 页", PAGE_H * 0.50, font, 13)
    canvas.setFont(font, 11)
    y = PAGE_H * 0.42
    shown = divider.groups[:18]  # orientation, not a second 目录: the first few suffice
    for title in shown:
        canvas.drawCentredString(PAGE_W / 2, y, fit_text(title, font, 11, PAGE_W - 2 * MARGIN))
        y -= 16
    if len(divider.groups) > len(shown):
        canvas.drawCentredString(PAGE_W / 2, y, f"……等共 {len(divider.groups)} 项")
