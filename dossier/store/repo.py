"""Repository functions: how the stages read and write the database.

Every function takes an open Session and leaves committing to the caller
(``Database.session()`` is one short transaction), so a stage can group what belongs together.
"Get or create" steps use a savepoint so that two processes racing on PostgreSQL end with one row
and no error (SQLite serialises writers, see ``dossier.store.db``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, and_, delete, func, literal, or_, select, update
from sqlalchemy.exc import IntegrityError as SqlIntegrityError
from sqlalchemy.orm import Session

from dossier.errors import ApplicationNotFound, ConfigError, DossierError, StoreError
from dossier.names import hidden_reason_zh
from dossier.model import ApplicationSpec, ExtractedDocument, ExtractedField, FileText, PageText
from dossier.model import TextLine as TextLineModel
from dossier.store.findings import apply_corrections, latest_corrections
from dossier.store.schema import (
    DOCUMENT_STATUSES,
    Application,
    ApplicationDocument,
    AuditEvent,
    Document,
    Extraction,
    Field,
    Page,
    Record,
    TextLine,
    UTCDateTime,
    utcnow,
)

Row = TypeVar("Row")
_VALUE_TEXT_MAX = 512


def _get_or_insert(session: Session, find: Callable[[], Row | None],
                   make: Callable[[], Row]) -> tuple[Row, bool]:
    """Return ``(row, created)``; a concurrent insert of the same key wins and is returned."""
    row = find()
    if row is not None:
        return row, False
    try:
        with session.begin_nested():
            row = make()
            session.add(row)
    except SqlIntegrityError:
        row = find()
        if row is None:  # the constraint that failed was not the one ``find`` looks up
            raise
        return row, False
    return row, True


# --- applications -------------------------------------------------------------------------------


def get_application(session: Session, name: str, *, deleted: bool = False) -> Application:
    """The application called ``name``; ApplicationNotFound when there is none or it is deleted
    (with ``deleted``: only a deleted one is found, for restoring or purging it)."""
    app = session.scalar(select(Application).where(Application.name == name))
    if app is None or (app.deleted_at is not None) != deleted:
        hint = "（已删除，可用 dossier restore 恢复）" if app is not None and not deleted else ""
        raise ApplicationNotFound(f"no {'deleted ' if deleted else ''}application named {name!r}",
                                  reason_zh=f"找不到{'已删除的' if deleted else ''}申报项目：{name}{hint}")
    return app


def get_or_create_application(session: Session, name: str, *, folder: str | None = None,
                              spec: ApplicationSpec | None = None) -> Application:
    """The application called ``name``, created if new; ``folder``/``spec`` update it when given.
    A new name with invisible format characters (bidi controls, zero-width) is a ConfigError."""
    def make() -> Application:
        hidden = hidden_reason_zh(name, "申报项目名称")
        if hidden:
            raise ConfigError(f"application name {name!r} holds invisible format characters", reason_zh=hidden)
        return Application(name=name)

    app, _ = _get_or_insert(
        session, lambda: session.scalar(select(Application).where(Application.name == name)), make)
    if app.deleted_at is not None:
        raise ApplicationNotFound(f"application {name!r} is deleted",
                                  reason_zh=f"申报项目「{name}」已删除：请先恢复（dossier restore）再添加文件")
    if folder is not None:
        app.folder = folder
    if spec is not None:
        app.spec = spec.model_dump(mode="json")
    return app


# --- documents ----------------------------------------------------------------------------------


def find_document(session: Session, sha256: str) -> Document | None:
    return session.scalar(select(Document).where(Document.sha256 == sha256))


def record_document(session: Session, *, sha256: str, size: int, media_type: str | None,
                    name: str, name_hex: str | None = None,
                    failure: DossierError | None = None) -> tuple[Document, bool]:
    """Record an archived original; return ``(document, created)``.

    A document that is already known is returned unchanged: the first name and status stand.
    ``failure`` (why the file cannot be used) makes a new document ``failed`` with that reason.
    """
    def make() -> Document:
        doc = Document(sha256=sha256, size=size, media_type=media_type, source_name=name,
                       source_name_hex=name_hex, status="received")
        if failure is not None:
            _set_failure(doc, failure)
        return doc

    return _get_or_insert(session, lambda: find_document(session, sha256), make)


def link_document(session: Session, application: Application, document: Document, *, path: str,
                  path_hex: str | None = None) -> bool:
    """File ``document`` under ``application`` at ``path``; False when it was already there."""
    _, created = _get_or_insert(
        session,
        lambda: session.get(ApplicationDocument, (application.id, document.id)),
        lambda: ApplicationDocument(application_id=application.id, document_id=document.id,
                                    path=path, path_hex=path_hex),
    )
    return created


def _set_failure(doc: Document, failure: DossierError) -> None:
    doc.status = "failed"
    doc.failure_code = type(failure).__name__
    doc.failure_reason = failure.reason_zh
    doc.failure_detail = failure.message


def set_status(session: Session, document_id: int, status: str, *,
               failure: DossierError | None = None) -> Document:
    """Move a document to ``status`` whoever holds it (its claim is dropped); ``failed``
    requires the error that explains why. ``processing`` is refused: only
    :func:`claim_document` starts processing, so that two processes never both do."""
    if status not in DOCUMENT_STATUSES:
        raise StoreError(f"unknown document status {status!r}")
    if status == "processing":
        raise StoreError("a document becomes 'processing' only by claim_document")
    doc = _document(session, document_id)
    if status == "failed":
        if failure is None:
            raise StoreError("status 'failed' needs the error that caused it")
        _set_failure(doc, failure)
    else:
        doc.status = status
        doc.failure_code = doc.failure_reason = doc.failure_detail = None
    doc.claimed_by = doc.claimed_at = None
    return doc


# --- processing claims --------------------------------------------------------------------------
#
# A document is read by one process at a time. Each step below is ONE conditional UPDATE whose
# row count says whether it happened: the database decides a race, on SQLite (one writer at a
# time) and PostgreSQL (the second UPDATE waits for the first's row lock, then re-checks its
# WHERE against the committed row) alike. The policy (how often a claim is refreshed, when it is
# stale) belongs to the caller, ``dossier.workers.claims``.


def _now(session: Session, *, minus: float = 0.0) -> ColumnElement[datetime]:
    """The time claims are stamped and judged by: the PostgreSQL server's clock (workers on several
    machines need not agree on the time), or this machine's for SQLite (one file, one machine)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.now() - timedelta(seconds=minus) if minus else func.now()
    return literal(utcnow() - timedelta(seconds=minus), UTCDateTime())


def _update_documents(session: Session, *where: ColumnElement[bool], **values: Any) -> int:
    result = session.execute(update(Document).where(*where).values(**values)
                             .execution_options(synchronize_session=False))
    return result.rowcount


def _no_live_holder(session: Session, stale_after: float) -> ColumnElement[bool]:
    """No process holds the claim, or its holder has not refreshed it for ``stale_after`` seconds."""
    return or_(Document.claimed_by.is_(None), Document.claimed_at.is_(None),
               Document.claimed_at < _now(session, minus=stale_after))


def claim_document(session: Session, document_id: int, *, by: str, stale_after: float) -> bool:
    """Take a document for processing; True when ``by`` now holds it.

    ``received -> processing``, or a takeover of a ``processing`` document that no live process
    holds: its claim was released to the task queue (``claimed_by`` empty) or not refreshed for
    ``stale_after`` seconds (its holder died).
    """
    return _update_documents(
        session, Document.id == document_id,
        or_(Document.status == "received",
            and_(Document.status == "processing", _no_live_holder(session, stale_after))),
        status="processing", claimed_by=by, claimed_at=_now(session), pages_read=None, pages_to_read=None) == 1


def refresh_claims(session: Session, document_ids: Collection[int], *, by: str) -> int:
    """The heartbeat: stamp the claims ``by`` still holds among ``document_ids``; how many."""
    if not document_ids:
        return 0
    return _update_documents(
        session, Document.id.in_(document_ids), Document.status == "processing", Document.claimed_by == by,
        claimed_at=_now(session))


def record_pages_read(session: Session, document_id: int, read: int, total: int, *, by: str) -> None:
    """How many pages of a document ``by`` is reading it has read so far; nothing when ``by`` no
    longer holds the claim (a reader taken over must not overwrite the new reader's count)."""
    _update_documents(session, Document.id == document_id, Document.status == "processing",
                      Document.claimed_by == by, pages_read=read, pages_to_read=total)


def release_claim(session: Session, document_id: int, *, by: str, to_queue: bool = False) -> bool:
    """Give a held claim up unfinished: back to ``received`` for anyone to take, or, ``to_queue``,
    left ``processing`` with no holder while its pages wait for the task queue (the task that
    finishes it claims it again). False when ``by`` no longer held it."""
    return _update_documents(
        session, Document.id == document_id, Document.status == "processing", Document.claimed_by == by,
        status="processing" if to_queue else "received", claimed_by=None, claimed_at=None) == 1


def unheld_unfinished(session: Session, *, stale_after: float, unchanged_for: float = 0.0) -> dict[str, str]:
    """SHA-256 -> status of the documents still to process that no live process holds (see
    :func:`claim_document`) and whose row has not changed for ``unchanged_for`` seconds."""
    query = (select(Document.sha256, Document.status)
             .where(Document.status.in_(("received", "processing")), _no_live_holder(session, stale_after))
             .order_by(Document.id))
    if unchanged_for:
        query = query.where(Document.updated_at <= utcnow() - timedelta(seconds=unchanged_for))
    return {sha256: status for sha256, status in session.execute(query)}


def settle_claim(session: Session, document_id: int, *, by: str, status: str,
                 failure: DossierError | None = None) -> bool:
    """End a held claim as ``processed`` or ``failed`` (with the error that explains why).

    False, and nothing changed, when ``by`` no longer holds the claim (it went stale and another
    process took the document over, or it was reset): the caller must then discard its result.
    Write the result in the same transaction, after this returned True, so it commits with the
    status or not at all.
    """
    if status not in ("processed", "failed") or (status == "failed") != (failure is not None):
        raise StoreError(f"a claim ends 'processed', or 'failed' with its error (got {status!r})")
    failure_values = ({"failure_code": type(failure).__name__, "failure_reason": failure.reason_zh,
                       "failure_detail": failure.message} if failure is not None
                      else {"failure_code": None, "failure_reason": None, "failure_detail": None})
    return _update_documents(
        session, Document.id == document_id, Document.status == "processing", Document.claimed_by == by,
        status=status, claimed_by=None, claimed_at=None, **failure_values) == 1


def reopen_document(session: Session, document_id: int, *, stale_after: float) -> bool:
    """Back to ``received`` to be read again, unless a live process is reading it right now (a
    claim refreshed within ``stale_after`` seconds): that reading stands. True when reopened."""
    return _update_documents(
        session, Document.id == document_id,
        or_(Document.status != "processing", _no_live_holder(session, stale_after)),
        status="received", claimed_by=None, claimed_at=None,
        failure_code=None, failure_reason=None, failure_detail=None) == 1


def _document(session: Session, document_id: int) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise StoreError(f"no document with id {document_id}")
    return doc


# --- text ---------------------------------------------------------------------------------------


def save_file_text(session: Session, document_id: int, file_text: FileText) -> None:
    """Store the pages and lines of a file, replacing what an earlier run stored."""
    doc = _document(session, document_id)
    session.execute(delete(Page).where(Page.document_id == document_id))
    session.expire(doc, ["pages"])
    for page in file_text.pages:
        session.add(Page(
            document_id=document_id, number=page.number, width=page.width, height=page.height,
            source=page.source.value, rotation=page.rotation, warnings=list(page.warnings),
            lines=[TextLine(ordinal=i, text=line.text, confidence=line.confidence,
                            char_confidences=None if line.char_confidences is None else list(line.char_confidences),
                            x0=line.bbox[0], y0=line.bbox[1], x1=line.bbox[2], y1=line.bbox[3])
                   for i, line in enumerate(page.lines)],
        ))
    doc.page_count = len(file_text.pages)
    if file_text.media_type:
        doc.media_type = file_text.media_type


def load_file_text(session: Session, document_id: int) -> FileText:
    """The stored pages of a document, as the pages stage produced them."""
    doc = _document(session, document_id)
    pages = [
        PageText(number=p.number, width=p.width, height=p.height, source=p.source,
                 rotation=p.rotation, warnings=list(p.warnings),
                 lines=[TextLineModel(text=ln.text, confidence=ln.confidence, char_confidences=ln.char_confidences,
                                      bbox=(ln.x0, ln.y0, ln.x1, ln.y1)) for ln in p.lines])
        for p in doc.pages
    ]
    return FileText(sha256=doc.sha256, media_type=doc.media_type or "", pages=pages)


# --- extraction ---------------------------------------------------------------------------------


def _value_text(value: str | list[str] | None) -> str | None:
    if value is None:
        return None
    text = value if isinstance(value, str) else "\n".join(value)
    return text[:_VALUE_TEXT_MAX]


def save_extractions(session: Session, document_id: int,
                     documents: list[ExtractedDocument]) -> None:
    """Store the logical documents found in a file, replacing an earlier run's.

    The file's ``doc_type`` is that of the logical document starting on its first page.
    """
    doc = _document(session, document_id)
    session.execute(delete(Extraction).where(Extraction.document_id == document_id))
    session.expire(doc, ["extractions"])
    for extracted in documents:
        session.add(Extraction(
            document_id=document_id, first_page=extracted.first_page, page_count=extracted.pages,
            doc_type=extracted.doc_type, confidence=extracted.doc_type_confidence,
            errors=list(extracted.errors),
            fields=[Field(name=name, value=f.value, value_text=_value_text(f.value), raw=f.raw,
                          confidence=f.confidence, page=f.page, x0=f.bbox[0], y0=f.bbox[1],
                          x1=f.bbox[2], y1=f.bbox[3], suggestion=f.suggestion, notes=list(f.notes))
                    for name, f in extracted.fields.items()],
            records=[Record(ordinal=i, data=row) for i, row in enumerate(extracted.records)],
        ))
    leading = min(documents, key=lambda d: d.first_page, default=None)
    doc.doc_type = leading.doc_type if leading else None
    doc.doc_type_confidence = leading.doc_type_confidence if leading else None


def load_extractions(session: Session, application_name: str) -> list[ExtractedDocument]:
    """Every logical document of an application, ``file`` being its path in the application.

    Reviewers' field corrections are applied (see ``dossier.store.findings``): every reader of
    the fields (validation, packet, ledger) sees the corrected value.
    """
    app = get_application(session, application_name)
    rows = session.execute(
        select(ApplicationDocument.path, Document.id, Document.sha256, Extraction)
        .join(Document, Document.id == ApplicationDocument.document_id)
        .join(Extraction, Extraction.document_id == Document.id)
        .where(ApplicationDocument.application_id == app.id)
        .order_by(ApplicationDocument.path, Extraction.first_page)
    ).all()
    corrections = latest_corrections(session, (doc_id for _, doc_id, _, _ in rows))
    return [apply_corrections(extracted_document(ex, file=path, sha256=sha256), doc_id, corrections)
            for path, doc_id, sha256, ex in rows]


def extracted_document(ex: Extraction, *, file: str, sha256: str) -> ExtractedDocument:
    """The model of a stored extraction (as read, before corrections)."""
    return ExtractedDocument(
        file=file, sha256=sha256, doc_type=ex.doc_type, doc_type_confidence=ex.confidence,
        pages=ex.page_count, first_page=ex.first_page, errors=list(ex.errors),
        fields={f.name: ExtractedField(value=f.value, raw=f.raw, confidence=f.confidence,
                                       page=f.page, bbox=(f.x0, f.y0, f.x1, f.y1),
                                       suggestion=f.suggestion, notes=list(f.notes))
                for f in ex.fields},
        records=[r.data for r in ex.records],
    )


# --- status and audit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentStatus:
    """One line of ``dossier status APP``."""

    path: str  # within the application
    source_name: str
    sha256: str
    media_type: str | None
    status: str
    doc_type: str | None
    pages: int | None
    reason: str | None  # Chinese: why it failed, or which pages of a processed file were not read
    failure_code: str | None = None  # the error class, when failed


def document_status(session: Session, application_name: str) -> list[DocumentStatus]:
    """The documents of an application with their processing state, ordered by path."""
    app = get_application(session, application_name)
    rows = session.execute(
        select(ApplicationDocument.path, Document)
        .join(Document, Document.id == ApplicationDocument.document_id)
        .where(ApplicationDocument.application_id == app.id)
        .order_by(ApplicationDocument.path)
    ).all()
    partial = _page_errors(session, [doc.id for _, doc in rows if doc.status == "processed"])
    return [DocumentStatus(path=path, source_name=doc.source_name, sha256=doc.sha256,
                           media_type=doc.media_type, status=doc.status, doc_type=doc.doc_type, pages=doc.page_count,
                           reason=doc.failure_reason or partial.get(doc.id), failure_code=doc.failure_code)
            for path, doc in rows]


def applications_of(session: Session, sha256: str) -> list[Application]:
    """The applications holding document ``sha256``, by name (deleted ones are not checked again)."""
    return list(session.scalars(
        select(Application).join(ApplicationDocument, ApplicationDocument.application_id == Application.id)
        .join(Document, Document.id == ApplicationDocument.document_id)
        .where(Document.sha256 == sha256, Application.deleted_at.is_(None))
        .order_by(Application.name)))


def applications_ready(session: Session, sha256: str) -> list[str]:
    """The applications holding document ``sha256`` that have an ``application.yaml`` and no
    document left to process: the ones a finished document makes ready to check."""
    ready = []
    for app in applications_of(session, sha256):
        busy = session.scalar(
            select(func.count()).select_from(ApplicationDocument)
            .join(Document, Document.id == ApplicationDocument.document_id)
            .where(ApplicationDocument.application_id == app.id,
                   Document.status.in_(("received", "processing"))))
        if app.spec and not busy:
            ready.append(app.name)
    return ready


def _page_errors(session: Session, document_ids: list[int]) -> dict[int, str]:
    """Document id -> "部分页面无法读取：…" for processed documents some of whose pages failed
    (a timed-out page, say): the file stands, but a person must know what was not read."""
    found: dict[int, list[str]] = {}
    if document_ids:
        for doc_id, errors in session.execute(select(Extraction.document_id, Extraction.errors)
                                              .where(Extraction.document_id.in_(document_ids))):
            found.setdefault(doc_id, []).extend(e for e in errors or [] if e not in found.get(doc_id, []))
    return {doc_id: "部分页面无法读取：" + "；".join(errors) for doc_id, errors in found.items() if errors}


def audit(session: Session, actor: str, action: str, obj: str,
          details: dict[str, Any] | None = None) -> AuditEvent:
    """Append an audit event (``obj`` names the thing acted on, e.g. ``document:<sha256>``)."""
    event = AuditEvent(actor=actor, action=action, object=obj, details=details or {})
    session.add(event)
    return event
