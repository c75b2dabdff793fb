"""One document: its pages as images with the extracted fields drawn on them, every value in full
and editable (a correction re-checks every application holding the document), the original."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from dossier.model import PageText
from dossier.model import TextLine as TextLineModel
from dossier.store import repo
from dossier.store.schema import Document, Page
from dossier.web import views
from dossier.web.auth import Reviewer, Viewer
from dossier.web.context import Ctx, NotFound, render
from dossier.web.images import PageGeometry, page_jpeg
from dossier.web.params import PageNumber
from dossier.web.schemas import DocumentOut, FieldCorrectionIn, FieldOut, LogicalDocumentOut, PageOut, Problem

ERRORS = {401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}}
api = APIRouter(prefix="/api", tags=["documents"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)

Sha256 = Annotated[str, Path(pattern="^[0-9a-f]{64}$", description="文件内容的 SHA-256")]
_LIST_SPLIT = re.compile(r"\s*[、,，;；]\s*")


def _view(ctx, sha256: str) -> views.DocumentView:
    with ctx.db.session() as session:
        view = views.document_view(session, sha256)
    if view is None:
        raise NotFound(f"no document {sha256}", reason_zh="找不到该文件")
    return view


def document_out(v: views.DocumentView) -> DocumentOut:
    return DocumentOut(
        sha256=v.sha256, source_name=v.source_name, media_type=v.media_type, size=v.size, status=v.status,
        reason=v.reason, page_count=v.page_count, doc_type=v.doc_type,
        applications=[{"application": a, "path": p} for a, p in v.applications],
        pages=[PageOut(number=p.number, width=p.width, height=p.height, rotation=p.rotation, source=p.source,
                       image=f"/api/documents/{v.sha256}/pages/{p.number}/image") for p in v.pages],
        documents=[LogicalDocumentOut(
            first_page=d.first_page, page_count=d.page_count, doc_type=d.doc_type, confidence=d.confidence,
            errors=d.errors, records=d.records,
            fields=[FieldOut(name=f.name, label=f.label, value=f.value, read_value=f.read_value,
                             corrected_by=f.corrected_by, confidence=f.confidence, page=f.page, bbox=f.bbox,
                             suggestion=f.suggestion) for f in d.fields])
            for d in v.documents])


@api.get("/documents/{sha256}", response_model=DocumentOut, summary="一个文件：页面、字段（完整值）、表格记录")
def get_document(sha256: Sha256, ctx: Ctx, user: Viewer) -> DocumentOut:
    return document_out(_view(ctx, sha256))


def page_image_path(ctx, sha256: str, number: int):
    """The cached page image (rendered on first request); NotFound for a page that is not stored."""
    with ctx.db.session() as session:
        row = session.execute(select(Document.media_type, Page)
                              .join(Page, Page.document_id == Document.id)
                              .where(Document.sha256 == sha256, Page.number == number)).first()
        if row is None:
            raise NotFound(f"no page {number} of {sha256}", reason_zh=f"找不到第 {number} 页")
        media_type, page = row
        geometry = PageGeometry(page.number, page.width, page.height, page.rotation)
        text = None
        if page.source == "docx":
            text = PageText(number=page.number, width=page.width, height=page.height, source=page.source,
                            lines=[TextLineModel(text=ln.text, confidence=ln.confidence,
                                                 bbox=(ln.x0, ln.y0, ln.x1, ln.y1)) for ln in page.lines])
    return page_jpeg(ctx.settings, ctx.archive, sha256, media_type or "", geometry, text), geometry


@api.get("/documents/{sha256}/pages/{number}/image", summary="页面图像（JPEG，已转正）",
         response_class=FileResponse, responses={200: {"content": {"image/jpeg": {}}}})
def page_image(sha256: Sha256, number: PageNumber, ctx: Ctx, user: Viewer):
    path, _ = page_image_path(ctx, sha256, number)
    return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "no-store"})  # shows full ID numbers


@api.get("/documents/{sha256}/original", summary="下载原件", response_class=FileResponse)
def original(sha256: Sha256, ctx: Ctx, user: Viewer):
    with ctx.db.session() as session:
        doc = repo.find_document(session, sha256)
        if doc is None:
            raise NotFound(f"no document {sha256}", reason_zh="找不到该文件")
        name, media_type = doc.source_name.rsplit("/", 1)[-1], doc.media_type
    path = ctx.archive.path_for(sha256)
    if not path.is_file():
        raise NotFound(f"original {sha256} missing", reason_zh="原件缺失")
    return FileResponse(path, media_type=media_type or "application/octet-stream", filename=name)


@api.put("/documents/{sha256}/fields", response_model=DocumentOut, summary="更正一个字段的值（重新核验相关申报项目）",
         responses={400: {"model": Problem}})
async def correct_field(sha256: Sha256, body: FieldCorrectionIn, ctx: Ctx, user: Reviewer) -> DocumentOut:
    from dossier.workflow.review import correct_field as correct

    view = _view(ctx, sha256)
    logical = next((d for d in view.documents if d.first_page == body.first_page), None)
    if logical is None:
        raise NotFound(f"no document starting on page {body.first_page}", reason_zh=f"找不到从第 {body.first_page} 页开始的材料")
    current = next((f for f in logical.fields if f.name == body.field), None)
    value: str | list[str] = body.value.strip()
    if current is not None and current.is_list:
        value = [part for part in _LIST_SPLIT.split(value) if part]
    await run_in_threadpool(correct, ctx.db, ctx.settings, sha256, body.first_page, body.field, value,
                            user=user.name, comment=body.comment or None)
    return document_out(_view(ctx, sha256))


@pages.get("/documents/{sha256}")
def document_page(sha256: Sha256, request: Request, ctx: Ctx, user: Viewer, app: str | None = None):
    view = _view(ctx, sha256)
    findings = []
    names = [a for a, _ in view.applications]
    if app not in names:
        app = names[0] if names else None
    if app is not None:
        from dossier.workflow.check import load_findings

        mine = [f for f in load_findings(ctx.db, app)
                if any(e.sha256 == sha256 for e in f.evidence) or f.subject == sha256]
        with ctx.db.session() as session:
            application = repo.get_application(session, app)
            findings = views.finding_views(session, application, views.queue_order(mine))
    boxes = {p.number: [(d_index, f) for d_index, d in enumerate(view.documents) for f in d.fields
                        if f.page == p.number and f.has_box] for p in view.pages}
    return render(request, "document.html", doc=view, app=app, findings=findings, boxes=boxes)
