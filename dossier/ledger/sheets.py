"""The expiry list as rows, and as a CSV or Excel file (the 台账 administrators keep); the Excel
writer ``write_table`` also serves the renewal plan's task list.

ID numbers are masked unless the caller asks for them (``show_ids``): a ledger is passed around
an office, it is not part of the filing.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from dossier.ledger.ledger import LedgerEntry
from dossier.ledger.rules import STATUS_ZH, Status
from dossier.privacy import mask_id, mask_text

HEADER = ("状态", "类型", "企业", "统一社会信用代码", "姓名", "身份证号", "证书编号", "说明", "发证日期",
          "有效期至", "最迟申报日", "应启动日", "提前申报", "剩余天数", "文件", "申报项目")
DATE_COLUMNS = {"发证日期", "有效期至", "最迟申报日", "应启动日"}
FILLS = {"lapsed": "F4C7C3", "late": "FAD7C0", "start now": "FCE8B2", "unknown": "E0E0E0"}
WIDTHS = {"状态": 12, "类型": 26, "企业": 30, "统一社会信用代码": 21, "身份证号": 20, "证书编号": 28,
          "文件": 36, "申报项目": 20}

Cell = str | int | date | None


def expiry_rows(pairs: list[tuple[LedgerEntry, Status]], *, as_of: date, show_ids: bool = False) -> list[list[Cell]]:
    """One row per entry, in HEADER's order; dates stay dates (the file writers format them)."""
    rows: list[list[Cell]] = []
    for entry, status in pairs:
        id_number, file = entry.id_number, entry.file
        if not show_ids:
            id_number = mask_id(id_number) if id_number else id_number
            file = mask_text(file)  # a file may be named after its holder's ID number
        remaining = (entry.valid_until - as_of).days if entry.valid_until else None
        rows.append([STATUS_ZH[status], entry.kind_zh, entry.company, entry.uscc, entry.name, id_number,
                     entry.number, entry.detail, entry.issued,
                     entry.valid_until if entry.valid_until else ("长期" if entry.long_term else None),
                     entry.deadline, entry.alert_from, entry.lead_zh or None, remaining, file,
                     "、".join(entry.applications) or None])
    return rows


def write_csv(path: Path, rows: list[list[Cell]]) -> None:
    """UTF-8 with a byte-order mark, so Excel opens the Chinese correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row])


def write_xlsx(path: Path, rows: list[list[Cell]], statuses: list[Status], *, title: str) -> None:
    """The expiry list as one sheet, urgent rows shaded."""
    write_table(path, HEADER, rows, [FILLS.get(status) for status in statuses], title=title, widths=WIDTHS,
                date_columns=DATE_COLUMNS)


def write_table(path: Path, header: tuple[str, ...], rows: list[list[Cell]], fills: list[str | None], *,
                title: str, widths: dict[str, int], date_columns: set[str]) -> None:
    """One sheet: a frozen, filterable header, real date cells, each row shaded by its fill (RGB)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]  # Excel's limit
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row, fill in zip(rows, fills):
        sheet.append(row)
        for col, cell in enumerate(sheet[sheet.max_row], 1):
            if header[col - 1] in date_columns and isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
            if fill:
                cell.fill = PatternFill(fill_type="solid", start_color=fill, end_color=fill)
    for col, name in enumerate(header, 1):
        sheet.column_dimensions[get_column_letter(col)].width = widths.get(name, 12)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    book.save(path)
