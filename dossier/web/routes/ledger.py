"""The archive as a ledger (台账) and its search, for people and for API clients.

- ``GET /api/ledger``: every certificate with its status on ``as_of``, the personnel alerts and,
  per company, whether it still meets each level it holds (``standing``), the shape of ``dossier
  ledger --json``; ``within`` narrows the entries to the expiring list.
- ``GET /api/expiring``: the expiring list, most urgent first (``dossier expiring --json``).
- ``GET /api/search``: archive search (``dossier search --json``).
- ``/ledger``: the timeline of expiries (server-rendered SVG, inline), the expiring list, each
  company's standing against the levels it holds, the personnel alerts and, apart, the 动态监管 alerts on projects, the sent reminders, the whole ledger (each entry links to its company's
  renewal plan, ``routes/renewal.py``); ``/search``: the search form and its results.

ID numbers are masked in everything here; the document page shows them in full.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from markupsafe import Markup, escape
from sqlalchemy import select

from dossier.ledger.alerts import ALERT_ZH
from dossier.ledger.ledger import LedgerEntry, expiring
from dossier.ledger.personnel import ROLE_ZH, PersonnelAlert, load_ledger_review, load_ledger_with_alerts
from dossier.ledger.standing import STANDING_SCOPE_ZH, LevelStanding
from dossier.ledger.rules import STATUS_ORDER, STATUS_ZH
from dossier.ledger.search import SearchError, SearchQuery, masked, search
from dossier.ledger.timeline import render_timeline
from dossier.ledger.views import expiring_json, ledger_json
from dossier.model import DOC_TYPE_NAMES_ZH
from dossier.privacy import mask_text
from dossier.store.schema import Application, ApplicationDocument, Document
from dossier.web.auth import Viewer
from dossier.web.context import Ctx, render
from dossier.web.params import IsoDate
from dossier.notify.thresholds import threshold_zh
from dossier.web.routes.applications import ERRORS
from dossier.web.routes.renewal import reminder_log
from dossier.web.schemas import LedgerEntryOut, LedgerOut, Problem, SearchResultOut

api = APIRouter(prefix="/api", tags=["ledger"], responses={**ERRORS, 400: {"model": Problem}})
pages = APIRouter(include_in_schema=False)

WITHIN_DAYS = 180  # the expiring list's default window (``dossier expiring --within``)
MAX_WITHIN_DAYS = 3660
# The timeline draws one row per entry: past this many it stops being readable (and grows by
# about 0.4 KB a row); it then shows the soonest-ending entries from a year before the day on,
# and says so. The tables below list everything.
TIMELINE_ROWS = 100
REMINDER_ROWS = 50  # the newest of the send log on the page; /api/reminders has the rest
Within = Annotated[int, Query(ge=0, le=MAX_WITHIN_DAYS, description="列出多少天内到期的证照（已逾期或需启动的总会列出）")]
AsOf = Annotated[IsoDate | None, Query(description="按此日期判断状态（YYYY-MM-DD，默认今天）")]
Company = Annotated[str | None, Query(description="企业名称的一部分，或统一社会信用代码")]


def _load(ctx, company: str | None) -> tuple[list[LedgerEntry], list[PersonnelAlert]]:
    with ctx.db.session() as session:
        return load_ledger_with_alerts(session, company=company or None)


def _review(ctx, company: str | None) -> tuple[list[LedgerEntry], list[PersonnelAlert], list[LevelStanding]]:
    with ctx.db.session() as session:
        return load_ledger_review(session, company=company or None)


# --- API ------------------------------------------------------------------------------------------


@api.get("/ledger", response_model=LedgerOut, summary="证照台账：每项证照的有效期与状态，人员变动提醒（身份证号已遮蔽）")
def get_ledger(ctx: Ctx, user: Viewer, as_of: AsOf = None, company: Company = None,
               within: Annotated[int | None, Query(ge=0, le=MAX_WITHIN_DAYS,
                                                   description="只列出多少天内到期及需处理的证照（默认全部）")] = None):
    day = as_of or date.today()
    entries, alerts, standing = _review(ctx, company)
    if within is not None:
        entries = [entry for entry, _ in expiring(entries, as_of=day, within_days=within)]
    return ledger_json(entries, alerts, as_of=day, standing=standing)


@api.get("/expiring", response_model=list[LedgerEntryOut], summary="即将到期的证照，最紧急的在前（身份证号已遮蔽）")
def get_expiring(ctx: Ctx, user: Viewer, within: Within = WITHIN_DAYS, as_of: AsOf = None, company: Company = None):
    entries, _ = _load(ctx, company)
    return expiring_json(expiring(entries, as_of=as_of or date.today(), within_days=within))


@api.get("/search", response_model=SearchResultOut, summary="检索档案：人员、身份证号、企业、证书编号、类型、日期、全文（身份证号已遮蔽）")
def search_archive(
    ctx: Ctx, user: Viewer,
    text: Annotated[str | None, Query(description="全文：页面上的文字（两字姓名亦可）")] = None,
    person: Annotated[str | None, Query(description="姓名（完全一致）")] = None,
    id_number: Annotated[str | None, Query(description="身份证号")] = None,
    company: Company = None,
    number: Annotated[str | None, Query(description="证书/注册/许可证编号的一部分")] = None,
    doc_type: Annotated[str | None, Query(description="文件类型：代码或中文名（营业执照、社保 …）")] = None,
    date_from: Annotated[IsoDate | None, Query(description="日期不早于（YYYY-MM-DD）")] = None,
    date_to: Annotated[IsoDate | None, Query(description="日期不晚于（YYYY-MM-DD）")] = None,
    date_field: Annotated[str | None, Query(description="按哪个日期字段（默认：发证、有效期等任一）")] = None,
    application: Annotated[str | None, Query(description="只查此申报项目")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
):
    query = SearchQuery(text=text, person=person, id_number=id_number, company=company, number=number,
                        doc_type=doc_type, date_from=date_from, date_to=date_to, date_field=date_field,
                        application=application, limit=limit)
    with ctx.db.session() as session:
        result = search(session, query)
    return {"hits": [masked(hit).model_dump() for hit in result.hits], "truncated": result.truncated}


# --- pages ----------------------------------------------------------------------------------------


def _form_date(value: str | None, label: str, problems: list[str]) -> date | None:
    """A date from a form field (empty: None); a wrong one is a problem shown on the page."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        problems.append(f"{label}格式应为 YYYY-MM-DD：{value}")
        return None


def _form_int(value: str | None, label: str, low: int, high: int, problems: list[str]) -> int | None:
    if not value or not value.strip():
        return None
    try:
        number = int(value.strip())
    except ValueError:
        number = None
    if number is None or not low <= number <= high:
        problems.append(f"{label}应为 {low} 到 {high} 之间的整数：{value}")
        return None
    return number


def _paths(ctx, shas: set[str]) -> dict[str, tuple[str, str]]:
    """sha256 -> (application, path) of one filing of each document, for links and labels (the path
    masked: it is shown in a list)."""
    if not shas:
        return {}
    with ctx.db.session() as session:
        rows = session.execute(
            select(Document.sha256, Application.name, ApplicationDocument.path)
            .join(ApplicationDocument, ApplicationDocument.document_id == Document.id)
            .join(Application, Application.id == ApplicationDocument.application_id)
            .where(Document.sha256.in_(sorted(shas)), Application.deleted_at.is_(None))
            .order_by(Application.name, ApplicationDocument.path)).all()
    found: dict[str, tuple[str, str]] = {}
    for sha, app, path in rows:
        found.setdefault(sha, (app, mask_text(path)))
    return found


@pages.get("/ledger")
def ledger_page(request: Request, ctx: Ctx, user: Viewer, as_of: str | None = None, within: str | None = None,
                company: str | None = None):
    problems: list[str] = []
    day = _form_date(as_of, "日期", problems) or date.today()
    days = _form_int(within, "天数", 0, MAX_WITHIN_DAYS, problems)
    days = WITHIN_DAYS if days is None else days
    company = (company or "").strip() or None
    entries, alerts, standing = _review(ctx, company)
    pairs = [(entry.masked(), status) for entry, status in expiring(entries, as_of=day, within_days=days)]
    statuses = [entry.status(day) for entry in entries]
    counts = {status: statuses.count(status) for status in STATUS_ORDER}
    companies = sorted({e.company for e in entries if e.holder == "company" and e.company})
    dated = sorted((e for e in entries if e.valid_until is not None), key=lambda e: e.valid_until)
    drawn = [e for e in dated if e.valid_until >= day - timedelta(days=365)][:TIMELINE_ROWS]
    return render(
        request, "ledger.html", status_code=400 if problems else 200, problems=problems,
        as_of=day, within=days, company=company or "", companies=companies, counts=counts,
        # our own SVG, every text in it escaped; its dashed line marks the day asked about
        timeline=Markup(render_timeline(drawn, as_of=day,
                                        today_label="今天" if day == date.today() else "所选日期")),
        dated=len(dated), drawn=len(drawn), expiring=pairs,
        entries=[(entry.masked(), status) for entry, status in zip(entries, statuses)],
        alerts=[alert.masked() for alert in alerts if not alert.about_project],
        project_alerts=[alert.masked() for alert in alerts if alert.about_project], alert_zh=ALERT_ZH,
        statements=_paths(ctx, {sha for alert in alerts for sha in alert.evidence}),
        reminders=reminder_log(ctx, company, REMINDER_ROWS), threshold_zh=threshold_zh,
        ledger_status_zh=STATUS_ZH, role_zh=ROLE_ZH, standing=standing, standing_scope=STANDING_SCOPE_ZH)

def highlight(line: str, text: str) -> Markup:
    """``line`` (escaped) with each occurrence of ``text`` marked, ignoring the case of Latin letters."""
    if not text:
        return escape(line)
    parts = re.split(f"({re.escape(text)})", line, flags=re.IGNORECASE)
    return Markup("").join(Markup("<mark>{}</mark>").format(part) if i % 2 else escape(part)
                           for i, part in enumerate(parts))


@pages.get("/search")
def search_page(request: Request, ctx: Ctx, user: Viewer, text: str = "", person: str = "", id_number: str = "",
                company: str = "", number: str = "", doc_type: str = "", date_from: str = "", date_to: str = "",
                application: str = "", limit: str = ""):
    form = {"text": text.strip(), "person": person.strip(), "id_number": id_number.strip(),
            "company": company.strip(), "number": number.strip(), "doc_type": doc_type.strip(),
            "date_from": date_from.strip(), "date_to": date_to.strip(), "application": application.strip(),
            "limit": limit.strip()}
    problems: list[str] = []
    low = _form_date(form["date_from"], "起始日期", problems)
    high = _form_date(form["date_to"], "截止日期", problems)
    size = _form_int(form["limit"], "条数", 1, 1000, problems) or 50
    asked = any(value for key, value in form.items() if key != "limit")
    result = None
    if asked and not problems:
        query = SearchQuery(text=form["text"] or None, person=form["person"] or None,
                            id_number=form["id_number"] or None, company=form["company"] or None,
                            number=form["number"] or None, doc_type=form["doc_type"] or None, date_from=low,
                            date_to=high, application=form["application"] or None, limit=size)
        try:
            with ctx.db.session() as session:
                result = search(session, query)
        except SearchError as exc:
            problems.append(exc.user_message)
    with ctx.db.session() as session:
        applications = list(session.scalars(select(Application.name).where(Application.deleted_at.is_(None))
                                            .order_by(Application.name)))
    hits = [masked(hit) for hit in result.hits] if result else []
    return render(request, "search.html", status_code=400 if problems else 200, problems=problems, form=form,
                  asked=asked, result=result, hits=hits, applications=applications, doc_types=DOC_TYPE_NAMES_ZH,
                  mark=lambda line: highlight(line, form["text"]))

