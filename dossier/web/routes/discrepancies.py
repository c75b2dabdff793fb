"""One discrepancy: the evidence crops from every document side by side, the values, and the
decisions (accept / correct to … / waive with a comment / reopen), then on to the next one.

Opened from a filtered queue, the page carries the queue's filters (its query string): its
position, previous and next, and the next one after a decision, are those of that queue."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from dossier.errors import ReviewError
from dossier.web import views
from dossier.web.auth import Reviewer, Viewer
from dossier.web.context import Ctx, NotFound, render
from dossier.web.images import crop_png
from dossier.web.params import EvidenceIndex, RowId
from dossier.web.queue import QueueFilter
from dossier.web.routes.applications import ERRORS, discrepancy_out, queue_within
from dossier.web.routes.documents import page_image_path
from dossier.web.schemas import DiscrepancyOut, Problem, ReviewIn, ReviewResult

api = APIRouter(prefix="/api", tags=["discrepancies"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)


def _load(ctx, finding_id: int) -> tuple[views.FindingView, bool]:
    with ctx.db.session() as session:
        found = views.find_finding(session, finding_id)
        if found is None:
            raise NotFound(f"no discrepancy {finding_id}", reason_zh=f"找不到编号为 {finding_id} 的问题")
        app, finding, active = found
        return views.finding_views(session, app, [finding], detail=True)[0], active


@api.get("/discrepancies/{finding_id}", response_model=DiscrepancyOut, summary="一个问题及其证据")
def get_discrepancy(finding_id: RowId, ctx: Ctx, user: Viewer) -> DiscrepancyOut:
    return discrepancy_out(_load(ctx, finding_id)[0])


@api.get("/discrepancies/{finding_id}/evidence/{index}/image", summary="证据截图（PNG，红框为字段位置）",
         responses={200: {"content": {"image/png": {}}}})
def evidence_image(finding_id: RowId, index: EvidenceIndex, ctx: Ctx, user: Viewer) -> Response:
    view, _ = _load(ctx, finding_id)
    if not 0 <= index < len(view.evidence) or not view.evidence[index].image:
        raise NotFound(f"no image for evidence {index}", reason_zh="该证据没有可显示的图像")
    evidence = view.evidence[index]
    path, geometry = page_image_path(ctx, evidence.sha256, evidence.page)
    return Response(crop_png(path, geometry, evidence.box, evidence.bands), media_type="image/png",
                    headers={"Cache-Control": "no-store"})  # shows full ID numbers


@api.post("/discrepancies/{finding_id}/review", response_model=ReviewResult, summary="审核：接受、更正、豁免或重新打开",
          responses={400: {"model": Problem}})
async def review_discrepancy(finding_id: RowId, body: ReviewIn, ctx: Ctx, user: Reviewer,
                             queue: Annotated[QueueFilter, Query(description="所在队列的筛选条件：下一项在该队列中选")]
                             ) -> ReviewResult:
    return await run_in_threadpool(_review, ctx, finding_id, body, user.name, queue)


def _review(ctx, finding_id: int, body: ReviewIn, user: str, queue: QueueFilter) -> ReviewResult:
    from dossier.workflow.review import review

    view, active = _load(ctx, finding_id)
    if not active:
        raise ReviewError(f"discrepancy {finding_id} is no longer found",
                          reason_zh="该问题在最近一次核验中已不再出现，无需处理")
    if body.action == "correct" and not (body.new_value or "").strip():
        raise ReviewError("a correction needs the new value", reason_zh="请填写更正后的值")
    before = [f.id for f in queue_within(ctx, view.application, queue)]
    result = review(ctx.db, ctx.settings, finding_id, body.action, user=user,
                    comment=(body.comment or "").strip() or None,
                    new_value=(body.new_value or "").strip() or None, evidence_index=body.evidence_index)
    after = views.queue_order(list(getattr(result, "findings", result)))
    now = next((f for f in after if f.id == finding_id), None)
    replaced = None
    if now is None:
        replaced = next((f.id for f in after if f.status == "open" and f.code == view.code
                         and f.subject == view.finding.subject), None)
    next_id = replaced or views.next_open(before, queue_within(ctx, view.application, queue), finding_id)
    current = None
    if now is not None:
        current = discrepancy_out(_load(ctx, finding_id)[0])
    return ReviewResult(resolved=now is None, discrepancy=current, replaced_by=replaced, next_id=next_id,
                        open_count=sum(f.status == "open" for f in after))


@pages.get("/discrepancies/{finding_id}")
def discrepancy_page(finding_id: RowId, request: Request, ctx: Ctx, user: Viewer,
                     queue: Annotated[QueueFilter, Query()]):
    view, active = _load(ctx, finding_id)
    walked = queue_within(ctx, view.application, queue)
    ids = [f.id for f in walked]
    position = ids.index(finding_id) + 1 if finding_id in ids else None
    following = views.next_open(ids, walked, finding_id)
    return render(request, "discrepancy.html", f=view, active=active, position=position, total=len(ids),
                  open_count=sum(f.status == "open" for f in walked), next_id=following,
                  quoted=quote(view.application, safe=""), queue=queue,
                  prev_id=ids[ids.index(finding_id) - 1] if position and position > 1 else None)
