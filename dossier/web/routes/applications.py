"""Applications: the list, one application (documents by section and person, the discrepancy
queue, packets), creating one, uploading files into it, re-checking and deleting."""

from __future__ import annotations

import logging
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import delete, select

from dossier.standards.schema import JUDGEMENT_ZH
from dossier.assess.requirements import Assessment
from dossier.errors import ConfigError, DossierError
from dossier.standards.schema import CONFIDENCE_ZH
from dossier.intake.spec import load_spec
from dossier.model import ApplicationSpec, ReviewedDiscrepancy
from dossier.privacy import mask_text
from dossier.store import repo
from dossier.store.schema import Application, ApplicationDocument, AuditEvent
from dossier.web import views
from dossier.web.auth import Admin, Reviewer, Viewer
from dossier.web.context import Conflict, Ctx, NotFound, code_names, render
from dossier.web.queue import QueueFilter, QueueView, matching, queue_view
from dossier.web.schemas import (
    ApplicationCreate,
    ApplicationDetail,
    ApplicationOut,
    ChoiceOut,
    DiscrepancyOut,
    EvidenceOut,
    FileOut,
    PacketOut,
    Problem,
    PurgeIn,
    QueueOut,
    ReviewOut,
    UploadOut,
)
from dossier.web.uploads import receive
from dossier.workflow import lifecycle
from dossier.workflow.assess import assess_application

log = logging.getLogger(__name__)
ERRORS = {401: {"model": Problem}, 403: {"model": Problem}, 404: {"model": Problem}}
api = APIRouter(prefix="/api", tags=["applications"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)


# --- conversions ----------------------------------------------------------------------------------


def packet_out(p: views.PacketInfo) -> PacketOut:
    return PacketOut(id=p.id, built_at=p.built_at, draft=p.draft, checklist=p.checklist, sha256=p.sha256,
                     files={name: f"/api/packets/{p.id}/files/{name}" for name in p.files})


def application_out(row: views.ApplicationRow) -> ApplicationOut:
    return ApplicationOut(
        name=row.name, company_name=row.company_name, uscc=row.uscc, application_type=row.application_type,
        qualifications=row.qualifications, filing_date=str(row.filing_date) if row.filing_date else None,
        documents=row.documents, processed=row.processed, failed=row.failed, pending=row.pending,
        open_by_severity=row.open_by_severity, reviewed=row.reviewed, missing=row.missing,
        last_packet=packet_out(row.last_packet) if row.last_packet else None)


def discrepancy_out(v: views.FindingView) -> DiscrepancyOut:
    return DiscrepancyOut(
        id=v.id, application=v.application, code=v.code, severity=v.severity, status=v.status,
        message=v.message, subject=v.subject, subject_label=v.subject_label,
        evidence=[EvidenceOut(index=e.index, sha256=e.sha256, field=e.field, label=e.label, value=e.value,
                              page=e.page, path=e.path, doc_type=e.doc_type, full_value=e.full_value,
                              correctable=e.correctable,
                              image=f"/api/discrepancies/{v.id}/evidence/{e.index}/image" if e.image else None)
                  for e in v.evidence],
        reviews=[ReviewOut(**r) for r in v.reviews])


# --- reading ------------------------------------------------------------------------------------


def _row(ctx, name: str) -> views.ApplicationRow:
    with ctx.db.session() as session:
        repo.get_application(session, name)
        return views.application_rows(session, [name])[0]


def _findings(ctx, name: str) -> tuple[list[ReviewedDiscrepancy], list[views.FindingView]]:
    from dossier.workflow.check import load_findings

    findings = views.queue_order(load_findings(ctx.db, name))
    with ctx.db.session() as session:
        app = repo.get_application(session, name)
        return findings, views.finding_views(session, app, findings)


def _queue_and_spec(ctx, name: str) -> tuple[list[views.FindingView], ApplicationSpec | None]:
    _, finding_views = _findings(ctx, name)
    with ctx.db.session() as session:
        raw = repo.get_application(session, name).spec
    return finding_views, ApplicationSpec.model_validate(raw) if raw else None


def queue_of(ctx, name: str, filters: QueueFilter) -> QueueView:
    """The application's review queue under ``filters``: what its page and queue API show."""
    return queue_view(*_queue_and_spec(ctx, name), filters, code_names())


def queue_within(ctx, name: str, filters: QueueFilter) -> list[ReviewedDiscrepancy]:
    """The application's queue in order, only what ``filters`` keep, every page: what a finding
    opened from that queue steps through."""
    return [v.finding for v in matching(*_queue_and_spec(ctx, name), filters)]


def queue_out(q: QueueView) -> QueueOut:
    def choices(items):
        return [ChoiceOut(value=c.value, label=c.label) for c in items]

    return QueueOut(filters=q.filters, items=[discrepancy_out(v) for v in q.items], total=q.total,
                    open_total=q.open_total, page=q.page, pages=q.pages, codes=choices(q.codes),
                    people=choices(q.people), documents=choices(q.documents))


def _never_checked(ctx, name: str) -> bool:
    with ctx.db.session() as session:
        return session.scalar(select(AuditEvent.id).where(
            AuditEvent.object == f"application:{name}", AuditEvent.action == "check").limit(1)) is None


def _ensure_checked(ctx, name: str, row: views.ApplicationRow, actor: str) -> None:
    """Check an application once when it is first looked at (e.g. after ``dossier ingest``)."""
    if row.pending or not row.processed or row.application_type is None or not _never_checked(ctx, name):
        return
    from dossier.workflow.check import check_application

    try:
        check_application(ctx.db, ctx.settings, name, actor=actor)
    except DossierError as exc:
        log.info("first check of %s failed: %s", name, exc)


@api.get("/applications", response_model=list[ApplicationOut], summary="申报项目列表")
def list_applications(ctx: Ctx, user: Viewer) -> list[ApplicationOut]:
    with ctx.db.session() as session:
        return [application_out(r) for r in views.application_rows(session)]


@api.get("/applications/{name}", response_model=ApplicationDetail, summary="一个申报项目：文件、问题、装订记录")
def get_application(name: str, ctx: Ctx, user: Viewer) -> ApplicationDetail:
    row = _row(ctx, name)
    _, finding_views = _findings(ctx, name)
    counts = views.open_counts([v.finding for v in finding_views])
    with ctx.db.session() as session:
        app = repo.get_application(session, name)
        files = repo.document_status(session, name)
        packets = views.packets_of(session, app.id)
    return ApplicationDetail(
        **application_out(row).model_dump(),
        # a path may hold its holder's ID number (身份证_4201….jpg); only the document's own page shows it
        files=[FileOut(path=mask_text(f.path), sha256=f.sha256, status=f.status, doc_type=f.doc_type, pages=f.pages,
                       reason=f.reason, open_findings=counts[f.sha256]) for f in files],
        discrepancies=[discrepancy_out(v) for v in finding_views],
        packets=[packet_out(p) for p in packets])


@api.get("/applications/{name}/discrepancies", response_model=list[DiscrepancyOut], summary="问题队列（待处理在前）")
def list_discrepancies(name: str, ctx: Ctx, user: Viewer) -> list[DiscrepancyOut]:
    return [discrepancy_out(v) for v in _findings(ctx, name)[1]]


# --- changing -----------------------------------------------------------------------------------


@api.post("/applications", response_model=ApplicationOut, status_code=201, summary="新建申报项目",
          responses={400: {"model": Problem}, 409: {"model": Problem}})
def create_application(body: ApplicationCreate, ctx: Ctx, user: Reviewer) -> ApplicationOut:
    import tempfile
    from pathlib import Path

    from dossier.web.uploads import safe_name

    name = body.name.strip()
    if safe_name(name) != name or "/" in name:
        raise ConfigError(f"invalid application name {name!r}", reason_zh="申报项目名称不能包含 / \\ 或控制字符")
    spec = None
    if body.application_yaml:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "application.yaml"
            path.write_text(body.application_yaml, encoding="utf-8")
            try:
                spec = load_spec(path, own_standards=False).spec
            except ConfigError as exc:
                raise ConfigError(exc.message, path="application.yaml", reason_zh=exc.reason_zh) from exc
    with ctx.db.session() as session:
        if session.scalar(select(Application.id).where(Application.name == name)) is not None:
            raise Conflict(f"application {name!r} exists", reason_zh=f"申报项目已存在：{name}")
        repo.get_or_create_application(session, name, spec=spec)
        repo.audit(session, user.name, "application.created", f"application:{name}",
                   {"company_name": spec.company_name if spec else None})
    return application_out(_row(ctx, name))


@api.post("/applications/{name}/files", response_model=UploadOut, summary="上传一个文件（请求体为文件内容）",
          responses={400: {"model": Problem}, 413: {"model": Problem}},
          openapi_extra={"requestBody": {"required": True, "content": {
              "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}})
async def upload_file(name: str, request: Request, ctx: Ctx, user: Reviewer,
                      path: Annotated[str, Query(description="文件在申报项目中的路径，如 人员资料/张伟/身份证.jpg")]) -> UploadOut:
    length = request.headers.get("content-length")
    result = await receive(ctx, name, path, request.stream(), user=user,
                           declared_size=int(length) if length and length.isdigit() else None)
    if result is None:
        return UploadOut(path=path, status="spec", message="已更新 application.yaml（申报信息与人员名单）")
    # the answer is shown beside the file list, and masked as it is (the path may name an ID number)
    return UploadOut(path=mask_text(str(result.source)), status=result.status, sha256=result.sha256,
                     media_type=result.media_type, reason=mask_text(result.reason) if result.reason else None,
                     message=mask_text(result.message))


@api.post("/applications/{name}/check", response_model=list[DiscrepancyOut], summary="重新核验")
def recheck(name: str, ctx: Ctx, user: Reviewer) -> list[DiscrepancyOut]:
    from dossier.workflow.check import check_application

    check_application(ctx.db, ctx.settings, name, actor=user.name)
    return [discrepancy_out(v) for v in _findings(ctx, name)[1]]


@api.delete("/applications/{name}", status_code=204,
            summary="删除申报项目（隐藏，可恢复；文件、问题、审核与装订记录均保留）")
def delete_application(name: str, ctx: Ctx, user: Admin) -> Response:
    lifecycle.delete_application(ctx.db, name, actor=user.name)
    return Response(status_code=204)


@api.post("/applications/{name}/restore", response_model=ApplicationOut, summary="恢复已删除的申报项目")
def restore_application(name: str, ctx: Ctx, user: Admin) -> ApplicationOut:
    lifecycle.restore_application(ctx.db, name, actor=user.name)
    return application_out(_row(ctx, name))


@api.post("/applications/{name}/purge", status_code=204, responses={400: {"model": Problem}},
          summary="彻底删除已删除的申报项目（须再次输入名称确认，不可恢复）")
def purge_application(name: str, body: PurgeIn, ctx: Ctx, user: Admin) -> Response:
    lifecycle.purge_application(ctx.db, ctx.settings, name, confirm=body.confirm, actor=user.name)
    return Response(status_code=204)


@api.delete("/applications/{name}/documents/{sha256}", status_code=204, summary="从申报项目中移除一个文件")
def remove_document(name: str, sha256: str, ctx: Ctx, user: Admin) -> Response:
    with ctx.db.session() as session:
        app = repo.get_application(session, name)
        doc = repo.find_document(session, sha256)
        if doc is None:
            raise NotFound(f"no document {sha256}", reason_zh="找不到该文件")
        gone = session.execute(delete(ApplicationDocument).where(
            ApplicationDocument.application_id == app.id, ApplicationDocument.document_id == doc.id)).rowcount
        if not gone:
            raise NotFound(f"{sha256} not in {name}", reason_zh="该文件不在此申报项目中")
        repo.audit(session, user.name, "document.unlinked", f"application:{name}",
                   {"sha256": sha256, "name": doc.source_name})
    ctx.jobs.check(name, actor=user.name)
    return Response(status_code=204)


# --- pages --------------------------------------------------------------------------------------


@pages.get("/applications/{name}")
def application_page(name: str, request: Request, ctx: Ctx, user: Viewer,
                     filters: Annotated[QueueFilter, Query()]):
    from dossier.assemble.checklist import list_checklists

    row = _row(ctx, name)
    _ensure_checked(ctx, name, row, user.name)
    findings, _ = _findings(ctx, name)
    with ctx.db.session() as session:
        app = repo.get_application(session, name)
        files = repo.document_status(session, name)
        packets = views.packets_of(session, app.id)
    row = _row(ctx, name)
    sections = views.document_sections(ctx.db, ctx.settings, name, files, findings)
    assessment, assessment_problem = _assessment(ctx, name, row)
    return render(request, "application.html", app=row, name=name, quoted=quote(name, safe=""),
                  sections=sections, queue=queue_of(ctx, name, filters), packets=packets, checklists=list_checklists(),
                  upload_limit_mb=ctx.settings.upload_max_bytes // (1 << 20), assessment=assessment,
                  assessment_problem=assessment_problem, assess_zh=JUDGEMENT_ZH, confidence_zh=CONFIDENCE_ZH)


def _assessment(ctx, name: str, row: views.ApplicationRow) -> tuple[Assessment | None, str | None]:
    """The application against the first qualification it applies for (``dossier assess``, the
    model ``GET /api/applications/{name}/assess`` serves, ID numbers masked), or why there is none:
    a qualification no standard holds, an own standard file gone, is said on the page, not a 500."""
    if not row.qualifications:
        return None, None
    try:
        return assess_application(ctx.db, ctx.settings, name).masked(), None
    except DossierError as exc:
        return None, exc.user_message
