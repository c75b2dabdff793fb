"""What people see of the ledger: the SVG timeline, and ``dossier expiring`` with its files."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import date

from openpyxl import load_workbook
from typer.testing import CliRunner

from dossier.cli import app
from dossier.config import Settings
from dossier.ledger.ledger import build_ledger
from dossier.ledger.rules import load_rules
from dossier.ledger.timeline import render_timeline
from dossier.store.db import init_db
from tests.ledger_builders import COMPANY, USCC, application, archived, extracted, store

SVG = "{http://www.w3.org/2000/svg}"
RULES = load_rules()
TAO = "420111198811262418"


def _entries():
    docs = [archived("qualification_certificate", {"company_name": "A&B<建设>有限公司", "valid_until": "2027-02-20"}),
            archived("constructor_certificate", {"name": "陶福生", "id_number": TAO, "company_name": COMPANY,
                                                 "specialty_valid_until": "2026-12-20", "usage_valid_until": "2026-11-20"}),
            archived("title_certificate", {"name": "宋明", "qualified_date": "2013-12-21"}),
            archived("safety_production_license", {"company_name": COMPANY, "valid_until": "2031-01-09"})]
    return build_ledger(docs, [application()], RULES)


def test_the_timeline_is_one_well_formed_svg_with_a_row_per_dated_entry():
    svg = render_timeline(_entries(), as_of=date(2026, 12, 1))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    rows = root.findall(f"{SVG}g")
    assert len(rows) == 4  # the title certificate has no expiry: no row
    tips = [row.find(f"{SVG}title").text for row in rows]
    assert tips[0].startswith("陶福生 · 建造师电子证书打印件") and tips[0].endswith("已过期")  # soonest first
    assert "A&B<建设>有限公司 · 建筑业企业资质证书：有效期至 2027-02-20" in tips[2] and tips[2].endswith("已过申报期")
    assert "已过申报期" in "".join(rows[1].itertext())  # status in words beside the colour
    assert rows[3].find(f"{SVG}path") is not None  # 2031 runs off the right edge
    assert TAO not in svg  # no ID numbers on a page meant for screens
    empty = ET.fromstring(render_timeline([], as_of=date(2026, 12, 1)))
    assert "无到期记录" in "".join(empty.itertext())


def test_expiring_prints_and_writes_excel_and_csv_with_masked_ids(home, tmp_path):
    db = init_db(Settings())
    try:
        with db.session() as s:
            store(s, "华建", extracted("qualification_certificate", {"company_name": COMPANY, "uscc": USCC,
                                                                    "cert_number": "D342012345",
                                                                    "valid_until": "2027-05-31"}))
            store(s, "华建", extracted("constructor_certificate", {
                "name": "陶福生", "id_number": TAO, "company_name": COMPANY, "registration_number": "鄂242588835483",
                "specialty_valid_until": "2028-03-28", "usage_valid_until": "2026-12-20", "issue_date": "2026-06-23"}))
    finally:
        db.dispose()
    xlsx, csv_file = tmp_path / "到期.xlsx", tmp_path / "到期.csv"
    result = CliRunner().invoke(app, ["expiring", "--within", "30", "--as-of", "2026-12-01", "--xlsx", str(xlsx),
                                      "--csv", str(csv_file)], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "立即启动" in result.stdout and "共 2 项" in result.stdout and TAO not in result.stdout

    with open(csv_file, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_kind = {row["类型"]: row for row in rows}
    printout = by_kind["建造师电子证书打印件（使用有效期）"]
    assert (printout["状态"], printout["有效期至"], printout["剩余天数"], printout["身份证号"]) == (
        "立即启动", "2026-12-20", "19", "420111********2418")
    qualification = by_kind["建筑业企业资质证书"]  # outside 30 days, but its renewal must start now
    assert (qualification["最迟申报日"], qualification["应启动日"], qualification["提前申报"]) == (
        "2027-02-28", "2026-11-30", "3 个月")

    sheet = load_workbook(xlsx).active
    header = [c.value for c in sheet[1]]
    values = [dict(zip(header, (c.value for c in row))) for row in sheet.iter_rows(min_row=2)]
    assert [v["证书编号"] for v in values] == ["鄂242588835483", "D342012345"]
    assert values[0]["有效期至"].date() == date(2026, 12, 20) and values[0]["身份证号"] == "420111********2418"
    assert sheet.freeze_panes == "A2"

    shown = CliRunner().invoke(app, ["expiring", "--as-of", "2026-12-01", "--json", "--show-ids"])
    assert shown.exit_code == 0
    assert {row["id_number"] for row in json.loads(shown.stdout)} == {TAO, None}
