"""The applicant company: its name and USCC wherever a document prints them.

A name read doubtfully that differs from the applicant's only by being cut short (or run on) is
not a mismatch: LOW_CONFIDENCE asks a person to look at that scan (``people.misreading``).
"""

from __future__ import annotations

from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence, spec_evidence
from dossier.validate.messages import doc_name, field_label, join
from dossier.validate.people import misreading


@rule("EMPLOYER_MISMATCH", severity="blocking",
      zh="聘用企业、工作单位、社保缴费单位、劳动合同甲方或业绩承包人不是申报企业（全称一致）",
      en="Employer, social-insurance payer, contract party or project contractor is not the applicant")
def employer_mismatch(ctx: ValidationContext):
    company, payer = ctx.company, ctx.params.payer
    for doc, fld in ctx.fields_in(ctx.params.fields.employer):
        value = doc.text(fld)
        if not value:
            continue
        accepted = (company.accepts_payer(value, payer) if doc.doc_type in payer.doc_types
                    else company.is_applicant(value))
        if accepted or misreading(value, company.name, doc.field(fld).confidence, ctx.params.low_confidence,
                                  kind="company"):
            continue
        message = (f"{ctx.owner(doc)}中的{field_label(doc.doc_type, fld)}「{value}」"
                   f"与申报企业「{company.name}」不一致")
        people = [row.get("name") for row in doc.document.records if row.get("name")]
        if people:
            message += f"（涉及人员：{join(people)}）"
        yield Finding("EMPLOYER_MISMATCH", message, ctx.subject_of(doc),
                      [field_evidence(doc, fld), spec_evidence("company_name", company.name)])


@rule("NAME_MISMATCH", severity="blocking",
      zh="企业自身证照上的名称与申报企业名称不一致",
      en="The company's own licences print a name other than the applicant's")
def company_name_mismatch(ctx: ValidationContext):
    company = ctx.company
    for doc, fld in ctx.fields_in(ctx.params.fields.company_name):
        value = doc.text(fld)
        if value and not company.is_applicant(value) and not misreading(
                value, company.name, doc.field(fld).confidence, ctx.params.low_confidence, kind="company"):
            yield Finding("NAME_MISMATCH",
                          f"{doc_name(doc.doc_type)}上的{field_label(doc.doc_type, fld)}「{value}」"
                          f"与申报企业名称「{company.name}」不一致",
                          company.uscc, [field_evidence(doc, fld), spec_evidence("company_name", company.name)])


@rule("USCC_MISMATCH", severity="blocking",
      zh="材料上的统一社会信用代码与营业执照或申报信息不一致",
      en="A document's USCC differs from the business licence's (or the application's)")
def uscc_mismatch(ctx: ValidationContext):
    company = ctx.company
    licence = company.licence
    licence_field = next(iter(ctx.params.fields.uscc.get("business_license", [])), "uscc")
    licence_value = licence.text(licence_field) if licence else None
    if licence_value and licence.field(licence_field).confidence < ctx.params.low_confidence:
        licence_value = None  # the licence's own code read doubtfully is LOW_CONFIDENCE's, and no reference
    stated = spec_evidence("uscc", ctx.spec.uscc)
    if licence_value and licence_value.upper() != company.uscc:
        yield Finding("USCC_MISMATCH",
                      f"营业执照上的统一社会信用代码「{licence_value}」与申报信息「{company.uscc}」不一致",
                      company.uscc, [field_evidence(licence, licence_field), stated])
    # Everything else is held to the licence when it has a code, else to the application.
    if licence_value:
        reference, reference_ev, against = licence_value.upper(), field_evidence(licence, licence_field), "营业执照"
    else:
        reference, reference_ev, against = company.uscc, stated, "申报信息"
    for doc, fld in ctx.fields_in(ctx.params.fields.uscc):
        value = doc.text(fld)
        if not value or (doc is licence and fld == licence_field) or value.upper() == reference:
            continue
        if doc.field(fld).confidence < ctx.params.low_confidence:
            continue  # a doubtful reading (a failed check character, found without its label) is LOW_CONFIDENCE's
        yield Finding("USCC_MISMATCH",
                      f"{ctx.owner(doc)}上的统一社会信用代码「{value}」与{against}「{reference}」不一致",
                      company.uscc, [field_evidence(doc, fld), reference_ev])
