"""Comparing projects with a standard: 业绩 classes and 承包范围, with three answers.

The standards' "以上/以下/不少于/不超过" include the boundary (``reaches``: ≥, ``within``: ≤);
"超过" excludes it (a criterion marked ``strict``). Every judgement is ``yes`` / ``no`` /
``unknown``: a project whose attribute was not read, or whose kind (building or structure) or
structure type a criterion needs and nobody stated, is unknown, never assumed either way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

from dossier.standards.loader import vocabulary
from dossier.standards.schema import Criterion, Level, Performance, PerformanceClass, ProjectKind, ScopeLimit, Sourced

Tri = Literal["yes", "no", "unknown"]
Status = Literal["met", "short", "unknown"]
KIND_ZH = {"building": "工业与民用建筑", "structure": "构筑物"}


@dataclass(frozen=True)
class ProjectScale:
    """What the standards compare of one project: its attribute values, kind and structure."""

    name: str
    values: dict[str, Decimal] = field(default_factory=dict)
    kind: ProjectKind | None = None
    structure: str | None = None  # 钢筋混凝土结构, 钢结构 …


def reaches(value: Decimal, minimum: Decimal, strict: bool = False) -> bool:
    """``value`` is 不少于/以上 ``minimum`` (boundary included), or 超过 it when ``strict``."""
    return value > minimum if strict else value >= minimum


def within(value: Decimal, maximum: Decimal) -> bool:
    """``value`` is 不超过/以下 ``maximum`` (boundary included)."""
    return value <= maximum


def number(value: Decimal) -> str:
    """A figure as people write it: 30000, 1.5 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


def _matches(required: str | None, actual: str | None) -> Tri:
    if required is None:
        return "yes"
    if actual is None:
        return "unknown"
    return "yes" if actual == required else "no"


def project_meets(project: ProjectScale, criterion: Criterion) -> Tri:
    """Whether one project alone reaches ``criterion``'s threshold, with the kind and structure
    it asks."""
    if project.values.get(criterion.attribute) is None:
        return "unknown"
    if not reaches(project.values[criterion.attribute], criterion.min, criterion.strict):
        return "no"
    return _counts_for(project, criterion)


def _counts_for(project: ProjectScale, criterion: Criterion) -> Tri:
    """Whether ``project`` is of the kind and structure ``criterion`` counts (its value aside)."""
    if project.values.get(criterion.attribute) is None:
        return "unknown"
    answers = (_matches(criterion.kind, project.kind), _matches(criterion.structure, project.structure))
    return "no" if "no" in answers else "unknown" if "unknown" in answers else "yes"


@dataclass(frozen=True)
class CriterionResult:
    criterion: Criterion
    status: Status
    satisfying: tuple[str, ...]  # names of the projects that reach it (that add to the sum)
    possible: tuple[str, ...]  # names of the projects that might (something unknown)
    total: Decimal | None = None  # aggregate: sum, over the satisfying projects


def judge_criterion(criterion: Criterion, projects: Sequence[ProjectScale]) -> CriterionResult:
    """Whether ``projects`` satisfy ``criterion``: enough projects reach it (or their sum does)."""
    # 累计: every project of the right kind adds to the sum, whatever its own size
    judge = _counts_for if criterion.aggregate == "sum" else project_meets
    answers = [(p, judge(p, criterion)) for p in projects]
    yes = tuple(p.name for p, a in answers if a == "yes")
    maybe = tuple(p.name for p, a in answers if a == "unknown")
    if criterion.aggregate == "sum":
        total = sum((p.values[criterion.attribute] for p, a in answers if a == "yes"), Decimal(0))
        status: Status = "met" if reaches(total, criterion.min, criterion.strict) else "unknown" if maybe else "short"
        return CriterionResult(criterion, status, yes, maybe, total)
    status = ("met" if len(yes) >= criterion.projects
              else "short" if len(yes) + len(maybe) < criterion.projects else "unknown")
    return CriterionResult(criterion, status, yes, maybe)


@dataclass(frozen=True)
class ClassResult:
    klass: PerformanceClass
    status: Status
    criteria: tuple[CriterionResult, ...]

    @property
    def satisfying(self) -> tuple[str, ...]:
        """The projects of the criteria that are met."""
        return tuple(dict.fromkeys(n for c in self.criteria if c.status == "met" for n in c.satisfying))


def judge_class(klass: PerformanceClass, projects: Sequence[ProjectScale]) -> ClassResult:
    """A class is met when any one of its criteria is, short when all of them are."""
    results = tuple(judge_criterion(c, projects) for c in klass.criteria)
    statuses = {r.status for r in results}
    status: Status = "met" if "met" in statuses else "short" if statuses == {"short"} else "unknown"
    return ClassResult(klass, status, results)


@dataclass(frozen=True)
class PerformanceResult:
    performance: Performance
    status: Status
    classes: tuple[ClassResult, ...]

    @property
    def met(self) -> list[ClassResult]:
        return [c for c in self.classes if c.status == "met"]


def judge_performance(performance: Performance, projects: Sequence[ProjectScale]) -> PerformanceResult:
    """"k of n" classes, every ``required`` class among them: met, short, or unknown while the
    classes still open could make up the difference."""
    classes = tuple(judge_class(c, projects) for c in performance.classes)
    met = sum(c.status == "met" for c in classes)
    open_ = sum(c.status == "unknown" for c in classes)
    required = [c for c in classes if c.klass.required]
    if any(c.status == "short" for c in required) or met + open_ < performance.classes_needed:
        status: Status = "short"
    elif met >= performance.classes_needed and all(c.status == "met" for c in required):
        status = "met"
    else:
        status = "unknown"
    return PerformanceResult(performance, status, classes)


def describe_criterion(criterion: Criterion) -> str:
    """A criterion in words: 地上层数不少于 25 层的工程 1 项 / 累计城市道路长度不少于 25 公里."""
    attribute = vocabulary().attributes[criterion.attribute]
    what = (criterion.structure or "") + (KIND_ZH[criterion.kind] if criterion.kind else "") + attribute.title
    bound = f"{'超过' if criterion.strict else '不少于'} {number(criterion.min)} {attribute.unit}"
    if criterion.aggregate == "sum":
        return f"累计{what}{bound}"
    return f"{what}{bound}的工程 {criterion.projects} 项"


def describe_class(klass: PerformanceClass) -> str:
    return f"{klass.title}：" + "，或".join(describe_criterion(c) for c in klass.criteria)


@dataclass(frozen=True)
class Excess:
    """A project attribute beyond a scope limit: ``status`` yes (it is), or unknown (it is beyond
    the limit of one kind of project, and the project's kind is not known)."""

    limit: ScopeLimit
    attribute: str
    value: Decimal
    maximum: Decimal
    figure: Sourced  # the figure in force on the date (an earlier limit, or the current one)
    status: Literal["yes", "unknown"]

    def words(self) -> str:
        """高度 86.4 米，超过 50 米的上限（工业与民用建筑）."""
        attribute = vocabulary().attributes[self.attribute]
        kind = f"（{KIND_ZH[self.limit.kind]}）" if self.limit.kind else ""
        return (f"{attribute.title} {number(self.value)} {attribute.unit}，"
                f"超过 {number(self.maximum)} {attribute.unit}的上限{kind}")


def scope_excesses(level: Level, project: ProjectScale, on: date | None) -> list[Excess]:
    """The limits of ``level``'s scope (as in force on ``on``) that ``project`` exceeds.

    A limit for one kind of project applies to projects of that kind; a project of unknown kind
    exceeds the attribute for sure only when it is beyond the limit of every kind, otherwise the
    excess is ``unknown``.
    """
    found = []
    for attribute in dict.fromkeys(limit.attribute for limit in level.scope):
        value = project.values.get(attribute)
        if value is None:
            continue
        limits = [limit for limit in level.scope if limit.attribute == attribute]
        beyond = [limit for limit in limits if not within(value, limit.max_on(on)[0])]
        if project.kind is not None:
            found += [_excess(limit, value, on, "yes") for limit in beyond if limit.kind in (None, project.kind)]
        elif beyond:
            kinded = [limit for limit in limits if limit.kind is not None]
            sure = any(limit.kind is None for limit in beyond) or all(limit in beyond for limit in kinded)
            # quote the loosest limit exceeded: the excess then holds whatever the project's kind
            chosen = max(beyond, key=lambda limit: limit.max_on(on)[0])
            found.append(_excess(chosen, value, on, "yes" if sure else "unknown"))
    return found


def _excess(limit: ScopeLimit, value: Decimal, on: date | None, status: Literal["yes", "unknown"]) -> Excess:
    maximum, figure = limit.max_on(on)
    return Excess(limit, limit.attribute, value, maximum, figure, status)


@dataclass(frozen=True)
class CountCheck:
    """One count a head-count requirement asks: people of ``specialties`` (None: any), at least
    ``minimum``, ``found`` of them."""

    specialties: tuple[str, ...] | None
    minimum: int
    found: int

    @property
    def short(self) -> int:
        """How many people are missing (0 when the count is reached: 不少于 includes it)."""
        return max(self.minimum - self.found, 0)


def count_checks(minimum: int | None, among: Sequence[str], specialties: dict[str, int],
                 people: Sequence[str | None]) -> list[CountCheck]:
    """The counts of a head-count requirement over ``people`` (one specialty, or None, per
    person): the whole (of the ``among`` specialties when given), then each specialty's share."""
    checks = []
    if minimum is not None:
        whole = tuple(among) or None
        checks.append(CountCheck(whole, minimum, sum(whole is None or p in whole for p in people)))
    checks += [CountCheck((s,), n, sum(p == s for p in people)) for s, n in sorted(specialties.items())]
    return checks
