"""A renewal plan (``dossier plan-renewal``): what a company's 延续 filing needs, what the archive
already holds, and what must be done by when.

From the archive alone: the company's qualification certificate gives the last filing day (its
kind's ``file_before``, ``rules.yaml``); the plan files ``plan.margin`` earlier (or today, when
that has passed). The roster is the newest application's people in the roles the renewal
checklist binds, plus constructors the newest certificates register to the company. Then every
item of the checklist (``dossier/checklists``, type ``renewal``) is matched against the newest
archived document of its type (of the company, or of the person): present, missing, or present
but ending before the filing date (its ledger expiry, or the document's own ``valid_until``). The
social-insurance statement must cover the checklist's window of months before the filing month.
Every task is due ``plan.ready_before`` the filing date, or on its certificate's own last
renewal day when that comes first.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from dossier.assemble.checklist import Checklist, Item, checklist_for
from dossier.errors import DossierError, PlanError
from dossier.ledger.documents import ArchivedDocument, load_applications, load_documents
from dossier.ledger.identities import Identities
from dossier.ledger.ledger import LedgerEntry, build_ledger, of_company
from dossier.ledger.personnel import CONSTRUCTOR_KIND, STATEMENT_DOC_TYPE, read_statement, shift_month
from dossier.ledger.rules import LedgerRules, load_rules
from dossier.model import ApplicationSpec, RosterEntry
from dossier.privacy import mask_id, mask_text
from dossier.store.schema import Application
from dossier.validate.messages import role_name
from dossier.validate.params import params_for

QUALIFICATION_KIND = "qualification"
TaskStatus = Literal["present", "expiring", "missing"]
TASK_STATUS_ZH = {"present": "已有", "expiring": "有效期不足", "missing": "缺失"}


class PlanTask(BaseModel):
    """One checklist item (for the company, or for one person) and what to do about it."""

    model_config = ConfigDict(extra="forbid")

    section: str
    item: str  # the checklist item's label
    person: str | None = None  # "宋明（技术负责人）"
    status: TaskStatus
    status_zh: str
    file: str | None = None  # the archived document that satisfies it
    sha256: str | None = None
    valid_until: date | None = None
    action: str  # Chinese: what to do ("" when nothing)
    due: date | None = None  # by when (None: nothing to do)


class RenewalPlan(BaseModel):
    """The plan of one company's qualification renewal on ``as_of``."""

    model_config = ConfigDict(extra="forbid")

    company: str
    uscc: str | None
    qualification: str
    checklist: str
    as_of: date
    valid_until: date | None  # of the qualification certificate
    deadline: date | None  # the last day the renewal can be filed
    filing_date: date
    ready_by: date  # every document in hand by this day
    roster: list[RosterEntry]
    tasks: list[PlanTask]
    warnings: list[str] = Field(default_factory=list)

    def application_yaml(self) -> dict[str, Any]:
        """The ``application.yaml`` skeleton (full ID numbers: it is the filing's own input)."""
        return {"company_name": self.company, "uscc": self.uscc or "", "application_type": "renewal",
                "qualifications": [self.qualification], "filing_date": self.filing_date,
                "roster": [r.model_dump(exclude_none=True) for r in self.roster]}

    def masked(self) -> RenewalPlan:
        """This plan with the roster's ID numbers masked, in the tasks' file paths too (screens,
        API, console, the task list sent round)."""
        roster = [r.model_copy(update={"id_number": mask_id(r.id_number)}) for r in self.roster]
        tasks = [t.model_copy(update={"file": mask_text(t.file) if t.file else t.file}) for t in self.tasks]
        return self.model_copy(update={"roster": roster, "tasks": tasks})


def plan_renewal(session: Session, company: str, *, qualification: str | None = None, as_of: date,
                 rules: LedgerRules | None = None, checklist: Checklist | None = None) -> RenewalPlan:
    """The renewal plan of ``company`` (name part or USCC); PlanError when the archive does not
    know it or no qualification can be chosen."""
    rules = rules or load_rules()
    applications = load_applications(session)
    specs = _specs(session)
    documents = load_documents(session)
    ids = Identities(documents, applications)
    ledger = build_ledger(documents, applications, rules)
    mine = of_company(ledger, company)
    newest_app = _newest_application(specs, company)
    if not mine and newest_app is None:
        raise PlanError(f"no company {company!r} in the archive", reason_zh=f"档案中没有企业「{company}」")
    licence = next((e for e in mine if e.kind == QUALIFICATION_KIND and e.holder == "company"), None)
    name = (licence.company if licence else None) or (newest_app.company_name if newest_app else company)
    uscc = (newest_app.uscc if newest_app else None) or (licence.uscc if licence else None)
    held = _held(licence, documents)
    # what the certificate lists first: an upgrade application names a level not yet held
    qualification = qualification or _default_qualification([*held, *(newest_app.qualifications if newest_app else [])])
    probe = ApplicationSpec(company_name=name, uscc=uscc or "-", application_type="renewal",
                            qualifications=[qualification], filing_date=as_of)
    try:
        checklist = checklist or checklist_for(probe)
    except DossierError as exc:
        raise PlanError(str(exc), reason_zh=exc.reason_zh) from exc
    warnings: list[str] = []
    if held and qualification not in held:
        warnings.append(f"资质证书上未列出「{qualification}」（证书列出：{'、'.join(held)}），请核对要延续的资质")
    deadline = licence.deadline if licence else None
    if deadline is None:
        warnings.append("档案中没有本企业资质证书的有效期：无法计算最迟申报日，申报日暂按今天，请自行确定")
        filing = as_of
    else:
        filing = max(rules.plan.margin.before(deadline), as_of)
        if filing > deadline:
            warnings.append(f"已过最迟申报日 {deadline}（资质证书有效期至 {licence.valid_until}），延续申请可能不被受理")
    ready_by = max(rules.plan.ready_before.before(filing), as_of)
    roster = _roster(checklist, newest_app, mine, ids)
    planner = _Planner(documents, ledger, ids, company=(name, uscc), filing=filing, ready_by=ready_by)
    tasks = planner.company_tasks(checklist, params_for(probe.model_copy(update={"filing_date": filing}),
                                                        checklist.overrides()).social_insurance_window_months)
    for person in roster:
        tasks += planner.person_tasks(checklist, person)
    return RenewalPlan(company=name, uscc=uscc, qualification=qualification, checklist=checklist.name, as_of=as_of,
                       valid_until=licence.valid_until if licence else None, deadline=deadline, filing_date=filing,
                       ready_by=ready_by, roster=roster, tasks=tasks, warnings=warnings)


def _specs(session: Session) -> list[ApplicationSpec]:
    specs = []
    for raw in session.scalars(select(Application.spec)):
        try:
            specs.append(ApplicationSpec.model_validate(raw or {}))
        except ValueError:
            continue  # an application without (or with an old) application.yaml tells nothing here
    return specs


def _newest_application(specs: list[ApplicationSpec], company: str) -> ApplicationSpec | None:
    """The company's application with the latest filing date (its roster is the newest)."""
    mine = [s for s in specs if company in s.company_name or company == s.uscc]
    return max(mine, key=lambda s: s.filing_date, default=None)


def _held(licence: LedgerEntry | None, documents: list[ArchivedDocument]) -> list[str]:
    """The qualifications the company's certificate lists."""
    if licence is None:
        return []
    doc = next((d for d in documents if (d.sha256, d.doc.first_page) == (licence.sha256, licence.first_page)), None)
    field = doc.doc.fields.get("qualifications") if doc else None
    value = field.value if field else None
    return value if isinstance(value, list) else [value] if value else []


def _default_qualification(candidates: list[str]) -> str:
    """The first of ``candidates`` (the certificate's, then the newest application's) that a
    built-in renewal checklist serves."""
    for qualification in candidates:
        try:
            checklist_for(ApplicationSpec(company_name="-", uscc="-", application_type="renewal",
                                          qualifications=[qualification], filing_date=date.today()))
            return qualification
        except DossierError:
            continue
    raise PlanError("no qualification to renew", reason_zh="无法确定要延续的资质：请用 --qualification 指定，如 建筑工程施工总承包二级")


def _roster(checklist: Checklist, app: ApplicationSpec | None, entries: list[LedgerEntry],
            ids: Identities) -> list[RosterEntry]:
    """The newest application's people in the roles the checklist binds, then the constructors
    whose newest registration names the company."""
    roles = {group.role for section in checklist.sections for group in section.people}
    roster = [r for r in (app.roster if app else []) if r.role in roles]
    known = {ids.person(r.name, r.id_number)[0] for r in roster}
    for entry in entries:
        if entry.kind == CONSTRUCTOR_KIND and entry.id_number and "registered_constructor" in roles:
            key = ids.person(entry.name, entry.id_number)[0]
            if key not in known:
                known.add(key)
                roster.append(RosterEntry(name=entry.name or "?", id_number=entry.id_number,
                                          role="registered_constructor"))
    return roster


class _Planner:
    def __init__(self, documents: list[ArchivedDocument], ledger: list[LedgerEntry], ids: Identities, *,
                 company: tuple[str, str | None], filing: date, ready_by: date):
        self.documents = documents
        self.ids = ids
        self.name, self.uscc = company
        self.company_key = ids.company(*company)[0]
        self.filing, self.ready_by = filing, ready_by
        # (sha256, first page): one file may hold several documents (身份证及注册证书.pdf)
        self.entries: dict[tuple[str, int], list[LedgerEntry]] = {}
        for entry in ledger:
            self.entries.setdefault((entry.sha256, entry.first_page), []).append(entry)

    # --- the company's own items --------------------------------------------------------------

    def company_tasks(self, checklist: Checklist, window_months: int) -> list[PlanTask]:
        tasks = []
        for section in checklist.sections:
            for item in section.items:
                docs = [d for d in self.documents if d.doc_type in item.doc_type and self._is_company(d)]
                if STATEMENT_DOC_TYPE in item.doc_type:
                    tasks.append(self._statement_task(section.title, item, docs, window_months))
                else:
                    tasks.append(self._task(section.title, item, None, self._newest(docs, self.name)))
        return tasks

    def _is_company(self, d: ArchivedDocument) -> bool:
        """The company's own document: same key, or its exact name or USCC (a certificate whose
        printed USCC disagrees with the licence's is still the company's: validation reports it)."""
        name, uscc = d.text("company_name"), d.text("uscc")
        return (self.ids.company(name, uscc)[0] == self.company_key or (name is not None and name == self.name)
                or (uscc is not None and uscc == self.uscc))

    def _statement_task(self, section: str, item: Item, docs: list[ArchivedDocument], months: int) -> PlanTask:
        """The statement must cover the ``months`` months before the filing month."""
        first = shift_month(self.filing.strftime("%Y-%m"), -months)
        last = shift_month(self.filing.strftime("%Y-%m"), -1)
        statements = [s for s in (read_statement(d, self.ids) for d in docs) if s is not None]
        newest = max(statements, key=lambda s: (s.last_month, s.doc.received_at), default=None)
        base = dict(section=section, item=item.label)
        if newest is None:
            return PlanTask(**base, status="missing", status_zh=TASK_STATUS_ZH["missing"], due=self.ready_by,
                            action=f"开具 {first} 至 {last} 的社会保险缴费证明（须列出全部申报人员）")
        found = dict(file=newest.doc.file, sha256=newest.doc.sha256)
        if newest.last_month >= last:
            return PlanTask(**base, **found, status="present", status_zh=TASK_STATUS_ZH["present"], action="")
        return PlanTask(**base, **found, status="expiring", status_zh=TASK_STATUS_ZH["expiring"], due=self.ready_by,
                        action=f"现有缴费明细至 {newest.last_month}；申报需覆盖 {first} 至 {last}，"
                               f"请在 {last} 缴费后重新开具")

    # --- a person's items ----------------------------------------------------------------------

    def person_tasks(self, checklist: Checklist, person: RosterEntry) -> list[PlanTask]:
        key = self.ids.person(person.name, person.id_number)[0]
        who = f"{person.name}（{role_name(person.role)}）"
        tasks = []
        for section in checklist.sections:
            for group in section.people:
                if group.role != person.role:
                    continue
                for item in group.items:
                    docs = [d for d in self.documents if d.doc_type in item.doc_type
                            and self.ids.person(d.text("name"), d.text("id_number"))[0] == key]
                    tasks.append(self._task(section.title, item, who, self._newest(docs, person.name)))
        return tasks

    # --- shared ----------------------------------------------------------------------------------

    @staticmethod
    def _newest(docs: list[ArchivedDocument], owner: str) -> ArchivedDocument | None:
        """The newest of ``docs``; of equals, one filed in a folder named after its owner (the
        same ID card scanned into two people's folders belongs in its owner's)."""
        return max(docs, key=lambda d: (d.date("issue_date", "qualified_date") or date.min, owner in d.file,
                                        d.received_at), default=None)

    def _task(self, section: str, item: Item, who: str | None, doc: ArchivedDocument | None) -> PlanTask:
        base = dict(section=section, item=item.label, person=who)
        if doc is None:
            return PlanTask(**base, status="missing", status_zh=TASK_STATUS_ZH["missing"], due=self.ready_by,
                            action=f"补充{item.label}")
        found = dict(file=doc.file, sha256=doc.sha256)
        ending = self._ends_before_filing(doc)
        if ending is None:
            return PlanTask(**base, **found, status="present", status_zh=TASK_STATUS_ZH["present"], action="",
                            valid_until=self._valid_until(doc))
        entry_label, until, own_deadline = ending
        due = min(self.ready_by, own_deadline) if own_deadline else self.ready_by
        return PlanTask(**base, **found, status="expiring", status_zh=TASK_STATUS_ZH["expiring"], valid_until=until,
                        due=due, action=f"{entry_label}有效期至 {until}，早于申报日 {self.filing}：请办理续期或换发")

    def _entries_of(self, doc: ArchivedDocument) -> list[LedgerEntry]:
        return self.entries.get((doc.sha256, doc.doc.first_page), [])

    def _valid_until(self, doc: ArchivedDocument) -> date | None:
        dated = [e.valid_until for e in self._entries_of(doc) if e.valid_until]
        return min(dated) if dated else doc.date("valid_until")

    def _ends_before_filing(self, doc: ArchivedDocument) -> tuple[str, date, date | None] | None:
        """(what ends, when, its own last renewal day) for the first of the document's terms that
        ends before the filing date (ledger kinds, else its ``valid_until``)."""
        for entry in sorted(self._entries_of(doc), key=lambda e: e.valid_until or date.max):
            if entry.valid_until and entry.valid_until < self.filing:
                return entry.kind_zh, entry.valid_until, entry.deadline
        own = doc.date("valid_until")
        if own and own < self.filing and not self._entries_of(doc):
            return "", own, None
        return None


# --- the plan as files: application.yaml, the task list (Excel), the plan (JSON) -----------------

TASK_HEADER = ("分册", "材料", "人员", "状态", "现有文件", "有效期至", "需办理", "完成期限")
TASK_FILLS = {"missing": "F4C7C3", "expiring": "FCE8B2"}
TASK_WIDTHS = {"分册": 10, "材料": 28, "人员": 22, "现有文件": 40, "需办理": 60}


def task_rows(plan: RenewalPlan) -> list[list]:
    """One row per task, in TASK_HEADER's order."""
    return [[t.section, t.item, t.person, t.status_zh, t.file, t.valid_until, t.action or None, t.due]
            for t in plan.tasks]


def write_plan(plan: RenewalPlan, folder) -> list:
    """``application.yaml``, ``任务清单.xlsx`` and ``plan.json`` in ``folder``; their paths."""
    import json
    from pathlib import Path

    import yaml

    from dossier.ledger.sheets import write_table

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    spec = folder / "application.yaml"
    spec.write_text("# dossier plan-renewal：延续申请骨架，请核对人员与申报日后补齐材料\n"
                    + yaml.safe_dump(plan.application_yaml(), allow_unicode=True, sort_keys=False),
                    encoding="utf-8")
    sheet = folder / "任务清单.xlsx"
    write_table(sheet, TASK_HEADER, task_rows(plan), [TASK_FILLS.get(t.status) for t in plan.tasks],
                title=f"延续任务 {plan.filing_date}", widths=TASK_WIDTHS, date_columns={"有效期至", "完成期限"})
    data = folder / "plan.json"
    data.write_text(json.dumps(plan.masked().model_dump(mode="json"), ensure_ascii=False, indent=1), encoding="utf-8")
    return [spec, sheet, data]
