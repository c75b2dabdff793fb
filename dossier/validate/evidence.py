"""Building ``Evidence`` from document fields, 社保 record rows and the application itself."""

from __future__ import annotations

from dossier.model import Evidence
from dossier.validate.facts import DocumentFacts

SPEC_SOURCE = "application.yaml"  # Evidence.sha256 for facts taken from the application itself


def field_evidence(doc: DocumentFacts, field: str, value: str | None = None) -> Evidence:
    """Where ``field`` was read on ``doc`` (its page and box); an absent field points at the
    document's first page with an empty value. ``value`` replaces the field's own text."""
    found = doc.field(field)
    shown = value if value is not None else (doc.text(field) or "")
    if found is None:
        return Evidence(sha256=doc.sha256, field=field, value=shown, page=doc.document.first_page)
    return Evidence(sha256=doc.sha256, field=field, value=shown, page=found.page, bbox=found.bbox)


def record_evidence(doc: DocumentFacts, index: int, key: str) -> Evidence:
    """One cell of a record row (records carry no geometry: the document's first page)."""
    value = doc.document.records[index].get(key)
    shown = ",".join(map(str, value)) if isinstance(value, list) else str(value or "")
    return Evidence(sha256=doc.sha256, field=f"records[{index}].{key}", value=shown,
                    page=doc.document.first_page)


def file_evidence(doc: DocumentFacts) -> Evidence:
    """The document's place in the application (its folder and file name), as a fact a rule
    went by."""
    return Evidence(sha256=doc.sha256, field="file", value=doc.document.file, page=doc.document.first_page)


def spec_evidence(field: str, value: object) -> Evidence:
    """A fact stated in application.yaml (e.g. ``roster[2].id_number``)."""
    return Evidence(sha256=SPEC_SOURCE, field=field, value=str(value))
