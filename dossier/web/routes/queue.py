"""An application's review queue: filtered and paged (``GET .../queue``, the data of the queue on
the application page), and warnings waived together with one reason (``POST .../waive``).

A bulk waive takes warnings and notes only: a blocking finding keeps the gate shut, and closing
one needs its own written reason (issue 16), so it is refused here rather than waived in passing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.concurrency import run_in_threadpool

from dossier.errors import ReviewError
from dossier.web.auth import Reviewer, Viewer
from dossier.web.context import Ctx
from dossier.web.queue import QueueFilter
from dossier.web.routes.applications import ERRORS, queue_of, queue_out
from dossier.web.schemas import BulkWaiveIn, BulkWaiveOut, Problem, QueueOut

api = APIRouter(prefix="/api", tags=["discrepancies"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)  # no page of its own: the queue shows on the application page


@api.get("/applications/{name}/queue", response_model=QueueOut, summary="问题队列：按级别、类型、人员、文件、状态筛选，分页")
def get_queue(name: str, ctx: Ctx, user: Viewer, filters: Annotated[QueueFilter, Query()]) -> QueueOut:
    return queue_out(queue_of(ctx, name, filters))


@api.post("/applications/{name}/waive", response_model=BulkWaiveOut, summary="批量豁免警告与提示（一条理由；阻断性问题须逐项处理）",
          responses={400: {"model": Problem}})
async def waive_many(name: str, body: BulkWaiveIn, ctx: Ctx, user: Reviewer) -> BulkWaiveOut:
    return await run_in_threadpool(_waive_many, ctx, name, body, user.name)


def _waive_many(ctx, name: str, body: BulkWaiveIn, user: str) -> BulkWaiveOut:
    from dossier.workflow.check import load_findings
    from dossier.workflow.review import review

    comment = body.comment.strip()
    if not comment:
        raise ReviewError("a bulk waive needs a reason", reason_zh="豁免必须填写理由")
    findings = {f.id: f for f in load_findings(ctx.db, name)}
    wanted = list(dict.fromkeys(body.ids))
    unknown = [i for i in wanted if i not in findings]
    if unknown:
        raise ReviewError(f"not findings of {name}: {unknown}",
                          reason_zh=f"找不到本申报项目的问题：{'、'.join(f'#{i}' for i in unknown)}")
    blocking = [i for i in wanted if findings[i].severity == "blocking"]
    if blocking:
        raise ReviewError(f"blocking findings in a bulk waive: {blocking}",
                          reason_zh=f"阻断性问题须逐项处理并各自填写理由，不能批量豁免：{'、'.join(f'#{i}' for i in blocking)}")
    decided = [i for i in wanted if findings[i].status != "open"]
    if decided:
        raise ReviewError(f"findings already decided: {decided}",
                          reason_zh=f"这些问题已处理过，请刷新后重选：{'、'.join(f'#{i}' for i in decided)}")
    for finding_id in wanted:
        review(ctx.db, ctx.settings, finding_id, "waive", user=user, comment=comment)
    left = sum(f.status == "open" for f in load_findings(ctx.db, name))
    return BulkWaiveOut(waived=wanted, open_count=left)
