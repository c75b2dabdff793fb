"""Person-by-month tables (社保 statements) read from positioned text cells.

Works on cell-level lines (OCR boxes, or text-layer words split at column gaps). A header row is
found by its labels; its cells define the columns (named columns, month columns such as
``2026-01``, or a range column such as 缴费起止); data rows below are clustered by height and
each cell goes to the column it overlaps most. Pages without their own header reuse the last one.
Rows of the same person (several ranges, or a table continued on the next page) are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from dossier.extract.layout import Line, same_row
from dossier.extract.normalize import NORMALISERS
from dossier.extract.spec import TableSpec

STOP_WORDS = ("合计", "以下空白", "打印日期", "经办机构", "备注", "说明：", "注：")


@dataclass
class Column:
    key: str  # a record key, "month:YYYY-MM", or "range"
    x0: float
    x1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class RecordRow:
    page: int
    cells: dict[str, list[Line]] = field(default_factory=dict)


def _header_key(line: Line, spec: TableSpec) -> str | None:
    text = line.compact
    for key, variants in spec.columns.items():
        if any(v in text for v in variants):
            return key
    if any(v in text for v in spec.months_header):
        return "range"
    month = NORMALISERS["month"](text)
    if month is not None and month.value and len(text) <= 10:
        return f"month:{month.value}"
    return None


def _find_header(lines: list[Line], spec: TableSpec) -> tuple[list[Column], float] | None:
    """The header row's columns (left to right) and the row's bottom edge."""
    name_variants = spec.columns.get("name", [])
    for anchor in lines:
        if not any(v == anchor.compact or anchor.compact.startswith(v) for v in name_variants):
            continue
        row = [ln for ln in lines if same_row(anchor, ln)]
        columns = []
        for cell in row:
            # unknown headers (序号, 备注) stay columns so their cells do not drift into neighbours
            key = _header_key(cell, spec) or f"other:{cell.compact}"
            columns.append(Column(key, cell.bbox[0], cell.bbox[2]))
        keys = {c.key for c in columns}
        if "name" in keys and ("id_number" in keys or any(k.startswith("month:") for k in keys)):
            return sorted(columns, key=lambda c: c.cx), max(ln.bbox[3] for ln in row)
    return None


def _assign(cell: Line, columns: list[Column]) -> Column:
    """The column a cell belongs to: most horizontal overlap, else nearest centre."""
    def overlap(col: Column) -> float:
        return min(cell.bbox[2], col.x1) - max(cell.bbox[0], col.x0)

    best = max(columns, key=overlap)
    if overlap(best) > 0:
        return best
    cx = (cell.bbox[0] + cell.bbox[2]) / 2
    return min(columns, key=lambda c: abs(c.cx - cx))


def _rows(lines: list[Line], header_bottom: float) -> list[list[Line]]:
    body = sorted((ln for ln in lines if ln.bbox[1] >= header_bottom - 1), key=lambda ln: ln.cy)
    if not body:
        return []
    tol = 0.5 * (median(ln.height for ln in body) or 1.0)
    rows: list[list[Line]] = [[body[0]]]
    for ln in body[1:]:
        if abs(ln.cy - median(x.cy for x in rows[-1])) <= tol:
            rows[-1].append(ln)
        else:
            rows.append([ln])
    return rows


def read_table(lines: list[Line], spec: TableSpec) -> list[dict]:
    """Records ``{name, id_number, insurance_types, months}`` from all pages of one statement."""
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    columns: list[Column] | None = None
    rows: list[RecordRow] = []
    for page in sorted(by_page):
        page_lines = by_page[page]
        header = _find_header(page_lines, spec)
        top = 0.0
        if header is not None:
            columns, top = header
        if columns is None:
            continue
        for row_lines in _rows(page_lines, top):
            if any(any(w in ln.compact for w in STOP_WORDS) for ln in row_lines):
                if rows:
                    break
                continue
            row = RecordRow(page)
            for cell in row_lines:
                col = _assign(cell, columns)
                row.cells.setdefault(col.key, []).append(cell)
            if "name" in row.cells or "id_number" in row.cells:
                rows.append(row)
    return _merge(rec for rec in (_record(row, spec) for row in rows) if _is_person(rec))


def _is_person(record: dict) -> bool:
    """A row that names a person: an ID-like value, or a short name (not a stray heading line)."""
    ident, name = record["id_number"] or "", record["name"] or ""
    return 15 <= len(ident) <= 20 or (0 < len(name) <= 8 and not any(c in name for c in ":："))


def _text(cells: list[Line] | None) -> str:
    return "".join(c.compact for c in cells or [])


def _record(row: RecordRow, spec: TableSpec) -> dict:
    name = NORMALISERS["name"](_text(row.cells.get("name")))
    ident = NORMALISERS["id_number"](_text(row.cells.get("id_number")))
    types = NORMALISERS["insurance_types"](_text(row.cells.get("insurance_types")))
    months: set[str] = set()
    for key, cells in row.cells.items():
        if key.startswith("month:") and any(m in _text(cells) for m in spec.marks):
            months.add(key.split(":", 1)[1])
    if "range" in row.cells:
        for cell in row.cells["range"]:
            parsed = NORMALISERS["month_range"](cell.compact)
            if parsed is not None and parsed.value:
                months.update(parsed.value)
    return {
        "name": name.value if name else None,
        "id_number": ident.value if ident else None,
        "insurance_types": list(types.value) if types and types.value else [],
        "months": sorted(months),
    }


def _merge(records) -> list[dict]:
    """One record per person: rows split over pages or ranges are united."""
    merged: dict[tuple, dict] = {}
    for rec in records:
        key = (rec["id_number"] or "", rec["name"] or "")
        if key in merged:
            into = merged[key]
            into["months"] = sorted(set(into["months"]) | set(rec["months"]))
            into["insurance_types"] += [t for t in rec["insurance_types"] if t not in into["insurance_types"]]
        else:
            merged[key] = rec
    return list(merged.values())
