"""The application.yaml keys of issue 18: regime, net_assets and projects (what the documents do not say)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dossier.errors import ConfigError
from dossier.intake.spec import load_spec

BASE = """\
company_name: 北京华建建设工程有限公司
uscc: 91110108MA01EXA75A
application_type: upgrade
qualifications: [建筑工程施工总承包二级]
filing_date: 2026-12-01
"""


def spec_file(tmp_path, extra: str):
    path = tmp_path / "application.yaml"
    path.write_text(BASE + extra, encoding="utf-8")
    return load_spec(path)


def test_projects_net_assets_and_regime_are_kept(tmp_path):
    loaded = spec_file(tmp_path, """\
regime: 2022-draft
net_assets: 45000000
projects:
  - {name: 滨江大道改造工程, category: 市政公用工程施工总承包, scale: {road_length: 12.5}, remark: 业主口径}
""")
    spec = loaded.spec
    assert spec.regime == "2022-draft" and spec.net_assets == Decimal("45000000")
    assert spec.projects[0].scale == {"road_length": Decimal("12.5")} and spec.projects[0].kind is None
    assert len(loaded.warnings) == 1 and "projects.0.remark" in loaded.warnings[0] and "第 9 行" in loaded.warnings[0]


@pytest.mark.parametrize(("extra", "line", "says"), [
    ("regime: 2016\n", 6, "未知的资质标准规则「2016」"),
    ("net_assets: -5\n", 6, "net_assets"),
    ("projects:\n  - {name: 甲, kind: tower}\n", 7, "projects.0.kind"),
    ("projects:\n  - {name: 甲}\n  - {name: 乙, category: 建筑工程施工总包}\n", 8, "未知的资质类别「建筑工程施工总包」"),
])
def test_a_wrong_value_names_its_line(tmp_path, extra, line, says):
    with pytest.raises(ConfigError) as caught:
        spec_file(tmp_path, extra)
    assert caught.value.reason_zh.startswith(f"第 {line} 行") and says in caught.value.reason_zh, caught.value.reason_zh


# --- standards: a company's own standard files ---------------------------------------------------

OWN = """\
category: 建筑工程施工总承包
regime: 2014+2016
title: 企业自定标准（测试）
sources: {own: {title: 企业自定, url: own}}
levels:
  - level: 二级
    net_assets: {confidence: unverified}
    technical_lead: {confidence: unverified}
    headcount:
      assessed: true
      confidence: unverified
      roles: {titled_staff: {min: 7, confidence: unverified}}
"""


def test_own_standard_files_are_resolved_against_the_application_folder(tmp_path, monkeypatch):
    from dossier.validate import params_for

    (tmp_path / "std").mkdir()
    (tmp_path / "std" / "own.yaml").write_text(OWN, encoding="utf-8")
    app = tmp_path / "app"
    app.mkdir()
    monkeypatch.chdir(tmp_path / "std")  # not where the paths are relative to
    spec = spec_file(app, "standards: [../std/own.yaml]\n").spec
    assert spec.standards == [str((tmp_path / "std" / "own.yaml").resolve())]
    need = params_for(spec).headcount["建筑工程施工总承包二级"]["titled_staff"]
    assert need.min == 7  # the company's file, where the shipped one counts no heads at 二级


@pytest.mark.parametrize(("listed", "written", "says"), [
    ("[missing.yaml]", None, "资质标准文件 missing.yaml：找不到资质标准文件"),
    ("[own.yaml]", OWN.replace("regime: 2014+2016", "regime: 2030"), "资质标准文件 own.yaml：第 2 行：regime"),
    ("[own.yaml, copy.yaml]", OWN, "同一资质类别和规则（建筑工程施工总承包，2014+2016）给了两个标准文件"),
])
def test_a_wrong_standard_file_names_its_entry_line(tmp_path, listed, written, says):
    if written is not None:
        (tmp_path / "own.yaml").write_text(written, encoding="utf-8")
        (tmp_path / "copy.yaml").write_text(written, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        spec_file(tmp_path, f"standards: {listed}\n")
    assert caught.value.reason_zh.startswith("第 6 行") and says in caught.value.reason_zh, caught.value.reason_zh


def test_a_file_without_its_folder_may_not_name_standard_files(tmp_path):
    (tmp_path / "own.yaml").write_text(OWN, encoding="utf-8")
    path = tmp_path / "application.yaml"
    path.write_text(BASE + "standards: [own.yaml]\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_spec(path, own_standards=False)
    assert "不能引用资质标准文件" in caught.value.reason_zh
    assert load_spec(path).spec.standards  # the same file, read from its folder
