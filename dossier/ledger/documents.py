"""The archive as the ledger sees it: every logical document, across applications, as corrected.

Fields are read the way every other reader reads them (``repo.extracted_document`` plus the
newest reviewer correction, ``dossier.store.findings``), so a corrected expiry date is the one
the ledger shows. A document filed under several applications is listed once, with each filing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dossier.extract.normalize.dates import LONG_TERM
from dossier.model import ApplicationSpec, ExtractedDocument
from dossier.store import repo
from dossier.store.findings import apply_corrections, latest_corrections
from dossier.store.schema import Application, ApplicationDocument, Document, Extraction

_CHUNK = 5000  # ids per IN (...) list: SQLite allows 32766 bound parameters


@dataclass(frozen=True)
class Filing:
    """A document filed under an application, at ``path`` in its folder."""

    application: str
    path: str


@dataclass(frozen=True)
class ArchivedApplication:
    """What the ledger needs of an application: whose it is and whom its roster counts."""

    name: str
    company_name: str | None
    uscc: str | None
    roster: tuple[dict[str, Any], ...] = ()
    filing_date: date | None = None
    spec: ApplicationSpec | None = None  # the whole application.yaml, when it reads as one


@dataclass
class ArchivedDocument:
    """One logical document with its reviewers' corrections applied."""

    document_id: int
    sha256: str
    source_name: str
    received_at: datetime
    doc: ExtractedDocument
    filings: list[Filing] = field(default_factory=list)

    @property
    def doc_type(self) -> str | None:
        return self.doc.doc_type

    @property
    def file(self) -> str:
        return self.filings[0].path if self.filings else self.source_name

    @property
    def applications(self) -> list[str]:
        return sorted({f.application for f in self.filings})

    def text(self, *names: str) -> str | None:
        """The first of ``names`` with a non-empty value (a list value is joined with 、)."""
        for name in names:
            f = self.doc.fields.get(name)
            if f is None or f.value in (None, "", []):
                continue
            return f.value if isinstance(f.value, str) else "、".join(f.value)
        return None

    def date(self, *names: str) -> date | None:
        """The first of ``names`` holding a YYYY-MM-DD date."""
        for name in names:
            value = self.text(name)
            if value:
                parsed = parse_date(value)
                if parsed is not None:
                    return parsed
        return None

    def is_long_term(self, *names: str) -> bool:
        return any(self.text(name) == LONG_TERM for name in names)


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start:start + _CHUNK]


def load_documents(session: Session, *, doc_types: Iterable[str] | None = None,
                   document_ids: Iterable[int] | None = None) -> list[ArchivedDocument]:
    """Logical documents of the archive (of ``doc_types`` / ``document_ids`` when given)."""
    query = (select(Extraction, Document.sha256, Document.source_name, Document.created_at)
             .join(Document, Document.id == Extraction.document_id)
             .options(selectinload(Extraction.fields), selectinload(Extraction.records))
             .order_by(Extraction.document_id, Extraction.first_page))
    if doc_types is not None:
        query = query.where(Extraction.doc_type.in_(sorted(set(doc_types))))
    if document_ids is not None:
        wanted = sorted(set(document_ids))
        rows = [row for chunk in _chunks(wanted)
                for row in session.execute(query.where(Extraction.document_id.in_(chunk))).all()]
    else:
        rows = session.execute(query).all()
    ids = sorted({ex.document_id for ex, *_ in rows})
    corrections: dict = {}
    filings: dict[int, list[Filing]] = {}
    deleted: set[int] = set()  # documents filed under deleted applications
    for chunk in _chunks(ids):
        corrections.update(latest_corrections(session, chunk))
        for doc_id, path, app, deleted_at in session.execute(
                select(ApplicationDocument.document_id, ApplicationDocument.path, Application.name,
                       Application.deleted_at)
                .join(Application, Application.id == ApplicationDocument.application_id)
                .where(ApplicationDocument.document_id.in_(chunk))
                .order_by(Application.name, ApplicationDocument.path)):
            if deleted_at is None:
                filings.setdefault(doc_id, []).append(Filing(application=app, path=path))
            else:
                deleted.add(doc_id)
    out = []
    for ex, sha256, source_name, received_at in rows:
        own = filings.get(ex.document_id, [])
        if not own and ex.document_id in deleted:
            continue  # a deleted application is hidden until restored: its documents too
        doc = repo.extracted_document(ex, file=own[0].path if own else source_name, sha256=sha256)
        out.append(ArchivedDocument(
            document_id=ex.document_id, sha256=sha256, source_name=source_name,
            received_at=received_at, doc=apply_corrections(doc, ex.document_id, corrections),
            filings=own))
    return out


def load_applications(session: Session) -> list[ArchivedApplication]:
    """Every application (not deleted) with the company and roster of its ``application.yaml``."""
    apps = []
    for app in session.scalars(select(Application).where(Application.deleted_at.is_(None)).order_by(Application.name)):
        spec = app.spec or {}
        roster = tuple(entry for entry in spec.get("roster") or [] if isinstance(entry, dict))
        apps.append(ArchivedApplication(name=app.name, company_name=spec.get("company_name"),
                                        uscc=spec.get("uscc"), roster=roster,
                                        filing_date=parse_date(str(spec.get("filing_date") or "")),
                                        spec=_as_spec(spec)))
    return apps


def _as_spec(stored: dict[str, Any]) -> ApplicationSpec | None:
    """A stored application.yaml as read at intake; None for an application created without one
    (an upload), or stored before a key it lacks became required."""
    try:
        return ApplicationSpec.model_validate(stored)
    except ValidationError:
        return None
