"""Filing checklists: the built-ins, automatic choice, overrides for validation, line-numbered errors."""

from __future__ import annotations

import textwrap
from datetime import date

import pytest

from dossier.assemble.checklist import checklist_for, list_checklists, load_checklist, parse_checklist
from dossier.errors import ChecklistError
from dossier.model import ApplicationSpec
from dossier.validate.params import params_for

from conftest import ROOT

CHECKLISTS_DIR = ROOT / "dossier" / "checklists"

BUILTINS = ["gc-building-addition", "gc-building-new", "gc-building-renewal", "gc-building-upgrade"]


def spec(application_type: str, *qualifications: str) -> ApplicationSpec:
    return ApplicationSpec(company_name="某公司", uscc="91110108MA01EXA75A", application_type=application_type,
                           qualifications=list(qualifications), filing_date=date(2026, 12, 1))


def test_builtins_are_listed_and_load():
    assert list_checklists() == BUILTINS
    for name in BUILTINS:
        checklist = load_checklist(name)
        assert checklist.name == name
        assert any("\u4e00" <= ch <= "\u9fff" for ch in checklist.title)
        assert [s.title for s in checklist.sections][:2] == ["综合资料", "人员资料"]


@pytest.mark.parametrize("application_type, qualification, expected", [
    ("new", "建筑工程施工总承包三级", "gc-building-new"),
    ("upgrade", "建筑工程施工总承包二级", "gc-building-upgrade"),
    ("addition", "建筑工程施工总承包三级", "gc-building-addition"),
    ("renewal", "建筑工程施工总承包二级", "gc-building-renewal"),
])
def test_checklist_for_picks_by_type_and_qualification(application_type, qualification, expected):
    assert checklist_for(spec(application_type, qualification)).name == expected


def test_checklist_for_without_a_match_says_so():
    with pytest.raises(ChecklistError) as err:
        checklist_for(spec("change", "建筑工程施工总承包二级"))
    assert "--checklist" in err.value.reason_zh


def test_overrides_reach_validation_parameters():
    upgrade = load_checklist("gc-building-upgrade")
    params = params_for(spec("upgrade", "建筑工程施工总承包二级"), upgrade.overrides())
    assert params.social_insurance_window_months == 3
    # a 二级: the regime counts no heads there but the 技术负责人 (every level), and no checklist states any
    assert {q: {r: n.min for r, n in t.items()} for q, t in params.headcount.items()} == {
        "建筑工程施工总承包二级": {"technical_lead": 1}}
    # technical_lead + registered_constructor may be combined; a worker may not be anything else.
    assert ("technical_lead", "registered_constructor") not in params.exclusive_roles
    assert ("registered_constructor", "skilled_worker") in params.exclusive_roles
    assert ("constructor_certificate",) in params.documents.roles["registered_constructor"]
    new = params_for(spec("new", "建筑工程施工总承包三级"), load_checklist("gc-building-new").overrides())
    assert new.social_insurance_window_months == 1
    assert new.headcount["建筑工程施工总承包三级"]["skilled_worker"].min == 30  # the standard's, not a copy


def test_no_builtin_checklist_states_head_counts():
    for name in BUILTINS:
        assert "headcount" not in (CHECKLISTS_DIR / f"{name}.yaml").read_text(encoding="utf-8"), name


def test_a_checklist_requires_more_fields_never_fewer():
    text = (CHECKLISTS_DIR / "gc-building-upgrade.yaml").read_text(encoding="utf-8").replace(
        "{doc_type: business_license, count: 1}",
        "{doc_type: business_license, count: 1, required_fields: [company_type]}")
    assert "company_type" in text
    checklist = parse_checklist(text, "mine.yaml")
    params = params_for(spec("upgrade", "建筑工程施工总承包二级"), checklist.overrides())
    wanted = params.fields.required["business_license"]
    assert "company_type" in wanted and "registered_capital" in wanted  # the spec's own list stays


def test_a_user_checklist_file_loads(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(VALID, encoding="utf-8")
    checklist = load_checklist(str(path))
    assert checklist.name == "my-list" and checklist.sections[0].items[0].minimum == 1


def test_unknown_builtin_names_the_choices():
    with pytest.raises(ChecklistError) as err:
        load_checklist("gc-nothing")
    assert "gc-building-upgrade" in err.value.reason_zh


VALID = textwrap.dedent("""\
    name: my-list
    title: 我的清单
    application_type: new
    qualifications: [建筑工程施工总承包三级]
    sections:
      - title: 综合资料
        items:
          - {doc_type: business_license, count: 1}
          - doc_type: safety_production_license
            at_least: 0
    """)


def _broken(line: int, new: str) -> str:
    lines = VALID.splitlines()
    lines[line - 1] = new
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text, line, words", [
    # a misspelt key at the top level
    (VALID + "watermrk: 仅供\n", 11, "未知的键"),
    # a count that is not a number, inside a flow mapping in a list
    (_broken(8, "      - {doc_type: business_license, count: one}"), 8, "应为整数"),
    # an unknown document type in a block mapping item
    (_broken(9, "      - doc_type: business_licence"), 9, "未知的材料类型"),
    # both count kinds on one item
    (_broken(10, "        at_least: 0\n        count: 2"), 9, "只能写一个"),
    # an invalid application type
    (_broken(3, "application_type: promote"), 3, "取值无效"),
    # a required key missing: the line of the mapping that lacks it
    (_broken(2, "description: 无标题"), 1, "缺少必填项"),
    # an override validation rejects (misspelt rule parameter)
    (VALID + "rules:\n  social_insurance_window: 3\n", 12, "social_insurance_window"),
    # YAML syntax error
    (_broken(6, "      items: [unclosed"), 7, "YAML"),
])
def test_malformed_checklist_names_the_line(tmp_path, text, line, words):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        load_checklist(path)
    assert f"第 {line} 行" in err.value.reason_zh, err.value.reason_zh
    assert words in err.value.reason_zh
    assert str(path) in err.value.user_message


def test_parse_reports_an_empty_file():
    with pytest.raises(ChecklistError):
        parse_checklist("", "empty.yaml")


@pytest.mark.parametrize("text, line", [
    (VALID + "headcount:\n  建筑工程施工总承包三级: {titled_staff: 2}\n", 11),
    (VALID + "rules:\n  social_insurance_window_months: 1\n  headcount: {}\n", 13),
])
def test_a_checklist_stating_head_counts_is_refused_saying_where_they_come_from(tmp_path, text, line):
    path = tmp_path / "old.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ChecklistError) as err:
        load_checklist(path)
    assert err.value.reason_zh.startswith(f"第 {line} 行"), err.value.reason_zh
    assert "人数要求不再写在清单中" in err.value.reason_zh and "资质标准" in err.value.reason_zh
    assert str(path) in err.value.user_message
