"""The roster: ages, roles that cannot be combined, head counts per qualification, and person
documents of people the roster does not name."""

from __future__ import annotations

from datetime import date

from dossier.standards.measure import count_checks
from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence, spec_evidence
from dossier.validate.identifiers import id_info, id_problem
from dossier.validate.messages import doc_name, join, role_name


def completed_years(born: date, on: date) -> int:
    """Age in completed years (周岁) on ``on``. Someone born on 29 February completes a year on
    1 March in common years."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@rule("AGE_LIMIT", severity="blocking",
      zh="申报人员在申报日期超过年龄上限（默认 60 周岁，60 周岁本身不超限）",
      en="A counted person is older than the age limit on the filing date (60 itself passes)")
def age_limit(ctx: ValidationContext):
    limit = ctx.params.age_limit
    for person in ctx.people.listed():
        if id_problem(person.id_number, ctx.filing_date):
            continue  # ID_CHECKSUM reports it; an invalid ID has no trustworthy birth date
        born = id_info(person.id_number).birth_date
        age = completed_years(born, ctx.filing_date)
        if age > limit:
            i, entry = person.roster[0]
            yield Finding("AGE_LIMIT",
                          f"{person.name}（{role_name(entry.role)}）出生于 {born}，申报日期 {ctx.filing_date} "
                          f"时已满 {age} 周岁，超过 {limit} 周岁上限",
                          person.id_number, [spec_evidence(f"roster[{i}].id_number", entry.id_number),
                                             spec_evidence("filing_date", ctx.filing_date.isoformat())])


@rule("PERSON_DOUBLE_COUNTED", severity="warning",
      zh="同一人员同时计入不可兼任的岗位",
      en="One person fills roles the checklist says cannot be combined")
def double_counted(ctx: ValidationContext):
    for person in ctx.people.listed():
        for pair in ctx.params.exclusive_roles:
            if set(pair) <= person.roles:
                entries = [(i, e) for i, e in person.roster if e.role in pair]
                yield Finding("PERSON_DOUBLE_COUNTED",
                              f"{person.name}同时计入{join(role_name(r) for r in pair)}，这两个岗位不可兼任",
                              person.id_number, [spec_evidence(f"roster[{i}].role", e.role) for i, e in entries])


@rule("PERSON_NOT_LISTED", severity="warning",
      zh="材料中有申报人员名单以外人员的个人证件、证书或劳动合同（社保明细中的其他职工不算）",
      en="A person document (ID card, certificate, labour contract) of someone not on the roster")
def person_not_listed(ctx: ValidationContext):
    # A warning, not blocking: the packet may carry a document nobody counts, but usually either
    # the roster lacks the person or the scan was filed under the wrong application; a person
    # should decide which. Statement rows are left out: a 社保 statement lists every employee.
    people = ctx.people
    for person in sorted(people.persons.values(), key=lambda p: p.id_number):
        documents = person.documents()
        if person.listed or not documents:
            continue
        named = join(dict.fromkeys(doc_name(m.doc.doc_type) for m in documents))
        yield Finding("PERSON_NOT_LISTED",
                      f"{person.name or '（未识别姓名）'}的{named}不在申报人员名单中："
                      f"如为申报人员请补入名单，否则请从本申报项目中移出",
                      person.id_number, [field_evidence(m.doc, "id_number") for m in documents])
    for mention in people.unresolved:  # a name without an ID number the roster knows
        if mention.record is None and mention.name:
            yield Finding("PERSON_NOT_LISTED",
                          f"{doc_name(mention.doc.doc_type)}上的「{mention.name}」不在申报人员名单中："
                          f"如为申报人员请补入名单，否则请从本申报项目中移出",
                          mention.doc.sha256, [field_evidence(mention.doc, "name")])


@rule("HEADCOUNT_SHORT", severity="blocking",
      zh="某岗位（专业）人数少于所用资质标准的要求：技术负责人各等级均须有；其他岗位现行规则只在各类别最低等级考核人数",
      en="Fewer people in a role (and specialty) than the qualification standard in use requires: a 技术负责人 at every level, the other roles where the regime counts heads")
def headcount_short(ctx: ValidationContext):
    if not ctx.params.check_headcount:
        return
    roster = ctx.spec.roster
    for qualification, table in sorted(ctx.params.headcount.items()):
        for role, need in sorted(table.items()):
            # one person counts once in a role, whatever their roster lines say
            people = {e.id_number.upper(): e.specialty for e in roster if e.role == role}
            for check in count_checks(need.min, need.among, need.specialties, list(people.values())):
                if not check.short:
                    continue
                what = role_name(role) + (f"（{'、'.join(check.specialties)}专业）" if check.specialties else "")
                basis = f"（{need.basis}）" if need.basis else ""
                listed = f"只有 {check.found} 人" if check.found else " 0 人"
                yield Finding("HEADCOUNT_SHORT",
                              f"{qualification}要求{what}不少于 {check.minimum} 人，申报名单中{listed}{basis}",
                              ctx.company.uscc,
                              [spec_evidence("qualifications", qualification),
                               spec_evidence(f"roster.{role}" + (f".{'+'.join(check.specialties)}" if check.specialties else ""),
                                             check.found),
                               # the company's own standard file the counts come from, by name
                               *([spec_evidence("standards", need.standard_file)] if need.standard_file else [])])
