"""``dossier plan-renewal`` on the demo company: every item of the renewal checklist, for the
company and for each person the checklist binds, as present, missing or ending before the
filing date, with a due date; an application.yaml dossier reads back; the same rows in Excel."""

from __future__ import annotations

import json
from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from dossier.assemble.checklist import load_checklist
from dossier.cli import app
from dossier.config import Settings
from dossier.errors import ExitCode, PlanError
from dossier.intake.spec import load_spec
from dossier.ledger.renewal import TASK_HEADER, plan_renewal
from dossier.store.db import init_db
from tests.ledger_builders import extracted, store
from tests.notify_support import demo_database

COMPANY = "湖北楚天建设工程有限公司"
QUALIFICATION = "建筑工程施工总承包二级"
AS_OF = date(2028, 9, 11)  # the qualification's start-now day: deadline 2028-12-11, expiry 2029-03-11


@pytest.fixture
def demo_db(home):
    db = init_db(Settings())
    demo_database(db)
    yield db
    db.dispose()


def test_the_plan_lists_every_checklist_item_for_the_company_and_each_person(demo_db):
    with demo_db.session() as session:
        plan = plan_renewal(session, "楚天建设工程", qualification=QUALIFICATION, as_of=AS_OF)
    checklist = load_checklist("gc-building-renewal")
    assert (plan.company, plan.checklist, plan.deadline, plan.filing_date, plan.ready_by) == \
        (COMPANY, checklist.name, date(2028, 12, 11), date(2028, 11, 11), date(2028, 11, 4))
    company_items = [i.label for s in checklist.sections for i in s.items]
    assert [t.item for t in plan.tasks if t.person is None] == company_items
    roles = {g.role: [i.label for i in g.items] for s in checklist.sections for g in s.people}
    assert [(r.name, r.role) for r in plan.roster] == [("宋明", "technical_lead"), ("陶福生", "registered_constructor"),
                                                       ("周红军", "registered_constructor"),
                                                       ("范波", "registered_constructor"),
                                                       ("黄卫东", "registered_constructor")]
    for person in plan.roster:
        mine = [t.item for t in plan.tasks if t.person and t.person.startswith(person.name + "（")]
        assert mine == roles[person.role]
    assert all(t.status in ("present", "missing", "expiring") for t in plan.tasks)
    by_item = {(t.item, t.person): t for t in plan.tasks}
    licence = by_item[("建筑业企业资质证书", None)]
    assert (licence.status, licence.file) == ("present", "综合资料/资质证书副本.pdf")
    safety = by_item[("安全生产许可证", None)]  # until 2028-01-09: renew by its own last day, 2027-10-09
    assert (safety.status, safety.valid_until, safety.due) == ("expiring", date(2028, 1, 9), date(2027, 10, 9))
    statement = by_item[("社会保险缴费证明（申报人员）", None)]
    assert statement.status == "expiring" and "2028-08 至 2028-10" in statement.action
    assert statement.due == plan.ready_by
    tao_id = by_item[("居民身份证", "陶福生（注册建造师）")]
    assert tao_id.file == "人员资料/陶福生/身份证.jpg"  # not the copy in 谭春燕's folder
    assert len(plan.warnings) == 1 and "未列出" in plan.warnings[0]  # it holds 三级; the upgrade aims at 二级
    printout = by_item[("注册建造师注册证书", "范波（注册建造师）")]
    assert printout.status == "expiring" and "打印件" in printout.action


def test_plan_renewal_writes_a_skeleton_dossier_reads_and_the_task_list(demo_db, tmp_path):
    out = tmp_path / "plan"
    result = CliRunner().invoke(app, ["plan-renewal", COMPANY, "--qualification", QUALIFICATION,
                                      "--as-of", AS_OF.isoformat(), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "已有" in result.stdout and "有效期不足" in result.stdout
    spec = load_spec(out / "application.yaml").spec
    assert (spec.application_type, spec.qualifications, spec.filing_date) == ("renewal", [QUALIFICATION],
                                                                              date(2028, 11, 11))
    assert spec.roster[0].id_number == "420102197710043231"  # the filing's own input: in full
    plan = json.loads((out / "plan.json").read_text(encoding="utf-8"))
    assert "420102197710043231" not in json.dumps(plan) and plan["roster"][0]["id_number"] == "420102********3231"
    sheet = load_workbook(out / "任务清单.xlsx").active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == TASK_HEADER and len(rows) - 1 == len(plan["tasks"])
    assert {row[3] for row in rows[1:]} <= {"已有", "缺失", "有效期不足"}
    as_json = json.loads(CliRunner().invoke(app, ["plan-renewal", COMPANY, "--as-of", AS_OF.isoformat(),
                                                  "--json"]).stdout)
    assert as_json["qualification"] == "建筑工程施工总承包三级" and as_json["warnings"] == []  # what it holds
    assert "资质证书上未列出「建筑工程施工总承包二级」" in plan["warnings"][0]  # the upgrade's target, not held yet


def test_a_company_with_only_its_certificate_has_everything_else_missing_and_a_late_one_is_warned(home):
    db = init_db(Settings())
    try:
        with db.session() as session:
            store(session, "江城", extracted("qualification_certificate", {
                "company_name": "武汉江城建筑有限公司", "uscc": "91420100MA4K2B3C4D", "cert_number": "D242012345",
                "qualifications": ["建筑工程施工总承包三级"], "valid_until": "2027-03-31"}, label="江城资质"))
            plan = plan_renewal(session, "江城", as_of=date(2027, 1, 15))
            with pytest.raises(PlanError):
                plan_renewal(session, "不存在的公司", as_of=date(2027, 1, 15))
    finally:
        db.dispose()
    assert plan.qualification == "建筑工程施工总承包三级" and plan.roster == []
    assert [(t.item, t.status) for t in plan.tasks] == [
        ("建筑业企业资质证书", "present"), ("营业执照", "missing"), ("安全生产许可证", "missing"),
        ("社会保险缴费证明（申报人员）", "missing")]
    assert plan.deadline == date(2026, 12, 31) and plan.filing_date == date(2027, 1, 15)
    assert "已过最迟申报日 2026-12-31" in plan.warnings[0]
    missing = CliRunner().invoke(app, ["plan-renewal", "不存在的公司"])
    assert missing.exit_code == int(ExitCode.bad_args) and "不存在的公司" in missing.output
