"""Person-by-month tables (社保 statements) read from positioned text cells.

Works on cell-level lines (OCR boxes, or text-layer words split at column gaps). Three shapes:

* a grid, a row per person and a column per month: the header's month cells read ``2026-01`` or
  ``1月`` / ``01月`` (the year then comes from the cell above the month's, or a year printed on
  the page: 缴费年度：2026, 2026年度); a month is paid when its cell holds a mark (✓ √ 是 …) or an
  amount, not when it is empty or holds a dash or 未缴;
* rows per person with a range column (缴费起止 2024.01-2026.11), several rows per person allowed;
* a statement per person (个人参保缴费证明): 姓名 and 身份证号 printed as labelled values, then a
  row per month (or range) under a header with a month column and no name column; the section
  runs to the next person's labels.

A header row is found by its labels; its cells define the columns; data rows below are
clustered by height and each cell goes to the column it overlaps most. Pages without their own
header reuse the last one. Rows of the same person (several ranges, a table continued on the next
page) are merged.

Each record carries ``confidence``: how sure the reading of its name and ID number is (the
weakest character of the cells they came from, doubted further for a name that does not open with
a surname or holds a common look-alike of a rarer character), and of its months (a range held
against the row's printed month count, 月数), so that a statement's row read amiss is a doubt, not
a person with another name or a gap in the insurance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from statistics import median

import numpy as np

from dossier.extract.completeness import misread_words, opening_doubt
from dossier.extract.layout import Line, same_row
from dossier.extract.normalize import NORMALISERS
from dossier.extract.normalize.dates import months_from
from dossier.extract.normalize.text import one_off
from dossier.extract.ocr.marks import MARK_TEXT
from dossier.extract.spec import TableSpec
from dossier.validate.identifiers import id_problem

STOP_WORDS = ("合计", "以下空白", "打印日期", "经办机构", "备注", "说明：", "注：")
# a month cell that holds one of these (or nothing) was not paid, whatever else is in it
UNPAID = ("未缴", "欠缴", "中断", "停保", "暂停", "×", "✗", "✕")
_MONTH_OF_YEAR = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:份)?$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_LONG_NUMBER = re.compile(r"\d{8,}")
_AMOUNT = re.compile(r"^[¥￥]?\d[\d,，]*(?:\.\d{1,2})?$")


@dataclass
class Column:
    key: str  # a record key, "month:YYYY-MM", or "range"
    x0: float
    x1: float
    cy: float | None = None  # the header cell's vertical centre: the row's lean across the page

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2


@dataclass
class RecordRow:
    page: int
    cells: dict[str, list[Line]] = field(default_factory=dict)
    months_sure: float = 1.0  # at most this sure of the row's months (a month column left unread)


def _header_cells(cell: Line) -> list[tuple[str, float, float]]:
    """The header texts of one box with their horizontal extents: a text layer joins month
    headers set close together into one line (2026.02 2026.03 …): each spaced word is a cell."""
    words = list(re.finditer(r"\S+", cell.source.text))
    if len(words) < 2 or not all(_is_month(w.group(0)) for w in words):
        return [(cell.compact, cell.bbox[0], cell.bbox[2])]
    out, start = [], 0
    for word in words:
        end = start + len(word.group(0))
        x0, _, x1, _ = cell.sub_bbox(start, end)
        out.append((word.group(0), x0, x1))
        start = end
    return out


def _x_overlap(a: Line, b: Line) -> float:
    return min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])


STACK_GAP = 0.8  # the two lines of a wrapped header cell stand this many line heights apart, at most (a
# text layer's leading: LibreOffice sets 2026 and 02 0.6 of a line apart)


def _stacked_month(cell: Line, lines: list[Line]) -> tuple[str, float, float, float] | None:
    """A month header wrapped in its narrow cell (2025- over 03, 2025年 over 03月, 2026.1 over 0): the two lines,
    one right above the other, that read as a month together, with their horizontal extent and
    vertical centre."""
    h = max(cell.height, 1.0)
    for other in lines:
        if other is cell or other.page != cell.page:
            continue
        upper, lower = (other, cell) if other.cy < cell.cy else (cell, other)
        width = min(upper.bbox[2] - upper.bbox[0], lower.bbox[2] - lower.bbox[0])
        if -0.3 * h <= lower.bbox[1] - upper.bbox[3] <= STACK_GAP * h and _x_overlap(upper, lower) >= 0.5 * width:
            text = upper.compact + lower.compact
            # the upper part may read as a month alone (2026.1 over 0 is 2026.10, not January)
            if not _is_month(lower.compact) and _is_month(text) and (
                    not _is_month(upper.compact) or NORMALISERS["month"](text).value != NORMALISERS["month"](upper.compact).value):
                return (text, min(upper.bbox[0], lower.bbox[0]), max(upper.bbox[2], lower.bbox[2]),
                        (upper.bbox[1] + lower.bbox[3]) / 2)
    return None


def _is_month(text: str) -> bool:
    month = NORMALISERS["month"](text)
    return bool(month and month.value and len(text) <= 10) or bool(_MONTH_OF_YEAR.match(text))


def _header_key(text: str, spec: TableSpec) -> str | None:
    for key, variants in spec.columns.items():
        if any(v in text for v in variants):
            return key
    kinds = NORMALISERS["insurance_types"](text)
    if kinds is not None and len(kinds.value) == 1 and len(text) <= 6:
        return f"ins:{kinds.value[0]}"  # a column per insurance type, its cells marked paid or not
    if re.sub(r"[（(].*$", "", text) in spec.month_count_header:
        # the whole header (月数（个）), not a part: 累计月数 is a running total, not the row's;
        # before the range: 缴费月份数 holds 缴费月份
        return "count"
    if any(v in text for v in spec.months_header):
        return "range"
    bare = _MONTH_OF_YEAR.match(text)
    if bare:
        if bare.group(1):
            return f"month:{int(bare.group(1)):04d}-{int(bare.group(2)):02d}"
        if 1 <= int(bare.group(2)) <= 12:
            return f"moy:{int(bare.group(2))}"  # month of a year printed elsewhere
    month = NORMALISERS["month"](text)
    if month is not None and month.value and len(text) <= 10:
        return f"month:{month.value}"
    return None


def _find_header(lines: list[Line], spec: TableSpec, *, named: bool = True) -> tuple[list[Column], float] | None:
    """The header row's columns (left to right) and the row's bottom edge.

    ``named``: the row has a name column and an ID or month columns (a table of people); else a
    month or range column and no name column (one person's statement, a row per month)."""
    anchors = spec.columns.get("name", []) if named else [*spec.months_header, "月"]
    for anchor in lines:
        if named and not any(_heads(anchor.compact, v) for v in anchors):
            continue
        if not named and (len(anchor.compact) > 8 or _header_key(anchor.compact, spec) != "range"):
            continue  # a column header is short: 缴费期间：2026.01-2026.12 is a labelled value
        row = [ln for ln in lines if same_row(anchor, ln)]
        # months off the anchor's row: one set higher in a two-line header (2025-11 beside 2025-
        # over 12), the far end of a leaning scan's header
        # (a value of the first body row may already sit in the row where such a month is: the
        # month is the header, the value goes below)
        row += [ln for ln in lines if ln not in row and abs(ln.cy - anchor.cy) <= 2.0 * max(anchor.height, 1.0)
                and not any(_x_overlap(ln, r) > 0 for r in row if _header_key(r.compact, spec) is not None)
                and (_is_month(ln.compact) or _stacked_month(ln, lines) is not None)]
        row += _month_chain(row, lines)
        # on a leaning scan the first body row reaches into the header's row: a cell no header
        # names, with another cell of the row above it in its column, is a value (a two-row
        # header's lower cells, 养老 under 参保险种, name their columns and stay)
        row = [ln for ln in row if _header_key(ln.compact, spec) is not None
               or not any(_x_overlap(ln, o) > 0 and o.cy < ln.cy - 0.5 * ln.height for o in row)]
        columns = []
        for cell in row:
            stacked = _stacked_month(cell, lines)
            for text, x0, x1, cy in [(*c, cell.cy) for c in _header_cells(cell)] if stacked is None else [stacked]:
                # unknown headers (序号, 备注) stay columns so their cells do not drift into neighbours
                key = _header_key(text, spec) or f"other:{text}"
                if not any(c.key == key and c.x0 <= (x0 + x1) / 2 <= c.x1 for c in columns):
                    columns.append(Column(key, x0, x1, cy))
        keys = {c.key for c in columns}
        # (word by word: a text layer joins month headers 202605 202606 … into one line)
        if any(_LONG_NUMBER.search(word) for cell in row for word in cell.source.text.split()):
            continue  # a row holding an ID number is a person's line, not a header (姓名 | 陆骁 | 身份证号 | 5101…)
        dated = any(k.startswith(("month:", "moy:")) for k in keys)
        if named and "name" in keys and ("id_number" in keys or dated):
            columns = _dated(sorted(columns, key=lambda c: c.cx), row, lines)
            return columns, _bottom(row, columns)
        if not named and "name" not in keys and len(columns) >= 2:
            columns = sorted(columns, key=lambda c: c.cx)
            return columns, _bottom(row, columns)
    return None


def _month_chain(row: list[Line], lines: list[Line]) -> list[Line]:
    """Month headers that continue the row's months along its slant: a photo taken at an angle
    sets the far end of a long header lower than any fixed reach from its anchor allows, but each
    month cell sits level with the one beside it."""
    chain = [ln for ln in row if _is_month(ln.compact)]
    found: list[Line] = []
    while True:
        more = [ln for ln in lines if ln not in row and ln not in found and _is_month(ln.compact)
                and any(abs(ln.cy - m.cy) <= CHAIN_LEVEL * max(m.height, 1.0)
                        and max(ln.bbox[0] - m.bbox[2], m.bbox[0] - ln.bbox[2]) <= CHAIN_GAP * max(m.height, 1.0)
                        for m in chain)]
        if not more:
            return found
        found += more
        chain += more


CHAIN_LEVEL = 0.6  # a month header beside another sits within this share of its height of it
CHAIN_GAP = 1.5  # and this many text heights from it at most


def _bottom(row: list[Line], columns: list[Column]) -> float:
    """Where a header row ends, levelled as :func:`_rows` levels the body: the middle of its
    cells' bottoms (a scanned row leans, and the first data row's cells may reach above its
    lowest header cell)."""
    slope, x_ref = _lean(columns), columns[0].cx if columns else 0.0
    return median(ln.bbox[3] - slope * ((ln.bbox[0] + ln.bbox[2]) / 2 - x_ref) for ln in row)


def _heads(text: str, label: str) -> bool:
    """Whether a cell is the column header ``label`` (姓名, 姓名(中文)), not a labelled value
    (姓名：周建国 names one person above their own statement)."""
    return text.startswith(label) and len(text) <= len(label) + 4 and not any(c in text for c in ":：")


def _dated(columns: list[Column], row: list[Line], lines: list[Line]) -> list[Column]:
    """Month-of-year columns (``1月``) given their year: the year printed in a header cell above
    them (a two-row header), else the year printed most often above the table on the page (缴费
    年度：2026, 2026年度); a month after a later month of the row starts the next year."""
    if not any(c.key.startswith("moy:") for c in columns):
        return columns
    top = min(ln.bbox[1] for ln in row)
    above = [ln for ln in lines if ln.bbox[3] <= top + 1.0]
    page_years = [int(m.group(1)) for ln in above for m in _YEAR.finditer(ln.compact)]
    fallback = max(set(page_years), key=lambda y: (page_years.count(y), y)) if page_years else None
    out, year, last = [], None, 0
    for col in columns:
        if not col.key.startswith("moy:"):
            out.append(col)
            continue
        month = int(col.key[4:])
        over = [ln for ln in above if ln.bbox[1] >= top - 4 * max(ln.height, 1.0)
                and min(ln.bbox[2], col.x1) - max(ln.bbox[0], col.x0) > 0]
        printed = next((int(m.group(1)) for ln in sorted(over, key=lambda ln: -ln.bbox[3])
                        for m in _YEAR.finditer(ln.compact)), None)
        if printed is not None:
            year = printed
        elif year is None:
            year = fallback
        elif month < last:
            year += 1
        last = month
        if year is None:
            continue  # no year anywhere: the column cannot be dated
        out.append(Column(f"month:{year:04d}-{month:02d}", col.x0, col.x1, col.cy))
    return out


def _assign(cell: Line, columns: list[Column], shift: float) -> Column:
    """The column a cell belongs to: most horizontal overlap, else nearest centre; the cell moved
    ``shift`` points left first (how far leaning columns carried it right, :func:`_drift`)."""
    x0, x1 = cell.bbox[0] - shift, cell.bbox[2] - shift

    def overlap(col: Column) -> float:
        return min(x1, col.x1) - max(x0, col.x0)

    best = max(columns, key=overlap)
    if overlap(best) > 0:
        return best
    cx = (x0 + x1) / 2
    return min(columns, key=lambda c: abs(c.cx - cx))


def _header_y(columns: list[Column]) -> float:
    ys = [c.cy for c in columns if c.cy is not None]
    return median(ys) if ys else 0.0


MAX_DRIFT = 0.15  # columns leaning more than ~8.5°: a photo too skewed to read a grid from
DRIFT_KEYS = ("id_number", "name")  # columns whose cells are wide and certain: they show the lean


def _drift(rows: list[tuple[float, RecordRow]], text: float) -> float:
    """How far the table's columns lean per point down the page: the least-squares slope of the
    centres of one certain column's cells over the rows (a phone photo leans its columns apart
    from its rows, so the header's slope does not tell); 0 when too few rows or too short a run."""
    for key in DRIFT_KEYS:
        points = [((c.bbox[0] + c.bbox[2]) / 2, c.cy) for _, row in rows for c in row.cells.get(key, [])[:1]]
        if len(points) < 3 or max(y for _, y in points) - min(y for _, y in points) < 3 * text:
            continue
        mx = sum(x for x, _ in points) / len(points)
        my = sum(y for _, y in points) / len(points)
        syy = sum((y - my) ** 2 for _, y in points)
        slope = sum((x - mx) * (y - my) for x, y in points) / syy
        return max(-MAX_DRIFT, min(MAX_DRIFT, slope))
    return 0.0


MAX_LEAN = 0.15  # ~8.5°: a phone photo of a statement leans this much and is read as it lies


def _lean(columns: list[Column]) -> float:
    """How much the header row rises or falls per point across the page (a scan laid a little
    askew): the least-squares slope through its cells' centres; 0 when too few to tell."""
    points = [(c.cx, c.cy) for c in columns if c.cy is not None]
    if len(points) < 3 or max(x for x, _ in points) - min(x for x, _ in points) < 200:
        return 0.0
    mx = sum(x for x, _ in points) / len(points)
    my = sum(y for _, y in points) / len(points)
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx
    return max(-MAX_LEAN, min(MAX_LEAN, slope))


def _text_height(lines: list[Line]) -> float:
    """The median height of the lines' text: marks found by shape (●) are smaller than text and do
    not count, unless there is nothing else."""
    heights = [ln.height for ln in lines if ln.source.text != MARK_TEXT] or [ln.height for ln in lines]
    return (median(heights) if heights else 0.0) or 1.0


def _marks_lean(lines: list[Line]) -> float | None:
    """How much the body's rows rise or fall per point, from the marks ticked along them: the
    median slope between each mark and the next one to its right on its row. A photo's perspective
    leans the rows low on the page otherwise than the header at its top; None when fewer than
    MIN_MARK_PAIRS pairs tell."""
    marks = sorted(((ln.bbox[0] + ln.bbox[2]) / 2, ln.cy, ln.height) for ln in lines if ln.source.text == MARK_TEXT)
    if len(marks) < 2:
        return None
    size = median(h for _, _, h in marks)
    slopes = []
    for i, (x, y, _) in enumerate(marks):
        right = [(ox - x, oy - y) for ox, oy, _ in marks[i + 1:]
                 if MARK_STEP[0] * size <= ox - x <= MARK_STEP[1] * size and abs(oy - y) <= MAX_LEAN * (ox - x)]
        if right:
            dx, dy = min(right, key=lambda d: (d[0], abs(d[1])))
            slopes.append(dy / dx)
    return median(slopes) if len(slopes) >= MIN_MARK_PAIRS else None


MARK_STEP = (2.0, 12.0)  # the next month's mark on a row stands this many mark sizes to the right
MIN_MARK_PAIRS = 6


def _rows(lines: list[Line], header_bottom: float, columns: list[Column]) -> list[tuple[float, list[Line]]]:
    """The body's lines (below the header, levelled as the header is) grouped in rows, each with
    its height on the page: by their centres once the rows' own lean is taken out (from their
    marks, else the header's), within half a text line's height."""
    header_lean, x_ref = _lean(columns), columns[0].cx if columns else 0.0

    def levelled(ln: Line, slope: float) -> float:
        return ln.cy - slope * ((ln.bbox[0] + ln.bbox[2]) / 2 - x_ref)

    below = [ln for ln in lines if levelled(ln, header_lean) > header_bottom + 1]
    if not below:
        return []
    lean = _marks_lean(below)
    slope = lean if lean is not None else header_lean
    body = sorted(((levelled(ln, slope), ln) for ln in below), key=lambda pair: pair[0])
    tol = 0.5 * _text_height([ln for _, ln in body])
    rows: list[list[tuple[float, Line]]] = [[body[0]]]
    for y, ln in body[1:]:
        if abs(y - median(ry for ry, _ in rows[-1])) <= tol:
            rows[-1].append((y, ln))
        else:
            rows.append([(y, ln)])
    return [(median(y for y, _ in row), [ln for _, ln in row]) for row in rows]


# 2026, 2025- or 2025年 (the month below), or 20260 / 2025-1 when the month below wrapped its first digit
_YEAR_WORD = re.compile(r"(?:19|20)\d{2}[-./年]?\d?")


def _years_apart(lines: list[Line]) -> list[Line]:
    """``lines`` with a text layer's line of year headers (2026 2026 … 20260, 2025- 2025-, each over
    its month's 02, 03 … 7) cut into a line per year, as a scan's boxes are: each is the upper half
    of one stacked month header (:func:`_stacked_month`)."""
    out = []
    for ln in lines:
        words = list(re.finditer(r"\S+", ln.source.text))
        if len(words) < 2 or not all(_YEAR_WORD.fullmatch(w.group()) for w in words):
            out.append(ln)
            continue
        start = 0
        for word in words:
            end = start + len(word.group())
            out.append(Line(ln.index, ln.page, ln.source.model_copy(update={"text": word.group(),
                                                                             "bbox": ln.sub_bbox(start, end),
                                                                             "char_confidences": None})))
            start = end
    return out


def read_table(lines: list[Line], spec: TableSpec) -> list[dict]:
    """Records ``{name, id_number, insurance_types, months}`` from all pages of one statement."""
    by_page: dict[int, list[Line]] = {}
    for ln in _years_apart(lines):
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
        rows += _body_rows(page, page_lines, top, columns)
    if columns is None:
        return _merge(_person_statements(by_page, spec))
    return _merge(rec for rec in (_record(row, spec) for row in rows) if _is_person(rec))


def _body_rows(page: int, lines: list[Line], top: float, columns: list[Column]) -> list[RecordRow]:
    """The data rows under a header (bottom edge ``top``) up to the table's end (合计, 以下空白 …).
    A row naming no one within a text line's height of a person's row is part of it: a cell
    wrapped onto two lines (养老、医疗、失业、工 / 伤) or marks a leaning scan set a little higher."""
    grouped: list[tuple[float, list[Line]]] = []
    for y, row_lines in _rows(lines, top, columns):
        if any(any(w in ln.compact for w in STOP_WORDS) for ln in row_lines):
            if grouped:
                break
            continue
        grouped.append((y, row_lines))
    text = _text_height(lines)

    header_y = _header_y(columns)

    def assigned(drift: float) -> list[tuple[float, RecordRow]]:
        """The rows' cells by column, each taken back along the columns' lean to the header."""
        out = []
        for y, row_lines in grouped:
            row = RecordRow(page)
            for cell in row_lines:
                row.cells.setdefault(_assign(cell, columns, drift * (cell.cy - header_y)).key, []).append(cell)
            out.append((y, row))
        return out

    rows = assigned(0.0)
    # columns that lean (a photo taken at an angle) put a low row's marks under the next month
    drift = _drift(rows, text)
    if drift:
        rows = assigned(drift)
    _followed(rows, columns, drift, header_y)
    rows = _halves_joined(rows, text)
    if _month_unread(columns):
        for _, row in rows:
            row.months_sure = UNREAD_MONTH
    people = [(y, row) for y, row in rows if "name" in row.cells or "id_number" in row.cells]
    named = {id(row) for _, row in people}
    kept = []
    for y, row in rows:
        near = [(abs(py - y), prow) for py, prow in people if prow is not row and abs(py - y) <= text]
        if id(row) in named or not near:
            kept.append(row)
            continue
        into = min(near, key=lambda n: n[0])[1]
        for key, cells in row.cells.items():
            into.cells.setdefault(key, []).extend(cells)
    return [row for row in kept if set(row.cells) - {k for k in row.cells if k.startswith("other:")}]


def _followed(rows: list[tuple[float, RecordRow]], columns: list[Column], drift: float, header_y: float) -> None:
    """The month cells of each row given to the month column they stand under, each column
    followed down the page from row to row. A phone photo taken at an angle runs the columns
    towards a vanishing point: the far months lean further than the name column the drift is
    measured on, and thirty rows down a mark sits half a column from where that lean puts it; a
    column moves little from one row to the next, so each row's marks tell where the columns are
    for the row under it (a column without a mark moves as its neighbours do)."""
    months = sorted((c for c in columns if c.key.startswith("month:")), key=lambda c: c.cx)
    if len(months) < 2:
        return
    keys = [c.key for c in months]
    centres = [c.cx for c in months]
    reach = 0.5 * min(b - a for a, b in zip(centres, centres[1:]))
    pos, last_y = list(centres), header_y
    for y, row in rows:
        cells = [cell for key in keys for cell in row.cells.pop(key, [])]
        if not cells:
            continue
        predicted = [x + drift * (y - last_y) for x in pos]
        seen: dict[int, list[float]] = {}
        for cell in cells:
            cx = (cell.bbox[0] + cell.bbox[2]) / 2
            k = min(range(len(keys)), key=lambda i: abs(predicted[i] - cx))
            row.cells.setdefault(keys[k], []).append(cell)
            if abs(predicted[k] - cx) <= reach:
                seen.setdefault(k, []).append(cx - predicted[k])
        if seen:
            known = sorted(seen)
            moved = [median(seen[k]) for k in known]
            # between two columns that moved, as far as they did in proportion; beyond, as the nearest
            pos = [x + float(np.interp(i, known, moved)) for i, x in enumerate(predicted)]
            last_y = y


UNREAD_MONTH = 0.5  # a grid with a month header left unread: its marks count for no month


def _month_unread(columns: list[Column]) -> bool:
    """Whether a header cell beside the grid's month columns holds a year but reads as no month
    (2025- whose 10 below a seal hid, 2025-1口): the marks under it are lost, and each row that
    paid that month shows a gap it does not have."""
    keys = [c.key for c in columns]
    return any(key.startswith("other:") and _YEAR.search(key) and any(
        k.startswith("month:") for k in keys[max(0, i - 1):i + 2]) for i, key in enumerate(keys))


def _halves_joined(rows: list[tuple[float, RecordRow]], text: float) -> list[tuple[float, RecordRow]]:
    """Rows where one person's row was split in two, joined: one holding the name and no ID
    number, the next (within a text line's height) the ID number and no name. A photo's
    perspective bends a row more than a levelled straight line follows."""
    out: list[tuple[float, RecordRow]] = []
    for y, row in rows:
        if out:
            last_y, last = out[-1]
            halves = {("name" in r.cells, "id_number" in r.cells) for r in (last, row)}
            if abs(y - last_y) <= text and halves == {(True, False), (False, True)}:
                for key, cells in row.cells.items():
                    last.cells.setdefault(key, []).extend(cells)
                continue
        out.append((y, row))
    return out


def _person_statements(by_page: dict[int, list[Line]], spec: TableSpec) -> list[dict]:
    """One statement per person: the person's 姓名 and ID number as labelled values, then a table
    of a row per month (or range). A section runs to the next person's labels, over pages."""
    records: list[dict] = []
    current: dict | None = None
    columns: list[Column] | None = None
    for page in sorted(by_page):
        page_lines = sorted(by_page[page], key=lambda ln: (ln.cy, ln.bbox[0]))
        people = _labelled_people(page_lines, spec)
        header = _find_header(page_lines, spec, named=False)
        if header is not None:
            columns = header[0]
        if columns is None:
            continue
        # each person's rows lie between their labels and the next person's
        marks = [(ln.bbox[1], person) for ln, person in people]
        bounds = [*(y for y, _ in marks), float("inf")]
        sections = [(0.0, bounds[0], None)] + [(bounds[i], bounds[i + 1], marks[i][1]) for i in range(len(marks))]
        for top, bottom, person in sections:
            if person is not None:
                current = {"name": person["name"], "id_number": person["id_number"], "insurance_types": [],
                           "months": [], "confidence": {**person["confidence"], "months": 1.0}}
                records.append(current)
            if current is None:
                continue
            section = [ln for ln in page_lines if top <= ln.bbox[1] < bottom]
            head = _find_header(section, spec, named=False)
            start = head[1] if head is not None else top
            for row in _body_rows(page, section, start, columns):
                rec = _record(row, spec)
                current["months"] = sorted(set(current["months"]) | set(rec["months"]))
                current["insurance_types"] += [t for t in rec["insurance_types"] if t not in current["insurance_types"]]
                current["confidence"]["months"] = min(current["confidence"]["months"], rec["confidence"]["months"])
    return [rec for rec in records if _is_person(rec)]


def _labelled_people(lines: list[Line], spec: TableSpec) -> list[tuple[Line, dict]]:
    """(the line of the 姓名 label, {name, id_number}) for each person named by labels on a page:
    ``姓名：张伟  身份证号码：…`` on one row, the ID number beside its own label on that row or the
    next."""
    name_labels = spec.columns.get("name", [])
    id_labels = sorted(spec.columns.get("id_number", []), key=len, reverse=True)
    out = []
    for ln in lines:
        label = next((v for v in name_labels if ln.compact.startswith(v)), None)
        if label is None:
            continue
        rest = ln.compact[len(label):].lstrip(":：")
        name_text = re.split("|".join(map(re.escape, id_labels)) or "$^", rest)[0] if rest else ""
        name_line = ln
        if not any(ch.isalnum() for ch in name_text):
            right = sorted((o for o in lines if o is not ln and same_row(ln, o) and o.bbox[0] >= ln.bbox[2] - 2),
                           key=lambda o: o.bbox[0])
            name_text, name_line = (right[0].compact, right[0]) if right else ("", ln)
        name = NORMALISERS["name"](name_text)
        ident = None
        # the ID's label on the same row (a scan's rows lean: a little higher) or the next one
        nearby = [o for o in lines if o.page == ln.page and -0.6 * ln.height <= o.cy - ln.cy <= 2.5 * max(ln.height, 1.0)]
        for o in sorted(nearby, key=lambda o: (o.cy, o.bbox[0])):
            found = next((v for v in id_labels if v in o.compact), None)
            if found is None:
                continue
            text, id_line = o.compact.split(found, 1)[1].lstrip(":："), o
            if not any(ch.isalnum() for ch in text):  # nothing after the label but a mark (号码·)
                right = sorted((r for r in lines if r is not o and same_row(o, r) and r.bbox[0] >= o.bbox[2] - 2),
                               key=lambda r: r.bbox[0])
                text, id_line = (right[0].compact, right[0]) if right else ("", o)
            ident = NORMALISERS["id_number"](text)
            break
        if name is not None and name.value and ident is not None and ident.value:
            out.append((ln, {"name": name.value, "id_number": ident.value,
                             "confidence": _confidence(name, [name_line], ident, [id_line])}))
    return out


def _is_person(record: dict) -> bool:
    """A row that names a person: an ID-like value, or a short name (not a stray heading line)."""
    ident, name = record["id_number"] or "", record["name"] or ""
    return 15 <= len(ident) <= 20 or (0 < len(name) <= 8 and not any(c in name for c in ":："))


def _text(cells: list[Line] | None) -> str:
    # a cell's lines top-down: 养老、医疗、失业、工 then 伤, whichever row found each first
    return "".join(c.compact for c in sorted(cells or [], key=lambda c: (c.bbox[1], c.bbox[0])))


def _record(row: RecordRow, spec: TableSpec) -> dict:
    name = NORMALISERS["name"](_text(row.cells.get("name")))
    ident = NORMALISERS["id_number"](_text(row.cells.get("id_number")))
    types = NORMALISERS["insurance_types"](_text(row.cells.get("insurance_types")))
    paid_types = [key[4:] for key, cells in row.cells.items() if key.startswith("ins:") and _paid(_text(cells), spec)]
    months: set[str] = set()
    months_sure = row.months_sure
    for key, cells in row.cells.items():
        if key.startswith("month:") and _paid(_text(cells), spec):
            months.add(key.split(":", 1)[1])
            # a tick the engine read weakly (√ at 0.53, V for √) is one it may have missed beside
            # it too; a mark found by its shape is no reading
            months_sure = min([months_sure, *(c.confidence for c in cells if c.source.text != MARK_TEXT)])
    unpaid = any(word in _text(cells) for cells in row.cells.values() for word in UNPAID)
    if "range" in row.cells and not unpaid:  # a row of 欠缴 or 中断 pays none of its months
        ranged: list[str] = []
        read_sure = 1.0  # a range whose end is lost (2026-02-2026 under a seal) is no sure reading
        for cell in row.cells["range"]:
            parsed = NORMALISERS["month_range"](cell.compact)
            if parsed is not None and parsed.value:
                ranged += parsed.value
                read_sure = min(read_sure, parsed.confidence)
        ranged, counted_sure = _counted(ranged, _month_count(row.cells.get("count")))
        months_sure = min(months_sure, counted_sure, read_sure)
        months.update(ranged)
    return {
        "name": name.value if name else None,
        "id_number": ident.value if ident else None,
        "insurance_types": list(dict.fromkeys([*(types.value if types and types.value else []), *paid_types])),
        "months": sorted(months),
        "confidence": {**_confidence(name, row.cells.get("name"), ident, row.cells.get("id_number")),
                       "months": months_sure},
    }


def _month_count(cells: list[Line] | None) -> int | None:
    """The row's printed month count (月数), when it reads as a whole number of months."""
    text = _text(cells)
    return int(text) if text.isdigit() and 0 < int(text) <= MAX_COUNTED else None


MAX_COUNTED = 600  # months a row may count: fifty years of insurance
MENDED = 0.6  # a range's end mended from its printed month count: a reading a person confirms
DISAGREES = 0.5  # the range and its printed month count disagree: one of them is misread


def _counted(months: list[str], count: int | None) -> tuple[list[str], float]:
    """The row's months held against its printed month count, and how sure they are: a range
    whose end was lost (a seal over 202609—202612 leaves 202609, one month where the count says
    4) is run on from its start to the count; any other disagreement is left as read, doubted."""
    if count is None or not months or len(months) == count:
        return months, 1.0
    if len(months) == 1:
        year, month = map(int, months[0].split("-"))
        return months_from(year, month, count), MENDED
    return months, DISAGREES


def _confidence(name, name_cells: list[Line] | None, ident, id_cells: list[Line] | None) -> dict[str, float]:
    """How sure the row's name and ID number are (see the module doc); a value not read has 0."""
    def sure(normalised, cells: list[Line] | None) -> float:
        if normalised is None or not normalised.value or not cells:
            return 0.0
        weakest = min(c.span_confidence(0, len(c.compact)) for c in cells)
        return round(weakest * normalised.confidence, 4)

    out = {"name": sure(name, name_cells), "id_number": sure(ident, id_cells)}
    if out["name"] and (opening_doubt("person", name.value) or misread_words("person", name.value)):
        out["name"] = round(out["name"] * NAME_DOUBT, 4)
    return out


NAME_DOUBT = 0.8  # a row's name that does not open with a surname, or holds a look-alike (赞 for 赟)


def _paid(text: str, spec: TableSpec) -> bool:
    """Whether a month cell says the month was paid: a mark (✓ √ 是 …) or an amount above zero;
    not an empty cell, a dash, or 未缴/欠缴/×."""
    if not text or any(word in text for word in UNPAID):
        return False
    if _AMOUNT.match(text):
        return float(re.sub(r"[¥￥,，]", "", text) or 0) > 0
    return any(mark in text for mark in spec.marks)


def _merge(records) -> list[dict]:
    """One record per person: rows split over pages, ranges or insurance types are united. The ID
    number is the person: rows that share it are one person whatever each read as the name (a
    photo read 郑彧 as 郑或 on one of four rows), and a row whose number fails its check and is
    one character off another row's of the same name is that person's, misread. The name most
    rows read (weighed by how sure each was) stands, in doubt when another row read another."""
    records = list(records)
    checks = {r["id_number"]: id_problem(r["id_number"]) is None for r in records if r["id_number"]}
    valid = {(r["id_number"], r["name"]) for r in records if r["id_number"] and checks[r["id_number"]]}
    groups: dict[tuple, list[dict]] = {}
    for rec in records:
        ident = rec["id_number"]
        if ident and not checks[ident]:
            # a row may not have read its name: sorted so the choice never rests on set order
            ident = next((v for v, name in sorted(valid, key=lambda pair: (pair[0], pair[1] or ""))
                          if name == rec["name"] and one_off(ident, v)), ident)
        key = ("id", ident) if ident else ("name", rec["name"] or "")
        groups.setdefault(key, []).append(rec)
    out = []
    for (kind, ident), group in groups.items():
        votes: dict[str, float] = {}
        for rec in group:
            if rec["name"]:
                votes[rec["name"]] = votes.get(rec["name"], 0.0) + rec["confidence"]["name"]
        into = group[0]
        for rec in group[1:]:
            into["months"] = sorted(set(into["months"]) | set(rec["months"]))
            into["insurance_types"] += [t for t in rec["insurance_types"] if t not in into["insurance_types"]]
            into["confidence"] = {k: min(v, rec["confidence"].get(k, v)) for k, v in into["confidence"].items()}
        if kind == "id":
            into["id_number"] = ident
            into["confidence"]["id_number"] = max(rec["confidence"]["id_number"] for rec in group
                                                  if rec["id_number"] == ident)
        if votes:
            into["name"] = max(votes, key=lambda name: (votes[name], name))
            into["confidence"]["name"] = max(rec["confidence"]["name"] for rec in group if rec["name"] == into["name"])
            if len(votes) > 1:
                into["confidence"]["name"] = round(min(into["confidence"]["name"], NAME_DOUBT), 4)
        out.append(into)
    return out
