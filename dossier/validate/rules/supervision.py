"""动态监管 of the 业绩: was the contractor qualified for each project when it took it on?

On each date a project was undertaken (bid notice, contract signing) the applicant must have held
a valid qualification of the project's category (QUALIFICATION_NOT_HELD: lapsed, or another
category only), at a level whose scope covers the project's scale as the standard stood on that
date (SCOPE_EXCEEDED). A day before the earliest 资质证书 at hand proves nothing (see
``dossier.validate.holdings``), and an excess that depends on an unknown kind of project is no
finding: both are shown by ``dossier assess``. A project whose category the documents do not
tell is said to be unknown (PROJECT_CATEGORY_UNKNOWN), never guessed.
"""

from __future__ import annotations

from dossier.standards.measure import scope_excesses
from dossier.standards.schema import CONFIDENCE_ZH, weakest
from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.holdings import held_on
from dossier.validate.messages import join


@rule("QUALIFICATION_NOT_HELD", severity="warning",
      zh="承接工程（中标、签订合同）之日，企业未持有该工程类别的有效资质（已过期，或仅有其他类别）",
      en="On a project's bid or contract date the contractor held no valid qualification of its category")
def qualification_not_held(ctx: ValidationContext):
    for project in ctx.project_facts:
        if project.category is None:
            continue
        for dated in sorted(project.dates, key=lambda d: d.day):
            held = held_on(ctx.holdings, project.category, dated.day)
            if held.status == "lapsed":
                why = "企业资质证书已于 " + join(f"{h.until}（{h.name}）" for h in held.holdings) + "过期"
            elif held.status == "other_category":
                why = f"企业当时有效的资质为{join(h.name for h in held.holdings)}，不含{project.category}"
            else:
                continue
            yield Finding("QUALIFICATION_NOT_HELD",
                          f"工程「{project.name}」{dated.label} {dated.day}：{why}，"
                          f"未持有{project.category}有效资质（超越资质或无资质承揽）",
                          ctx.subject_of(project.group.anchor),
                          [dated.evidence, *project.category_evidence[:1],
                           *(e for h in held.holdings for e in h.evidence())])
            break  # the earliest date tells it; later ones would repeat the finding


@rule("SCOPE_EXCEEDED", severity="warning",
      zh="工程规模（高度、层数、单体面积、跨度、合同额）超出企业当时资质等级的承包范围",
      en="A project's scale exceeds the scope of the level the contractor held on that date")
def scope_exceeded(ctx: ValidationContext):
    for project in ctx.project_facts:
        if project.category is None:
            continue
        standard = ctx.standards.get(project.category, ctx.regime)
        for dated in sorted(project.dates, key=lambda d: d.day):
            held = held_on(ctx.holdings, project.category, dated.day)
            levels = [h for h in held.holdings if h.level] if held.status == "held" else []
            if standard is None or not levels:
                continue
            best = min(levels, key=lambda h: standard.rank(h.level))
            excesses = [e for e in scope_excesses(standard.level(best.level), project.scale, dated.day)
                        if e.status == "yes"]
            if not excesses:
                break  # within scope on the first date it was held: the scale does not change after
            sure = CONFIDENCE_ZH[weakest(e.figure for e in excesses)]
            yield Finding("SCOPE_EXCEEDED",
                          f"工程「{project.name}」{dated.label} {dated.day} 时企业持有{best.name}，"
                          f"该工程{join(e.words() for e in excesses)}，超出{best.level}资质承包范围"
                          f"（标准数值可信度：{sure}）",
                          ctx.subject_of(project.group.anchor),
                          [dated.evidence, *(project.evidence[e.attribute] for e in excesses), *best.evidence()])
            break


@rule("PROJECT_CATEGORY_UNKNOWN", severity="info",
      zh="无法从材料判断工程所属的资质类别，资质与承包范围未核对",
      en="The documents do not tell a project's qualification category: qualification and scope unchecked")
def project_category_unknown(ctx: ValidationContext):
    for project in ctx.project_facts:
        if project.category is None and project.dates:
            candidates = f"（名称同时符合：{join(project.category_candidates)}）" if project.category_candidates else ""
            yield Finding("PROJECT_CATEGORY_UNKNOWN",
                          f"无法从材料判断工程「{project.name}」所属的资质类别{candidates}，"
                          f"请在 application.yaml 的 projects 中注明 category",
                          ctx.subject_of(project.group.anchor), project.category_evidence)
