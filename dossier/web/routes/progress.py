"""How far the files just uploaded have got, for the upload box to show without reloading the page:
stored, being read (with its pages read so far), read (its pages and fields), then, once the
application is checked again, the open findings that cite each file. The result of each upload
stays on screen meanwhile.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel
from sqlalchemy import func, select

from dossier.model import DOC_TYPE_NAMES_ZH, DOCUMENT_STATUS_ZH
from dossier.privacy import mask_text
from dossier.store import repo
from dossier.store.schema import Document, Extraction
from dossier.store.schema import Field as FieldRow
from dossier.web import views
from dossier.web.auth import Viewer
from dossier.web.context import Ctx
from dossier.web.routes.applications import ERRORS

api = APIRouter(prefix="/api", tags=["applications"], responses=ERRORS)
pages = APIRouter(include_in_schema=False)  # no page of its own: the upload box polls the API


class FileProgressOut(BaseModel):
    sha256: str
    path: str  # masked
    status: str
    status_zh: str
    doc_type_zh: str | None
    pages: int | None
    # While the file is being read: its pages read so far, of how many (None before the first)
    pages_read: int | None
    pages_to_read: int | None
    fields: int  # values read
    open_findings: int | None  # None until the application has been checked with this file read
    reason: str | None


class ProgressOut(BaseModel):
    checking: bool  # files are still being read or the application re-checked
    files: list[FileProgressOut]


@api.get("/applications/{name}/progress", response_model=ProgressOut,
         summary="上传文件的处理进度：已存储、识别中、已识别（页数、字段数）、核验后的待处理问题数")
def progress(name: str, ctx: Ctx, user: Viewer,
             sha256: Annotated[list[str], Query(max_length=500, description="要查看的文件（SHA-256），可多个")]) -> ProgressOut:
    from dossier.workflow.check import load_findings

    wanted = set(sha256)
    with ctx.db.session() as session:
        files = [f for f in repo.document_status(session, name) if f.sha256 in wanted]
        fields = {sha: n for sha, n in session.execute(
            select(Document.sha256, func.count(FieldRow.id))
            .join(Extraction, Extraction.document_id == Document.id).join(FieldRow, FieldRow.extraction_id == Extraction.id)
            .where(Document.sha256.in_(wanted)).group_by(Document.sha256))}
        # counts left from a reading that has ended are not progress: only a file being read has any
        reading = {sha: (done, total) for sha, done, total in session.execute(
            select(Document.sha256, Document.pages_read, Document.pages_to_read)
            .where(Document.sha256.in_(wanted), Document.status == "processing"))}
    checking = ctx.jobs.busy()
    counts = views.open_counts(load_findings(ctx.db, name)) if not checking else None
    unread = (None, None)
    return ProgressOut(checking=checking, files=[FileProgressOut(
        sha256=f.sha256, path=mask_text(f.path), status=f.status, status_zh=DOCUMENT_STATUS_ZH.get(f.status, f.status),
        doc_type_zh=DOC_TYPE_NAMES_ZH.get(f.doc_type or "") if f.status == "processed" else None, pages=f.pages,
        pages_read=reading.get(f.sha256, unread)[0], pages_to_read=reading.get(f.sha256, unread)[1],
        fields=fields.get(f.sha256, 0), open_findings=counts[f.sha256] if counts is not None else None,
        reason=mask_text(f.reason) if f.reason else None) for f in files])
