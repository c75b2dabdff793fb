"""What the packet builder takes: documents, reviewed discrepancies, options (the module boundary).

These are plain pydantic models so the caller (CLI, web, a worker task) can build them from the
store or from JSON; nothing here opens a file.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from pydantic import BaseModel, ConfigDict, Field, SecretStr

from dossier.model import (  # noqa: F401 - the review types are part of this boundary too
    ApplicationSpec,
    ExtractedDocument,
    ExtractedField,
    ReviewedDiscrepancy,
    ReviewNote,
    RosterEntry,
)
from dossier.validate.facts import DocumentFacts

DEFAULT_PAGE_NUMBER_FORMAT = "第 {page} 页 共 {total} 页"


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PacketDocument(_Input):
    """One logical document to bind: pages ``first_page .. first_page + pages - 1`` of its file.

    ``pages == 0`` means "to the end of the file". ``person`` ties the document to a roster entry
    when the caller already knows it; otherwise validation's entity resolution decides.
    ``qualification`` names the qualification a 业绩 document supports (主项 = the first of the
    application's qualifications; unset counts as 主项).
    """

    sha256: str
    source_name: str
    original_path: Path
    media_type: str
    doc_type: str | None
    first_page: int = Field(default=1, ge=1)
    pages: int = Field(default=0, ge=0)
    fields: dict[str, ExtractedField] = Field(default_factory=dict)
    records: list[dict] = Field(default_factory=list)
    person: RosterEntry | None = None
    qualification: str | None = None

    @classmethod
    def from_extracted(cls, document: ExtractedDocument, *, original_path: Path, media_type: str,
                       source_name: str | None = None, person: RosterEntry | None = None) -> PacketDocument:
        """The packet's view of an extracted document whose original is stored at ``original_path``."""
        return cls(sha256=document.sha256, source_name=source_name or Path(document.file).name,
                   original_path=original_path, media_type=media_type, doc_type=document.doc_type,
                   first_page=document.first_page, pages=document.pages, fields=document.fields,
                   records=document.records, person=person)

    def facts(self) -> DocumentFacts:
        """The document as validation sees it (for entity resolution and project grouping)."""
        return DocumentFacts(document=ExtractedDocument(
            file=self.source_name, sha256=self.sha256, doc_type=self.doc_type, pages=self.pages,
            first_page=self.first_page, fields=self.fields, records=self.records))

    def sort_key(self) -> tuple:
        """The stable order of documents that nothing else orders (input order may vary)."""
        return (self.doc_type or "", self.sha256, self.first_page)


class PacketInput(_Input):
    """Everything one build reads. ``built_on`` dates the cover and the PDF metadata; it defaults
    to the filing date so that a rebuild from the same inputs is byte-identical."""

    spec: ApplicationSpec
    documents: list[PacketDocument]
    discrepancies: list[ReviewedDiscrepancy] = Field(default_factory=list)
    built_on: date | None = None

    @property
    def packet_date(self) -> date:
        return self.built_on or self.spec.filing_date


class BuildOptions(_Input):
    """How to bind. ``watermark``: None = the checklist's default, "" = none, else the text.
    ``font_path``: a TrueType font for the packet's own pages; None = the bundled Noto Sans SC."""

    draft: bool = False
    watermark: str | None = None
    page_number_format: str = DEFAULT_PAGE_NUMBER_FORMAT
    font_path: Path | None = None
    passwords: list[SecretStr] = Field(default_factory=list)  # for protected originals; never written
