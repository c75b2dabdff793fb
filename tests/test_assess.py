"""``dossier assess``: a level's requirements against an application, line by line.

Unit tests start from the clean application of ``validate_builders`` (建筑工程施工总承包三级,
seven people, one project without scale figures); the integration test runs the command on the
text-layer files of the fixtures' upgrade application through the real pipeline.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner
from validate_builders import COMPANY, clean_application, doc, project_documents, replace_field

from conftest import FIXTURES
from dossier.assess.requirements import assess
from dossier.assess.sheet import write_assessment
from dossier import cli as cli_module
from dossier.cli import app as cli
from dossier.config import load_settings
from dossier.errors import StandardError
from dossier.store.db import init_db
from dossier.validate.params import params_for
from dossier.workers.local import ingest_and_process
from fixtures import load_truth

KEYS = ["key", "title", "status", "required", "found", "evidence", "confidence", "source"]


def lines(result) -> dict:
    return {line.key: line for line in result.requirements}


def run(app, **kwargs):
    """``app`` assessed against the shipped standards (not the reduced sample one its spec names)."""
    return assess(app.spec.model_copy(update={"standards": []}), app.documents, **kwargs)


def with_scale(app, **scale):
    """``app`` whose one project's contract prints ``scale`` (accepted 2024-07-15)."""
    old = app.find("project_contract")
    return app.swap(old, replace_field(old, **{k: str(v) for k, v in scale.items()}))


def test_the_lowest_level_counts_heads_and_says_the_gap():
    result = run(clean_application())
    assert result.target == "建筑工程施工总承包三级" and result.regime == "2014+2016"
    found = lines(result)
    assert list(found) == ["net_assets", "technical_lead", "technical_lead_experience", "headcount.registered_constructor",
                           "headcount.titled_staff", "headcount.site_manager", "headcount.skilled_worker"]
    constructors = found["headcount.registered_constructor"]
    assert constructors.status == "short" and constructors.found == "2 人，建筑工程专业 2 人，缺 3 人"
    assert constructors.required == "注册建造师（建筑工程、机电工程专业）不少于 5 人，其中建筑工程专业不少于 4 人"
    assert len(constructors.evidence) == 2 and all(e.sha256 == "application.yaml" for e in constructors.evidence)
    assert found["technical_lead"].status == "met"  # 建筑结构 工程师: a 结构 middle title
    assert found["net_assets"].status == "unknown" and found["technical_lead_experience"].status == "unknown"
    assert result.verdict == "short"


@pytest.mark.parametrize(("assets", "status", "says"), [
    ("8000000", "met", "净资产 800 万元"),
    ("7999999", "short", "差 1 元"),  # a gap too small for 万元 to two decimals is stated in yuan
    ("7999949.99", "short", "净资产 799.99 万元，差 0.01 万元"),
    ("51240118.62", "met", "净资产 5124.01 万元"),  # an audit's figure, to the fen
    ("51240150.00", "met", "净资产 5124.02 万元"),  # half up
])
def test_net_assets_from_the_application_inclusive_at_the_floor(assets, status, says):
    app = clean_application().with_spec(net_assets=Decimal(assets))
    line = lines(run(app))["net_assets"]
    assert line.status == status and says in line.found and line.evidence[0].field == "net_assets"


def test_the_newest_audit_report_states_net_assets_before_the_application():
    def report(year: str, assets: str):
        return doc("audit_report", company_name=COMPANY, year=year, net_assets=assets, firm="湖北中审会计师事务所",
                   report_number=f"鄂中审字〔{year}〕第 0001 号", issue_date=f"{int(year) + 1}-03-20")

    app = clean_application().with_spec(net_assets=Decimal("1")).add(report("2025", "9000000.00"),
                                                                     report("2024", "7000000.00"))
    line = lines(run(app))["net_assets"]
    assert line.status == "met" and line.found == "净资产 900 万元"
    assert {(e.field, e.value) for e in line.evidence} == {("net_assets", "9000000.00"), ("year", "2025")}


def test_above_the_lowest_level_heads_are_not_counted_but_the_projects_are():
    app = clean_application()
    found = lines(run(app, target="建筑工程施工总承包二级"))
    assert not [k for k in found if k.startswith("headcount.")]
    assert found["technical_lead"].status == "short" and "需要：结构专业高级职称或建筑工程专业一级注册建造师" in found["technical_lead"].found
    # its one project prints no scale: the classes are open, not failed
    assert found["performance"].status == "unknown"
    met = lines(run(with_scale(app, floors=12, building_area=10000), target="建筑工程施工总承包二级"))
    assert met["performance"].status == "met" and met["performance"].found.startswith("2 类")
    assert met["performance.storeys"].found == "地上层数不少于 12 层的工程 1 项：华府小区1#楼工程（12 层）"
    assert {e.field for e in met["performance.storeys"].evidence} == {"floors"}
    short = lines(run(with_scale(app, floors=11, building_area=9999, height=40, span=20), target="建筑工程施工总承包二级"))
    # span 20 m of an unknown structure may still be a concrete span ≥ 18 … but one project is not two
    assert short["performance"].status == "short"
    assert "还需 2 类" in short["performance"].found


def test_a_class_the_company_need_not_satisfy_leaves_the_verdict_to_the_performance_line():
    """"k of n": a class no project reaches is short on its own line, but with 2 of the 4 classes met
    the 业绩 requirement is met, and the verdict follows the requirement, not its classes (the
    upgrade sample was told 不满足 for want of a 50 m 构筑物 it does not need)."""
    app = with_scale(clean_application(), floors=12, building_area=10000, height=40)
    lead = app.find("title_certificate", "张伟")
    app = app.swap(lead, replace_field(lead, title="高级工程师", level="副高级")).with_spec(net_assets=Decimal("50000000"))
    result = run(app, target="建筑工程施工总承包二级")
    found = lines(result)
    assert (found["performance"].status, found["performance.structure_height"].status) == ("met", "short")
    assert {key: line.status for key, line in found.items() if not key.startswith("performance.")} == {
        "net_assets": "met", "technical_lead": "met", "technical_lead_experience": "unknown", "performance": "met"}
    assert result.verdict == "unknown"  # the 技术负责人's years, which no document states


def test_projects_outside_the_window_or_of_another_category_are_left_out_with_the_reason():
    app = with_scale(clean_application(), floors=30, building_area=40000)
    old = app.find("completion_acceptance")
    late = app.swap(old, replace_field(old, acceptance_date="2021-11-30"))  # 5 years before 2026-12-01: one day short
    found = lines(run(late, target="建筑工程施工总承包二级"))["performance"]
    assert found.status == "short" and "2021-11-30 竣工，早于 2021-12-01" in found.found
    on_the_day = app.swap(old, replace_field(old, acceptance_date="2021-12-01"))
    assert lines(run(on_the_day, target="建筑工程施工总承包二级"))["performance"].status == "met"
    road = clean_application().add(*project_documents("滨江大道改造工程"))
    found = lines(run(road, target="建筑工程施工总承包二级"))["performance"]
    assert "滨江大道改造工程（类别：市政公用工程施工总承包）" in found.found


def test_the_json_contract_and_the_figures_behind_each_line():
    data = run(clean_application()).contract()
    assert list(data) == ["target", "regime", "requirements", "verdict"]
    assert all(list(line) == KEYS for line in data["requirements"])
    assert {line["confidence"] for line in data["requirements"]} == {"confirmed"}
    assert all(line["source"] for line in data["requirements"])
    json.dumps(data, ensure_ascii=False)


def test_the_draft_regime_knows_its_levels_but_no_figures():
    result = run(clean_application(), target="建筑工程施工总承包乙级", regime="2022-draft")
    assert result.verdict == "unknown" and {line.confidence for line in result.requirements} == {"unverified"}
    with pytest.raises(StandardError) as caught:
        run(clean_application(), target="建筑工程施工总承包二级", regime="2022-draft")
    assert "建筑工程施工总承包甲级" in caught.value.reason_zh
    with pytest.raises(StandardError) as caught:
        run(clean_application(), regime="1999")
    assert "未知的资质标准规则「1999」" in caught.value.reason_zh


def test_a_company_file_replaces_the_shipped_figures(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text("""\
category: 建筑工程施工总承包
regime: 2014+2016
title: 本公司对标准的理解
sources: {own: {title: 公司资质部整理, url: intranet}}
levels:
  - level: 三级
    net_assets: {min: 1000000, confidence: single source, source: [own]}
    technical_lead: {years: 5, confidence: single source, source: [own]}
    headcount:
      assessed: true
      confidence: single source
      source: [own]
      roles: {registered_constructor: {min: 2, confidence: single source, source: [own]}}
""", encoding="utf-8")
    app = clean_application().with_spec(net_assets=Decimal("1000000"), standards=[])
    result = run(app, params=params_for(app.spec, {"standards_files": [str(own)]}))
    assert [(line.key, line.status) for line in result.requirements] == [
        ("net_assets", "met"), ("technical_lead", "unknown"), ("technical_lead_experience", "unknown"),
        ("headcount.registered_constructor", "met")]
    assert {line.confidence for line in result.requirements} == {"single source"}
    assert result.requirements[0].source == ["企业自定标准文件 own.yaml", "公司资质部整理"]


def test_every_line_from_the_applications_own_file_names_it():
    app = clean_application()  # names the reduced sample standard, as sample-clean does
    result = assess(app.spec, app.documents)
    assert result.standard_file == "sample-standard.yaml"
    assert all(line.source[0] == "企业自定标准文件 sample-standard.yaml" for line in result.requirements)
    shipped = run(app)
    assert shipped.standard_file is None
    assert not any("企业自定" in s for line in shipped.requirements for s in line.source)


def test_the_sheet_has_one_row_per_requirement(tmp_path):
    result = run(clean_application())
    path = tmp_path / "assess.xlsx"
    write_assessment(result, path)
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("要求", "状态") and rows[1][1] == "不满足"
    assert [r[-1] for r in rows[2:]] == [line.key for line in result.requirements]
    assert "多源一致" in {r[5] for r in rows[2:]}


# --- the command on the fixtures' upgrade application --------------------------------------


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    """A DOSSIER_HOME holding the text-layer files of sample-upgrade (read without OCR), its
    application.yaml stating a 净资产 that the 2024 审计报告 among those files supersedes."""
    sample = FIXTURES / "sample-upgrade"
    folder = tmp_path_factory.mktemp("app") / "upgrade"
    folder.mkdir()
    spec = (sample / "application.yaml").read_text(encoding="utf-8")
    (folder / "application.yaml").write_text(spec + "net_assets: 45000000\n", encoding="utf-8")
    for path, info in load_truth(sample)["files"].items():
        if info.get("form") == "text_pdf":
            (folder / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(sample / path, folder / path)
    home = tmp_path_factory.mktemp("home")
    settings = load_settings(home=home, database_url=None, broker_url=None)
    db = init_db(settings)
    ingest_and_process([folder], "upgrade", settings, db=db)
    db.dispose()
    return home


def test_assess_prints_every_requirement_with_status_and_evidence(stored, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_HOME", str(stored))
    sheet = tmp_path / "upgrade.xlsx"
    done = CliRunner().invoke(cli, ["assess", "upgrade", "--json", "--xlsx", str(sheet)])
    assert done.exit_code == 0, done.output
    data = json.loads(done.output)
    assert data["target"] == "建筑工程施工总承包二级" and data["regime"] == "2014+2016"
    found = {line["key"]: line for line in data["requirements"]}
    report = load_truth(FIXTURES / "sample-upgrade")["files"]["综合资料/审计报告（2024年度）.pdf"]
    assert found["net_assets"]["status"] == "met" and found["net_assets"]["found"] == "净资产 5124.01 万元"
    assert {(e["sha256"], e["field"], e["value"]) for e in found["net_assets"]["evidence"]} == {
        (report["sha256"], "net_assets", "51240118.62"), (report["sha256"], "year", "2024")}
    assert found["technical_lead"]["status"] == "met" and "宋明" in found["technical_lead"]["found"]
    assert {"performance", "performance.storeys", "performance.structure_height", "performance.building_area",
            "performance.span"} <= set(found)
    assert all(line["status"] in ("met", "short", "unknown") and line["required"] for line in data["requirements"])
    # the text-layer subset holds one project's contract (28 storeys) and another's acceptance only
    assert "锦绣华庭住宅小区7#楼工程" in found["performance"]["found"]
    assert data["verdict"] == "unknown"
    rows = list(load_workbook(sheet).active.iter_rows(values_only=True))
    assert len(rows) == 2 + len(data["requirements"])
    by_key = {row[-1]: row for row in rows[2:]}
    # the evidence names the documents as filed, not by their hash
    assert by_key["net_assets"][4].startswith("综合资料/审计报告（2024年度）.pdf 第 ")
    monkeypatch.setattr(cli_module.out, "_width", 400)  # one line per row: no name folded across lines
    text = CliRunner().invoke(cli, ["assess", "upgrade"])
    assert text.exit_code == 0 and "依据" in text.output
    assert "综合资料/审计报告（2024年度）.pdf 第 " in text.output and "net_assets=51240118.62" in text.output
    text = CliRunner().invoke(cli, ["assess", "upgrade", "--target", "建筑工程施工总承包三级"])
    assert text.exit_code == 0 and "技术工人人数" in text.output and "不满足" in text.output
    wrong = CliRunner().invoke(cli, ["assess", "upgrade", "--target", "建筑工程施工总承包五级"])
    assert wrong.exit_code == 5 and "没有「建筑工程施工总承包五级」的资质标准" in wrong.output


def test_assess_is_readable_at_80_columns_without_a_terminal(stored, monkeypatch):
    """Piped (no terminal) rich assumes 80 columns: six columns left the middle three one
    character wide, the table one character per line. Every line of output stays within 80
    columns, every requirement and its status reads on one line, and the words stay whole."""
    from rich.cells import cell_len

    monkeypatch.setenv("DOSSIER_HOME", str(stored))
    monkeypatch.setattr(cli_module.out, "_width", None)  # the width COLUMNS says, as when piped
    done = CliRunner(env={"COLUMNS": "80"}).invoke(cli, ["assess", "upgrade"])
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert max(cell_len(line) for line in lines) <= 80, done.output
    data = json.loads(CliRunner().invoke(cli, ["assess", "upgrade", "--json"]).output)
    zh = {"met": "满足", "short": "不满足", "unknown": "无法判断"}
    for requirement in data["requirements"]:
        assert any(requirement["title"] in line and zh[requirement["status"]] in line for line in lines), requirement
    # what the standard asks and what was found, each a paragraph of whole words, not a column of characters
    assert "标准要求" in done.output and "申报材料情况" in done.output and "依据" in done.output
    assert len(lines) <= 10 * len(data["requirements"]), done.output
    assert "结论：无法判断" in done.output
