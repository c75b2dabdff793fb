"""HEADCOUNT_SHORT follows the regime: the standard's counts, only where the regime assesses them.

Under 2014+2016 only the lowest level of a category counts heads (建市[2016]226号); the figures
come from dossier/standards unless a checklist states head counts of its own.
"""

from __future__ import annotations

from datetime import date

import pytest

from dossier.errors import StandardError
from dossier.model import ApplicationSpec, RosterEntry
from dossier.validate import params_for, validate_application
from dossier.validate.identifiers import make_id_number, make_uscc


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


def test_a_checklist_that_states_counts_replaces_the_standard():
    assert short("建筑工程施工总承包三级", {"headcount": {}}, technical_lead=1) == []
    (message,) = short("建筑工程施工总承包二级", {"headcount": {"建筑工程施工总承包二级": {"titled_staff": 3}}}, titled_staff=2)
    assert message == "建筑工程施工总承包二级要求职称人员不少于 3 人，申报名单中只有 2 人"


def test_the_draft_regime_and_an_unknown_one():
    assert short("建筑工程施工总承包乙级", regime="2022-draft", technical_lead=1) == []  # no figures known
    with pytest.raises(StandardError) as caught:
        short("建筑工程施工总承包三级", regime="2030")
    assert "未知的资质标准规则「2030」" in caught.value.reason_zh
