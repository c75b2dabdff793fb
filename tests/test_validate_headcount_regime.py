"""HEADCOUNT_SHORT follows the regime: the standard's counts, only where the regime assesses them.

Under 2014+2016 only the lowest level of a category counts heads (建市[2016]226号); the figures
come from the standards in use (dossier/standards, or an application's own file), never from a
checklist. The fixtures are held to the reduced sample standard they name.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import FIXTURES
from dossier.assemble.checklist import checklist_for
from dossier.errors import ConfigError, StandardError
from dossier.intake.spec import load_spec
from dossier.model import ApplicationSpec, RosterEntry
from dossier.standards.loader import load_standard_file
from dossier.validate import params_for, validate_application
from dossier.validate.identifiers import make_id_number, make_uscc
from fixtures import SAMPLE_STANDARD
from fixtures.generate.standard import sample_standard_yaml


def roster(**counts) -> list[RosterEntry]:
    """``role=n`` or ``role_specialty=n`` people, each with a valid ID number of their own."""
    entries = []
    for key, n in counts.items():
        role, _, specialty = key.partition("__")
        for _ in range(n):
            seq = len(entries) * 2 + 101
            entries.append(RosterEntry(name=f"人员{len(entries)}", id_number=make_id_number("110101", date(1985, 1, 1), seq),
                                       role=role, specialty=specialty or None))
    return entries


def short(qualification: str, overrides: dict | None = None, regime: str | None = None, **counts) -> list[str]:
    spec = ApplicationSpec(company_name="北京华建建设工程有限公司", uscc=make_uscc("91", "110108", "MA01EXA7"),
                           application_type="new", qualifications=[qualification], filing_date=date(2026, 12, 1),
                           roster=roster(**counts), regime=regime)
    return [d.message for d in validate_application(spec, [], params_for(spec, overrides)) if d.code == "HEADCOUNT_SHORT"]


FULL = dict(technical_lead=1, registered_constructor__建筑工程=4, registered_constructor__机电工程=1, titled_staff=6,
            site_manager=15, skilled_worker=30)


def test_the_lowest_level_meets_the_standard_at_its_boundaries():
    assert short("建筑工程施工总承包三级", **FULL) == []


@pytest.mark.parametrize(("change", "says"), [
    ({"registered_constructor__机电工程": 0}, "注册建造师（建筑工程、机电工程专业）不少于 5 人，申报名单中只有 4 人"),
    ({"registered_constructor__建筑工程": 3, "registered_constructor__机电工程": 2}, "注册建造师（建筑工程专业）不少于 4 人，申报名单中只有 3 人"),
    ({"titled_staff": 5}, "职称人员不少于 6 人，申报名单中只有 5 人"),
    ({"site_manager": 14}, "现场管理人员不少于 15 人，申报名单中只有 14 人"),
    ({"skilled_worker": 29}, "技术工人不少于 30 人，申报名单中只有 29 人"),
])
def test_one_short_of_a_count_is_one_finding_naming_the_standard(change, says):
    (message,) = short("建筑工程施工总承包三级", **{**FULL, **change})
    assert says in message and "资质标准 2014+2016，数值多源一致" in message


def test_above_the_lowest_level_the_regime_counts_no_heads():
    assert short("建筑工程施工总承包二级", technical_lead=1) == []
    assert short("市政公用工程施工总承包一级", technical_lead=1) == []
    assert len(short("市政公用工程施工总承包三级", technical_lead=1)) == 4


def test_no_override_states_counts_of_its_own():
    with pytest.raises(ConfigError) as caught:
        short("建筑工程施工总承包二级", {"headcount": {"建筑工程施工总承包二级": {"titled_staff": 3}}}, titled_staff=2)
    assert "人数要求不再写在清单中" in caught.value.reason_zh


# --- the fixtures: small on purpose, held to the reduced sample standard they name -----------------


def sample_short(name: str, **changes) -> list[str]:
    spec = load_spec(FIXTURES / name / "application.yaml").spec.model_copy(update=changes)
    return [d.message for d in validate_application(spec, [], params_for(spec, checklist_for(spec).overrides()))
            if d.code == "HEADCOUNT_SHORT"]


def test_the_clean_sample_meets_the_sample_standard_it_names():
    spec = load_spec(FIXTURES / "sample-clean" / "application.yaml").spec
    assert spec.standards == [str(SAMPLE_STANDARD)]
    assert sample_short("sample-clean") == []


def test_without_the_sample_standard_the_clean_sample_is_held_to_the_real_counts():
    messages = sample_short("sample-clean", standards=[])
    assert any("注册建造师（建筑工程、机电工程专业）不少于 5 人，申报名单中只有 2 人" in m for m in messages), messages
    assert any("职称人员不少于 6 人，申报名单中只有 2 人" in m for m in messages)
    assert any("现场管理人员不少于 15 人，申报名单中只有 1 人" in m for m in messages)
    assert any("技术工人不少于 30 人，申报名单中只有 2 人" in m for m in messages)
    assert all("资质标准 2014+2016" in m for m in messages)


def test_the_sample_standard_counts_heads_at_its_lowest_level_only():
    sample = load_standard_file(SAMPLE_STANDARD)
    assert [lv.headcount.assessed for lv in sample.levels] == [False] * (len(sample.levels) - 1) + [True]
    assert sample_standard_yaml() == SAMPLE_STANDARD.read_text(encoding="utf-8")  # regenerated, not edited
    assert "REDUCED SAMPLE STANDARD" in sample_standard_yaml()


@pytest.mark.parametrize("name", ["sample-upgrade", "sample-renewal"])
def test_the_upgrade_and_renewal_samples_to_a_second_level_count_no_heads(name):
    spec = load_spec(FIXTURES / name / "application.yaml").spec
    assert spec.qualifications == ["建筑工程施工总承包二级"] and spec.standards == []
    assert sample_short(name) == []
    # with nobody listed, only the 技术负责人 (required at every level) is missing: no other count
    assert sample_short(name, roster=[]) == [
        "建筑工程施工总承包二级要求技术负责人不少于 1 人，申报名单中 0 人（资质标准 2014+2016，数值多源一致）"]


DRAFT = """\
category: 建筑工程施工总承包
regime: 2022-draft
title: 企业按征求意见稿整理的标准（测试）
sources: {own: {title: 企业整理, url: own}}
levels:
  - level: 甲级
    net_assets: {confidence: unverified}
    technical_lead: {confidence: unverified}
    headcount: {assessed: false, confidence: unverified, roles: {titled_staff: {min: 40, confidence: unverified}}}
  - level: 乙级
    net_assets: {confidence: unverified}
    technical_lead: {confidence: unverified}
    headcount: {assessed: true, confidence: single source, source: [own],
                roles: {titled_staff: {min: 8, confidence: single source, source: [own]}}}
"""


def test_under_the_draft_regime_its_own_counts_apply(tmp_path):
    own = tmp_path / "draft.yaml"
    own.write_text(DRAFT, encoding="utf-8")
    files = {"standards_files": [str(own)]}
    (message,) = short("建筑工程施工总承包乙级", files, regime="2022-draft", technical_lead=1, titled_staff=7)
    assert message == ("建筑工程施工总承包乙级要求职称人员不少于 8 人，申报名单中只有 7 人"
                       "（资质标准 2022-draft，企业自定标准文件 draft.yaml，数值单一来源）")
    assert short("建筑工程施工总承包乙级", files, regime="2022-draft", technical_lead=1, titled_staff=8) == []
    # not assessed there
    assert short("建筑工程施工总承包甲级", files, regime="2022-draft", technical_lead=1, titled_staff=7) == []
    # the same roster under 2014+2016: 三级 is not a 2022-draft level, and the draft's 8 does not apply
    assert not any("不少于 8 人" in m for m in short("建筑工程施工总承包三级", files, titled_staff=7))


def test_the_draft_regime_and_an_unknown_one():
    assert short("建筑工程施工总承包乙级", regime="2022-draft", technical_lead=1) == []  # no figures known
    with pytest.raises(StandardError) as caught:
        short("建筑工程施工总承包三级", regime="2030")
    assert "未知的资质标准规则「2030」" in caught.value.reason_zh


# --- 技术负责人: every level, under both regimes (not a count 建市[2016]226号 stopped assessing) -----


@pytest.mark.parametrize("qualification", ["建筑工程施工总承包一级", "建筑工程施工总承包二级", "建筑工程施工总承包三级",
                                           "市政公用工程施工总承包一级", "地基基础工程专业承包二级"])
def test_every_level_requires_a_technical_lead(qualification):
    messages = short(qualification, **{**FULL, "technical_lead": 0})
    assert messages == [f"{qualification}要求技术负责人不少于 1 人，申报名单中 0 人（资质标准 2014+2016，数值多源一致）"]
    assert short(qualification, **FULL) == []


def test_the_draft_regime_requires_a_technical_lead_at_every_level_too():
    for level in ("甲级", "乙级"):
        (message,) = short(f"建筑工程施工总承包{level}", regime="2022-draft")
        assert message == f"建筑工程施工总承包{level}要求技术负责人不少于 1 人，申报名单中 0 人（资质标准 2022-draft，数值未核实）"


def test_the_technical_lead_count_is_the_standards_own(tmp_path):
    own = tmp_path / "draft.yaml"
    own.write_text(DRAFT.replace("technical_lead: {confidence: unverified}\n    headcount: {assessed: true",
                                 "technical_lead: {min: 2, confidence: unverified}\n    headcount: {assessed: true"),
                   encoding="utf-8")
    messages = short("建筑工程施工总承包乙级", {"standards_files": [str(own)]}, regime="2022-draft",
                     technical_lead=1, titled_staff=8)
    assert [m for m in messages if "技术负责人" in m] == ["建筑工程施工总承包乙级要求技术负责人不少于 2 人，申报名单中只有 1 人"
                                                       "（资质标准 2022-draft，企业自定标准文件 draft.yaml，数值未核实）"]


def test_dossier_check_on_a_sample_without_its_technical_lead_is_blocked():
    spec = load_spec(FIXTURES / "sample-upgrade" / "application.yaml").spec
    spec = spec.model_copy(update={"roster": [e for e in spec.roster if e.role != "technical_lead"]})
    found = [d for d in validate_application(spec, [], params_for(spec, checklist_for(spec).overrides()))
             if d.code == "HEADCOUNT_SHORT"]
    assert [(d.severity, d.message) for d in found] == [
        ("blocking", "建筑工程施工总承包二级要求技术负责人不少于 1 人，申报名单中 0 人（资质标准 2014+2016，数值多源一致）")]


# --- where the counts came from: a company's own file is named, in the message and the evidence ----


def test_counts_from_the_applications_own_file_name_that_file():
    spec = load_spec(FIXTURES / "sample-clean" / "application.yaml").spec
    spec = spec.model_copy(update={"roster": [e for e in spec.roster if e.name != "孙志明"]})  # a 建筑工程 constructor
    (found,) = [d for d in validate_application(spec, [], params_for(spec, checklist_for(spec).overrides()))
                if d.code == "HEADCOUNT_SHORT"]
    assert found.message == ("建筑工程施工总承包三级要求注册建造师（建筑工程专业）不少于 2 人，申报名单中只有 1 人"
                             "（资质标准 2014+2016，企业自定标准文件 sample-standard.yaml，数值未核实）")
    assert ("application.yaml", "standards", "sample-standard.yaml") in {(e.sha256, e.field, e.value) for e in found.evidence}


def test_counts_from_the_shipped_standards_name_no_file():
    spec = ApplicationSpec(company_name="北京华建建设工程有限公司", uscc=make_uscc("91", "110108", "MA01EXA7"),
                           application_type="new", qualifications=["建筑工程施工总承包三级"],
                           filing_date=date(2026, 12, 1), roster=roster(**{**FULL, "titled_staff": 5}))
    (found,) = [d for d in validate_application(spec, [], params_for(spec)) if d.code == "HEADCOUNT_SHORT"]
    assert "企业自定" not in found.message and "资质标准 2014+2016，数值多源一致" in found.message
    assert "standards" not in {e.field for e in found.evidence}
