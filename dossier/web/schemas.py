"""Request and response bodies of the REST API (what ``/docs`` shows)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from dossier.ledger.personnel import PersonnelAlert
from dossier.ledger.rules import Status as LedgerStatus
from dossier.ledger.search import SearchHit, SearchResult
from dossier.web.queue import QueueFilter
from dossier.workflow.lifecycle import DeletedApplication


class Problem(BaseModel):
    """Every error: ``reason_zh`` is for a person, ``detail`` for a log."""

    detail: str
    reason_zh: str
    findings: list[str] = Field(default_factory=list)  # what keeps the gate shut (409 on build)


class Me(BaseModel):
    name: str
    role: Literal["admin", "reviewer", "viewer"]


class PacketOut(BaseModel):
    id: int
    built_at: datetime
    draft: bool
    checklist: str | None
    sha256: str
    files: dict[str, str]  # name -> download URL


class ApplicationOut(BaseModel):
    name: str
    company_name: str | None
    uscc: str | None = None
    application_type: str | None
    qualifications: list[str]
    filing_date: str | None
    documents: int
    processed: int
    failed: int
    pending: int
    open_by_severity: dict[str, int]
    reviewed: int
    missing: list[str]
    last_packet: PacketOut | None


class ApplicationCreate(BaseModel):
    name: str = Field(min_length=1, max_length=255)
    application_yaml: str | None = Field(None, description="application.yaml 的内容（可稍后上传）")


class PurgeIn(BaseModel):
    confirm: str = Field(description="再次输入申报项目名称，以确认彻底删除（不可恢复）")


class FileOut(BaseModel):
    path: str
    sha256: str
    status: str
    doc_type: str | None
    pages: int | None
    reason: str | None
    open_findings: int = 0


class EvidenceOut(BaseModel):
    index: int
    sha256: str
    field: str
    label: str
    value: str
    page: int
    path: str | None
    doc_type: str | None
    image: str | None  # URL of the crop; None when there is no page to show (or it was shown already)
    full_value: str | None = Field(None, description="完整值（仅单个问题的接口提供，列表中为 null）")
    correctable: bool = Field(False, description="可否更正（从文件读取的字段值；文件属性、读取错误、表格行不可）")


class ReviewOut(BaseModel):
    user: str
    action: str
    comment: str | None
    new_value: str | None
    at: datetime | None


class DiscrepancyOut(BaseModel):
    id: int
    application: str
    code: str
    severity: Literal["blocking", "warning", "info"]
    status: Literal["open", "accepted", "corrected", "waived"]
    message: str
    subject: str
    subject_label: str  # the subject in words: a document's path (masked) rather than its SHA-256
    evidence: list[EvidenceOut]
    reviews: list[ReviewOut]


class ApplicationDetail(ApplicationOut):
    files: list[FileOut]
    discrepancies: list[DiscrepancyOut]
    packets: list[PacketOut]


class ChoiceOut(BaseModel):
    value: str
    label: str


class QueueOut(BaseModel):
    """One page of an application's review queue under its filters, with each filter's choices."""

    filters: QueueFilter
    items: list[DiscrepancyOut]
    total: int  # findings matching the filters
    open_total: int  # open findings of the application
    page: int
    pages: int
    codes: list[ChoiceOut]
    people: list[ChoiceOut]
    documents: list[ChoiceOut]


class BulkWaiveIn(BaseModel):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(min_length=1, max_length=1000,
                                                             description="要豁免的问题编号（只限警告与提示）")
    comment: str = Field(min_length=1, max_length=2000, description="豁免理由（必填，适用于所有所选问题）")


class BulkWaiveOut(BaseModel):
    waived: list[int]
    open_count: int


class ReviewIn(BaseModel):
    action: Literal["accept", "correct", "waive", "reopen"]
    comment: str | None = Field(None, description="豁免时必填")
    new_value: str | None = Field(None, description="更正时必填：证据所在字段的正确值")
    evidence_index: int = Field(0, ge=0, le=100_000, description="更正哪一条证据")


class ReviewResult(BaseModel):
    resolved: bool  # the finding is no longer active (a correction made it disappear)
    discrepancy: DiscrepancyOut | None  # its state now, when still active
    replaced_by: int | None  # a new finding on the same subject and code, when a correction did not fix it
    next_id: int | None  # the next open finding of the application
    open_count: int


class UploadOut(BaseModel):
    path: str
    status: Literal["new", "duplicate", "quarantined", "error", "spec"]
    sha256: str | None = None
    media_type: str | None = None
    reason: str | None = None
    message: str


class FieldCorrectionIn(BaseModel):
    first_page: int = Field(ge=1, le=100_000)
    field: str = Field(min_length=1, max_length=64)
    value: str
    comment: str | None = None


class FieldOut(BaseModel):
    name: str
    label: str
    value: str
    read_value: str | None
    corrected_by: str | None
    confidence: float
    page: int
    bbox: tuple[float, float, float, float]
    suggestion: str | None


class LogicalDocumentOut(BaseModel):
    first_page: int
    page_count: int
    doc_type: str | None
    confidence: float
    errors: list[str]
    fields: list[FieldOut]
    records: list[dict]


class PageOut(BaseModel):
    number: int
    width: float
    height: float
    rotation: int
    source: str
    image: str


class DocumentOut(BaseModel):
    sha256: str
    source_name: str
    media_type: str | None
    size: int
    status: str
    reason: str | None
    page_count: int | None
    doc_type: str | None
    applications: list[dict[str, str]]
    pages: list[PageOut]
    documents: list[LogicalDocumentOut]


class BuildIn(BaseModel):
    draft: bool = False
    checklist: str | None = None


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    action: str
    action_zh: str
    object: str
    object_label: str
    object_href: str | None
    old: str | None
    new: str | None
    comment: str | None
    details: str


# --- the ledger and archive search: the shapes of ``dossier ledger/expiring/search --json`` ----------


class LedgerEntryOut(BaseModel):
    """One certificate of the ledger with its status on the day asked about (ID number masked).

    The fields of ``dossier.ledger.ledger.LedgerEntry`` (written out: its ``status`` is a method)
    plus the status; a test keeps the two in step."""

    kind: str  # a kind of dossier/ledger/rules.yaml
    kind_zh: str
    holder: Literal["company", "person"]
    company: str | None  # the holder, or the person's employer
    uscc: str | None
    name: str | None
    id_number: str | None  # masked
    number: str | None  # certificate / registration / licence number
    detail: str | None  # e.g. a worker's occupation
    issued: date | None
    valid_until: date | None  # last valid day; None: no expiry (or none read)
    long_term: bool  # 长期
    expiry_read: bool  # False: the kind expires but no date was read
    deadline: date | None  # last day to file the renewal
    alert_from: date | None  # first day the renewal must be under way
    lead_zh: str  # the lead time ("3 个月")
    sha256: str  # the document the entry comes from (the newest)
    first_page: int
    file: str
    applications: list[str]
    superseded: list[str]  # sha256 of older documents of this entry
    status: LedgerStatus
    status_zh: str  # 正常 / 立即启动 / 已过申报期 / 已过期 / 有效期未识别


class PersonnelAlertOut(PersonnelAlert):
    """PERSON_LEFT (注册人员已离职或停保，请办理变更) or FREQUENT_CHANGES (ID number masked)."""


class StandingLineOut(BaseModel):
    """One count a level asks (技术负责人, a role or its specialty's share) against the company's
    roster people insured in the newest statement's month."""

    key: str
    role: str
    specialties: list[str]
    title: str
    status: Literal["met", "short", "unknown"]
    status_zh: str  # 满足 / 不满足 / 无法判断
    required: int | None
    found: int | None
    reason: str  # in figures: 注册建造师 2/3，差 1 人（…已离职或停保）
    confidence: str
    confidence_zh: str


class LevelStandingOut(BaseModel):
    """Whether a company still meets a qualification its newest 资质证书 lists (人员 only: 净资产
    and 业绩 are the application's ``assess``)."""

    company: str | None
    uscc: str | None
    qualification: str
    status: Literal["met", "short", "unknown"]
    status_zh: str
    regime: str
    standard_file: str | None
    newest_month: str | None
    lines: list[StandingLineOut]
    reason: str


class LedgerOut(BaseModel):
    as_of: date
    entries: list[LedgerEntryOut]
    alerts: list[PersonnelAlertOut]
    standing: list[LevelStandingOut] = []  # per company, each level it holds: still met?


class SearchHitOut(SearchHit):
    """One logical document found, with the filters that matched and up to 3 matching lines (ID
    numbers masked in the fields and the lines)."""


class SearchResultOut(SearchResult):
    hits: list[SearchHitOut]


# --- the start page and a company's page ------------------------------------------------------------


class CompanyRef(BaseModel):
    """A company as the archive knows it: ``key`` (its USCC, else its name) names its page."""

    key: str
    name: str | None
    uscc: str | None


class PersonOut(BaseModel):
    """Someone a company files: from its applications' rosters and its ledger (ID number masked)."""

    name: str
    id_number: str  # masked
    roles: list[str]  # in Chinese
    applications: list[str]
    certificates: list[str]  # the ledger's kinds held, in Chinese


class StartOut(BaseModel):
    """The start page: applications (most open blocking findings first), certificates expiring
    within ``within_days`` (and any already late), the newest audit events; for an admin, the
    deleted applications to restore."""

    as_of: date
    within_days: int
    applications: list[ApplicationOut]
    expiring: list[LedgerEntryOut]
    activity: list[AuditOut]
    companies: list[CompanyRef]
    deleted: list[DeletedApplication] = Field(default_factory=list, description="已删除的申报项目（仅管理员可见）")


class CompanyOut(BaseModel):
    company: CompanyRef
    as_of: date
    applications: list[ApplicationOut]
    ledger: list[LedgerEntryOut]  # every entry of the company and its people, most urgent first
    people: list[PersonOut]
    standing: list[LevelStandingOut] = []  # each level the company holds: still met?
