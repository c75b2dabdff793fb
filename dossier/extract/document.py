"""Classify and extract: the stage from a file's text (``FileText``) to logical documents.

Pure with respect to storage: the caller (CLI ``extract``, the ingest pipeline, a Celery task)
supplies the text and stores the result. QR payloads need pixels rather than text: the caller
passes a reader (page number -> payloads), called only for pages of types that carry a QR code,
so ordinary pages are never rendered for it.
"""

from __future__ import annotations

from collections.abc import Callable

from dossier.extract.classify import classify_page, split_documents
from dossier.extract.fields import FieldEngine
from dossier.extract.glyphs import simplified_page
from dossier.extract.layout import Line, make_lines
from dossier.extract.qr import qr_fields
from dossier.extract.spec import DocSpec, load_specs
from dossier.extract.tables import read_table
from dossier.model import ExtractedDocument, ExtractedField, FileText

MISSING_REQUIRED_NOTE = "必填字段未识别"


QrReader = Callable[[int], list[str]]


def extract_documents(text: FileText, file_name: str, *, qr_reader: QrReader | None = None,
                      specs: dict[str, DocSpec] | None = None) -> list[ExtractedDocument]:
    """Split ``text`` into logical documents and extract each one's fields and records."""
    specs = specs or load_specs()
    if not text.pages:
        return [ExtractedDocument(file=file_name, sha256=text.sha256, doc_type=None, pages=0,
                                  errors=list(text.errors) or ["没有可识别的页面"])]
    lines = make_lines([(p.number, simplified_page(p).lines) for p in text.pages])
    by_page: dict[int, list[Line]] = {}
    for ln in lines:
        by_page.setdefault(ln.page, []).append(ln)
    heights = {p.number: p.height for p in text.pages}
    classes = [classify_page(p.number, by_page.get(p.number, []), heights[p.number], specs) for p in text.pages]
    out = []
    limits = {name: spec.classify.max_pages for name, spec in specs.items() if spec.classify.max_pages}
    for group in split_documents(classes, limits):
        doc = ExtractedDocument(
            file=file_name, sha256=text.sha256, doc_type=group.doc_type,
            doc_type_confidence=group.confidence, pages=len(group.pages), first_page=group.pages[0],
            errors=list(text.errors),
        )
        if group.doc_type is not None:
            spec = specs[group.doc_type]
            doc_lines = [ln for ln in lines if ln.page in group.pages]
            doc.fields = FieldEngine(spec).extract(doc_lines)
            if spec.table is not None:
                doc.records = read_table(doc_lines, spec.table)
            if spec.qr and qr_reader is not None:
                _add_qr(doc, [(pg, payload) for pg in group.pages for payload in qr_reader(pg)])
            _flag_missing(doc, spec)
        out.append(doc)
    return out


def _add_qr(doc: ExtractedDocument, payloads: list[tuple[int, str]]) -> None:
    if not payloads:
        return
    page, payload = payloads[0]
    notes = [] if qr_fields(payload) else ["二维码内容无结构，未解析为字段"]
    doc.fields["qr_payload"] = ExtractedField(value=payload, raw=payload, confidence=1.0, page=page, notes=notes)


def _flag_missing(doc: ExtractedDocument, spec: DocSpec) -> None:
    """A required field that was not read is a null value with zero confidence, not an absence."""
    for name, fspec in spec.fields.items():
        if fspec.required and name not in doc.fields:
            doc.fields[name] = ExtractedField(value=None, confidence=0.0, notes=[MISSING_REQUIRED_NOTE])
