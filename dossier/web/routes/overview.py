"""The start page and a page per company.

- ``/`` (``GET /api/overview``): every application with its open findings, most open blocking
  ones first; the certificates expiring within 180 days (and any already late) across the
  archive; the newest audit events; to an admin, the deleted applications, to restore.
- ``/companies/{key}`` (``GET /api/companies/{key}``), ``key`` a USCC or, for a company known by
  name only, its name: its applications, its ledger (the company's licences and its people's
  certificates), whether it still meets each level it holds (``dossier.ledger.standing``) and its
  people (from the rosters and the ledger, ID numbers masked).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from fastapi import APIRouter, Request
from sqlalchemy import select

from dossier.ledger.ledger import LedgerEntry, expiring, load_ledger
from dossier.ledger.personnel import ROLE_ZH, load_ledger_standing
from dossier.ledger.standing import STANDING_SCOPE_ZH
from dossier.ledger.rules import STATUS_ORDER, Status
from dossier.ledger.views import entry_json
from dossier.privacy import mask_id
from dossier.store.schema import Application
from dossier.store.users import UserInfo
from dossier.web import views
from dossier.web.auth import Viewer
from dossier.web.context import Ctx, NotFound, render
from dossier.web.routes.applications import ERRORS, application_out
from dossier.workflow.lifecycle import deleted_applications
from dossier.web.schemas import (
    ApplicationOut,
    AuditOut,
    CompanyOut,
    CompanyRef,
    LedgerEntryOut,
    LevelStandingOut,
    PersonOut,
    StartOut,
)

api = APIRouter(prefix="/api", tags=["overview"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)

EXPIRING_DAYS = 180  # 延续 needs months of lead time: half a year ahead is what a start page shows
ACTIVITY_ROWS = 15


def _entry_out(entry: LedgerEntry, status: Status) -> LedgerEntryOut:
    return LedgerEntryOut.model_validate(entry_json(entry, status))  # masked


def _companies(apps: list[ApplicationOut], entries: list[LedgerEntry]) -> list[CompanyRef]:
    """Every company an application or the ledger names, once (by USCC where one is known)."""
    found: dict[str, CompanyRef] = {}
    named = [(a.company_name, a.uscc) for a in apps] + [(e.company, e.uscc) for e in entries if e.holder == "company"]
    for name, uscc in named:
        if not (name or uscc):
            continue
        key = uscc or name
        if key not in found or (found[key].name is None and name):
            found[key] = CompanyRef(key=key, name=name, uscc=uscc)
    return sorted(found.values(), key=lambda c: c.name or c.key)


def start_view(ctx, user: UserInfo) -> StartOut:
    """What the start page shows ``user``."""
    day = date.today()
    with ctx.db.session() as session:
        apps = [application_out(r) for r in views.application_rows(session)]
        entries = load_ledger(session)
        activity = [AuditOut(**row.__dict__) for row in views.audit_rows(session, limit=ACTIVITY_ROWS)]
    apps.sort(key=lambda a: (-a.open_by_severity.get("blocking", 0), a.name))
    soon = [_entry_out(entry, status) for entry, status in expiring(entries, as_of=day, within_days=EXPIRING_DAYS)]
    # only an admin may restore: nobody else is shown what was deleted
    deleted = deleted_applications(ctx.db) if user.may("admin") else []
    return StartOut(as_of=day, within_days=EXPIRING_DAYS, applications=apps, expiring=soon, activity=activity,
                    companies=_companies(apps, entries), deleted=deleted)


def _people(ctx, names: list[str], entries: list[LedgerEntry]) -> list[PersonOut]:
    """The people of the applications ``names`` (their rosters) and of the ledger ``entries``."""
    people: dict[str, dict] = defaultdict(lambda: {"name": "", "roles": set(), "applications": set(), "certificates": set()})
    with ctx.db.session() as session:
        specs = session.execute(select(Application.name, Application.spec).where(
            Application.name.in_(names), Application.deleted_at.is_(None))).all()
    for app_name, spec in specs:
        for person in (spec or {}).get("roster") or []:
            who = people[person["id_number"]]
            who["name"] = who["name"] or person["name"]
            who["roles"].add(ROLE_ZH.get(person.get("role"), person.get("role") or ""))
            who["applications"].add(app_name)
    for entry in entries:
        if entry.holder == "person" and entry.id_number:
            who = people[entry.id_number]
            who["name"] = who["name"] or entry.name or ""
            who["certificates"].add(entry.kind_zh)
    return sorted((PersonOut(name=p["name"], id_number=mask_id(number), roles=sorted(p["roles"] - {""}),
                             applications=sorted(p["applications"]), certificates=sorted(p["certificates"]))
                   for number, p in people.items()), key=lambda p: p.name)


def company_view(ctx, key: str) -> CompanyOut:
    """What a company's page shows; NotFound when no application or ledger entry names ``key``."""
    day = date.today()
    with ctx.db.session() as session:
        apps = [application_out(r) for r in views.application_rows(session)]
        entries, standing = load_ledger_standing(session)
    company = next((c for c in _companies(apps, entries) if c.key == key), None)
    if company is None:
        raise NotFound(f"no company {key!r}", reason_zh=f"档案中没有企业：{key}")

    def ours(uscc: str | None, name: str | None) -> bool:
        # by USCC where both sides have one; by the full name where either lacks it (a person's
        # certificate names the employer only, an application may not give the USCC)
        return uscc == company.uscc if uscc and company.uscc else bool(name) and name == company.name

    mine = [a for a in apps if ours(a.uscc, a.company_name)]
    ledger = [e for e in entries if ours(e.uscc, e.company)]
    ledger.sort(key=lambda e: (STATUS_ORDER[e.status(day)], e.valid_until or date.max))
    return CompanyOut(company=company, as_of=day, applications=mine,
                      ledger=[_entry_out(e, e.status(day)) for e in ledger],
                      people=_people(ctx, [a.name for a in mine], ledger),
                      standing=[LevelStandingOut.model_validate(level.contract()) for level in standing
                                if ours(level.uscc, level.company)])


@api.get("/overview", response_model=StartOut, summary="首页：申报项目与待处理阻断问题、180 天内到期的证照、最近动态")
def get_overview(ctx: Ctx, user: Viewer) -> StartOut:
    return start_view(ctx, user)


@api.get("/companies/{key}", response_model=CompanyOut, summary="一家企业：申报项目、证照台账、人员（身份证号已遮蔽）")
def get_company(key: str, ctx: Ctx, user: Viewer) -> CompanyOut:
    return company_view(ctx, key)


@pages.get("/")
def start_page(request: Request, ctx: Ctx, user: Viewer):
    return render(request, "start.html", view=start_view(ctx, user))


@pages.get("/companies/{key}")
def company_page(key: str, request: Request, ctx: Ctx, user: Viewer):
    return render(request, "company.html", view=company_view(ctx, key), standing_scope=STANDING_SCOPE_ZH)
