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
from dossier.ledger.standing import Departed, LevelStanding, StandingLine, level_status
from dossier.ledger.supervision import supervised_doc_types, supervision_alerts
from dossier.errors import StandardError
from dossier.standards.loader import Standards, regimes, standards
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
                     ledger: Iterable[LedgerEntry], rules: PersonnelRules,
                     standings: list[LevelStanding] | None = None) -> list[PersonnelAlert]:
    """PERSON_LEFT, FREQUENT_CHANGES and HEADCOUNT_BELOW_STANDARD for every company with
    social-insurance statements. ``standings``: ``level_standings`` of the same archive, when the
    caller has them already (HEADCOUNT_BELOW_STANDARD is read from them)."""
    documents = list(documents)
    applications = list(applications)
    ledger = list(ledger)
    if standings is None:
        standings = level_standings(documents, applications, ledger)
    ids = Identities(documents, applications)
    constructors = [e for e in ledger if e.kind == CONSTRUCTOR_KIND]
    alerts: list[PersonnelAlert] = []
    for company_key, statements in sorted(_statements_by_company(documents, ids).items()):
        newest = statements[-1]
        company = ids.company_name(company_key)
        uscc = ids.uscc_of(company_key)
        covered = sorted({m for s in statements for m in _month_range(s.first_month, s.last_month)})
        insured = _insured(statements)
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
        alerts += _below_standard([s for s in standings if ids.company(s.company, s.uscc)[0] == company_key], evidence)
        if total >= rules.company_threshold:
            alerts.append(PersonnelAlert(
                code="FREQUENT_CHANGES", company=company, uscc=uscc, newest_month=newest.last_month,
                changes=total, evidence=evidence,
                message=f"{company}：近 {rules.window_months} 个月注册人员参保变动 {total} 次，人员变更频繁"))
    return alerts


def _statements_by_company(documents: list[ArchivedDocument], ids: Identities) -> dict[str, list[Statement]]:
    """Each company's social-insurance statements, the newest (by the month it reaches) last."""
    by_company: dict[str, list[Statement]] = {}
    for d in documents:
        if d.doc_type != STATEMENT_DOC_TYPE:
            continue
        statement = read_statement(d, ids)
        if statement is not None:
            key, _ = ids.company(d.text("company_name"), d.text("uscc"))
            by_company.setdefault(key, []).append(statement)
    for statements in by_company.values():
        statements.sort(key=lambda s: (s.last_month, s.doc.date("issue_date") or date.min, s.doc.received_at))
    return by_company


def _insured(statements: list[Statement]) -> dict[str, set[str]]:
    """person key -> the months any of ``statements`` shows them insured."""
    insured: dict[str, set[str]] = {}
    for s in statements:
        for key, (_, _, months) in s.people.items():
            insured.setdefault(key, set()).update(months)
    return insured


def _company_standing(company_key: str, ids: Identities, ledger: list[LedgerEntry], documents: list[ArchivedDocument],
                      applications: list[ArchivedApplication], registered: dict[str, _Registered],
                      insured: dict[str, set[str]], newest_month: str | None) -> list[LevelStanding]:
    filings = [app for app in applications if app.spec is not None and ids.company(app.company_name, app.uscc)[0] == company_key]
    return _level_standings(ids.company_name(company_key), ids.uscc_of(company_key),
                            _held(company_key, ledger, documents, ids), filings, registered, insured, newest_month)


def level_standings(documents: Iterable[ArchivedDocument], applications: Iterable[ArchivedApplication],
                    ledger: Iterable[LedgerEntry]) -> list[LevelStanding]:
    """For every company whose 资质证书 the ledger holds, whether it still meets each qualification
    listed on the newest one (``dossier.ledger.standing``); HEADCOUNT_BELOW_STANDARD is raised from
    the same lines."""
    documents, applications, ledger = list(documents), list(applications), list(ledger)
    ids = Identities(documents, applications)
    constructors = [e for e in ledger if e.kind == CONSTRUCTOR_KIND]
    by_company = _statements_by_company(documents, ids)
    holders = sorted({ids.company(e.company, e.uscc)[0] for e in ledger if e.kind == QUALIFICATION_KIND})
    found: list[LevelStanding] = []
    for key in holders:
        statements = by_company.get(key, [])
        found += _company_standing(key, ids, ledger, documents, applications,
                                   _registered(key, applications, constructors, ids), _insured(statements),
                                   statements[-1].last_month if statements else None)
    return found


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


def _level_standings(company: str | None, uscc: str | None, held: list[str], filings: list[ArchivedApplication],
                     registered: dict[str, _Registered], insured: dict[str, set[str]],
                     newest_month: str | None) -> list[LevelStanding]:
    """Whether the company still meets each qualification in ``held``, by the standard its newest
    filing for it uses (its own file, else the shipped one; the regime in force): the 技术负责人 at
    every level, and, where the standard still counts heads, each role (and specialty share), among
    the roster people insured in ``newest_month`` (None: the archive holds no statement of the
    company). Constructors counted only by their 注册证书 carry no specialty and are not counted here.
    The ledger's view of a company's levels and HEADCOUNT_BELOW_STANDARD both come from here."""
    regime = regimes().default
    insured_now = {key for key, months in insured.items() if newest_month and newest_month in months}
    rostered = any(p.roles - {"constructor"} for p in registered.values())
    found = []
    for qualification in held:
        known = _standards_for(qualification, filings)
        parsed = known.parse_qualification(qualification, regime)
        common = dict(company=company, uscc=uscc, qualification=qualification, regime=regime, newest_month=newest_month)
        if parsed is None:
            found.append(LevelStanding(**common, status="unknown",
                                       reason=f"资质标准（{regime}）中没有{qualification}，无法判断"))
            continue
        level = parsed[1]
        lines = []
        if not (level.headcount.assessed and "technical_lead" in level.headcount.roles):  # else counted below
            lines.append(_lead_line(level.technical_lead, registered, insured, newest_month))
        if level.headcount.assessed:
            for role, need in level.headcount.roles.items():
                lines += _role_lines(role, need, registered, insured, insured_now)
        why = (None if not lines else "档案中没有本企业的社保缴费明细" if newest_month is None
               else "档案中没有本企业申报的人员名单" if not rostered else None)
        if why:  # nothing counted: each line says what it asks and why it cannot be told
            lines = [line.model_copy(update={"status": "unknown", "found": None, "departed": [],
                                             "reason": f"{line.title}：要求{_at_least(line.required)}，{why}"})
                     for line in lines]
        status = level_status(lines)
        shown = [line for line in lines if line.status != "met"] or lines
        reason = "；".join(line.reason for line in shown) or "资质标准在此等级不考核人员数量"
        found.append(LevelStanding(**common, status=status, standard_file=known.own_file(parsed[0]), lines=lines,
                                   reason=reason))
    return found


def _at_least(required: int | None) -> str:
    return f"不少于 {required} 人" if required is not None else "人数（资质标准未给出）"


def _lead_line(lead: TechnicalLead, registered: dict[str, _Registered], insured: dict[str, set[str]],
               newest_month: str | None) -> StandingLine:
    """The 技术负责人 (every level asks for ``lead.min``): roster 技术负责人 insured in the newest
    month; who was insured here before and is no more has departed (PERSON_LEFT's departure)."""
    leads = {key: p for key, p in registered.items() if "technical_lead" in p.roles}
    now = sum(bool(newest_month) and newest_month in insured.get(key, ()) for key in leads)
    departed = [Departed(name=p.name, id_number=p.id_number, last_month=max(insured[key]))
                for key, p in sorted(leads.items()) if insured.get(key) and newest_month and max(insured[key]) < newest_month]
    status = "short" if now < lead.min else "met"
    left = f"（{'、'.join(d.name or '（姓名未读出）' for d in departed)}已离职或停保）" if departed and status == "short" else ""
    gap = f"，差 {lead.min - now} 人" if status == "short" else ""
    return StandingLine(key="technical_lead", role="technical_lead", lead=True, title=ROLE_ZH["technical_lead"], status=status,
                        required=lead.min, found=now, confidence=lead.confidence, departed=departed,
                        reason=f"{ROLE_ZH['technical_lead']} {now}/{lead.min}{gap}{left}")


def _role_lines(role: str, need, registered: dict[str, _Registered], insured: dict[str, set[str]],
                insured_now: set[str]) -> list[StandingLine]:
    """A counted role's lines: the whole (of its ``among`` specialties), then each specialty's share."""
    in_role = {key: p for key, p in registered.items() if role in p.roles}
    now = [p.specialties.get(role) for key, p in in_role.items() if key in insured_now]
    departed = [Departed(name=p.name, id_number=p.id_number, last_month=max(insured[key]) if insured.get(key) else None)
                for key, p in sorted(in_role.items()) if key not in insured_now and p.name]
    checks = count_checks(need.min, need.among, need.specialties, now)
    if not checks:  # the standard names the role but gives no figure
        return [StandingLine(key=role, role=role, title=ROLE_ZH.get(role, role), status="unknown", required=None,
                             found=len(now), confidence=need.confidence,
                             reason=f"{ROLE_ZH.get(role, role)} {len(now)} 人，资质标准未给出人数")]
    lines = []
    for check in checks:
        what = ROLE_ZH.get(role, role) + (f"（{'、'.join(check.specialties)}专业）" if check.specialties else "")
        short = check.short > 0
        left = f"（{'、'.join(d.name for d in departed)}已离职或停保）" if departed and short else ""
        lines.append(StandingLine(
            key=role + (f":{','.join(check.specialties)}" if check.specialties else ""), role=role,
            specialties=list(check.specialties or ()), title=what, status="short" if short else "met",
            required=check.minimum, found=check.found, confidence=need.confidence, departed=departed,
            reason=f"{what} {check.found}/{check.minimum}" + (f"，差 {check.short} 人{left}" if short else "")))
    return lines


def _below_standard(standings: list[LevelStanding], evidence: list[str]) -> list[PersonnelAlert]:
    """HEADCOUNT_BELOW_STANDARD from the company's standing, line by line: a counted role short of
    its figure (naming who left), and the 技术负责人 short once one has left (a company that never
    had one insured is no departure: its filing's HEADCOUNT_SHORT says so)."""
    alerts = []
    for level in standings:
        for line in level.lines:
            if line.status != "short":
                continue
            basis = f"{level.basis_zh}{CONFIDENCE_ZH[line.confidence]}"
            common = dict(code="HEADCOUNT_BELOW_STANDARD", company=level.company, uscc=level.uscc, roles=[line.role],
                          newest_month=level.newest_month, qualification=level.qualification, evidence=evidence)
            if not line.lead:
                left = f"（{'、'.join(d.name for d in line.departed)}已离职或停保）" if line.departed else ""
                alerts.append(PersonnelAlert(
                    **common, specialties=line.specialties,
                    message=f"{level.company}：{level.qualification}要求{line.title}不少于 {line.required} 人，"
                            f"{level.newest_month} 在本企业参保的只有 {line.found} 人{left}，已不满足资质标准（{basis}）"))
                continue
            gone = [d for d in line.departed if d.last_month]
            if not gone:
                continue
            names = "、".join(d.name or "（姓名未读出）" for d in gone)
            alerts.append(PersonnelAlert(
                **common, name=names, id_number=gone[0].id_number if len(gone) == 1 else None,
                last_month=max(d.last_month for d in gone),
                message=f"{level.company}：技术负责人{names}离职或停保后，{level.qualification}要求技术负责人不少于 "
                        f"{line.required} 人，{level.newest_month} 在本企业参保的现有 {line.found} 人，已不满足资质标准（{basis}）"))
    return alerts


def load_ledger_review(session: Session, rules: LedgerRules | None = None, *, company: str | None = None,
                       ) -> tuple[list[LedgerEntry], list[PersonnelAlert], list[LevelStanding]]:
    """The archive's ledger, its personnel alerts and the 动态监管 ones on projects, and whether
    each company still meets each level it holds (of companies whose name contains, or whose USCC
    is, ``company``), from one read of the documents."""
    rules = rules or load_rules()
    doc_types = {kind.doc_type for kind in rules.kinds.values()} | {STATEMENT_DOC_TYPE} | supervised_doc_types()
    documents = load_documents(session, doc_types=doc_types)
    applications = load_applications(session)
    ledger = build_ledger(documents, applications, rules)
    standings = level_standings(documents, applications, ledger)
    alerts = (personnel_alerts(documents, applications, ledger, rules.personnel, standings)
              + supervision_alerts(documents, applications))
    if company:
        return of_company(ledger, company), of_company(alerts, company), of_company(standings, company)
    return ledger, alerts, standings


def load_ledger_standing(session: Session, rules: LedgerRules | None = None) -> tuple[list[LedgerEntry], list[LevelStanding]]:
    """The archive's ledger and whether each company still meets each level it holds, without
    the alerts (a company's page: no 业绩 to read, no rules to run)."""
    rules = rules or load_rules()
    doc_types = {kind.doc_type for kind in rules.kinds.values()} | {STATEMENT_DOC_TYPE}
    documents = load_documents(session, doc_types=doc_types)
    applications = load_applications(session)
    ledger = build_ledger(documents, applications, rules)
    return ledger, level_standings(documents, applications, ledger)


def load_ledger_with_alerts(session: Session, rules: LedgerRules | None = None, *,
                           company: str | None = None) -> tuple[list[LedgerEntry], list[PersonnelAlert]]:
    """The archive's ledger, its personnel alerts and the 动态监管 ones on projects (of companies
    whose name contains, or whose USCC is, ``company``), from one read of the documents."""
    ledger, alerts, _ = load_ledger_review(session, rules, company=company)
    return ledger, alerts
