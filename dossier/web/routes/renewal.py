"""Renewal plans and the reminder send log, for people and API clients.

- ``GET /api/plan``: a company's renewal plan (``dossier plan-renewal --json``), ID numbers masked.
- ``GET /api/reminders``: the send log of ``dossier remind``, newest first (no channel secrets:
  the log holds channel names and Chinese reasons only).
- ``/ledger/plan``: the same plan as a page (the ledger links each entry to its company's plan);
  ``/ledger/plan.xlsx``: its task list as Excel.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from dossier.ledger.renewal import TASK_HEADER, TASK_FILLS, TASK_WIDTHS, RenewalPlan, plan_renewal, task_rows
from dossier.ledger.sheets import write_table
from dossier.ledger.personnel import ROLE_ZH
from dossier.notify.sendlog import recent
from dossier.notify.thresholds import threshold_zh
from dossier.web.auth import Viewer
from dossier.web.context import Ctx, render
from dossier.web.params import IsoDate
from dossier.web.routes.applications import ERRORS
from dossier.web.schemas import Problem

api = APIRouter(prefix="/api", tags=["ledger"], responses={**ERRORS, 400: {"model": Problem}})
pages = APIRouter(include_in_schema=False)

CompanyQ = Annotated[str, Query(min_length=1, description="企业名称的一部分，或统一社会信用代码")]
QualificationQ = Annotated[str | None, Query(description="要延续的资质（默认取最近申报项目的资质）")]
AsOfQ = Annotated[IsoDate | None, Query(description="按此日期计划（YYYY-MM-DD，默认今天）")]


class ReminderOut(BaseModel):
    """One (entry, threshold, channel) of the send log."""

    channel: str
    company: str
    threshold: str  # "days:30", "start now", "late", "lapsed", "personnel"
    line: str  # what the digest said (ID numbers masked)
    as_of: date  # the day it was due
    status: str  # attempting | sent | failed
    attempts: int
    repeat: bool  # sent again after a crash between sending and recording: may have arrived twice
    error: str | None
    sent_at: datetime | None
    updated_at: datetime


def reminder_log(ctx, company: str | None = None, limit: int = 200) -> list[ReminderOut]:
    with ctx.db.session() as session:
        return [ReminderOut.model_validate(row, from_attributes=True)
                for row in recent(session, company=company, limit=limit)]


def _plan(ctx, company: str, qualification: str | None, as_of: date | None) -> RenewalPlan:
    with ctx.db.session() as session:
        return plan_renewal(session, company, qualification=qualification or None,
                            as_of=as_of or date.today()).masked()


@api.get("/plan", response_model=RenewalPlan, summary="资质延续计划：清单逐项对照档案（已有 / 缺失 / 有效期不足）及完成期限（身份证号已遮蔽）")
def get_plan(ctx: Ctx, user: Viewer, company: CompanyQ, qualification: QualificationQ = None, as_of: AsOfQ = None):
    return _plan(ctx, company, qualification, as_of)


@api.get("/reminders", response_model=list[ReminderOut], summary="已发送的到期提醒（发送记录，最新的在前）")
def get_reminders(ctx: Ctx, user: Viewer,
                  company: Annotated[str | None, Query(description="企业名称的一部分")] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200):
    return reminder_log(ctx, company, limit)


@pages.get("/ledger/plan")
def plan_page(request: Request, ctx: Ctx, user: Viewer, company: CompanyQ, qualification: QualificationQ = None,
              as_of: AsOfQ = None):
    plan = _plan(ctx, company, qualification, as_of)
    return render(request, "plan.html", plan=plan, reminders=reminder_log(ctx, plan.company, 50), role_zh=ROLE_ZH,
                  threshold_zh=threshold_zh)


@pages.get("/ledger/plan.xlsx")
def plan_sheet(ctx: Ctx, user: Viewer, company: CompanyQ, qualification: QualificationQ = None, as_of: AsOfQ = None):
    plan = _plan(ctx, company, qualification, as_of)
    buffer = io.BytesIO()
    write_table(buffer, TASK_HEADER, task_rows(plan), [TASK_FILLS.get(t.status) for t in plan.tasks],
                title=f"延续任务 {plan.filing_date}", widths=TASK_WIDTHS, date_columns={"有效期至", "完成期限"})
    name = quote(f"{plan.company}-延续任务.xlsx")
    return Response(buffer.getvalue(), headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
