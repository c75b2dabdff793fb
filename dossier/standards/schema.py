"""The schema of a qualification standard file: one category under one regime, every level.

A standard file (``dossier/standards/data/*.yaml``, or a company's own) says, per level, what a
company must have (净资产, 技术负责人, head counts and whether the regime assesses them, 业绩
classes with "k of n") and what the level may undertake (承包范围). Every figure carries where it
was read (``source``: ids into the file's ``sources``) and how sure it is (``confidence``), so
that an output can show both.

Boundaries: the standards' "以上/以下/不少于/不超过" include the boundary, so every ``min`` here
means ≥ and every ``max`` means ≤ (``dossier.standards.measure`` is the one place comparing).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dossier.model import Role

Confidence = Literal["confirmed", "single source", "unverified"]
CONFIDENCE_ZH: dict[str, str] = {"confirmed": "多源一致", "single source": "单一来源", "unverified": "未核实"}
# How the archive measures up to one requirement of a standard, or to a level as a whole
Judgement = Literal["met", "short", "unknown"]
JUDGEMENT_ZH: dict[str, str] = {"met": "满足", "short": "不满足", "unknown": "无法判断"}


def overall(statuses: Iterable[str]) -> Judgement:
    """A level from its requirements: short when any is, unknown when any is, else met."""
    found = set(statuses)
    return "short" if "short" in found else "unknown" if "unknown" in found else "met"


# A weakest-first order: a line resting on several values is as sure as its least sure one.
CONFIDENCE_ORDER: tuple[str, ...] = ("unverified", "single source", "confirmed")
TITLE_LEVELS: tuple[str, ...] = ("初级", "中级", "副高级", "正高级")
ProjectKind = Literal["building", "structure"]  # 工业与民用建筑 / 构筑物


class _Strict(BaseModel):
    # A misspelt key in a company's own file must be an error, not a silently ignored figure.
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """What every figure carries: how sure it is and which of the file's sources say it."""

    confidence: Confidence
    source: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _enough_sources(self) -> Sourced:
        # A figure someone says was read somewhere must say where; only an unverified one may not.
        if self.confidence != "unverified" and not self.source:
            raise ValueError(f"confidence 为「{self.confidence}」的数值须注明来源（source）")
        return self


class Amount(Sourced):
    """A money floor in yuan (净资产); ``min`` None: the figure is not known."""

    min: Decimal | None = Field(default=None, ge=0)


class LeadQualification(_Strict):
    """One way a 技术负责人 qualifies: a title (level at least ``title_min``, specialty containing
    ``specialty``) or a registration (constructor ``constructor_level`` or any, in ``specialty``)."""

    title_min: Literal["初级", "中级", "副高级", "正高级"] | None = None
    constructor_level: Literal["一级", "二级"] | None = None
    constructor: bool = False  # any registered constructor of the specialty counts
    specialty: str | None = None
    text: str  # how the standard says it, shown to users

    @model_validator(mode="after")
    def _one_kind(self) -> LeadQualification:
        kinds = (self.title_min is not None) + (self.constructor or self.constructor_level is not None)
        if kinds != 1:
            raise ValueError("每一项须且只能是职称（title_min）或注册建造师（constructor / constructor_level）之一")
        return self


class TechnicalLead(Sourced):
    """企业技术负责人: every level of every regime asks for one (``min``; a company's own file may
    say more), a count 建市[2016]226号 did not stop assessing; ``years`` and ``qualified_by`` are
    what that person must have (``dossier assess`` judges them, HEADCOUNT_SHORT only the count)."""

    min: int = Field(default=1, ge=1)
    years: int | None = Field(default=None, ge=0)  # 从事工程施工技术管理工作经历, 年以上
    qualified_by: tuple[LeadQualification, ...] = ()  # any one of them
    other: str | None = None  # what the standard asks besides (e.g. projects led), in words


class Headcount(Sourced):
    """At least ``min`` people in the role (counting only ``among`` specialties when given), of
    whom at least ``specialties[s]`` in specialty ``s``; ``constructor_level`` narrows a count of
    registered constructors to that level."""

    min: int | None = Field(default=None, ge=0)
    among: tuple[str, ...] = ()
    specialties: dict[str, int] = Field(default_factory=dict)
    constructor_level: Literal["一级", "二级"] | None = None


class Headcounts(Sourced):
    """The head counts of a level and whether the regime still assesses them there (建市[2016]226号:
    only at the lowest level of a category)."""

    assessed: bool
    roles: dict[Role, Headcount] = Field(default_factory=dict)


class Criterion(_Strict):
    """One way to satisfy a 业绩 class: ``projects`` projects each reaching ``min`` of
    ``attribute`` (or, with ``aggregate: sum``, the attribute summed over all projects — the
    standards' 累计 — reaching ``min``), counting only projects of ``structure`` / ``kind`` when
    given."""

    attribute: str
    min: Decimal = Field(ge=0)
    projects: int = Field(default=1, ge=1)
    aggregate: Literal["each", "sum"] = "each"
    strict: bool = False  # the standard says "超过": the boundary itself does not reach it
    structure: str | None = None  # e.g. 钢筋混凝土结构, 钢结构
    kind: ProjectKind | None = None


class PerformanceClass(Sourced):
    key: str
    title: str
    criteria: tuple[Criterion, ...] = Field(min_length=1)  # any one of them
    required: bool = False  # a class every filing must satisfy (市政 一级: class 1)


class Performance(Sourced):
    window_years: int = Field(ge=1)  # 近 N 年
    classes_needed: int = Field(ge=0)
    classes: tuple[PerformanceClass, ...] = ()
    platform_required: bool = False  # 业绩 must be on the national platform (四库一平台)

    @model_validator(mode="after")
    def _feasible(self) -> Performance:
        keys = [c.key for c in self.classes]
        if len(set(keys)) != len(keys):
            raise ValueError(f"业绩类别 key 重复：{keys}")
        if self.classes_needed > len(self.classes):
            raise ValueError(f"要求 {self.classes_needed} 类业绩，但只列出 {len(self.classes)} 类")
        return self


class EarlierLimit(Sourced):
    """A limit as it stood before a revision: in force on dates up to and including ``until``."""

    until: date
    max: Decimal = Field(ge=0)


class ScopeLimit(Sourced):
    """承包范围: a project of ``kind`` (any kind when None) may reach ``max`` of ``attribute``."""

    attribute: str
    max: Decimal = Field(ge=0)
    kind: ProjectKind | None = None
    earlier: tuple[EarlierLimit, ...] = ()

    def max_on(self, day: date | None) -> tuple[Decimal, Sourced]:
        """The limit in force on ``day`` (today's when unknown) and the figure it comes from."""
        if day is not None:
            for old in sorted(self.earlier, key=lambda e: e.until):
                if day <= old.until:
                    return old.max, old
        return self.max, self


class Level(_Strict):
    level: str  # 一级, 二级, 甲级 …
    net_assets: Amount
    technical_lead: TechnicalLead
    headcount: Headcounts
    performance: Performance | None = None  # None: the level asks no 业绩
    scope: tuple[ScopeLimit, ...] = ()  # empty: no limit within the category
    scope_note: str | None = None  # what the scope says that no limit captures


class Source(_Strict):
    title: str
    url: str


class Standard(_Strict):
    """One qualification category under one regime, its levels highest first."""

    category: str  # 建筑工程施工总承包
    regime: str  # a key of regimes.yaml
    title: str
    sources: dict[str, Source]
    project_keywords: tuple[str, ...] = ()  # words in a project's name that place it in the category
    levels: tuple[Level, ...] = Field(min_length=1)

    @field_validator("regime", mode="before")
    @classmethod
    def _regime_text(cls, value):
        # `regime: 2019` reads as a number in YAML; a regime is a name all the same
        return str(value) if isinstance(value, int) else value

    @field_validator("levels")
    @classmethod
    def _distinct_levels(cls, levels: tuple[Level, ...]) -> tuple[Level, ...]:
        names = [lv.level for lv in levels]
        if len(set(names)) != len(names):
            raise ValueError(f"等级重复：{names}")
        return levels

    @model_validator(mode="after")
    def _known_sources(self) -> Standard:
        unknown = sorted({s for figure in _figures(self) for s in figure.source} - set(self.sources))
        if unknown:
            raise ValueError(f"引用了未在 sources 中列出的来源：{'、'.join(unknown)}")
        return self

    def qualification(self, level: str) -> str:
        """The qualification's full name: 建筑工程施工总承包二级."""
        return f"{self.category}{level}"

    def level(self, name: str) -> Level | None:
        return next((lv for lv in self.levels if lv.level == name), None)

    @property
    def lowest(self) -> Level:
        return self.levels[-1]

    def rank(self, level: str) -> int:
        """0 for the highest level, growing downwards."""
        return [lv.level for lv in self.levels].index(level)


def _figures(standard: Standard):
    """Every sourced figure of ``standard``."""
    for lv in standard.levels:
        yield from (lv.net_assets, lv.technical_lead, lv.headcount, *lv.headcount.roles.values())
        if lv.performance:
            yield lv.performance
            yield from lv.performance.classes
        for limit in lv.scope:
            yield limit
            yield from limit.earlier


def weakest(figures) -> Confidence:
    """The confidence of a conclusion resting on ``figures``: that of the least sure one."""
    marks = [f.confidence for f in figures] or ["confirmed"]
    return min(marks, key=CONFIDENCE_ORDER.index)
