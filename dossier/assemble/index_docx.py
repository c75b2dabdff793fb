"""index.docx: the 目录 as a Word table (序号, 材料名称, 人员, 页码), the packet's page numbers.

Deterministic like the packet: fixed core-property dates, and the .docx zip rewritten with fixed
entry timestamps (python-docx stamps each entry with the current time).
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.shared import Pt

from dossier.assemble.layout import TocRow

EAST_ASIAN_FONT = "宋体"
_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def write_index_docx(rows: list[TocRow], *, title: str, company: str, on: date, out: Path) -> None:
    """Write the 目录 ``rows`` as a table to ``out``."""
    document = docx.Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    # Without an eastAsia font Word falls back to a Latin font for 汉字 on some systems.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), EAST_ASIAN_FONT)
    document.add_heading("总目录", level=1)
    document.add_paragraph(f"{company}　{title}")
    # All rows at once: python-docx's add_row re-reads the table each time (quadratic).
    table = document.add_table(rows=len(rows) + 1, cols=4)
    table.style = "Table Grid"
    header = (("序号", "材料名称", "人员", "页码"), True)
    body = [((r.number, r.title, r.person, str(r.page)), r.kind == "section") for r in rows]
    for row, (texts, bold) in zip(table.rows, [header, *body]):
        for cell, text in zip(row.cells, texts):
            cell.paragraphs[0].add_run(text).bold = bold
    moment = datetime(on.year, on.month, on.day, tzinfo=timezone.utc)
    props = document.core_properties
    props.title, props.author, props.last_modified_by = f"{title} 总目录", company, "dossier"
    props.created = props.modified = props.last_printed = moment
    props.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    out.write_bytes(_fixed_zip(buffer.getvalue()))


def _fixed_zip(data: bytes) -> bytes:
    """The same zip with every entry's timestamp fixed (and so the same bytes every time)."""
    result = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(result, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=_ZIP_EPOCH)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            target.writestr(fixed, source.read(info.filename))
    return result.getvalue()
