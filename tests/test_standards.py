"""Qualification standards as data: the files load, every boundary is inclusive, errors name the line.

The boundary tests walk every 业绩 criterion and every scope limit of every shipped file, so a
category added as a file is tested at its boundaries too; the spot tests pin figures of the
notes (shared/notes/qualification-standards.md) so that a typo in a file fails here.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from dossier.errors import StandardError
from dossier.standards.loader import (Standards, load_standard_file, regimes, shipped_standards, standards,
                                      vocabulary)
from dossier.standards.measure import (ProjectScale, count_checks, judge_criterion, judge_performance,
                                       project_meets, reaches, scope_excesses, within)
from dossier.standards.schema import CONFIDENCE_ORDER, Criterion

CENT = Decimal("0.01")
DEFAULT = regimes().default
LEVELS = [(s, lv) for s in shipped_standards() for lv in s.levels]
CRITERIA = [pytest.param(s, lv, k, c, id=f"{s.category}{lv.level}-{k.key}-{i}")
            for s, lv in LEVELS if lv.performance for k in lv.performance.classes for i, c in enumerate(k.criteria)]
LIMITS = [pytest.param(s, lv, limit, id=f"{s.category}{lv.level}-{limit.attribute}-{limit.kind}")
          for s, lv in LEVELS for limit in lv.scope]


def level_of(name: str, regime: str = DEFAULT):
    found = standards().parse_qualification(name, regime)
    assert found is not None, name
    return found[1]


def project(name: str = "p", kind="building", structure=None, **values) -> ProjectScale:
    return ProjectScale(name, {k: Decimal(str(v)) for k, v in values.items()}, kind, structure)


def measured(name: str, structure="钢筋混凝土结构", **values) -> ProjectScale:
    """A building with every attribute the standards use measured: 0 unless given."""
    every = {a: 0 for a in vocabulary().attributes} | values
    return project(name, structure=structure, **every)


def fitting(criterion: Criterion, value: Decimal, name: str = "p") -> ProjectScale:
    """A project with ``value`` of the criterion's attribute and exactly the kind and structure it asks."""
    return ProjectScale(name, {criterion.attribute: value}, criterion.kind or "building", criterion.structure)


# --- the shipped files ----------------------------------------------------------------------


def test_the_three_categories_load_at_every_level_under_the_default_regime():
    loaded = {s.category: [lv.level for lv in s.levels] for s in standards().of_regime(DEFAULT)}
    assert loaded == {"建筑工程施工总承包": ["一级", "二级", "三级"], "市政公用工程施工总承包": ["一级", "二级", "三级"],
                      "地基基础工程专业承包": ["一级", "二级", "三级"]}
    draft = standards().of_regime("2022-draft")
    assert [lv.level for lv in draft[0].levels] == ["甲级", "乙级"]
    assert {s.confidence for s in regimes().regimes.values()} == {"confirmed", "unverified"}


@pytest.mark.parametrize("standard", shipped_standards(), ids=lambda s: f"{s.category}-{s.regime}")
def test_only_the_lowest_level_has_its_head_counts_assessed(standard):
    """建市[2016]226号: head counts decide only the lowest level of a category."""
    assert [lv.headcount.assessed for lv in standard.levels] == [False] * (len(standard.levels) - 1) + [True]


def test_figures_from_the_notes():
    two = level_of("建筑工程施工总承包二级")
    assert two.net_assets.min == Decimal("40000000") and two.net_assets.confidence == "confirmed"
    assert two.technical_lead.years == 8
    assert two.headcount.roles["registered_constructor"].confidence == "single source"
    assert level_of("建筑工程施工总承包三级").headcount.roles["skilled_worker"].min == 30
    assert level_of("市政公用工程施工总承包三级").net_assets.min == Decimal("10000000")
    assert level_of("地基基础工程专业承包三级").headcount.roles["site_manager"].min is None
    assert level_of("地基基础工程专业承包三级").headcount.roles["site_manager"].confidence == "unverified"
    assert level_of("建筑工程施工总承包一级").performance.platform_required


# --- boundaries: "以上/以下/不少于/不超过" include the boundary, "超过" does not -----------------


@pytest.mark.parametrize(("standard", "level", "klass", "criterion"), CRITERIA)
def test_every_criterion_at_its_boundary(standard, level, klass, criterion):
    at, below, above = criterion.min, criterion.min - CENT, criterion.min + CENT
    assert project_meets(fitting(criterion, at), criterion) == ("no" if criterion.strict else "yes")
    assert project_meets(fitting(criterion, below), criterion) == "no"
    assert project_meets(fitting(criterion, above), criterion) == "yes"
    if criterion.aggregate == "each":
        enough = [fitting(criterion, above, f"p{i}") for i in range(criterion.projects)]
        assert judge_criterion(criterion, enough).status == "met"
        assert judge_criterion(criterion, enough[1:]).status == "short"
    else:
        half = criterion.min / 2
        halves = [fitting(criterion, half, "a"), fitting(criterion, criterion.min - half, "b")]
        # 累计: two projects summing to the boundary reach it (each of them reaching nothing alone)
        assert judge_criterion(criterion, halves).status == ("short" if criterion.strict else "met")


@pytest.mark.parametrize(("standard", "level", "limit"), LIMITS)
def test_every_scope_limit_at_its_boundary(standard, level, limit):
    kind = limit.kind or "building"
    at = ProjectScale("p", {limit.attribute: limit.max}, kind)
    above = ProjectScale("p", {limit.attribute: limit.max + CENT}, kind)
    assert not [e for e in scope_excesses(level, at, None) if e.limit == limit]
    assert [e.status for e in scope_excesses(level, above, None) if e.limit == limit] == ["yes"]
    for old in limit.earlier:  # on the last day of an earlier limit it still applies; the next day it does not
        assert limit.max_on(old.until) == (old.max, old)
        assert limit.max_on(date.fromordinal(old.until.toordinal() + 1))[0] == limit.max


def test_building_scope_spot_values():
    two, three = level_of("建筑工程施工总承包二级"), level_of("建筑工程施工总承包三级")
    assert not scope_excesses(two, project(height=100, building_area=40000, span=39), date(2024, 1, 1))
    words = [e.words() for e in scope_excesses(three, project(height=50.01, building_area=12000.01, span=27.01),
                                                date(2024, 1, 1))]
    assert words == ["高度 50.01 米，超过 50 米的上限（工业与民用建筑）", "单体建筑面积 12000.01 平方米，超过 12000 平方米的上限",
                     "单跨跨度 27.01 米，超过 27 米的上限"]
    # before 建市[2016]226号 the 三级 area limit was 8 万 m²
    assert not scope_excesses(three, project(building_area=80000), date(2016, 10, 31))
    assert scope_excesses(three, project(building_area=80000), date(2016, 11, 1))


def test_a_project_of_unknown_kind_exceeds_for_sure_only_beyond_every_kind():
    three = level_of("建筑工程施工总承包三级")  # buildings ≤ 50 m, structures ≤ 70 m
    assert [e.status for e in scope_excesses(three, project(kind=None, height=60), None)] == ["unknown"]
    (sure,) = scope_excesses(three, project(kind=None, height=70.5), None)
    assert sure.status == "yes" and sure.maximum == 70
    assert not scope_excesses(three, project(kind=None, height=50), None)
    assert not scope_excesses(three, project(kind="structure", height=70), None)


def test_building_performance_two_of_four_classes():
    one = level_of("建筑工程施工总承包一级").performance
    tall = measured("tall", floors=25)
    wide = measured("wide", building_area=30000)
    assert judge_performance(one, [tall, wide]).status == "met"
    assert judge_performance(one, [tall]).status == "short"
    # two projects of 18 storeys stand for one of 25
    assert judge_performance(one, [measured("a", floors=18), measured("b", floors=18), wide]).status == "met"
    assert judge_performance(one, [measured("a", floors=18), measured("b", floors=17), wide]).status == "short"
    # a span of 32 m is a 一级 class for concrete (≥ 30) but not for steel (≥ 36); unstated: unknown
    assert judge_performance(one, [tall, measured("s", span=32)]).status == "met"
    assert judge_performance(one, [tall, measured("s", structure="钢结构", span=32)]).status == "short"
    assert judge_performance(one, [tall, measured("s", structure=None, span=32)]).status == "unknown"
    assert judge_performance(one, [tall, measured("s", structure="钢结构", span=36)]).status == "met"
    # an attribute not read leaves its class open, never short
    assert judge_performance(one, [tall, project("x", floors=3)]).status == "unknown"
    assert judge_performance(one, [tall, measured("x", kind=None, height=120)]).status == "unknown"


def test_municipal_requires_its_first_class():
    one = level_of("市政公用工程施工总承包一级").performance
    others = [measured("b", bridge_area=100000), measured("p", pipeline_length=20), measured("t", tunnel_length=3),
              measured("w1", waste_capacity=500), measured("w2", waste_capacity=500)]
    assert judge_performance(one, others).status == "short"  # four classes, but not the roads
    roads = [measured("r1", road_length=12.5), measured("r2", road_length=12.5)]  # 累计 25 km
    assert judge_performance(one, others + roads).status == "met"
    assert judge_performance(one, others + roads[:1]).status == "short"
    assert judge_performance(one, others + roads[:1] + [project("r?")]).status == "unknown"


def test_foundation_exceeding_is_strict():
    one = level_of("地基基础工程专业承包一级").performance
    (pits,) = [k for k in one.classes if k.key == "pits"]
    assert judge_criterion(pits.criteria[0], [project(pit_depth=12)]).status == "short"  # 超过 12 m
    assert judge_criterion(pits.criteria[0], [project(pit_depth=12.01)]).status == "met"


@given(st.decimals(min_value=0, max_value=10**9, places=2), st.decimals(min_value=0, max_value=10**9, places=2))
def test_reaches_and_within_meet_only_at_the_boundary(a, b):
    assert reaches(a, b) or within(a, b)
    assert (reaches(a, b) and within(a, b)) == (a == b)
    assert reaches(a, b, strict=True) == (not within(a, b))


# --- qualification names ----------------------------------------------------------------------


@given(st.sampled_from(LEVELS), st.lists(st.sampled_from([" ", "\u3000", "\t"]), max_size=3), st.integers(0, 20))
def test_a_qualification_name_parses_back_whatever_the_spaces(pair, spaces, at):
    standard, level = pair
    name = standard.qualification(level.level)
    spaced = name[:at % (len(name) + 1)] + "".join(spaces) + name[at % (len(name) + 1):]
    assert standards().parse_qualification(spaced, standard.regime) == (standard, level)


def test_unknown_qualifications_and_regimes():
    assert standards().parse_qualification("建筑工程施工总承包四级", DEFAULT) is None
    assert standards().parse_qualification("钢结构工程专业承包一级", DEFAULT) is None
    assert standards().parse_qualification("建筑工程施工总承包二级", "2022-draft") is None
    assert standards().parse_qualification("建筑工程施工总承包乙级", "2022-draft")[1].level == "乙级"


# --- a company's own file: same loader, same checks ------------------------------------------

OWN = """\
category: 建筑工程施工总承包
regime: 2014+2016
title: 本公司对标准的理解
sources:
  own: {title: 公司资质部整理, url: intranet}
levels:
  - level: 三级
    net_assets: {min: 9000000, confidence: single source, source: [own]}
    technical_lead: {years: 5, confidence: single source, source: [own]}
    headcount: {assessed: true, confidence: single source, source: [own]}
    scope:
      - {attribute: height, max: 48, confidence: single source, source: [own]}
"""


def write(tmp_path, text: str):
    path = tmp_path / "own.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_own_file_replaces_the_shipped_one_of_its_category_and_regime(tmp_path):
    mine = standards([write(tmp_path, OWN)])
    standard, level = mine.parse_qualification("建筑工程施工总承包三级", DEFAULT)
    assert standard.title == "本公司对标准的理解" and level.net_assets.min == Decimal("9000000")
    assert mine.parse_qualification("建筑工程施工总承包二级", DEFAULT) is None  # the whole file is replaced
    assert mine.parse_qualification("市政公用工程施工总承包二级", DEFAULT) is not None
    with pytest.raises(StandardError) as caught:
        Standards(shipped_standards(), [load_standard_file(write(tmp_path, OWN))] * 2)
    assert "两个标准文件" in caught.value.reason_zh


@pytest.mark.parametrize(("change", "line", "says"), [
    (("scope:", "scpoe:"), 11, "scpoe"),
    (("{min: 9000000, confidence: single source, source: [own]}", "{min: 9000000, confidence: confirmed}"), 8,
     "须注明来源"),
    (("source: [own]}\n    technical_lead", "source: [theirs]}\n    technical_lead"), 1, "theirs"),
    (("attribute: height", "attribute: heigth"), 12, "未知的工程指标「heigth」"),
    (("regime: 2014+2016", "regime: 2019"), 2, "未知的规则「2019」"),
    (("confidence: single source, source: [own]}\n    technical_lead", "confidence: sure, source: [own]}\n    technical_lead"),
     8, "net_assets.confidence"),
    (("max: 48", "max: -1"), 12, "levels.0.scope.0.max"),
])
def test_a_malformed_own_file_names_the_line(tmp_path, change, line, says):
    old, new = change
    assert old in OWN
    with pytest.raises(StandardError) as caught:
        load_standard_file(write(tmp_path, OWN.replace(old, new, 1)))
    assert caught.value.reason_zh.startswith(f"第 {line} 行") and says in caught.value.reason_zh, caught.value.reason_zh


def test_an_impossible_k_of_n_is_refused(tmp_path):
    text = OWN.replace("    scope:\n", "    performance: {window_years: 5, classes_needed: 1, confidence: unverified}\n    scope:\n")
    with pytest.raises(StandardError, match="要求 1 类业绩"):
        load_standard_file(write(tmp_path, text))


def test_a_missing_own_file_is_a_standard_error(tmp_path):
    with pytest.raises(StandardError) as caught:
        standards([tmp_path / "nowhere.yaml"])
    assert caught.value.reason_zh == "找不到资质标准文件"


def test_confidences_are_ordered_weakest_first():
    assert CONFIDENCE_ORDER == ("unverified", "single source", "confirmed")


@pytest.mark.parametrize(("people", "shorts"), [
    (["建筑工程"] * 4 + ["机电工程"], [0, 0]),
    (["建筑工程"] * 4, [1, 0]),
    (["建筑工程"] * 3 + ["机电工程"] * 2, [0, 1]),
    (["建筑工程"] * 4 + ["市政公用工程", None], [1, 0]),  # other specialties are not among the counted
])
def test_count_checks_whole_then_each_specialty_inclusive(people, shorts):
    need = level_of("建筑工程施工总承包三级").headcount.roles["registered_constructor"]
    checks = count_checks(need.min, need.among, need.specialties, people)
    assert [c.short for c in checks] == shorts
    assert [c.specialties for c in checks] == [("建筑工程", "机电工程"), ("建筑工程",)]
