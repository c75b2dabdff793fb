"""Dates: certificates valid on the filing date (with lead time), and no impossible orders."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import chain

from dossier.extract.normalize.dates import iso_day
from dossier.validate.engine import Finding, ValidationContext, rule
from dossier.validate.evidence import field_evidence, spec_evidence
from dossier.validate.facts import DocumentFacts
from dossier.validate.messages import below, doc_name, field_label
from dossier.validate.people import GUESS


def _dated_fields(ctx: ValidationContext, table: dict[str, list[str]]):
    for doc, fld in ctx.fields_in(table):
        when = iso_day(doc.text(fld))
        if when is not None:
            yield doc, fld, when


def _filing_evidence(ctx: ValidationContext):
    return spec_evidence("filing_date", ctx.filing_date.isoformat())


@rule("CERT_EXPIRED", severity="blocking",
      zh="证照有效期早于申报日期",
      en="A certificate's validity ends before the filing date")
def cert_expired(ctx: ValidationContext):
    yield from _trusted(_validity_ended(ctx))


@rule("CERT_EXPIRING", severity="warning",
      zh="证照将在提前量内到期（默认 180 天；资质证书、安许证须提前 3 个月延续）",
      en="A certificate expires within its lead time after the filing date")
def cert_expiring(ctx: ValidationContext):
    params = ctx.params
    for doc, fld, until in _dated_fields(ctx, params.fields.validity):
        days = (until - ctx.filing_date).days
        lead = params.lead_days(doc.doc_type or "")
        if not 0 <= days <= lead:
            continue
        message = (f"{ctx.owner(doc)}的{field_label(doc.doc_type, fld)}为 {until}，"
                   f"距申报日期仅 {days} 天（提醒提前量 {lead} 天）")
        deadline = params.renewal_deadline_days.get(doc.doc_type or "")
        if deadline is not None and days < deadline:
            message += f"，已不足 {deadline} 天的延续办理期限，请立即办理延续"
        yield Finding("CERT_EXPIRING", message, ctx.subject_of(doc),
                      [field_evidence(doc, fld), _filing_evidence(ctx)])


@rule("ECERT_USAGE_EXPIRED", severity="blocking",
      zh="电子注册证书的使用有效期早于申报日期（需重新下载打印）",
      en="An electronic constructor certificate's usage period ends before the filing date")
def ecert_usage_expired(ctx: ValidationContext):
    yield from _trusted(_usage_ended(ctx))


# A finding on dates together with how sure the weakest date it rests on was read.
Dated = tuple[Finding, float]


def _ended_before_filing(ctx: ValidationContext, code: str, table: dict[str, list[str]], advice: str
                         ) -> Iterator[Dated]:
    """A finding for every date of ``table`` that falls before the filing date."""
    for doc, fld, until in _dated_fields(ctx, table):
        if until < ctx.filing_date:
            yield (Finding(code, f"{ctx.owner(doc)}的{field_label(doc.doc_type, fld)}为 {until}，"
                                 f"早于申报日期 {ctx.filing_date}，{advice}",
                           ctx.subject_of(doc), [field_evidence(doc, fld), _filing_evidence(ctx)]),
                   doc.field(fld).confidence)


def _validity_ended(ctx: ValidationContext) -> Iterator[Dated]:
    return _ended_before_filing(ctx, "CERT_EXPIRED", ctx.params.fields.validity, "已过期")


def _usage_ended(ctx: ValidationContext) -> Iterator[Dated]:
    return _ended_before_filing(ctx, "ECERT_USAGE_EXPIRED", ctx.params.fields.usage_validity, "请重新下载电子证书")


def _trusted(found: Iterable[Dated]) -> Iterator[Finding]:
    """The findings whose dates are more likely read right than wrong (see GUESS), to block on;
    :func:`doubted_dates` asks a person about the others."""
    return (finding for finding, sure in found if sure >= GUESS)


def _order_finding(ctx: ValidationContext, subject: str, first: tuple[DocumentFacts, str, date],
                   second: tuple[DocumentFacts, str, date]) -> Dated:
    (doc_a, fld_a, a), (doc_b, fld_b, b) = first, second
    where_a = f"{ctx.owner(doc_a)}的{field_label(doc_a.doc_type, fld_a)}"
    where_b = (field_label(doc_b.doc_type, fld_b) if doc_b is doc_a
               else f"{doc_name(doc_b.doc_type)}的{field_label(doc_b.doc_type, fld_b)}")
    return (Finding("DATE_ORDER", f"{where_a} {a} 晚于{where_b} {b}，日期先后不可能成立",
                    subject, [field_evidence(doc_a, fld_a), field_evidence(doc_b, fld_b)]),
            min(doc_a.field(fld_a).confidence, doc_b.field(fld_b).confidence))


@rule("DATE_ORDER", severity="blocking",
      zh="日期先后不可能成立（发证晚于到期、开工晚于竣工、验收早于开工等）",
      en="Impossible date order: issue after expiry, start after completion, acceptance before start")
def date_order(ctx: ValidationContext):
    yield from _trusted(_impossible_orders(ctx))


def _impossible_orders(ctx: ValidationContext) -> Iterator[Dated]:
    # Only orders that cannot happen are checked: a contract signed after work started (补签)
    # is irregular but real, so it is no rule here.
    for order in ctx.params.fields.date_order:
        for doc_type in order.doc_types:
            for doc in ctx.docs(doc_type):
                a, b = iso_day(doc.text(order.earlier)), iso_day(doc.text(order.later))
                if a and b and a > b:
                    yield _order_finding(ctx, ctx.subject_of(doc), (doc, order.earlier, a), (doc, order.later, b))
    for group in ctx.projects:
        for order in ctx.params.fields.project_date_order:
            (type_a, fld_a), (type_b, fld_b) = order.earlier, order.later
            for doc_a in (d for d in group.members if d.doc_type == type_a):
                for doc_b in (d for d in group.members if d.doc_type == type_b):
                    a, b = iso_day(doc_a.text(fld_a)), iso_day(doc_b.text(fld_b))
                    if a and b and a > b:
                        yield _order_finding(ctx, group.anchor.sha256, (doc_a, fld_a, a), (doc_b, fld_b, b))


@rule("LOW_CONFIDENCE", severity="warning",
      zh="证照似已过期或日期先后似不成立，但所依据的日期识别置信度很低（疑为误识），需人工确认",
      en="A certificate looks expired or two dates out of order, but a date it rests on was read "
         "as little more than a guess: a person confirms it before anything is blocked")
def doubted_dates(ctx: ValidationContext):
    threshold = ctx.params.low_confidence
    found = chain(_validity_ended(ctx), _usage_ended(ctx), _impossible_orders(ctx))
    for finding, sure in found:
        if sure < GUESS:
            yield Finding("LOW_CONFIDENCE", f"{finding.message}；但所依据的日期{below(sure, threshold)}，未作阻断，请核对原件",
                          finding.subject, finding.evidence)
