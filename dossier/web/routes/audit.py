"""The audit trail: who did what, when, to which object, with old and new values and comments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from dossier.web import views
from dossier.web.auth import Viewer
from dossier.web.context import Ctx, render
from dossier.web.params import BeforeId
from dossier.web.routes.applications import ERRORS
from dossier.web.schemas import AuditOut

api = APIRouter(prefix="/api", tags=["audit"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
PAGE_SIZE = 200


def _rows(ctx, application: str | None, before: int | None, limit: int) -> list[views.AuditRow]:
    with ctx.db.session() as session:
        return views.audit_rows(session, application=application or None, before=before, limit=limit)


@api.get("/audit", response_model=list[AuditOut], summary="审计记录（新的在前，身份证号已遮蔽）")
def audit_events(ctx: Ctx, user: Viewer, application: str | None = None, before: BeforeId = None,
                 limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_SIZE) -> list[AuditOut]:
    return [AuditOut(**row.__dict__) for row in _rows(ctx, application, before, limit)]


@pages.get("/audit")
def audit_page(request: Request, ctx: Ctx, user: Viewer, application: str | None = None, before: BeforeId = None):
    rows = _rows(ctx, application, before, PAGE_SIZE)
    older = rows[-1].id if len(rows) == PAGE_SIZE else None
    return render(request, "audit.html", rows=rows, application=application, older=older)
