"""``dossier assess``: each requirement of a target qualification level against an application.

The application's documents are read as validation reads them (one ``ValidationContext``: the
same people, projects and certificates), and each line of the target level's standard becomes a
``Requirement``: ``met``, ``short`` or ``unknown``, what is required and what was found in words
and numbers (with the gap when short), the evidence, and the confidence and sources of the
figures it rests on. The verdict is ``short`` when any requirement is, else ``unknown`` when any
is, else ``met``: a level is never reported met on a figure nobody could check. A 业绩 class's
line (``performance.<class>``) details the 工程业绩 requirement, which is "k of n": a class the
company need not satisfy may be short while the requirement is met, so the verdict reads the
工程业绩 line, not its classes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from pydantic import BaseModel, ConfigDict, Field

from dossier.errors import StandardError
from dossier.model import ApplicationSpec, Evidence
from dossier.privacy import mask_text
from dossier.standards.loader import OWN_FILE_ZH, regimes, vocabulary
from dossier.standards.measure import (ClassResult, count_checks, describe_class, describe_criterion,
                                       judge_performance, number, reaches)
from dossier.standards.schema import (TITLE_LEVELS, Headcount, Judgement, LeadQualification, Level, Sourced,
                                      Standard, overall, weakest)
from dossier.validate.engine import ValidationContext
from dossier.validate.evidence import field_evidence, spec_evidence
from dossier.validate.facts import DocumentFacts
from dossier.validate.messages import role_name
from dossier.validate.params import RuleParams, params_for
from dossier.validate.project_facts import ProjectFacts

AUDIT_REPORT = "audit_report"
CLASS_KEY = "performance."  # the key of a 业绩 class's line: performance.<class>
# 资格名称 -> 级别, for a 职称证书 whose 级别 was not read
_TITLE_LEVEL = {"助理工程师": "初级", "工程师": "中级", "高级工程师": "副高级", "正高级工程师": "正高级"}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Requirement(_Out):
    key: str
    title: str
    status: Judgement
    required: str
    found: str
    evidence: list[Evidence] = Field(default_factory=list)
    confidence: str  # of the weakest figure the line rests on: confirmed / single source / unverified
    source: list[str] = Field(default_factory=list)  # the figures' sources, by title


class Assessment(_Out):
    target: str
    regime: str
    regime_title: str
    requirements: list[Requirement]
    verdict: Judgement
    # the company's own standard file the figures come from, by name (None: the shipped standards);
    # each line's ``source`` names it too, which is how the JSON contract carries it
    standard_file: str | None = None
    # the evidence's documents by name as filed (sha256 -> 综合资料/审计报告（2024年度）.pdf), for
    # the table and the sheet; the JSON contract's evidence keeps the sha256
    files: dict[str, str] = Field(default_factory=dict)

    def evidence_text(self, line: Requirement) -> str:
        """``line``'s evidence in words: each value with the document (by name) and page it was read on."""
        return "；".join(f"{self.files[e.sha256]} 第 {e.page} 页 {e.field}={e.value}" if e.sha256 in self.files
                        else f"{e.sha256[:12]} {e.field}={e.value}" for e in line.evidence)

    def masked(self) -> Assessment:
        """A copy with every ID number masked (what the web app shows)."""
        lines = [line.model_copy(update={
            "found": mask_text(line.found),
            "evidence": [e.model_copy(update={"value": mask_text(e.value), "field": mask_text(e.field)})
                         for e in line.evidence]}) for line in self.requirements]
        return self.model_copy(update={"requirements": lines})

    def contract(self) -> dict:
        """The JSON of ``dossier assess --json``."""
        data = self.model_dump(mode="json", exclude={"regime_title", "standard_file", "files"})
        for line in data["requirements"]:
            for ev in line["evidence"]:
                ev["bbox"] = [round(v, 2) for v in ev["bbox"]]
        return data


def assess(spec: ApplicationSpec, documents: Iterable[DocumentFacts], *, target: str | None = None,
           regime: str | None = None, params: RuleParams | None = None) -> Assessment:
    """The requirements of ``target`` (default: the application's first qualification) under
    ``regime`` (default: the application's, else the one in force) against ``documents``.

    Raises StandardError (with a Chinese reason) for an unknown regime or a target no standard
    of the regime describes.
    """
    spec = spec.model_copy(update={"regime": regime or spec.regime})
    documents = list(documents)
    ctx = ValidationContext(spec, params or params_for(spec), documents)
    name = target or (spec.qualifications[0] if spec.qualifications else "")
    parsed = ctx.standards.parse_qualification(name, ctx.regime)
    if parsed is None:
        known = "、".join(s.qualification(lv.level) for s in ctx.standards.of_regime(ctx.regime) for lv in s.levels)
        raise StandardError(f"no standard for {name!r} under {ctx.regime}",
                            reason_zh=f"规则「{ctx.regime}」下没有「{name or '（未指定）'}」的资质标准，可用：{known}")
    standard, level = parsed
    lines = [_net_assets(ctx, standard, level), *_technical_lead(ctx, standard, level),
             *_headcounts(ctx, standard, level), *_performance(ctx, standard, level)]
    own = ctx.standards.own_file(standard)
    if own:  # every figure of the line is the file's: say which file before its sources
        lines = [line.model_copy(update={"source": [f"{OWN_FILE_ZH} {own}", *line.source]}) for line in lines]
    verdict = overall(line.status for line in lines if not _class_detail(line))
    return Assessment(target=standard.qualification(level.level), regime=ctx.regime,
                      regime_title=regimes().regimes[ctx.regime].title, requirements=lines, verdict=verdict,
                      standard_file=own, files=_files(documents, lines))


def _files(documents: list[DocumentFacts], lines: list[Requirement]) -> dict[str, str]:
    """The name as filed of each document the lines' evidence cites."""
    cited = {e.sha256 for line in lines for e in line.evidence}
    return {d.sha256: d.document.file for d in documents if d.sha256 in cited and d.document.file}


def _class_detail(line: Requirement) -> bool:
    """Whether ``line`` is one 业绩 class of the 工程业绩 requirement (its status is in that line's)."""
    return line.key.startswith(CLASS_KEY)


def _line(standard: Standard, figures: list[Sourced], **fields) -> Requirement:
    sources = dict.fromkeys(standard.sources[s].title for f in figures for s in f.source)
    return Requirement(confidence=weakest(figures), source=list(sources), **fields)


CENT = Decimal("0.01")


def _yuan(value: Decimal) -> str:
    """An amount in yuan as people compare it with a standard: 万元 to two decimals (an audit's
    figure to the fen, 5124.011862 万元, hides the scale). An amount that rounds to nothing there
    is shown in yuan, so a gap is never stated as 0."""
    wan = (value / 10000).quantize(CENT, rounding=ROUND_HALF_UP)
    if wan == 0 and value != 0:
        return f"{number(value.quantize(CENT, rounding=ROUND_HALF_UP))} 元"
    return f"{number(wan)} 万元"


# --- 净资产 -----------------------------------------------------------------------------------


def _net_assets(ctx: ValidationContext, standard: Standard, level: Level) -> Requirement:
    floor = level.net_assets.min
    required = f"净资产不少于 {_yuan(floor)}" if floor is not None else "净资产（标准数值未知）"
    stated, evidence = _stated_net_assets(ctx)
    if stated is None:
        found, status = "未提供净资产（application.yaml 的 net_assets 或审计报告）", "unknown"
    elif floor is None:
        found, status = f"净资产 {_yuan(stated)}", "unknown"
    else:
        status = "met" if reaches(stated, floor) else "short"
        found = f"净资产 {_yuan(stated)}" + ("" if status == "met" else f"，差 {_yuan(floor - stated)}")
    return _line(standard, [level.net_assets], key="net_assets", title="净资产", status=status,
                 required=required, found=found, evidence=evidence)


def _stated_net_assets(ctx: ValidationContext) -> tuple[Decimal | None, list[Evidence]]:
    """The newest 审计报告's 净资产, else application.yaml's ``net_assets``."""
    reports = [d for d in ctx.docs(AUDIT_REPORT) if d.text("net_assets")]
    if reports:
        newest = max(reports, key=lambda d: d.text("year") or "")
        try:
            return Decimal(newest.text("net_assets")), [field_evidence(newest, "net_assets"), field_evidence(newest, "year")]
        except ArithmeticError:
            pass
    if ctx.spec.net_assets is not None:
        return ctx.spec.net_assets, [spec_evidence("net_assets", ctx.spec.net_assets)]
    return None, []


# --- 技术负责人 --------------------------------------------------------------------------------


def _technical_lead(ctx: ValidationContext, standard: Standard, level: Level) -> list[Requirement]:
    lead = level.technical_lead
    leads = [p for p in ctx.people.listed() if "technical_lead" in p.roles]
    ways = "或".join(q.text for q in lead.qualified_by)
    evidence, held = [], []
    for person in leads:
        for mention in person.documents():
            described = _credential(mention.doc)
            if described:
                held.append(f"{person.name}：{described}")
                evidence.append(mention.evidence("name"))
    if not lead.qualified_by:
        status, found = "unknown", "；".join(held) or "—"
    elif not leads:
        status, found = "short", "申报名单中没有技术负责人"
    else:
        fits = [q.text for p in leads for m in p.documents() for q in lead.qualified_by if _qualifies(m.doc, q)]
        status = "met" if fits else "short"
        found = "；".join(held) or "技术负责人没有职称证书或注册证书"
        found += f"（符合：{fits[0]}）" if fits else f"（需要：{ways}）"
    qualification = _line(standard, [lead], key="technical_lead", title="技术负责人职称或注册",
                          status=status, required=ways or "（标准数值未知）", found=found, evidence=evidence)
    years = f"从事工程施工技术管理工作经历 {lead.years} 年以上" if lead.years is not None else "工作经历年限（标准数值未知）"
    experience = _line(standard, [lead], key="technical_lead_experience", title="技术负责人工作经历",
                       status="unknown", required=years + (f"；{lead.other}" if lead.other else ""),
                       found="工作经历与主持业绩无法从申报材料核实，请人工确认", evidence=evidence)
    return [qualification, experience]


def _credential(doc: DocumentFacts) -> str | None:
    if doc.doc_type == "title_certificate":
        return f"{doc.text('specialty') or ''}{doc.text('title') or ''}（{_title_level(doc) or '级别未读出'}）"
    if doc.doc_type == "constructor_certificate":
        return f"{doc.text('level') or ''}注册建造师（{doc.text('specialties') or '专业未读出'}）"
    return None


def _title_level(doc: DocumentFacts) -> str | None:
    level = doc.text("level")
    return level if level in TITLE_LEVELS else _TITLE_LEVEL.get(doc.text("title") or "")


def _qualifies(doc: DocumentFacts, way: LeadQualification) -> bool:
    if way.title_min is not None:
        level = _title_level(doc) if doc.doc_type == "title_certificate" else None
        return (level is not None and TITLE_LEVELS.index(level) >= TITLE_LEVELS.index(way.title_min)
                and (way.specialty is None or way.specialty in (doc.text("specialty") or "")))
    if doc.doc_type != "constructor_certificate":
        return False
    return ((way.constructor_level is None or doc.text("level") == way.constructor_level)
            and (way.specialty is None or way.specialty in (doc.text("specialties") or "")))


# --- 人员数量 ----------------------------------------------------------------------------------


def _headcounts(ctx: ValidationContext, standard: Standard, level: Level) -> list[Requirement]:
    """The head counts the regime assesses at this level (none above the lowest since 2016)."""
    if not level.headcount.assessed:
        return []
    return [_headcount(ctx, standard, level, role, need) for role, need in level.headcount.roles.items()]


def _headcount(ctx: ValidationContext, standard: Standard, level: Level, role: str, need: Headcount) -> Requirement:
    """One role's count. A count of registered constructors of one level reads each person's
    注册证书: a person whose level was not read may or may not count (unknown, not short)."""
    people = [p for p in ctx.people.listed() if role in p.roles]
    specialty = {p.id_number: next(e.specialty for _, e in p.roster if e.role == role) for p in people}
    sure, unsure = people, []
    if need.constructor_level:
        levels = {p.id_number: {m.doc.text("level") for m in p.documents() if m.doc.doc_type == "constructor_certificate"}
                  - {None} for p in people}
        sure = [p for p in people if need.constructor_level in levels[p.id_number]]
        unsure = [p for p in people if not levels[p.id_number]]
    checks = count_checks(need.min, need.among, need.specialties, [specialty[p.id_number] for p in sure])
    at_most = count_checks(need.min, need.among, need.specialties, [specialty[p.id_number] for p in sure + unsure])
    what = (need.constructor_level or "") + role_name(role) + (f"（{'、'.join(need.among)}专业）" if need.among else "")
    parts = [f"{what}不少于 {need.min} 人" if need.min is not None else f"{what}（标准数值未知）"]
    parts += [f"其中{s}专业不少于 {n} 人" for s, n in sorted(need.specialties.items())]
    found = "，".join(f"{c.specialties[0]}专业 {c.found} 人" if c.specialties and c.specialties != tuple(need.among)
                     else f"{c.found} 人" for c in checks) or f"{len(sure)} 人"
    if unsure:
        found += f"；{len(unsure)} 人的注册等级未读出"
    if need.min is None or (any(c.short for c in checks) and not any(c.short for c in at_most)):
        status: Judgement = "unknown"
    elif any(c.short for c in checks):
        status = "short"
    else:
        status = "met"
    if status != "met" and checks:
        found += f"，缺 {max(c.short for c in checks)} 人"
    evidence = [spec_evidence(f"roster[{i}].id_number", e.id_number) for p in sure for i, e in p.roster if e.role == role]
    return _line(standard, [level.headcount, need], key=f"headcount.{role}", title=f"{role_name(role)}人数",
                 status=status, required="，".join(parts), found=found, evidence=evidence)


# --- 业绩 ---------------------------------------------------------------------------------------


def _performance(ctx: ValidationContext, standard: Standard, level: Level) -> list[Requirement]:
    perf = level.performance
    if perf is None:
        return []
    since = _years_before(ctx.filing_date, perf.window_years)
    counted, left_out = _window(ctx.project_facts, standard.category, since)
    result = judge_performance(perf, [p.scale for p in counted])
    status: Judgement = result.status
    if status == "short" and any(p.category is None for p in ctx.project_facts):
        status = "unknown"  # a project of unknown category might be one of this category's
    classes = [_class_line(standard, c, counted) for c in result.classes]
    met = [c.klass.title for c in result.met]
    required = f"近 {perf.window_years} 年（{since} 以后竣工验收合格）{len(perf.classes)} 类中至少 {perf.classes_needed} 类"
    required += "".join(f"，其中必须有「{c.title}」" for c in perf.classes if c.required)
    if perf.platform_required:
        required += "；业绩须在全国建筑市场监管公共服务平台可查"
    found = f"{len(met)} 类" + (f"（{'、'.join(met)}）" if met else "")
    if status != "met":
        missing = [c for c in result.classes if c.status != "met"]
        need = max(perf.classes_needed - len(met), 0)
        if need:
            found += f"；还需 {need} 类，例如：" + "；或".join(describe_class(c.klass) for c in missing[:3])
    if left_out:
        found += "；未计入：" + "；".join(left_out)
    evidence = [e for p in counted for e in p.all_evidence()]
    overall = _line(standard, [perf], key="performance", title="工程业绩", status=status, required=required,
                    found=found, evidence=evidence)
    return [overall, *classes]


def _class_line(standard: Standard, result: ClassResult, projects: list[ProjectFacts]) -> Requirement:
    """One 业绩 class: which projects satisfy which of its criteria, or might once a value is read."""
    klass = result.klass
    by_name = {p.name: p for p in projects}
    found_parts = []
    for criterion in result.criteria:
        attribute = criterion.criterion.attribute
        if criterion.satisfying and criterion.status == "met":
            found_parts.append(f"{describe_criterion(criterion.criterion)}："
                               + "、".join(_project_value(by_name[n], attribute) for n in criterion.satisfying))
        elif criterion.possible:
            found_parts.append(f"待核实（{describe_criterion(criterion.criterion)}）："
                               + "、".join(_project_value(by_name[n], attribute) for n in criterion.possible))
    evidence = [by_name[n].evidence[c.criterion.attribute] for c in result.criteria if c.status == "met"
                for n in c.satisfying if c.criterion.attribute in by_name[n].evidence]
    return _line(standard, [klass], key=f"{CLASS_KEY}{klass.key}", title=f"业绩类别：{klass.title}",
                 status=result.status, required=describe_class(klass),
                 found="；".join(found_parts) or "没有达到标准的工程", evidence=evidence)


def _project_value(project: ProjectFacts, attribute: str) -> str:
    """锦绣华庭7#楼（28 层）, or why the value is missing."""
    value = project.scale.values.get(attribute)
    if value is not None:
        info = vocabulary().attributes[attribute]
        return f"{project.name}（{number(value)} {info.unit}）"
    note = next((n for n in project.notes if n.startswith(vocabulary().attributes[attribute].title)), None)
    return f"{project.name}（{note or '未读出'}）"


def _window(projects: list[ProjectFacts], category: str, since: date) -> tuple[list[ProjectFacts], list[str]]:
    """The projects that count: of ``category``, accepted 合格 on or after ``since``; and why the
    others do not."""
    counted, left_out = [], []
    for p in projects:
        if p.category != category:
            left_out.append(f"{p.name}（类别：{p.category or '无法判断'}）")
        elif p.accepted is False:
            left_out.append(f"{p.name}（验收结论不是合格）")
        elif p.completed is None:
            left_out.append(f"{p.name}（未读出竣工验收日期）")
        elif p.completed.day < since:
            left_out.append(f"{p.name}（{p.completed.day} 竣工，早于 {since}）")
        else:
            counted.append(p)
    return counted, left_out


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29 February in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)
