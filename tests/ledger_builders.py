"""Builders for ledger tests: archived documents in memory, and the same documents in a database."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from dossier.ledger.documents import ArchivedApplication, ArchivedDocument, Filing
from dossier.model import ApplicationSpec, ExtractedDocument, ExtractedField
from dossier.store import repo

COMPANY = "湖北楚天建设工程有限公司"
USCC = "91420106MAEMKANM50"
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def sha(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()


def extracted(doc_type: str, fields: dict[str, Any], records: list[dict] | None = None, *,
              label: str = "", first_page: int = 1) -> ExtractedDocument:
    return ExtractedDocument(
        file=f"{label or doc_type}.pdf", sha256=sha(label or doc_type), doc_type=doc_type, doc_type_confidence=0.95,
        pages=1, first_page=first_page, records=records or [],
        fields={name: ExtractedField(value=value, confidence=0.95) for name, value in fields.items()})


def archived(doc_type: str, fields: dict[str, Any], records: list[dict] | None = None, *, label: str = "",
             received_days: int = 0, application: str = "华建升级") -> ArchivedDocument:
    doc = extracted(doc_type, fields, records, label=label)
    return ArchivedDocument(document_id=abs(hash(doc.sha256)) % 10**6, sha256=doc.sha256, source_name=doc.file,
                            received_at=EPOCH + timedelta(days=received_days), doc=doc,
                            filings=[Filing(application=application, path=doc.file)])


def application(name: str = "华建升级", roster: list[dict] | None = None) -> ArchivedApplication:
    return ArchivedApplication(name=name, company_name=COMPANY, uscc=USCC, roster=tuple(roster or ()))


def statement(label: str, period: tuple[str, str], people: dict[str, tuple[str, list[str]]],
              received_days: int = 0) -> ArchivedDocument:
    """A 社保 statement: people maps name -> (id number, insured months)."""
    rows = [{"name": name, "id_number": id_number, "insurance_types": ["养老"], "months": months}
            for name, (id_number, months) in people.items()]
    return archived("social_insurance_record",
                    {"company_name": COMPANY, "uscc": USCC, "period_from": period[0], "period_to": period[1]},
                    rows, label=label, received_days=received_days)


def months(first: str, last: str) -> list[str]:
    out = []
    year, month = int(first[:4]), int(first[5:])
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def store(session, app_name: str, doc: ExtractedDocument, *, spec: ApplicationSpec | None = None) -> int:
    """Record ``doc`` as a processed document of ``app_name`` (no file, no OCR); its id."""
    app = repo.get_or_create_application(session, app_name, spec=spec)
    row, _ = repo.record_document(session, sha256=doc.sha256, size=1, media_type="application/pdf", name=doc.file)
    repo.link_document(session, app, row, path=doc.file)
    repo.save_extractions(session, row.id, [doc])
    repo.set_status(session, row.id, "processed")
    return row.id
