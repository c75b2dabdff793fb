"""Where a row of a table (a 社保 statement's person) stands on its page.

Records carry values only (the table reader keeps no geometry per row), so their evidence points
at the statement's first page. Cropping that would show every other person's ID number; instead
the row is found again among the page's text lines by its holder's ID number (else name), and
the crop shows the table's header and that one row, with the cited cell boxed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dossier.model import BBox
from dossier.store.schema import Document, Extraction, Page, Record, TextLine

RECORD_FIELD = re.compile(r"records\[(\d+)\]\.(\w+)")
_ANCHORS = ("id_number", "name")  # the cells that tell one row from another, best first
_HEADER_WORDS = ("姓名", "身份证", "社会保障号")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RowPlace:
    """A record's row: its page, the cited cell (boxed), the row band (from its start to the cited
    cell, or whole for a value spread over columns: the months) and the header band above it on
    the same page (None when the table's header is on an earlier page)."""

    page: int
    box: BBox
    row: BBox
    header: BBox | None


def _union(lines: list[TextLine]) -> BBox:
    return (min(ln.x0 for ln in lines), min(ln.y0 for ln in lines),
            max(ln.x1 for ln in lines), max(ln.y1 for ln in lines))


def _band(lines: list[TextLine], anchor: TextLine) -> list[TextLine]:
    """The lines whose middle lies within ``anchor``'s height: the cells of its row."""
    return [ln for ln in lines if anchor.y0 <= (ln.y0 + ln.y1) / 2 <= anchor.y1]


def _holds(line: TextLine, value: str) -> bool:
    return value in _SPACE.sub("", line.text)


def locate_record(session: Session, sha256: str, first_page: int, field: str) -> RowPlace | None:
    """The row of ``field`` (``records[3].id_number``) of the logical document starting on
    ``first_page`` of ``sha256``; None when the field is no record's or its row is not found in
    the page text."""
    match = RECORD_FIELD.fullmatch(field)
    if match is None:
        return None
    index, key = int(match.group(1)), match.group(2)
    found = session.execute(
        select(Extraction.page_count, Record.data, Document.id)
        .join(Record, Record.extraction_id == Extraction.id)
        .join(Document, Document.id == Extraction.document_id)
        .where(Document.sha256 == sha256, Extraction.first_page == first_page, Record.ordinal == index)).first()
    if found is None:
        return None
    page_count, data, document_id = found
    anchors = [str(data[k]) for k in _ANCHORS if isinstance(data.get(k), str) and data[k]]
    if not anchors:
        return None
    pages = session.scalars(
        select(Page).where(Page.document_id == document_id,
                           Page.number.between(first_page, first_page + max(page_count, 1) - 1))
        .order_by(Page.number).options(selectinload(Page.lines)))
    for page in pages:
        for anchor_value in anchors:
            anchor = next((ln for ln in page.lines if _holds(ln, anchor_value)), None)
            if anchor is None:
                continue
            row = _band(page.lines, anchor)
            cell = next((ln for ln in row if isinstance(data.get(key), str) and _holds(ln, str(data[key]))), None)
            heading = next((ln for ln in reversed(page.lines) if ln.y1 <= anchor.y0
                            and any(w in ln.text for w in _HEADER_WORDS)), None)
            band, header = _union(row), _union(_band(page.lines, heading)) if heading else None
            if cell is not None:  # the row up to the cited cell (name, number): legible at a card's width
                band = (band[0], band[1], cell.x1, band[3])
                header = (band[0], header[1], cell.x1, header[3]) if header else None
            return RowPlace(page=page.number, box=_union([cell]) if cell else _union(row), row=band, header=header)
    return None
