"""Building the packet (admins) and downloading what a build wrote: packet.pdf, manifest.json,
index.docx, report.html. Each build goes to a folder of its own under ``$DOSSIER_HOME/packets``."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from fastapi import APIRouter
from fastapi.responses import FileResponse
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from dossier.store import repo
from dossier.store.schema import Application, Packet
from dossier.web import views
from dossier.web.auth import Admin, Viewer
from dossier.web.context import Ctx, NotFound
from dossier.web.params import RowId
from dossier.web.routes.applications import ERRORS, packet_out
from dossier.web.schemas import BuildIn, PacketOut, Problem

api = APIRouter(prefix="/api", tags=["packets"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)
MEDIA_TYPES = {
    "packet.pdf": "application/pdf",
    "manifest.json": "application/json",
    "index.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "report.html": "text/html; charset=utf-8",
}


@api.post("/applications/{name}/build", response_model=PacketOut, status_code=201,
          summary="装订材料（有未处理的阻断性问题时拒绝，草稿除外）",
          responses={409: {"model": Problem, "description": "拒绝装订：findings 列出阻断项"}})
async def build(name: str, body: BuildIn, ctx: Ctx, user: Admin) -> PacketOut:
    return await run_in_threadpool(_build, ctx, name, body, user.name)


def _build(ctx, name: str, body: BuildIn, user: str) -> PacketOut:
    from dossier.workflow.build import build_application

    with ctx.db.session() as session:
        app_id = repo.get_application(session, name).id
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out_dir = ctx.settings.home / "packets" / str(app_id) / f"{stamp}-{secrets.token_hex(3)}"
    result = build_application(ctx.db, ctx.settings, name, out_dir, checklist=body.checklist or None,
                               draft=body.draft, user=user)
    with ctx.db.session() as session:
        row = session.scalar(select(Packet).where(
            Packet.application_id == app_id, Packet.path.in_([str(out_dir), str(out_dir.resolve()), str(out_dir / "packet.pdf")])))
        if row is None:  # the workflow did not record it: record it here
            row = Packet(application_id=app_id, path=str(out_dir), sha256=result.packet_sha256,
                         checklist=body.checklist, draft=result.draft)
            session.add(row)
            session.flush()
            repo.audit(session, user, "packet.built", f"application:{name}",
                       {"packet": row.id, "sha256": result.packet_sha256, "pages": result.pages,
                        "draft": result.draft})
        return packet_out(views.packet_info(row))


@api.get("/applications/{name}/packets", response_model=list[PacketOut], summary="装订记录（新的在前）")
def list_packets(name: str, ctx: Ctx, user: Viewer) -> list[PacketOut]:
    with ctx.db.session() as session:
        app = repo.get_application(session, name)
        return [packet_out(p) for p in views.packets_of(session, app.id)]


@api.get("/packets/{packet_id}/files/{filename}", summary="下载装订结果", response_class=FileResponse,
         responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}}, 404: {"model": Problem}})
def download(packet_id: RowId, filename: str, ctx: Ctx, user: Viewer):
    if filename not in MEDIA_TYPES:
        raise NotFound(f"no output {filename!r}", reason_zh=f"没有名为 {filename} 的装订文件")
    with ctx.db.session() as session:
        row = session.get(Packet, packet_id)
        if row is None:
            raise NotFound(f"no packet {packet_id}", reason_zh="找不到该装订记录")
        app = session.get(Application, row.application_id)
        folder, app_name, draft = views.packet_folder(row), app.name if app else "packet", row.draft
    path = folder / filename
    if not path.is_file():
        raise NotFound(f"{path} missing", reason_zh=f"文件已不存在：{filename}")
    stem, _, ext = filename.rpartition(".")
    download_name = f"{app_name}-{'草稿-' if draft else ''}{stem}.{ext}"
    return FileResponse(path, media_type=MEDIA_TYPES[filename], filename=download_name)
