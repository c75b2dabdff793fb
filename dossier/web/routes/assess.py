"""A qualification level's requirements against an application (``dossier assess``), on the web.

- ``GET /api/applications/{name}/assess``: the JSON of ``dossier assess --json``, ID numbers masked.
- ``/applications/{name}/assess``: the same as a page; ``/applications/{name}/assess.xlsx``: Excel.
"""

from __future__ import annotations

import io
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from dossier.assess.requirements import Assessment
from dossier.standards.schema import JUDGEMENT_ZH
from dossier.assess.sheet import write_assessment
from dossier.standards.loader import regimes
from dossier.standards.schema import CONFIDENCE_ZH
from dossier.web.auth import Viewer
from dossier.web.context import Ctx, render
from dossier.web.routes.applications import ERRORS
from dossier.web.schemas import Problem
from dossier.workflow.assess import assess_application

api = APIRouter(prefix="/api", tags=["applications"], responses={**ERRORS, 400: {"model": Problem}})
pages = APIRouter(include_in_schema=False)

TargetQ = Annotated[str | None, Query(description="目标资质，如“建筑工程施工总承包一级”；默认为申报的第一项资质")]
RegimeQ = Annotated[str | None, Query(description="资质标准规则，如 2014+2016（默认）、2022-draft")]


def _assess(ctx, name: str, target: str | None, regime: str | None) -> Assessment:
    return assess_application(ctx.db, ctx.settings, name, target=target or None, regime=regime or None).masked()


@api.get("/applications/{name}/assess", summary="对照资质标准逐项评估（净资产、技术负责人、人员、业绩；身份证号已遮蔽）")
def get_assessment(name: str, ctx: Ctx, user: Viewer, target: TargetQ = None, regime: RegimeQ = None) -> dict:
    return _assess(ctx, name, target, regime).contract()


@pages.get("/applications/{name}/assess")
def assessment_page(name: str, request: Request, ctx: Ctx, user: Viewer, target: TargetQ = None, regime: RegimeQ = None):
    result = _assess(ctx, name, target, regime)
    return render(request, "assess.html", name=name, quoted=quote(name, safe=""), result=result,
                  regimes=regimes().regimes, status_zh=JUDGEMENT_ZH, confidence_zh=CONFIDENCE_ZH)


@pages.get("/applications/{name}/assess.xlsx")
def assessment_sheet(name: str, ctx: Ctx, user: Viewer, target: TargetQ = None, regime: RegimeQ = None):
    result = _assess(ctx, name, target, regime)
    buffer = io.BytesIO()
    write_assessment(result, buffer)
    filename = quote(f"{name}-{result.target}-标准对照.xlsx")
    return Response(buffer.getvalue(), headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
