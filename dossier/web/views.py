"""Read models shared by the pages and the API: what a screen shows, gathered from the store.

Lists (applications, queues, the audit trail) mask ID numbers (first 6 and last 4 characters),
in values and in file paths alike (``人员资料/白涛/身份证_420111199507017199.jpg``); only the
document view (``document_view``) carries them in full.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from dossier.errors import DossierError
from dossier.model import DOC_TYPE_NAMES_ZH, BBox, ReviewedDiscrepancy
from dossier.privacy import mask_text
from dossier.store import repo
from dossier.store.findings import as_reviewed, latest_corrections
from dossier.store.repo import DocumentStatus
from dossier.store.schema import (
    Application,
    ApplicationDocument,
    AuditEvent,
    Document,
    Extraction,
    Packet,
    Page,
)
from dossier.store.schema import Discrepancy as DiscrepancyRow
from dossier.validate.evidence import SPEC_SOURCE
from dossier.validate.messages import field_label, role_name
from dossier.web.audit_words import action_zh, audit_object, detail_value, detail_zh, short
from dossier.web.record_rows import locate_record

log = logging.getLogger(__name__)

MISSING_CODES = ("MISSING_DOCUMENT", "HEADCOUNT_SHORT")
PACKET_FILES = ("packet.pdf", "manifest.json", "index.docx", "report.html")
_RECORD_FIELD = re.compile(r"records\[(\d+)\]\.(\w+)")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_PLAIN_FIELD = re.compile(r"[a-z][a-z0-9_]*")
_NUMBER18 = re.compile(r"[0-9A-Z]{18}")


# --- applications -------------------------------------------------------------------------------


@dataclass
class PacketInfo:
    id: int
    built_at: datetime
    draft: bool
    checklist: str | None
    sha256: str
    files: list[str]


@dataclass
class ApplicationRow:
    name: str
    company_name: str | None
    application_type: str | None
    qualifications: list[str]
    filing_date: str | None
    uscc: str | None = None
    documents: int = 0
    processed: int = 0
    failed: int = 0
    pending: int = 0
    open_by_severity: dict[str, int] = field(default_factory=lambda: {"blocking": 0, "warning": 0, "info": 0})
    reviewed: int = 0
    missing: list[str] = field(default_factory=list)  # open MISSING_DOCUMENT / HEADCOUNT_SHORT, masked
    last_packet: PacketInfo | None = None

    @property
    def open_total(self) -> int:
        return sum(self.open_by_severity.values())


def packet_info(row: Packet) -> PacketInfo:
    folder = Path(row.path)
    folder = folder if folder.is_dir() or not folder.suffix else folder.parent
    return PacketInfo(row.id, row.built_at, row.draft, row.checklist, row.sha256,
                      [name for name in PACKET_FILES if (folder / name).is_file()])


def packet_folder(row: Packet) -> Path:
    folder = Path(row.path)
    return folder if folder.is_dir() or not folder.suffix else folder.parent


def application_rows(session: Session, names: list[str] | None = None) -> list[ApplicationRow]:
    """Every application (or those named) with its counts, open findings and last packet;
    deleted ones are hidden."""
    query = select(Application).where(Application.deleted_at.is_(None)).order_by(Application.name)
    if names is not None:
        query = query.where(Application.name.in_(names))
    apps = list(session.scalars(query))
    ids = [a.id for a in apps]
    rows: dict[int, ApplicationRow] = {}
    for app in apps:
        spec = app.spec or {}
        rows[app.id] = ApplicationRow(
            name=app.name, company_name=spec.get("company_name"), application_type=spec.get("application_type"),
            qualifications=list(spec.get("qualifications") or []), filing_date=spec.get("filing_date"),
            uscc=spec.get("uscc"))
    if not ids:
        return []
    counts = session.execute(
        select(ApplicationDocument.application_id, Document.status, func.count())
        .join(Document, Document.id == ApplicationDocument.document_id)
        .where(ApplicationDocument.application_id.in_(ids))
        .group_by(ApplicationDocument.application_id, Document.status))
    for app_id, status, n in counts:
        row = rows[app_id]
        row.documents += n
        if status == "processed":
            row.processed += n
        elif status == "failed":
            row.failed += n
        else:
            row.pending += n
    findings = session.execute(
        select(DiscrepancyRow.application_id, DiscrepancyRow.code, DiscrepancyRow.severity,
               DiscrepancyRow.status, DiscrepancyRow.message)
        .where(DiscrepancyRow.application_id.in_(ids), DiscrepancyRow.active.is_(True))
        .order_by(DiscrepancyRow.id))
    for app_id, code, severity, status, message in findings:
        row = rows[app_id]
        if status != "open":
            row.reviewed += 1
            continue
        row.open_by_severity[severity] = row.open_by_severity.get(severity, 0) + 1
        if code in MISSING_CODES:
            row.missing.append(mask_text(message))
    latest = session.scalars(
        select(Packet).where(Packet.id.in_(
            select(func.max(Packet.id)).where(Packet.application_id.in_(ids)).group_by(Packet.application_id))))
    for packet in latest:
        rows[packet.application_id].last_packet = packet_info(packet)
    return [rows[a.id] for a in apps]


def packets_of(session: Session, application_id: int) -> list[PacketInfo]:
    return [packet_info(p) for p in session.scalars(
        select(Packet).where(Packet.application_id == application_id).order_by(Packet.id.desc()))]


# --- findings ---------------------------------------------------------------------------------


@dataclass
class EvidenceView:
    index: int
    sha256: str
    field: str
    label: str
    value: str  # masked
    page: int  # where the crop is taken: a record's own page once its row is found
    has_box: bool
    document: bool  # False for a fact taken from application.yaml
    path: str | None  # the file's path in the application, masked
    doc_type: str | None
    full_value: str | None = None  # the value in full: only on a finding's own page and API
    image: bool = False  # a crop to show: the page exists and no earlier evidence showed it whole
    correctable: bool = False  # a value read from the document, which a person may correct
    box: BBox = (0.0, 0.0, 0.0, 0.0)
    bands: list[BBox] | None = None  # a table row (and its header) to crop instead of the box
    cells: list[tuple[str, bool]] | None = None  # an 18-character number, character by character,
    # each marked when another evidence's number differs there (read side by side with the crops)


@dataclass
class FindingView:
    id: int
    application: str
    code: str
    severity: str
    status: str
    message: str  # masked
    subject: str  # masked
    subject_label: str  # what the subject is, in words: a person, a company, a document's name
    evidence: list[EvidenceView]
    reviews: list[dict]
    finding: ReviewedDiscrepancy

    @property
    def documents(self) -> list[str]:
        return sorted({e.path for e in self.evidence if e.path})


SPEC_LABELS = {"filing_date": "申报日期", "company_name": "企业名称", "uscc": "统一社会信用代码",
               "application_type": "申报类型", "qualifications": "申请资质", "missing_doc_type": "缺少的材料"}
# Facts about a file rather than read from it (TAMPER_SIGNS, UNREADABLE, duplicates): shown, never
# corrected, since no person's typing changes what a PDF's metadata or a reader's error says.
FILE_FACT_LABELS = {"errors": "读取错误", "file.producer": "生成软件", "file.creator": "创建软件",
                    "file.modified": "修改时间", "file.incremental_updates": "增量保存次数",
                    "page.text_agreement": "文字层与图像一致度", "page_image.phash": "页面图像指纹"}


def evidence_label(doc_type: str | None, name: str) -> str:
    if doc_type is None and name in SPEC_LABELS:
        return SPEC_LABELS[name]
    if name in FILE_FACT_LABELS:
        return FILE_FACT_LABELS[name]
    match = _RECORD_FIELD.fullmatch(name)
    if match:
        return f"缴费记录第 {int(match.group(1)) + 1} 行：{field_label(doc_type, match.group(2))}"
    roster = re.fullmatch(r"roster\[(\d+)\]\.(\w+)", name)
    if roster:
        return f"人员名单第 {int(roster.group(1)) + 1} 行：{field_label(None, roster.group(2))}"
    return field_label(doc_type, name)


def correctable(field_name: str) -> bool:
    """Whether ``field_name`` names a value read from a document (``id_number``), which a person
    may correct; not a table cell, a file fact or a reader's error."""
    return _PLAIN_FIELD.fullmatch(field_name) is not None and field_name not in FILE_FACT_LABELS


def _doc_types(session: Session, shas: set[str]) -> dict[tuple[str, int], tuple[str | None, int]]:
    """(sha256, file page) -> the doc type and first page of the logical document covering it."""
    found: dict[tuple[str, int], tuple[str | None, int]] = {}
    if not shas:
        return found
    rows = session.execute(select(Document.sha256, Extraction.first_page, Extraction.page_count, Extraction.doc_type)
                           .join(Extraction, Extraction.document_id == Document.id)
                           .where(Document.sha256.in_(shas)))
    for sha, first, count, doc_type in rows:
        for page in range(first, first + max(count, 1)):
            found[(sha, page)] = (doc_type, first)
    return found


def _stored_pages(session: Session, shas: set[str]) -> set[tuple[str, int]]:
    """The (sha256, page) pairs that have a page image to show (a .txt or a broken file has none)."""
    if not shas:
        return set()
    return {(sha, number) for sha, number in session.execute(
        select(Document.sha256, Page.number).join(Page, Page.document_id == Document.id).where(Document.sha256.in_(shas)))}


def _masked_path(path: str | None) -> str | None:
    return mask_text(path) if path is not None else None


def _subject_label(subject: str, paths: dict[str, str]) -> str:
    """The subject as a person reads it: a document by its path in the application, a person or
    company by the number given (masked)."""
    if _SHA256.fullmatch(subject):
        return mask_text(paths[subject]) if subject in paths else "（已不在本项目中的文件）"
    return mask_text(subject)


def _mark_cells(evidence: list[EvidenceView]) -> None:
    """Split each full 18-character number (ID number, USCC) into cells, marking the positions
    where another evidence's number of the same finding differs: the digit a reviewer must check."""
    numbers = [e.full_value for e in evidence if e.full_value and _NUMBER18.fullmatch(e.full_value)]
    for e in evidence:
        if e.full_value in numbers:
            e.cells = [(ch, any(other[i] != ch for other in numbers)) for i, ch in enumerate(e.full_value)]


def finding_views(session: Session, app: Application, findings: list[ReviewedDiscrepancy], *,
                  detail: bool = False) -> list[FindingView]:
    """The findings as shown. ``detail`` is for one finding's own page and API: every value in
    full (the crop beside it shows it anyway) and a table row's evidence placed on its row."""
    paths = {sha: path for path, sha in session.execute(
        select(ApplicationDocument.path, Document.sha256)
        .join(Document, Document.id == ApplicationDocument.document_id)
        .where(ApplicationDocument.application_id == app.id))}
    shas = {e.sha256 for f in findings for e in f.evidence if _SHA256.fullmatch(e.sha256)}
    types = _doc_types(session, shas)
    stored = _stored_pages(session, shas)
    views = []
    for f in findings:
        evidence = []
        shown_whole: set[tuple[str, int]] = set()
        for i, e in enumerate(f.evidence):
            is_doc = e.sha256 != SPEC_SOURCE and bool(_SHA256.fullmatch(e.sha256))
            doc_type, first_page = types.get((e.sha256, e.page), (None, e.page))
            page, box, bands = e.page, e.bbox, None
            if detail and is_doc:
                row = locate_record(session, e.sha256, first_page, e.field)
                if row is not None:
                    page, box, bands = row.page, row.box, [b for b in (row.header, row.row) if b]
            has_box = box[2] > box[0] and box[3] > box[1]
            image = is_doc and (e.sha256, page) in stored and (has_box or (e.sha256, page) not in shown_whole)
            if image and not has_box:
                shown_whole.add((e.sha256, page))
            evidence.append(EvidenceView(
                index=i, sha256=e.sha256, field=e.field, label=evidence_label(doc_type, e.field),
                value=DOC_TYPE_NAMES_ZH.get(e.value, e.value) if e.field == "missing_doc_type" else mask_text(e.value),
                page=page, has_box=has_box, document=is_doc,
                path=_masked_path(paths.get(e.sha256)) if is_doc else "application.yaml", doc_type=doc_type,
                full_value=e.value if detail and e.field != "missing_doc_type" else None, image=image,
                correctable=is_doc and correctable(e.field), box=box, bands=bands))
        _mark_cells(evidence)
        reviews = [{"user": r.user, "action": r.action, "comment": mask_text(r.comment or ""),
                    "new_value": mask_text(r.new_value) if r.new_value else None, "at": r.at}
                   for r in f.reviews]
        views.append(FindingView(id=f.id or 0, application=app.name, code=f.code, severity=f.severity,
                                 status=f.status, message=mask_text(f.message), subject=mask_text(f.subject),
                                 subject_label=_subject_label(f.subject, paths),
                                 evidence=evidence, reviews=reviews, finding=f))
    return views


def find_finding(session: Session, finding_id: int) -> tuple[Application, ReviewedDiscrepancy, bool] | None:
    """The application, the finding and whether it is still active; None when there is none."""
    row = session.scalar(select(DiscrepancyRow).where(DiscrepancyRow.id == finding_id)
                         .options(selectinload(DiscrepancyRow.reviews)))
    if row is None:
        return None
    app = session.get(Application, row.application_id)
    return app, as_reviewed(row), row.active


def queue_order(findings: list[ReviewedDiscrepancy]) -> list[ReviewedDiscrepancy]:
    """The review queue: open findings first (blocking first, as validation sorts them), then the
    ones already decided."""
    return [f for f in findings if f.status == "open"] + [f for f in findings if f.status != "open"]


def next_open(before: list[int], after: list[ReviewedDiscrepancy], current: int) -> int | None:
    """The open finding to review after ``current``: the first one still open that came after it
    in the old queue ``before``, else the first open one left."""
    open_now = [f.id for f in after if f.status == "open" and f.id != current]
    if current in before:
        tail = before[before.index(current) + 1:]
        for fid in tail:
            if fid in open_now:
                return fid
    return open_now[0] if open_now else None


# --- documents --------------------------------------------------------------------------------


@dataclass
class DocEntry:
    sha256: str
    path: str  # masked: a file may be named after its holder's ID number
    label: str
    doc_type: str | None
    pages: str  # e.g. "第 1–3 页"
    status: str
    reason: str | None
    open_findings: int = 0

    def __post_init__(self) -> None:
        # masked here, where every entry is made, rather than at each of the places that make one
        self.path = mask_text(self.path)


@dataclass
class DocGroup:
    title: str | None
    entries: list[DocEntry] = field(default_factory=list)


@dataclass
class DocSection:
    title: str
    groups: list[DocGroup] = field(default_factory=list)


def _page_range(first: int, count: int) -> str:
    if count <= 1:
        return f"第 {first} 页"
    return f"第 {first}–{first + count - 1} 页"


def open_counts(findings: list[ReviewedDiscrepancy]) -> Counter:
    """sha256 -> how many open findings cite the document or are about it."""
    counts: Counter = Counter()
    for f in findings:
        if f.status == "open":
            for sha in {e.sha256 for e in f.evidence} | ({f.subject} if _SHA256.fullmatch(f.subject) else set()):
                counts[sha] += 1
    return counts


def document_sections(db, settings, name: str, files: list[DocumentStatus],
                      findings: list[ReviewedDiscrepancy]) -> list[DocSection]:
    """The application's documents as the packet binds them: by checklist section, then by person
    or project; what the checklist does not bind, failed and pending files come last. Without a
    checklist (no application.yaml yet, or a 变更) the files are grouped by their folders."""
    by_sha = {f.sha256: f for f in files}
    counts = open_counts(findings)
    sections: list[DocSection] = []
    placed: set[tuple[str, int]] = set()
    try:
        from dossier.assemble.selection import select as select_documents
        from dossier.workflow.check import resolve_checklist
        from dossier.workflow.facts import load_application

        loaded = load_application(db, settings, name)
        checklist = resolve_checklist(loaded.spec, None)
        plan = select_documents(loaded.packet_input(), checklist) if checklist else None
    except DossierError as exc:
        log.info("documents of %s grouped by folder: %s", name, exc)
        plan = None
    if plan is not None:
        for section in plan.sections:
            out = DocSection(section.title)
            for group in section.groups:
                title = group.title
                if group.kind == "person" and group.placements and group.placements[0].person is not None:
                    person = group.placements[0].person
                    title = f"{person.name}（{role_name(person.role)}）"
                entries = []
                for p in group.placements:
                    placed.add((p.doc.sha256, p.doc.first_page))
                    f = by_sha.get(p.doc.sha256)
                    entries.append(DocEntry(p.doc.sha256, f.path if f else p.doc.source_name, p.label,
                                            p.doc.doc_type, _page_range(p.doc.first_page, max(p.doc.pages, 1)),
                                            f.status if f else "processed", None, counts[p.doc.sha256]))
                if entries:
                    out.groups.append(DocGroup(title, entries))
            if out.groups:
                sections.append(out)
        rest = DocSection("未装订的材料")
        for u in plan.unplaced:
            f = by_sha.get(u.doc.sha256)
            rest.groups.append(DocGroup(None, [DocEntry(
                u.doc.sha256, f.path if f else u.doc.source_name, DOC_TYPE_NAMES_ZH.get(u.doc.doc_type or "", "未分类文件"),
                u.doc.doc_type, _page_range(u.doc.first_page, max(u.doc.pages, 1)), "processed", u.reason,
                counts[u.doc.sha256])]))
        placed |= {(u.doc.sha256, u.doc.first_page) for u in plan.unplaced}
        if rest.groups:
            sections.append(rest)
        placed_shas = {sha for sha, _ in placed}
        others = [f for f in files if f.sha256 not in placed_shas]
        if others:
            sections.append(DocSection("其他文件", [DocGroup(None, [_entry(f, counts) for f in others])]))
        return sections
    folders: dict[str, DocGroup] = defaultdict(lambda: DocGroup(None))
    for f in files:
        top, _, rest_path = f.path.partition("/")
        key = mask_text(top) if rest_path else "（根目录）"  # a folder may be named after an ID number too
        group = folders[key]
        group.title = key
        group.entries.append(_entry(f, counts))
    return [DocSection("按文件夹", list(folders.values()))] if folders else []


def _entry(f: DocumentStatus, counts: Counter) -> DocEntry:
    return DocEntry(f.sha256, f.path, DOC_TYPE_NAMES_ZH.get(f.doc_type or "", "未分类文件") if f.status == "processed"
                    else "—", f.doc_type, f"共 {f.pages} 页" if f.pages else "—", f.status, f.reason, counts[f.sha256])


@dataclass
class FieldView:
    name: str
    label: str
    value: str  # as shown and edited: lists joined by 、
    is_list: bool
    read_value: str | None  # the value as read, when a person corrected it
    corrected_by: str | None
    confidence: float
    page: int
    bbox: tuple[float, float, float, float]
    suggestion: str | None

    @property
    def has_box(self) -> bool:
        return self.bbox[2] > self.bbox[0] and self.bbox[3] > self.bbox[1]


@dataclass
class LogicalDocument:
    first_page: int
    page_count: int
    doc_type: str | None
    confidence: float
    errors: list[str]
    fields: list[FieldView]
    records: list[dict]


@dataclass
class PageView:
    number: int
    width: float
    height: float
    rotation: int
    source: str


@dataclass
class DocumentView:
    sha256: str
    source_name: str
    media_type: str | None
    size: int
    status: str
    reason: str | None
    page_count: int | None
    doc_type: str | None
    applications: list[tuple[str, str]]  # (application, path)
    pages: list[PageView]
    documents: list[LogicalDocument]


def _shown(value) -> str:
    if value is None:
        return ""
    return "、".join(map(str, value)) if isinstance(value, list) else str(value)


def document_view(session: Session, sha256: str) -> DocumentView | None:
    """One stored document with every field in full (the one place ID numbers are not masked)."""
    doc = repo.find_document(session, sha256)
    if doc is None:
        return None
    apps = [(name, path) for name, path in session.execute(
        select(Application.name, ApplicationDocument.path)
        .join(ApplicationDocument, ApplicationDocument.application_id == Application.id)
        .where(ApplicationDocument.document_id == doc.id).order_by(Application.name))]
    corrections = latest_corrections(session, [doc.id])
    logical = []
    for ex in doc.extractions:
        fields = []
        for f in ex.fields:
            fix = corrections.get((doc.id, ex.first_page, f.name))
            value = fix.value if fix is not None else f.value
            fields.append(FieldView(
                name=f.name, label=field_label(ex.doc_type, f.name), value=_shown(value),
                is_list=isinstance(f.value, list), read_value=_shown(f.value) if fix is not None else None,
                corrected_by=fix.user_name if fix is not None else None,
                confidence=1.0 if fix is not None else f.confidence, page=f.page,
                bbox=(f.x0, f.y0, f.x1, f.y1), suggestion=f.suggestion))
        shown = {f.name for f in ex.fields}
        for (doc_id, first, name), fix in corrections.items():  # a value a person added
            if first == ex.first_page and name not in shown:
                fields.append(FieldView(name, field_label(ex.doc_type, name), _shown(fix.value),
                                        isinstance(fix.value, list), "", fix.user_name, 1.0, first,
                                        (0.0, 0.0, 0.0, 0.0), None))
        logical.append(LogicalDocument(ex.first_page, ex.page_count, ex.doc_type, ex.confidence,
                                       list(ex.errors), fields, [r.data for r in ex.records]))
    pages = [PageView(p.number, p.width, p.height, p.rotation, p.source) for p in doc.pages]
    return DocumentView(doc.sha256, doc.source_name, doc.media_type, doc.size, doc.status, doc.failure_reason,
                        doc.page_count, doc.doc_type, apps, pages, logical)


# --- audit --------------------------------------------------------------------------------------


@dataclass
class AuditRow:
    id: int
    at: datetime
    actor: str
    action: str
    action_zh: str
    object: str
    object_label: str  # the object in words: a document by its name, not its SHA-256
    object_href: str | None
    old: str | None
    new: str | None
    comment: str | None
    details: str  # the rest, masked, its keys in Chinese


_OLD_KEYS = ("old_value", "previous", "old")
_NEW_KEYS = ("new_value", "value", "new")
# details that repeat the object, name a file by its hash or say what only a program needs
_NOT_SHOWN = ("sha256", "document", "media_type")


def _document_names(session: Session, events: list[AuditEvent]) -> dict[str, str]:
    """sha256 -> the (masked) name of each document an event acted on."""
    shas = {e.object.partition(":")[2] for e in events if e.object.startswith("document:")}
    if not shas:
        return {}
    return {sha: mask_text(name) for sha, name in session.execute(
        select(Document.sha256, Document.source_name).where(Document.sha256.in_(shas)))}


def audit_rows(session: Session, *, application: str | None = None, limit: int = 200,
               before: int | None = None) -> list[AuditRow]:
    """The newest audit events (of one application: the application itself, its documents and its
    findings), ID numbers masked."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if before is not None:
        query = query.where(AuditEvent.id < before)
    if application is not None:
        app = repo.get_application(session, application)
        shas = session.scalars(select(Document.sha256).join(ApplicationDocument, ApplicationDocument.document_id == Document.id)
                               .where(ApplicationDocument.application_id == app.id))
        ids = session.scalars(select(DiscrepancyRow.id).where(DiscrepancyRow.application_id == app.id))
        objects = [f"application:{application}", *(f"document:{s}" for s in shas),
                   *(f"discrepancy:{i}" for i in ids)]
        query = query.where(AuditEvent.object.in_(objects))
    events = list(session.scalars(query))
    names = _document_names(session, events)
    rows = []
    for event in events:
        details = dict(event.details or {})
        old = next((details.pop(k) for k in _OLD_KEYS if k in details), None)
        new = next((details.pop(k) for k in _NEW_KEYS if k in details), None)
        comment = details.pop("comment", None)
        rest = "；".join(f"{detail_zh(k)}：{short(detail_value(k, v))}" for k, v in details.items()
                        if v not in (None, "", []) and k not in _NOT_SHOWN)
        target = audit_object(event.object, names)
        rows.append(AuditRow(event.id, event.at, event.actor, event.action, action_zh(event.action),
                             mask_text(event.object), mask_text(target.label), target.href,
                             mask_text(_shown(old)) if old is not None else None,
                             mask_text(_shown(new)) if new is not None else None,
                             mask_text(comment) if comment else None, mask_text(rest)))
    return rows
