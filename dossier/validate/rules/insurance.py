"""Social insurance: every counted person insured by the applicant for the whole window."""

from __future__ import annotations

from datetime import date

from dossier.validate.archive_facts import KIND_ZH
from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence
from dossier.validate.messages import below, doc_name, join, role_name


def insurance_window(filing_date: date, months: int) -> list[str]:
    """The ``months`` whole calendar months before the filing date's month, oldest first, as
    ``YYYY-MM``. The filing month itself never counts: it is not over, and 社保 offices certify
    completed months. Filing on 2026-12-01 or 2026-12-31 with 3 months: 2026-09 .. 2026-11."""
    index = filing_date.year * 12 + filing_date.month - 1  # months since year 0, filing month
    return [f"{m // 12:04d}-{m % 12 + 1:02d}" for m in range(index - months, index)]


def _months(value: object) -> set[str]:
    return {str(v) for v in value} if isinstance(value, list) else set()


def _payer(ctx: ValidationContext, doc) -> str:
    """The payer printed on a record document: the first of its type's employer fields."""
    fields = ctx.params.fields.employer.get(doc.doc_type or "", [])
    return next((value for f in fields if (value := doc.text(f))), "")


@rule("SOCIAL_INSURANCE_MISSING", "SOCIAL_INSURANCE_GAP", severity="blocking",
      zh="申报人员无社保记录，或申报日期前的社保月份不连续（须由申报企业缴纳）",
      en="A counted person has no social-insurance record, or a month of the window is missing")
def social_insurance(ctx: ValidationContext):
    window = insurance_window(ctx.filing_date, ctx.params.social_insurance_window_months)
    if not window:
        return
    # a statement none of whose rows could be read (a fax, a photo) may hold anyone: a person
    # without a row is then a reading to check (LOW_CONFIDENCE below), not a proven absence
    unread = bool(_unread_statements(ctx))
    for person in ctx.people.listed():
        if not person.records() and not unread:
            yield Finding("SOCIAL_INSURANCE_MISSING",
                          f"{_who(person)}没有社保缴费记录（需 {window[0]} 至 {window[-1]} 共 {len(window)} 个月）",
                          person.id_number, person.roster_evidence())
    for person, missing, records in _gaps(ctx, window):
        if all(m.confidence("months") >= ctx.params.low_confidence for m in records):
            yield Finding("SOCIAL_INSURANCE_GAP",
                          f"{_who(person)}在 {window[0]} 至 {window[-1]} 期间缺少由申报企业缴纳的社保月份：{join(missing)}",
                          person.id_number, person.roster_evidence() + [m.evidence("months") for m in records])


@rule("LOW_CONFIDENCE", severity="warning",
      zh="社保月份不连续，但缴费记录的月份识别存疑（缴费起止与月数不符、按月数补全、勾选标记识别不清等），需人工确认",
      en="A month of the window is missing, but the statement's months were read with doubt (the "
         "range disagrees with its printed month count or was mended from it, ticks read weakly): "
         "a person confirms it")
def doubted_gap(ctx: ValidationContext):
    window = insurance_window(ctx.filing_date, ctx.params.social_insurance_window_months)
    threshold = ctx.params.low_confidence
    for person, missing, records in _gaps(ctx, window):
        doubted = [m for m in records if m.confidence("months") < threshold]
        if doubted:
            yield Finding("LOW_CONFIDENCE",
                          f"{_who(person)}在 {window[0]} 至 {window[-1]} 期间似缺少社保月份 {join(missing)}，"
                          f"但{doc_name(doubted[0].doc.doc_type)}上的缴费月份"
                          f"{below(min(m.confidence('months') for m in doubted), threshold)}，请核对原件",
                          person.id_number, person.roster_evidence() + [m.evidence("months") for m in doubted])


def _gaps(ctx: ValidationContext, window: list[str]):
    """(person, the window's months the applicant did not pay, the person's rows) for each listed
    person with rows and a gap. Months paid by anyone but the applicant do not count
    (EMPLOYER_MISMATCH names the payer)."""
    company, payer = ctx.company, ctx.params.payer
    for person in ctx.people.listed():
        records = person.records()
        if not records or not window:
            continue
        paid = set().union(*(_months(m.doc.document.records[m.record].get("months")) for m in records
                             if company.accepts_payer(_payer(ctx, m.doc), payer)))
        missing = [month for month in window if month not in paid]
        if missing:
            yield person, missing, records


def _who(person) -> str:
    return f"{person.name}（{join(role_name(r) for r in sorted(person.roles))}）"


@rule("SOCIAL_INSURANCE_ELSEWHERE", severity="blocking",
      zh="申报人员在申报期内由其他单位缴纳社保，或出现在档案中其他企业的申报名单、证书或社保证明上（挂靠迹象）",
      en="A counted person is insured by another unit, or on another company's roster, certificate or statement, in the window")
def insured_elsewhere(ctx: ValidationContext):
    window = insurance_window(ctx.filing_date, ctx.params.social_insurance_window_months)
    if not window:
        return
    starts = date(int(window[0][:4]), int(window[0][5:]), 1)
    company, payer = ctx.company, ctx.params.payer
    for person in ctx.people.listed():
        sides: list[tuple[str, str, list]] = []  # (other unit, what shows it, evidence)
        for m in person.records():
            unit = _payer(ctx, m.doc)
            months = sorted(_months(m.doc.document.records[m.record].get("months")) & set(window))
            if unit and months and not company.accepts_payer(unit, payer):
                field = ctx.params.fields.employer[m.doc.doc_type][0]
                sides.append((unit, f"{doc_name(m.doc.doc_type)}（{join(months)}）",
                              [field_evidence(m.doc, field), m.evidence("months")]))
        for seen in ctx.elsewhere(person.id_number):
            if company.accepts_payer(seen.company, payer):
                continue  # the applicant itself (or a unit the policy accepts) under another filing
            months = sorted(set(seen.months) & set(window))
            if months or (seen.day is not None and starts <= seen.day <= ctx.filing_date):
                when = join(months) if months else str(seen.day)
                sides.append((seen.company, f"申报项目「{seen.application}」的{KIND_ZH[seen.kind]}（{when}）",
                              [seen.evidence]))
        if sides:
            yield Finding("SOCIAL_INSURANCE_ELSEWHERE",
                          f"{_who(person)}在 {window[0]} 至 "
                          f"{window[-1]} 期间出现在其他单位：" + "；".join(f"{unit}：{what}" for unit, what, _ in sides)
                          + "（挂靠迹象：社保须由申报企业缴纳）",
                          person.id_number, person.roster_evidence() + [e for *_, evidence in sides for e in evidence])


def _unread_statements(ctx: ValidationContext) -> list:
    return [doc for doc in ctx.docs("social_insurance_record") if not doc.document.records]


@rule("LOW_CONFIDENCE", severity="warning",
      zh="社保证明中未能读出任何人员缴费记录，需人工核对",
      en="No row of a social-insurance statement could be read: a person must read it")
def unread_statement(ctx: ValidationContext):
    for doc in _unread_statements(ctx):
        yield Finding("LOW_CONFIDENCE",
                      f"{ctx.owner(doc)}中未能读出任何人员缴费记录（扫描质量差或版式未识别），"
                      f"人员的社保记录无法核对，请人工核对",
                      doc.sha256, [field_evidence(doc, "company_name")])


@rule("LOW_CONFIDENCE", severity="warning",
      zh="社保记录缺少身份证号，已按姓名对应到申报人员，需人工确认",
      en="A social-insurance row has no ID number and was tied to a person by name: confirm it")
def insurance_row_without_id(ctx: ValidationContext):
    for person in ctx.people.listed():
        for m in person.records():
            if m.how == "name" and not m.id_number:
                yield Finding("LOW_CONFIDENCE",
                              f"{doc_name(m.doc.doc_type)}中「{m.name}」的记录缺少身份证号（社会保障号），"
                              f"已按姓名对应到{person.name}，请人工确认",
                              person.id_number, [m.evidence("name"), m.evidence("id_number")])
