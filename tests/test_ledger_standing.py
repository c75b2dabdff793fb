"""HEADCOUNT_BELOW_STANDARD in the ledger: a departure takes a company below the level it holds.

The company holds 地基基础工程专业承包三级 (the lowest level: the standard counts 注册建造师 ≥ 3,
职称人员 ≥ 8, 技术工人 ≥ 15); its roster has exactly that, and one constructor stops being insured.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import FIXTURES
from dossier.intake.spec import load_spec
from dossier.ledger.documents import ArchivedApplication
from dossier.ledger.ledger import build_ledger
from dossier.ledger.personnel import personnel_alerts
from dossier.ledger.rules import load_rules
from dossier.validate.identifiers import make_id_number
from fixtures import load_truth
from tests.ledger_builders import COMPANY, USCC, application, archived, months, statement

RULES = load_rules()
ROLES = [("registered_constructor", 3), ("titled_staff", 8), ("skilled_worker", 15)]
ROSTER = [{"name": f"{role[:2]}{i}", "id_number": make_id_number("420106", date(1985, 1, 1), 2 * (10 * n + i) + 1),
           "role": role} for n, (role, count) in enumerate(ROLES) for i in range(count)]
LEAVER = ROSTER[0]


def certificate(*qualifications: str):
    return archived("qualification_certificate",
                    {"company_name": COMPANY, "uscc": USCC, "cert_number": "D342010305", "qualifications": list(qualifications),
                     "issue_date": "2024-03-12", "valid_until": "2029-03-11"}, label="资质证书")


def statements(leaver_until: str):
    everyone = {p["name"]: (p["id_number"], months("2026-06", "2026-11")) for p in ROSTER}
    everyone[LEAVER["name"]] = (LEAVER["id_number"], months("2026-06", leaver_until))
    return [statement("社保", ("2026-06", "2026-11"), everyone)]


def alerts(documents):
    apps = [application(roster=ROSTER)]
    return [a for a in personnel_alerts(documents, apps, build_ledger(documents, apps, RULES), RULES.personnel)
            if a.code == "HEADCOUNT_BELOW_STANDARD"]


def test_everyone_insured_meets_the_standard_at_its_boundary():
    assert alerts([certificate("地基基础工程专业承包三级"), *statements("2026-11")]) == []


def test_a_departure_below_the_count_is_an_alert_naming_who_left():
    (alert,) = alerts([certificate("地基基础工程专业承包三级"), *statements("2026-09")])
    assert alert.company == COMPANY and alert.uscc == USCC and alert.roles == ["registered_constructor"]
    assert alert.message == (f"{COMPANY}：地基基础工程专业承包三级要求注册建造师不少于 3 人，2026-11 在本企业参保的只有 2 人"
                             f"（{LEAVER['name']}已离职或停保），已不满足资质标准（多源一致）")


@pytest.mark.parametrize("held", [("地基基础工程专业承包二级",), ("钢结构工程专业承包三级",), ()])
def test_levels_the_standard_counts_no_heads_at_raise_nothing(held):
    documents = [*statements("2026-09")] + ([certificate(*held)] if held else [])
    assert alerts(documents) == []


# --- the standards the company's own filing uses: the sample-clean company and its sample standard ----


def _sample_clean_archive(left: str | None = None, **changes):
    """The sample-clean company as the archive holds it once its 三级 was granted: (its documents,
    its filing as intake reads it, with its own standard file): its 社保 statement as the truth
    says it reads, ``left`` last insured in 2026-07, and a 资质证书 listing 建筑工程施工总承包三级."""
    spec = load_spec(FIXTURES / "sample-clean" / "application.yaml").spec.model_copy(update=changes)
    app = ArchivedApplication(name="sample-clean", company_name=spec.company_name, uscc=spec.uscc,
                              roster=tuple(e.model_dump(mode="json") for e in spec.roster),
                              filing_date=spec.filing_date, spec=spec)

    def rows(records):
        return [{**r, "months": [m for m in r["months"] if m < "2026-08"]} if r["name"] == left else r for r in records]

    documents = [archived(doc["doc_type"], doc["fields"], rows(doc["records"]), label=path, application=app.name)
                 for path, entry in load_truth(FIXTURES / "sample-clean")["files"].items()
                 for doc in entry["documents"] if doc["doc_type"] == "social_insurance_record"]
    documents.append(archived("qualification_certificate",
                              {"company_name": spec.company_name, "uscc": spec.uscc, "cert_number": "D311081234",
                               "qualifications": ["建筑工程施工总承包三级"], "issue_date": "2026-10-20",
                               "valid_until": "2031-10-19"}, label="华建宏远资质证书", application=app.name))
    return documents, app


def _sample_clean(left: str | None = None, **changes):
    """The HEADCOUNT_BELOW_STANDARD alerts of :func:`_sample_clean_archive`."""
    documents, app = _sample_clean_archive(left, **changes)
    return [a for a in personnel_alerts(documents, [app], build_ledger(documents, [app], RULES), RULES.personnel)
            if a.code == "HEADCOUNT_BELOW_STANDARD"]


def test_the_sample_clean_company_is_held_to_the_standard_file_its_filing_names():
    assert _sample_clean() == []


def test_a_company_without_its_own_file_is_held_to_the_shipped_counts():
    messages = [a.message for a in _sample_clean(standards=[])]
    assert any("建筑工程施工总承包三级要求注册建造师（建筑工程、机电工程专业）不少于 5 人" in m for m in messages), messages
    assert any("技术工人不少于 30 人" in m for m in messages), messages


def test_an_own_file_gone_since_intake_falls_back_to_the_shipped_counts(tmp_path):
    messages = [a.message for a in _sample_clean(standards=[str(tmp_path / "moved.yaml")])]
    assert any("技术工人不少于 30 人" in m for m in messages), messages


def test_an_alert_held_to_the_companys_own_file_names_it():
    (alert,) = _sample_clean(left="孙志明")
    assert alert.message == ("北京华建宏远建设工程有限公司：建筑工程施工总承包三级要求注册建造师（建筑工程专业）不少于 2 人，"
                             "2026-08 在本企业参保的只有 1 人（孙志明已离职或停保），"
                             "已不满足资质标准（企业自定标准文件 sample-standard.yaml，未核实）")


# --- the 技术负责人: every level asks for one (HEADCOUNT_SHORT since 229acd9), so a departure alerts at every level ---

LEAD = {"name": "宋明", "id_number": make_id_number("420102", date(1977, 10, 4), 323), "role": "technical_lead"}
HEIR = {"name": "陈立", "id_number": make_id_number("420102", date(1980, 5, 6), 125), "role": "technical_lead"}


def lead_alerts(qualification: str, lead_until: str, *, rosters=((LEAD,),), insured=(LEAD,)):
    """HEADCOUNT_BELOW_STANDARD of a company holding ``qualification`` whose 技术负责人 ``LEAD`` is
    insured until ``lead_until`` (the newest statement runs to 2026-11); ``rosters``: one filing each."""
    people = {p["name"]: (p["id_number"], months("2026-06", "2026-11")) for p in insured}
    people[LEAD["name"]] = (LEAD["id_number"], months("2026-06", lead_until))
    documents = [certificate(qualification), statement("社保", ("2026-06", "2026-11"), people)]
    apps = [application(f"申报{i}", roster=list(roster)) for i, roster in enumerate(rosters)]
    return [a for a in personnel_alerts(documents, apps, build_ledger(documents, apps, RULES), RULES.personnel)
            if a.code == "HEADCOUNT_BELOW_STANDARD"]


@pytest.mark.parametrize("qualification", ["建筑工程施工总承包一级", "建筑工程施工总承包二级", "市政公用工程施工总承包一级",
                                           "地基基础工程专业承包二级"])
def test_the_only_technical_lead_leaving_is_an_alert_at_a_level_that_counts_no_other_heads(qualification):
    (alert,) = lead_alerts(qualification, "2026-09")
    assert alert.company == COMPANY and alert.uscc == USCC and alert.roles == ["technical_lead"]
    assert (alert.name, alert.id_number, alert.last_month, alert.newest_month) == ("宋明", LEAD["id_number"], "2026-09", "2026-11")
    assert alert.message == (f"{COMPANY}：技术负责人宋明离职或停保后，{qualification}要求技术负责人不少于 1 人，"
                             f"2026-11 在本企业参保的现有 0 人，已不满足资质标准（多源一致）")


def test_the_technical_lead_leaving_a_lowest_level_alerts_beside_its_head_counts():
    roster = [*ROSTER, LEAD]
    documents = [certificate("地基基础工程专业承包三级"),
                 statement("社保", ("2026-06", "2026-11"),
                           {**{p["name"]: (p["id_number"], months("2026-06", "2026-11")) for p in ROSTER},
                            LEAD["name"]: (LEAD["id_number"], months("2026-06", "2026-08"))})]
    apps = [application(roster=roster)]
    found = [(a.roles, a.name) for a in personnel_alerts(documents, apps, build_ledger(documents, apps, RULES), RULES.personnel)
             if a.code == "HEADCOUNT_BELOW_STANDARD"]
    assert found == [(["technical_lead"], "宋明")]


def test_a_technical_lead_still_insured_or_succeeded_raises_nothing():
    assert lead_alerts("建筑工程施工总承包二级", "2026-11") == []
    # the newer filing names another 技术负责人, insured in the newest month
    assert lead_alerts("建筑工程施工总承包二级", "2026-09", rosters=((LEAD,), (HEIR,)), insured=(LEAD, HEIR)) == []


def test_a_company_that_never_named_a_technical_lead_is_no_departure():
    assert lead_alerts("建筑工程施工总承包二级", "2026-11", rosters=((),), insured=()) == []


def test_the_technical_lead_leaving_is_held_to_the_companys_own_file():
    (alert,) = _sample_clean(left="蔡淑华")
    assert alert.roles == ["technical_lead"] and alert.name == "蔡淑华"
    assert alert.message == ("北京华建宏远建设工程有限公司：技术负责人蔡淑华离职或停保后，建筑工程施工总承包三级要求技术负责人不少于 1 人，"
                             "2026-08 在本企业参保的现有 0 人，已不满足资质标准（企业自定标准文件 sample-standard.yaml，多源一致）")


# --- each alert is reminded on its own: the reminder key names the role and the level ------------


def _keys(found):
    from dossier.notify.digest import due_items
    return [item.key for item in due_items([], found, RULES, date(2026, 12, 1))]


def test_two_roles_short_in_one_month_are_two_reminders():
    titled = next(p for p in ROSTER if p["role"] == "titled_staff")
    people = {p["name"]: (p["id_number"], months("2026-06", "2026-09" if p in (LEAVER, titled) else "2026-11"))
              for p in ROSTER}
    found = alerts([certificate("地基基础工程专业承包三级"), statement("社保", ("2026-06", "2026-11"), people)])
    assert sorted(a.roles[0] for a in found) == ["registered_constructor", "titled_staff"]
    assert len(set(_keys(found))) == 2


def test_one_role_short_at_two_levels_held_is_two_reminders():
    documents = [certificate("地基基础工程专业承包三级", "建筑工程施工总承包三级"), *statements("2026-09")]
    found = [a for a in alerts(documents) if a.roles == ["registered_constructor"]]
    # 建筑工程 三级 counts the whole and the 建筑工程 specialty's share: each its own alert and reminder
    assert {a.qualification for a in found} == {"地基基础工程专业承包三级", "建筑工程施工总承包三级"} and len(found) == 3
    assert len(set(_keys(found))) == 3


def test_the_technical_lead_leaving_two_levels_held_is_two_reminders():
    documents = [certificate("建筑工程施工总承包二级", "市政公用工程施工总承包二级"),
                 statement("社保", ("2026-06", "2026-11"), {LEAD["name"]: (LEAD["id_number"], months("2026-06", "2026-09"))})]
    apps = [application(roster=[LEAD])]
    found = [a for a in personnel_alerts(documents, apps, build_ledger(documents, apps, RULES), RULES.personnel)
             if a.code == "HEADCOUNT_BELOW_STANDARD"]
    assert len(found) == 2 and len(set(_keys(found))) == 2


# --- the per-level view: whether the company still meets each level it holds -----------------------


def standing(documents, apps=None, lead_until: str | None = "2026-11"):
    """The levels of the company filing ``ROSTER`` and its 技术负责人 ``LEAD`` (insured until
    ``lead_until`` on a statement of its own; None: no such statement), as the ledger judges them."""
    from dossier.ledger.personnel import level_standings
    apps = apps if apps is not None else [application(roster=[*ROSTER, LEAD])]
    if lead_until:
        documents = [*documents, statement("社保（技术负责人）", ("2026-06", "2026-11"),
                                           {LEAD["name"]: (LEAD["id_number"], months("2026-06", lead_until))})]
    return level_standings(documents, apps, build_ledger(documents, apps, RULES))


def test_everyone_insured_meets_every_count_in_figures():
    (level,) = standing([certificate("地基基础工程专业承包三级"), *statements("2026-11")])
    # the standard counts 现场管理人员 at this level but gives no figure (unverified): not 满足
    assert (level.company, level.uscc, level.qualification, level.status, level.status_zh) == (
        COMPANY, USCC, "地基基础工程专业承包三级", "unknown", "无法判断")
    assert level.reason == "现场管理人员 0 人，资质标准未给出人数"
    assert level.newest_month == "2026-11" and level.regime == "2014+2016" and level.standard_file is None
    counted = {line.key: (line.status, line.found, line.required, line.reason) for line in level.lines}
    assert counted["registered_constructor"] == ("met", 3, 3, "注册建造师 3/3")
    assert counted["titled_staff"] == ("met", 8, 8, "职称人员 8/8")
    assert counted["skilled_worker"] == ("met", 15, 15, "技术工人 15/15")
    assert counted["technical_lead"] == ("met", 1, 1, "技术负责人 1/1")
    # a level whose every count is known and reached is 满足
    (level,) = standing([certificate("建筑工程施工总承包二级"), *statements("2026-11")])
    assert (level.status, level.status_zh, level.reason) == ("met", "满足", "技术负责人 1/1")


def test_a_departure_makes_the_level_short_with_the_gap_and_the_same_alert():
    documents = [certificate("地基基础工程专业承包三级"), *statements("2026-09")]
    (level,) = standing(documents)
    assert level.status == "short" and level.status_zh == "不满足"
    (line,) = [line for line in level.lines if line.status == "short"]
    assert line.reason == f"注册建造师 2/3，差 1 人（{LEAVER['name']}已离职或停保）"
    assert level.reason.startswith(line.reason + "；")  # then the count it cannot tell
    # the alert is raised from this very line
    (alert,) = alerts(documents)
    assert (alert.qualification, alert.roles, alert.newest_month) == (level.qualification, [line.role], level.newest_month)


def test_a_level_counting_no_heads_is_judged_on_its_technical_lead():
    documents = [certificate("建筑工程施工总承包二级")]
    (level,) = standing(documents, [application(roster=[LEAD])])
    assert level.status == "met" and [(l.key, l.reason) for l in level.lines] == [("technical_lead", "技术负责人 1/1")]
    (level,) = standing(documents, [application(roster=[LEAD])], lead_until="2026-09")
    assert level.status == "short" and level.reason == "技术负责人 0/1，差 1 人（宋明已离职或停保）"


def test_what_cannot_be_told_is_unknown_with_the_reason():
    (level,) = standing([certificate("钢结构工程专业承包三级"), *statements("2026-11")])
    assert level.status == "unknown" and level.status_zh == "无法判断" and level.lines == []
    assert level.reason == "资质标准（2014+2016）中没有钢结构工程专业承包三级，无法判断"
    # no 社保 statement of the company: the counts are asked, not counted
    (level,) = standing([certificate("地基基础工程专业承包三级")], lead_until=None)
    assert level.status == "unknown" and level.newest_month is None
    assert all(line.status == "unknown" and line.found is None for line in level.lines)
    assert "注册建造师：要求不少于 3 人，档案中没有本企业的社保缴费明细" in level.reason
    # no roster filed: nobody to count
    (level,) = standing([certificate("地基基础工程专业承包三级"), *statements("2026-11")], [application(roster=[])])
    assert level.status == "unknown" and "档案中没有本企业申报的人员名单" in level.reason


def test_the_json_names_status_figures_and_words():
    (level,) = standing([certificate("地基基础工程专业承包三级"), *statements("2026-09")])
    data = level.contract()
    assert data["status"] == "short" and data["status_zh"] == "不满足" and data["qualification"] == "地基基础工程专业承包三级"
    line = next(l for l in data["lines"] if l["key"] == "registered_constructor")
    assert {k: line[k] for k in ("status", "status_zh", "required", "found", "confidence_zh")} == {
        "status": "short", "status_zh": "不满足", "required": 3, "found": 2, "confidence_zh": "多源一致"}
    assert "departed" not in line and "lead" not in line  # who left is named in the reason only, no ID number


def test_the_view_is_held_to_the_companys_own_file():
    documents, app = _sample_clean_archive()
    (level,) = standing(documents, [app], lead_until=None)
    assert level.status == "met" and level.standard_file == "sample-standard.yaml"
