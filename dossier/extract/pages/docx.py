"""Word (.docx) files: paragraphs and tables in document order, embedded images OCR'd as pages.

A .docx has no pages until Word lays it out, so its text is one page (page 1, source ``docx``)
with synthetic geometry the field extractor can use like a scan's:

* every line of a paragraph (a line break starts another) is a row, rows ``ROW_PITCH`` points
  apart, so ``y`` increases monotonically in document order starting at ``MARGIN``;
* a paragraph's line starts at the left margin;
* a table row's cells are separate lines on the same row, the usable width split evenly between
  the row's cells left to right (a label cell is then followed by its value cell, as on a scan);
  a cell of several paragraphs (a label over its value) stacks them, and the row is as tall as
  its tallest cell;
* widths follow the text (``CHAR_WIDTH`` per CJK character, half for others), clipped to the
  cell or the page; the page is A4 wide and as tall as its rows need.

Each embedded image (in body order, each once) is a further page, OCR'd like a scanned image.
Images too small to hold text (icons) or in formats Pillow cannot decode (EMF/WMF) are skipped
with a warning on page 1.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
import zlib
from pathlib import Path

import docx
from docx.document import Document
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from dossier.config import Settings
from dossier.errors import CorruptFile, InputFileError
from dossier.extract.ocr import OcrRunner, ocr_pages
from dossier.extract.pages.images import EmbeddedImage, open_checked
from dossier.extract.pages.outcomes import add_outcomes
from dossier.extract.pages.progress import PageCount, PageProgress
from dossier.model import FileText, PageText, TextLine, TextSource

PAGE_WIDTH = 595.28  # A4, points
MIN_PAGE_HEIGHT = 841.89
MARGIN = 72.0
ROW_PITCH = 18.0  # points from one row to the next
LINE_HEIGHT = 12.0  # height of each line's box
CHAR_WIDTH = 10.5  # a CJK character at 10.5 pt (五号), the usual body size
VECTOR_FORMATS = {"WMF", "EMF"}  # Pillow identifies them but cannot rasterise them on Linux

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_BLIP_EMBED = ".//{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_R_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"


def _text_width(text: str) -> float:
    return sum(CHAR_WIDTH if unicodedata.east_asian_width(ch) in ("W", "F") else CHAR_WIDTH / 2
               for ch in text)


def _cell_text(cell: _Cell) -> str:
    """A cell's own text, a line per paragraph (nested tables are rows of their own, see
    ``_table_rows``)."""
    return "\n".join(text for p in cell.paragraphs if (text := p.text.strip()))


def _table_rows(table: Table) -> list[list[str]]:
    """A table's rows, each a list of cell texts; a table nested in a cell (a licence printout's
    label | value grid inside its frame) gives its own rows after the row holding it, so its
    labels and values keep their cells instead of running together on one line."""
    rows: list[list[str]] = []
    for row in table.rows:
        cells = _unique_cells(row.cells)
        texts = [_cell_text(c) for c in cells]
        if any(texts):
            rows.append(texts)
        for cell in cells:
            for nested in cell.tables:
                rows.extend(_table_rows(nested))
    return rows


def _unique_cells(cells: list[_Cell]) -> list[_Cell]:
    # python-docx repeats a horizontally merged cell once per grid column it spans.
    seen: set[int] = set()
    out = []
    for cell in cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            out.append(cell)
    return out


def _rows(document: Document) -> list[list[str]]:
    """Body content in document order: one list of texts per row (a paragraph or a table row).

    Templates made by others put values where python-docx's body iteration does not look:
    content controls (``w:sdt``, form fields) wrap paragraphs and tables, and text boxes
    (``w:txbxContent``, floating labels and values) sit inside a paragraph's drawing; both are
    read in place, a text box's paragraphs as rows after the paragraph that anchors it.
    """
    rows: list[list[str]] = []

    def walk(parent) -> None:
        for element in parent.iterchildren():
            if element.tag == f"{_W}p":
                text = Paragraph(element, document).text.strip()
                if text:
                    rows.append([text])
                for box in element.iter(f"{_W}txbxContent"):
                    if box.getparent() is not None and _inside_fallback(box):
                        continue  # the VML copy of a DrawingML text box: read once
                    walk(box)
            elif element.tag == f"{_W}tbl":
                rows.extend(_table_rows(Table(element, document)))
            elif element.tag == f"{_W}sdt":
                content = element.find(f"{_W}sdtContent")
                if content is not None:
                    walk(content)

    walk(document.element.body)
    return rows


def _inside_fallback(element) -> bool:
    """Whether ``element`` lies in an ``mc:Fallback`` (the legacy copy of an ``mc:Choice``)."""
    node = element.getparent()
    while node is not None:
        if node.tag == f"{_MC}Fallback":
            return True
        node = node.getparent()
    return False


def _layout(rows: list[list[str]]) -> PageText:
    """The rows as lines with the synthetic geometry described in the module docstring."""
    usable = PAGE_WIDTH - 2 * MARGIN
    lines: list[TextLine] = []
    y = MARGIN
    for texts in rows:
        cell_width = usable / len(texts)
        stacks = [[part.strip() for part in text.split("\n")] for text in texts]
        for i, stack in enumerate(stacks):
            for k, text in enumerate(stack):
                if not text:
                    continue
                x0, top = MARGIN + i * cell_width, y + k * ROW_PITCH
                x1 = min(x0 + _text_width(text), x0 + cell_width)
                lines.append(TextLine(text=text, confidence=1.0,
                                      bbox=(round(x0, 2), round(top, 2), round(x1, 2), round(top + LINE_HEIGHT, 2))))
        y += ROW_PITCH * max(len(stack) for stack in stacks)
    return PageText(number=1, width=PAGE_WIDTH, height=max(MIN_PAGE_HEIGHT, round(y + MARGIN, 2)),
                    source=TextSource.docx, lines=lines)


def _images(document: Document, path: Path, settings: Settings,
            warnings: list[str]) -> list[EmbeddedImage]:
    """The body's images in order, each once, as OCR sources for pages 2, 3, ...; unusable ones
    become warnings."""
    sources: list[EmbeddedImage] = []
    seen: set[str] = set()
    for blip in document.element.body.iterfind(_BLIP_EMBED):
        rel_id = blip.get(_R_EMBED)
        part = document.part.related_parts.get(rel_id) if rel_id else None
        if part is None or part.partname in seen:
            continue
        seen.add(part.partname)
        try:
            with open_checked(io.BytesIO(part.blob), str(path), settings.max_image_pixels) as image:
                kind = image.format
        except InputFileError as exc:
            warnings.append(f"embedded image {part.partname} skipped: {exc.message}")
            continue
        if kind in VECTOR_FORMATS:
            warnings.append(f"embedded image {part.partname} skipped: {kind} vector drawing")
            continue
        sources.append(EmbeddedImage(str(path), 2 + len(sources), part.blob, settings.max_image_pixels))
    return sources


def _open(path: Path) -> Document:
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, KeyError,
            ValueError, OSError, etree.XMLSyntaxError) as exc:  # zip damage shows as any of these
        if isinstance(exc, (FileNotFoundError, PermissionError)):
            raise  # the file itself is not there or not ours to read: not a damaged document
        raise CorruptFile(f"the Word document cannot be read: {exc}", path=path,
                          reason_zh="Word 文档已损坏，无法读取（可在 Word 中打开后另存为 .docx 或 PDF 再提交）") from exc


def page_image(path: Path, number: int, settings: Settings) -> EmbeddedImage:
    """Page ``number`` (2 or more: an embedded image) as an image source; page 1 is text."""
    if number == 1:
        raise InputFileError("page 1 of a Word document is its text, not an image", path=path)
    images = _images(_open(path), path, settings, [])
    if not 2 <= number < 2 + len(images):
        raise InputFileError(f"page {number} does not exist ({1 + len(images)} pages)", path=path)
    return images[number - 2]


def read_docx(path: Path, *, sha256: str, media_type: str, settings: Settings, ocr: OcrRunner,
              progress: PageProgress | None = None) -> FileText:
    """Page 1: the document's text; pages 2...: its embedded images, OCR'd. ``progress`` hears
    of each page read."""
    document = _open(path)
    text_page = _layout(_rows(document))
    sources = _images(document, path, settings, text_page.warnings)
    count = PageCount(progress, 1 + len(sources))
    count.add()  # the text, read above
    result = FileText(sha256=sha256, media_type=media_type)
    return add_outcomes(result, {1: text_page, **ocr_pages(sha256, sources, ocr, settings, on_page=count.add)})
