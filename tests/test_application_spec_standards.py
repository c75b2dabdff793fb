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
