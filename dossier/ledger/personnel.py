"""Personnel changes: who stopped being insured by the company while it still counts them.

Per company, its social-insurance statements (社保缴费明细) are put in order of the newest month
they cover. A registered person — on the roster of one of its applications, or registered to it
as a constructor (the newest 注册证书 names it as 聘用企业) — whose last insured month with the
company is before the newest statement's last month has left or stopped being insured:
PERSON_LEFT, 注册人员已离职或停保，请办理变更. A person insured before but absent from the newest
statement counts as stopped too: statements printed for a filing may list only some employees,
so the alert asks a person to look, it does not decide.

FREQUENT_CHANGES counts, over the months the statements cover, each time a registered person
started or stopped being insured within the last ``window_months``; one person at
``person_threshold`` or the company at ``company_threshold`` changes is flagged.

HEADCOUNT_BELOW_STANDARD: a qualification the company holds (its newest 资质证书) whose level the
qualification standard still counts heads at (dossier.standards, with the company's own file when
its newest filing for that qualification names one; under 2014+2016 a category's lowest level),
with fewer roster people of a role insured in the newest month than it asks:
whoever left has taken the company below the standard it holds. The 技术负责人 at every level held
(the standard's ``technical_lead``, one unless the file says ``min``, as HEADCOUNT_SHORT counts
it): when a roster 技术负责人 has left (last insured before the newest month, as PERSON_LEFT says)
and fewer than that are insured in the newest month, naming who left.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from sqlalchemy.orm import Session

from dossier.ledger.alerts import PersonnelAlert
from dossier.ledger.documents import ArchivedApplication, ArchivedDocument, load_applications, load_documents
from dossier.ledger.identities import Identities
from dossier.ledger.ledger import LedgerEntry, build_ledger, of_company
from dossier.ledger.rules import LedgerRules, PersonnelRules, load_rules
from dossier.ledger.supervision import supervised_doc_types, supervision_alerts
from dossier.errors import StandardError
from dossier.standards.loader import OWN_FILE_ZH, Standards, regimes, standards
from dossier.standards.measure import count_checks
from dossier.standards.schema import CONFIDENCE_ZH, TechnicalLead

STATEMENT_DOC_TYPE = "social_insurance_record"
CONSTRUCTOR_KIND = "constructor_registration"
QUALIFICATION_KIND = "qualification"
ROLE_ZH = {"technical_lead": "技术负责人", "registered_constructor": "注册建造师", "titled_staff": "职称人员",
           "site_manager": "现场管理人员", "skilled_worker": "技术工人", "constructor": "注册于本企业的建造师"}


@dataclass
class Statement:
    doc: ArchivedDocument
    first_month: str
    last_month: str
    people: dict[str, tuple[str | None, str | None, set[str]]]  # key -> (name, id, months)


@dataclass
class _Registered:
    name: str | None
    id_number: str | None
    roles: set[str] = field(default_factory=set)
    specialties: dict[str, str | None] = field(default_factory=dict)  # role -> specialty (roster)


def _month(value: str | None) -> str | None:
    return value[:7] if value and len(value) >= 7 and value[4] == "-" else None


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last and len(months) < 600:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def shift_month(month: str, delta: int) -> str:
    total = int(month[:4]) * 12 + int(month[5:7]) - 1 + delta
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def read_statement(d: ArchivedDocument, ids: Identities) -> Statement | None:
    people: dict[str, tuple[str | None, str | None, set[str]]] = {}
    for row in d.doc.records:
        months = {m for m in (_month(v) for v in row.get("months") or []) if m}
        key, id_number = ids.person(row.get("name"), row.get("id_number"))
        name, _, seen = people.get(key, (row.get("name"), id_number, set()))
        people[key] = (name, id_number, seen | months)
    every = sorted(m for _, _, months in people.values() for m in months)
    first = _month(d.text("period_from")) or (every[0] if every else None)
    last = _month(d.text("period_to")) or (every[-1] if every else None)
    if first is None or last is None or first > last:
        return None
    return Statement(doc=d, first_month=first, last_month=last, people=people)


def _registered(company_key: str, applications: list[ArchivedApplication], constructors: list[LedgerEntry],
                ids: Identities) -> dict[str, _Registered]:
    people: dict[str, _Registered] = {}
    for app in applications:
        if ids.company(app.company_name, app.uscc)[0] != company_key:
            continue
        for entry in app.roster:
            key, id_number = ids.person(entry.get("name"), entry.get("id_number"))
            person = people.setdefault(key, _Registered(entry.get("name"), id_number))
            if entry.get("role"):
                person.roles.add(entry["role"])
                person.specialties.setdefault(entry["role"], entry.get("specialty"))
    for entry in constructors:
        if ids.company(entry.company, None)[0] != company_key:
            continue
        key, id_number = ids.person(entry.name, entry.id_number)
        people.setdefault(key, _Registered(entry.name, id_number)).roles.add("constructor")
    return people


def _changes(months: set[str], covered: list[str], since: str) -> int:
    """How often presence flips between consecutive covered months, counting flips after ``since``."""
    flips = 0
    for before, month in zip(covered, covered[1:]):
        if month > since and (before in months) != (month in months):
            flips += 1
    return flips


def personnel_alerts(documents: Iterable[ArchivedDocument], applications: Iterable[ArchivedApplication],
                     ledger: Iterable[LedgerEntry], rules: PersonnelRules) -> list[PersonnelAlert]:
    """PERSON_LEFT, FREQUENT_CHANGES and HEADCOUNT_BELOW_STANDARD for every company with
    social-insurance statements."""
    documents = list(documents)
    applications = list(applications)
    ledger = list(ledger)
    ids = Identities(documents, applications)
    constructors = [e for e in ledger if e.kind == CONSTRUCTOR_KIND]
    by_company: dict[str, list[Statement]] = {}
    for d in documents:
        if d.doc_type != STATEMENT_DOC_TYPE:
            continue
        statement = read_statement(d, ids)
        if statement is not None:
            key, _ = ids.company(d.text("company_name"), d.text("uscc"))
            by_company.setdefault(key, []).append(statement)
    alerts: list[PersonnelAlert] = []
    for company_key, statements in sorted(by_company.items()):
        statements.sort(key=lambda s: (s.last_month, s.doc.date("issue_date") or date.min, s.doc.received_at))
        newest = statements[-1]
        company = ids.company_name(company_key)
        uscc = ids.uscc_of(company_key)
        covered = sorted({m for s in statements for m in _month_range(s.first_month, s.last_month)})
        insured: dict[str, set[str]] = {}
        for s in statements:
            for key, (_, _, months) in s.people.items():
                insured.setdefault(key, set()).update(months)
        since = shift_month(newest.last_month, -rules.window_months)
        evidence = [s.doc.sha256 for s in statements]
        total = 0
        registered = _registered(company_key, applications, constructors, ids)
        for key, person in sorted(registered.items()):
            months = insured.get(key)
            if not months:
                continue  # never insured here: validation's SOCIAL_INSURANCE_MISSING, not a change
            roles = sorted(person.roles)
            common = dict(company=company, uscc=uscc, name=person.name, id_number=person.id_number, roles=roles,
                          last_month=max(months), newest_month=newest.last_month, evidence=evidence)
            if max(months) < newest.last_month:
                alerts.append(PersonnelAlert(
                    code="PERSON_LEFT", **common,
                    message=f"{person.name}（{'、'.join(ROLE_ZH.get(r, r) for r in roles)}）：注册人员已离职或停保，"
                            f"请办理变更（最后缴费月份 {max(months)}，最新缴费明细至 {newest.last_month}）"))
            changes = _changes(months, covered, since)
            total += changes
            if changes >= rules.person_threshold:
                alerts.append(PersonnelAlert(
                    code="FREQUENT_CHANGES", changes=changes, **common,
                    message=f"{person.name}：近 {rules.window_months} 个月在本企业参保变动 {changes} 次，注册人员变更频繁"))
        filings = [app for app in applications if app.spec is not None and ids.company(app.company_name, app.uscc)[0] == company_key]
        alerts += _below_standard(company, uscc, _held(company_key, ledger, documents, ids), filings, registered,
                                  insured, newest.last_month, evidence)
        if total >= rules.company_threshold:
            alerts.append(PersonnelAlert(
                code="FREQUENT_CHANGES", company=company, uscc=uscc, newest_month=newest.last_month,
                changes=total, evidence=evidence,
                message=f"{company}：近 {rules.window_months} 个月注册人员参保变动 {total} 次，人员变更频繁"))
    return alerts


def _held(company_key: str, ledger: Iterable[LedgerEntry], documents: list[ArchivedDocument],
          ids: Identities) -> list[str]:
    """The qualifications listed on the company's newest 资质证书 in the ledger."""
    newest = {e.sha256 for e in ledger if e.kind == QUALIFICATION_KIND and ids.company(e.company, e.uscc)[0] == company_key}
    held: list[str] = []
    for d in documents:
        if d.sha256 in newest and d.doc_type == "qualification_certificate":
            listed = d.doc.fields.get("qualifications")
            value = listed.value if listed else None
            held += [q for q in (value if isinstance(value, list) else [value]) if q and q not in held]
    return held


def _own_files(qualification: str, filings: list[ArchivedApplication]) -> list[str]:
    """The company's own standard files (``standards:`` in application.yaml) of its newest filing
    for ``qualification``; none (the shipped standards) when no filing names it."""
    compact = "".join(qualification.split())
    named = [app for app in filings if compact in {"".join(q.split()) for q in app.spec.qualifications}]
    if not named:
        return []
    newest = max(named, key=lambda app: (app.spec.filing_date, app.name))
    return list(newest.spec.standards)


def _standards_for(qualification: str, filings: list[ArchivedApplication]) -> Standards:
    """The standards the company's newest filing for ``qualification`` is checked against (the
    same loader as its ``dossier check``); the shipped ones when its own file cannot be read any
    more (moved or deleted since intake), rather than no ledger at all."""
    try:
        return standards(_own_files(qualification, filings))
    except StandardError:
        return standards()


def _below_standard(company: str | None, uscc: str | None, held: list[str], filings: list[ArchivedApplication],
                    registered: dict[str, _Registered], insured: dict[str, set[str]], newest_month: str,
                    evidence: list[str]) -> list[PersonnelAlert]:
    """HEADCOUNT_BELOW_STANDARD: for each qualification held, by the standard the company's
    newest filing for it uses (its own file, else the shipped one; the regime in force): the
    技术负责人 at every level once one has left, and, where the standard still counts heads, a role
    whose roster people insured in the newest month fall short of it, naming the people who left.
    Constructors counted only by their 注册证书 carry no specialty and are not counted here."""
    regime = regimes().default
    insured_now = {key for key, months in insured.items() if newest_month in months}
    alerts = []
    for qualification in held:
        known = _standards_for(qualification, filings)
        parsed = known.parse_qualification(qualification, regime)
        if parsed is None:
            continue
        own = known.own_file(parsed[0])
        basis = f"{OWN_FILE_ZH} {own}，" if own else ""
        level = parsed[1]
        if not (level.headcount.assessed and "technical_lead" in level.headcount.roles):  # else counted below
            alerts += _lead_left(company, uscc, qualification, level.technical_lead, registered, insured, newest_month,
                                 evidence, basis)
        if not level.headcount.assessed:
            continue
        for role, need in level.headcount.roles.items():
            in_role = {key: p for key, p in registered.items() if role in p.roles}
            now = [p.specialties.get(role) for key, p in in_role.items() if key in insured_now]
            gone = [p.name for key, p in sorted(in_role.items()) if key not in insured_now and p.name]
            for check in count_checks(need.min, need.among, need.specialties, now):
                if not check.short:
                    continue
                what = ROLE_ZH.get(role, role) + (f"（{'、'.join(check.specialties)}专业）" if check.specialties else "")
                left = f"（{'、'.join(gone)}已离职或停保）" if gone else ""
                alerts.append(PersonnelAlert(
                    code="HEADCOUNT_BELOW_STANDARD", company=company, uscc=uscc, roles=[role], newest_month=newest_month,
                    qualification=qualification, specialties=list(check.specialties or ()), evidence=evidence,
                    message=f"{company}：{qualification}要求{what}不少于 {check.minimum} 人，{newest_month} 在本企业参保的"
                            f"只有 {check.found} 人{left}，已不满足资质标准（{basis}{CONFIDENCE_ZH[need.confidence]}）"))
    return alerts


def _lead_left(company: str | None, uscc: str | None, qualification: str, lead: TechnicalLead,
               registered: dict[str, _Registered], insured: dict[str, set[str]], newest_month: str,
               evidence: list[str], basis: str) -> list[PersonnelAlert]:
    """HEADCOUNT_BELOW_STANDARD for the 技术负责人 (every level asks for ``lead.min``): a roster
    技术负责人 left (insured here before, not in the newest month: PERSON_LEFT's departure) and
    fewer than ``lead.min`` are insured now. A company that never had one insured is no departure
    (its filing's HEADCOUNT_SHORT says so)."""
    leads = {key: p for key, p in registered.items() if "technical_lead" in p.roles}
    now = sum(newest_month in insured.get(key, ()) for key in leads)
    gone = sorted((key, p) for key, p in leads.items() if insured.get(key) and max(insured[key]) < newest_month)
    if not gone or now >= lead.min:
        return []
    names = "、".join(p.name or "（姓名未读出）" for _, p in gone)
    single = gone[0][1] if len(gone) == 1 else None
    return [PersonnelAlert(
        code="HEADCOUNT_BELOW_STANDARD", company=company, uscc=uscc, name=names, roles=["technical_lead"],
        id_number=single.id_number if single else None, qualification=qualification,
        last_month=max(max(insured[key]) for key, _ in gone), newest_month=newest_month, evidence=evidence,
        message=f"{company}：技术负责人{names}离职或停保后，{qualification}要求技术负责人不少于 {lead.min} 人，"
                f"{newest_month} 在本企业参保的现有 {now} 人，已不满足资质标准（{basis}{CONFIDENCE_ZH[lead.confidence]}）")]


def load_ledger_with_alerts(session: Session, rules: LedgerRules | None = None, *,
                           company: str | None = None) -> tuple[list[LedgerEntry], list[PersonnelAlert]]:
    """The archive's ledger, its personnel alerts and the 动态监管 ones on projects (of companies
    whose name contains, or whose USCC is, ``company``), from one read of the documents."""
    rules = rules or load_rules()
    doc_types = {kind.doc_type for kind in rules.kinds.values()} | {STATEMENT_DOC_TYPE} | supervised_doc_types()
    documents = load_documents(session, doc_types=doc_types)
    applications = load_applications(session)
    ledger = build_ledger(documents, applications, rules)
    alerts = personnel_alerts(documents, applications, ledger, rules.personnel) + supervision_alerts(documents, applications)
    if company:
        return of_company(ledger, company), of_company(alerts, company)
    return ledger, alerts
