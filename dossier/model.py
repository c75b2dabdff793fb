"""The types that flow between stages.

Every stage is a function from stored inputs to stored outputs; these models are what crosses a
stage boundary (and a Celery message, as JSON). Geometry convention, used everywhere: boxes are
``(x0, y0, x1, y1)`` in PDF points (1/72 inch) with the origin at the page's top-left corner, on
the page as a person reads it (after any rotation was corrected). Page numbers are 1-based.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Literal

from cjkfold import fold
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BBox = tuple[float, float, float, float]

DOC_TYPES: tuple[str, ...] = (
    "business_license",
    "qualification_certificate",
    "safety_production_license",
    "constructor_certificate",
    "title_certificate",
    "id_card",
    "social_insurance_record",
    "labor_contract",
    "project_contract",
    "bid_award_notice",
    "completion_acceptance",
    "worker_certificate",
    "audit_report",
)

DOC_TYPE_NAMES_ZH: dict[str, str] = {
    "business_license": "营业执照",
    "qualification_certificate": "建筑业企业资质证书",
    "safety_production_license": "安全生产许可证",
    "constructor_certificate": "注册建造师注册证书",
    "title_certificate": "职称证书",
    "id_card": "居民身份证",
    "social_insurance_record": "社会保险缴费证明",
    "labor_contract": "劳动合同",
    "project_contract": "建设工程施工合同",
    "bid_award_notice": "中标通知书",
    "completion_acceptance": "竣工验收报告",
    "worker_certificate": "职业技能等级证书",
    "audit_report": "审计报告",
}


class _Model(BaseModel):
    model_config = ConfigDict(frozen=False, extra="forbid")


# --- pages and text -------------------------------------------------------------------------


class TextSource(str, Enum):
    text_layer = "text_layer"  # words from a PDF's own text layer (pdfplumber)
    ocr = "ocr"  # recognised from pixels
    docx = "docx"  # paragraphs and tables of a Word file


class TextLine(_Model):
    """One line of text with its position; the unit extraction works on.

    Look-alike code points are folded onto the ideographs they stand for, whichever reader made
    the line: browser-printed PDFs map 工 to the Kangxi radical ⼯ and 青 to the radical ⻘ in
    their text layer, and some OCR engines emit radicals too; every comparison downstream (labels,
    names across documents, search) needs the unified ideograph.
    """

    text: str
    confidence: float = 1.0
    bbox: BBox
    # The engine's probability for each character of ``text`` (OCR only). A line's confidence is
    # their mean: one character misread in a long line (大府 for 天府) leaves it above 0.9, its
    # own probability does not.
    char_confidences: tuple[float, ...] | None = None

    @field_validator("text")
    @classmethod
    def _fold_lookalikes(cls, text: str) -> str:
        return fold(text)

    @model_validator(mode="after")
    def _one_confidence_per_character(self) -> TextLine:
        # a fold that changed the text's length leaves no way to pair them: the line's mean stands
        if self.char_confidences is not None and len(self.char_confidences) != len(self.text):
            self.char_confidences = None
        return self


class PageText(_Model):
    """The text of one page, whichever way it was obtained, as its reader gave it (extraction
    simplifies OCR's traditional glyphs where it reads them: ``dossier.extract.glyphs``)."""

    number: int  # 1-based page number within the file
    width: float  # points
    height: float  # points
    source: TextSource
    rotation: int = 0  # degrees clockwise applied to the original to make it upright
    lines: list[TextLine] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class FileText(_Model):
    """All pages of one file; ``errors`` holds per-page failures (a partial result)."""

    sha256: str
    media_type: str
    pages: list[PageText] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    @property
    def status(self) -> Literal["success", "partial", "failure"]:
        if not self.errors:
            return "success"
        return "partial" if self.pages else "failure"


# --- extraction -----------------------------------------------------------------------------


class ExtractedField(_Model):
    """A typed field value with where it came from and how sure we are."""

    value: str | list[str] | None
    raw: str = ""
    confidence: float = 0.0
    page: int = 1
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)
    suggestion: str | None = None  # a proposed OCR repair, never applied silently
    notes: list[str] = Field(default_factory=list)

    def contract(self) -> dict:
        """The shape of ``dossier extract --json``."""
        return {"value": self.value, "confidence": round(self.confidence, 4), "page": self.page,
                "bbox": [round(v, 2) for v in self.bbox]}


class ExtractedDocument(_Model):
    """One logical document (a file may hold several, split by page)."""

    file: str
    sha256: str
    doc_type: str | None
    doc_type_confidence: float = 0.0
    pages: int = 0
    first_page: int = 1  # where this logical document starts within the file
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    records: list[dict] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)

    def contract(self) -> dict:
        """The JSON object printed by ``dossier extract --json``."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "doc_type": self.doc_type,
            "doc_type_confidence": round(self.doc_type_confidence, 4),
            "pages": self.pages,
            "fields": {name: f.contract() for name, f in self.fields.items()},
            "records": self.records,
            "errors": self.errors,
        }


# --- applications ---------------------------------------------------------------------------

Role = Literal["technical_lead", "registered_constructor", "titled_staff", "site_manager", "skilled_worker"]
ApplicationType = Literal["new", "upgrade", "addition", "renewal", "change"]


class RosterEntry(BaseModel):
    # Unknown keys are dropped, never stored: ``dossier.intake.spec`` warns about each one.
    model_config = ConfigDict(extra="ignore")

    name: str
    id_number: str
    role: Role
    specialty: str | None = None


class ProjectNote(BaseModel):
    """What a person states about one 业绩 project in ``application.yaml`` (``projects``), for what
    the documents do not say: its qualification category, whether it is a building or a structure
    (构筑物), its structure type, and scale figures by attribute (``dossier/standards/attributes.yaml``),
    e.g. ``{name: 滨江大道改造工程, category: 市政公用工程施工总承包, scale: {road_length: 12.5}}``.
    A stated value wins over one read from the documents."""

    model_config = ConfigDict(extra="ignore")

    name: str
    category: str | None = None
    kind: Literal["building", "structure"] | None = None
    structure: str | None = None
    scale: dict[str, Decimal] = Field(default_factory=dict)


class ApplicationSpec(BaseModel):
    """The keys of ``application.yaml`` (more may be added; these keep their meaning).

    Only these keys are kept: unknown ones are dropped (``dossier.intake.spec`` warns about each),
    so nothing a user misspelt or smuggled in reaches the database.
    """

    model_config = ConfigDict(extra="ignore")

    company_name: str
    uscc: str
    application_type: ApplicationType
    qualifications: list[str] = Field(default_factory=list)
    filing_date: date
    roster: list[RosterEntry] = Field(default_factory=list)
    # 净资产 in yuan, when no 审计报告 in the application states it (dossier assess)
    net_assets: Decimal | None = Field(default=None, ge=0)
    # the rule set of the qualification standards (dossier/standards/regimes.yaml); None: the default
    regime: str | None = None
    # a company's own qualification standard files (dossier/standards schema), each replacing the
    # shipped standard of its category and regime; ``load_spec`` resolves a relative path against
    # the application folder and checks the file
    standards: list[str] = Field(default_factory=list)
    projects: list[ProjectNote] = Field(default_factory=list)

    @field_validator("regime", mode="before")
    @classmethod
    def _regime_text(cls, value):
        # `regime: 2016` reads as a number in YAML; a regime is a name all the same
        return str(value) if isinstance(value, int) else value


# --- validation -----------------------------------------------------------------------------

Severity = Literal["blocking", "warning", "info"]


class Evidence(_Model):
    sha256: str
    field: str
    value: str
    page: int = 1
    bbox: BBox = (0.0, 0.0, 0.0, 0.0)


class Discrepancy(_Model):
    code: str
    severity: Severity
    message: str  # Chinese, names the person or document
    subject: str  # person ID number, company USCC, or document sha256
    evidence: list[Evidence] = Field(default_factory=list)

    def contract(self) -> dict:
        """The JSON object of ``dossier check --json`` (subclasses add no keys to it)."""
        data = self.model_dump(mode="json", include=set(Discrepancy.model_fields))
        for ev in data["evidence"]:
            ev["bbox"] = [round(v, 2) for v in ev["bbox"]]
        return data


DiscrepancyStatus = Literal["open", "accepted", "corrected", "waived"]
# How a finding's review state and a document's processing state read in Chinese: one wording
# for the terminal, the web pages and the report.
DISCREPANCY_STATUS_ZH: dict[str, str] = {"open": "未处理", "accepted": "已确认", "corrected": "已更正", "waived": "已豁免"}
DOCUMENT_STATUS_ZH: dict[str, str] = {"received": "待识别", "processing": "识别中", "processed": "已识别",
                                      "failed": "无法处理"}
ReviewAction = Literal["accept", "correct", "waive", "reopen"]


class ReviewNote(_Model):
    """One decision a person took on a discrepancy (from the audit trail)."""

    user: str
    action: str  # a ReviewAction
    comment: str | None = None
    new_value: str | None = None
    at: datetime | None = None


class ReviewedDiscrepancy(Discrepancy):
    """A discrepancy with its review state; only ``open`` blocking ones stop the build.

    ``id`` is the stored row's id (None for a finding not stored yet, e.g. in a test); it is not
    part of the contract and never written into a packet.
    """

    status: DiscrepancyStatus = "open"
    reviews: list[ReviewNote] = Field(default_factory=list)
    id: int | None = None
