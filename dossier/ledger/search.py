"""Archive search: by person, ID number, company, certificate number, document type, dates, and
the full text of every page, across all applications.

Structured filters look at extracted fields (an indexed lookup on ``fields.value_text``) and at
table rows (a 社保 statement's people); a reviewer's correction counts, the value as read does
not once corrected. Full text goes through the index migration 0003 keeps up to date:

- SQLite: FTS5 trigram, for queries of 3 characters or more (sub-millisecond over a million
  lines); shorter ones (a two-character name, 张伟) cannot be trigram-matched and scan
  ``text_lines`` with LIKE instead (about 0.25 s per million lines).
- PostgreSQL: the GIN index over character bigrams, for queries of 2 characters or more,
  rechecked with ILIKE; single characters scan.

Full-text matching is case-insensitive for Latin letters and otherwise exact (no stemming, no
similarity): a query is a substring of a line or it is not. The full text also matches the
folders and file name a document was filed under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    and_,
    column,
    exists,
    false,
    func,
    or_,
    select,
    table,
    type_coerce,
)
from sqlalchemy import text as sql_text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session
from sqlalchemy.types import Text

from dossier.errors import DossierError, ExitCode
from dossier.ledger.documents import ArchivedDocument, load_documents
from dossier.model import DOC_TYPE_NAMES_ZH, DOC_TYPES
from dossier.privacy import mask_id, mask_text
from dossier.store.schema import (
    Application,
    ApplicationDocument,
    Document,
    Extraction,
    FieldCorrection,
    Page,
    Record,
    TextLine,
)
from dossier.store.schema import Field as FieldRow

# The index objects of migration 0003: not ORM models (see is_search_index).
SEARCH_TABLE = "text_search"
BIGRAM_INDEX = "ix_text_lines_bigrams"
TRIGRAM = 3  # shortest query the SQLite trigram index can answer
BIGRAM = 2  # shortest query the PostgreSQL bigram index can answer
MAX_LINES = 5000  # full-text lines read per search; more is reported as truncated
LINES_PER_HIT = 3

PERSON_FIELDS = ("name", "project_manager", "legal_representative")
COMPANY_FIELDS = ("company_name", "employer", "contractor", "winner", "tenderee", "uscc")
NUMBER_FIELDS = ("cert_number", "registration_number", "license_number", "approval_number", "unit_number")
VALIDITY_FIELDS = ("valid_until", "specialty_valid_until", "usage_valid_until", "business_term_until",
                   "term_until")
DOCUMENT_DATE_FIELDS = ("issue_date", "valid_from", *VALIDITY_FIELDS, "established_date",
                        "qualified_date", "sign_date", "term_from", "start_date", "completion_date",
                        "acceptance_date")


def is_search_index(name: str | None) -> bool:
    """True for the tables and indexes of the full-text index (not ORM models)."""
    return bool(name) and (name in (SEARCH_TABLE, BIGRAM_INDEX) or name.startswith(SEARCH_TABLE + "_"))


class SearchError(DossierError):
    exit_code = ExitCode.bad_args
    reason_zh = "搜索条件无效"


class SearchQuery(BaseModel):
    """What to look for; every given filter must hold (AND)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None  # full text of the pages
    person: str | None = None  # a person's name, exactly
    id_number: str | None = None
    company: str | None = None  # part of a company name, or a USCC
    number: str | None = None  # part of a certificate / registration / licence number
    doc_type: str | None = None  # code or Chinese name
    date_from: date | None = None
    date_to: date | None = None
    date_field: str | None = None  # default: any of DOCUMENT_DATE_FIELDS
    application: str | None = None
    limit: int = Field(50, ge=1, le=1000)


class LineHit(BaseModel):
    page: int
    text: str


class SearchHit(BaseModel):
    """One logical document found, with what matched."""

    sha256: str
    first_page: int
    pages: int
    doc_type: str | None
    file: str  # path in its (first) application
    source_name: str
    applications: list[str]
    name: str | None = None
    id_number: str | None = None
    company: str | None = None
    number: str | None = None
    issue_date: str | None = None
    valid_until: str | None = None
    matched: list[str] = Field(default_factory=list)  # which filters matched, in Chinese
    lines: list[LineHit] = Field(default_factory=list)


class SearchResult(BaseModel):
    hits: list[SearchHit]
    truncated: bool = False  # more matched than were read (narrow the query)


@dataclass(frozen=True)
class _FieldFilter:
    """One structured filter: which fields (and table-row keys) it reads and how it compares."""

    label: str
    names: tuple[str, ...]
    record_keys: tuple[str, ...]
    value: str
    exact: bool

    def sql(self, col: ColumnElement) -> ColumnElement[bool]:
        return col == self.value if self.exact else col.icontains(self.value, autoescape=True)

    def accepts(self, value: Any) -> bool:
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not isinstance(v, str):
                continue
            if (v == self.value) if self.exact else (self.value.casefold() in v.casefold()):
                return True
        return False


def _compact(value: str) -> str:
    return "".join(value.split())


def _field_filters(query: SearchQuery) -> list[_FieldFilter]:
    filters = []
    if query.person:
        filters.append(_FieldFilter("姓名", PERSON_FIELDS, ("name",), _compact(query.person), True))
    if query.id_number:
        filters.append(_FieldFilter("身份证号", ("id_number",), ("id_number",),
                                    _compact(query.id_number).upper(), True))
    if query.company:
        filters.append(_FieldFilter("企业", COMPANY_FIELDS, (), query.company.strip(), False))
    if query.number:
        filters.append(_FieldFilter("证书编号", NUMBER_FIELDS, (), _compact(query.number), False))
    return filters


# Names administrators use that are not part of the formal name.
DOC_TYPE_ALIASES = {"社保": "social_insurance_record", "社保证明": "social_insurance_record",
                    "安许证": "safety_production_license", "建造师": "constructor_certificate",
                    "身份证": "id_card", "职称": "title_certificate", "资质": "qualification_certificate",
                    "岗位证书": "worker_certificate", "技能证书": "worker_certificate"}


def resolve_doc_types(value: str) -> tuple[str, ...]:
    """The document type codes a code or (part of) a Chinese name stands for: 合同 is both the
    劳动合同 and the 工程合同, as an administrator means it; SearchError when it names none."""
    value = value.strip()
    if value in DOC_TYPES:
        return (value,)
    if value in DOC_TYPE_ALIASES:
        return (DOC_TYPE_ALIASES[value],)
    exact = [code for code, zh in DOC_TYPE_NAMES_ZH.items() if zh == value]
    partial = [code for code, zh in DOC_TYPE_NAMES_ZH.items() if value and value in zh]
    found = exact or partial
    if not found:
        raise SearchError(f"unknown document type {value!r}",
                          reason_zh=f"无法确定文件类型：{value}（可用：{'、'.join(DOC_TYPE_NAMES_ZH.values())}）")
    return tuple(found)


def _date_bounds(query: SearchQuery) -> tuple[tuple[str, ...], str, str] | None:
    if query.date_from is None and query.date_to is None:
        return None
    names = (query.date_field,) if query.date_field else DOCUMENT_DATE_FIELDS
    low = (query.date_from or date.min).isoformat()
    high = (query.date_to or date.max).isoformat()
    if low > high:
        raise SearchError("date_from is after date_to", reason_zh="起始日期晚于截止日期")
    return names, low, high


def _is_date_in(value: Any, low: str, high: str) -> bool:
    return isinstance(value, str) and len(value) == 10 and value[4] == "-" and low <= value <= high


# --- full text ----------------------------------------------------------------------------------

_fts = table(SEARCH_TABLE, column("rowid", Integer), column(SEARCH_TABLE))


def _has_trigram_index(session: Session) -> bool:
    """Whether migration 0003 could create the SQLite index (it needs FTS5 and SQLite >= 3.34)."""
    return session.scalar(sql_text("SELECT count(*) FROM sqlite_master WHERE name = :name"),
                          {"name": SEARCH_TABLE}) == 1


def line_condition(dialect: str, text: str) -> ColumnElement[bool]:
    """The condition on ``TextLine`` of lines containing ``text``, through the index when it can
    (``dialect`` "sqlite+fts": SQLite with the trigram index; plain "sqlite": without)."""
    if dialect == "sqlite+fts" and len(text) >= TRIGRAM:
        phrase = '"' + text.replace('"', '""') + '"'
        return TextLine.id.in_(select(_fts.c.rowid).where(_fts.c[SEARCH_TABLE].op("MATCH")(phrase)))
    if dialect == "postgresql" and len(text) >= BIGRAM:
        grams = sorted({text[i:i + 2].upper() for i in range(len(text) - 1)})
        return and_(func.dossier_bigrams(TextLine.text).op("@>")(type_coerce(grams, ARRAY(Text))),
                    TextLine.text.icontains(text, autoescape=True))
    return TextLine.text.icontains(text, autoescape=True)


def _matching_lines(session: Session, text: str, documents: Select | None) -> tuple[list[tuple], bool]:
    """(document id, page number, line) of matching lines, newest document first; and whether capped."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        # psycopg prepares a statement run 5 times; the plan PostgreSQL then keeps for every set of
        # bigrams can cost seconds on a frequent phrase. Plan each search for its own query.
        session.execute(sql_text("SET LOCAL plan_cache_mode = force_custom_plan"))
    elif dialect == "sqlite" and _has_trigram_index(session):
        dialect = "sqlite+fts"
    query = (select(Page.document_id, Page.number, TextLine.text)
             .join(Page, Page.id == TextLine.page_id)
             .where(line_condition(dialect, text))
             .order_by(Page.document_id.desc(), Page.number, TextLine.ordinal)
             .limit(MAX_LINES + 1))
    if documents is not None:
        query = query.where(Page.document_id.in_(documents))
    rows = session.execute(query).all()
    return rows[:MAX_LINES], len(rows) > MAX_LINES


def _named(session: Session, text: str, documents: Select | None) -> set[int]:
    """The documents whose path in an application (its folders and file name: 项目二_光谷产业园厂房/
    施工合同.pdf) or whose original name holds ``text``: administrators file by project and person,
    so the folder often names what the scan's words do not."""
    query = (select(Document.id).outerjoin(ApplicationDocument, ApplicationDocument.document_id == Document.id)
             .where(or_(ApplicationDocument.path.icontains(text, autoescape=True),
                        Document.source_name.icontains(text, autoescape=True))))
    if documents is not None:
        query = query.where(Document.id.in_(documents))
    return set(session.scalars(query))


# --- the search ---------------------------------------------------------------------------------


def _corrected_matches(session: Session, flt: _FieldFilter) -> ColumnElement[bool] | None:
    """Extractions whose reviewer-corrected value of one of the filter's fields matches."""
    pairs = {(row.document_id, row.first_page) for row in session.scalars(
        select(FieldCorrection).where(FieldCorrection.name.in_(flt.names))) if flt.accepts(row.value)}
    if not pairs:
        return None
    return or_(*(and_(Extraction.document_id == doc_id, Extraction.first_page == page) for doc_id, page in pairs))


def _structured(session: Session, query: SearchQuery, filters: list[_FieldFilter],
                dates: tuple | None) -> Select | None:
    """The extractions the structured filters allow (None: no structured filter given)."""
    conditions: list[ColumnElement[bool]] = []
    if query.doc_type:
        conditions.append(Extraction.doc_type.in_(resolve_doc_types(query.doc_type)))
    if query.application:
        conditions.append(exists(
            select(1).select_from(ApplicationDocument)
            .join(Application, Application.id == ApplicationDocument.application_id)
            .where(ApplicationDocument.document_id == Extraction.document_id,
                   Application.name == query.application)))
    for flt in filters:
        either = [exists(select(1).where(FieldRow.extraction_id == Extraction.id,
                                         FieldRow.name.in_(flt.names), flt.sql(FieldRow.value_text)))]
        either += [exists(select(1).where(Record.extraction_id == Extraction.id,
                                          flt.sql(Record.data[key].as_string())))
                   for key in flt.record_keys]
        corrected = _corrected_matches(session, flt)
        if corrected is not None:
            either.append(corrected)
        conditions.append(or_(*either))
    if dates is not None:
        names, low, high = dates
        conditions.append(or_(
            exists(select(1).where(FieldRow.extraction_id == Extraction.id, FieldRow.name.in_(names),
                                   FieldRow.value_text.like("____-__-__"),
                                   FieldRow.value_text.between(low, high))),
            Extraction.document_id.in_(select(FieldCorrection.document_id).where(FieldCorrection.name.in_(names)))))
    if not conditions:
        return None
    return select(Extraction.id).where(*conditions)


def _verify(d: ArchivedDocument, filters: list[_FieldFilter],
            dates: tuple | None) -> tuple[list[str], dict | None] | None:
    """What matched on the corrected values, and the table row that did (a 社保 row naming the
    person); None when a filter no longer holds."""
    matched: list[str] = []
    found_row = None
    for flt in filters:
        if any(flt.accepts(d.doc.fields[n].value) for n in flt.names if n in d.doc.fields):
            matched.append(flt.label)
            continue
        row = next((row for row in d.doc.records if any(flt.accepts(row.get(k)) for k in flt.record_keys)), None)
        if row is None:
            return None
        found_row = found_row or row
        matched.append(flt.label)
    if dates is not None:
        names, low, high = dates
        if not any(_is_date_in(d.doc.fields[n].value, low, high) for n in names if n in d.doc.fields):
            return None
        matched.append("日期")
    return matched, found_row


def _hit(d: ArchivedDocument, matched: list[str], row: dict | None, lines: list[LineHit]) -> SearchHit:
    row = row or {}
    return SearchHit(
        sha256=d.sha256, first_page=d.doc.first_page, pages=d.doc.pages, doc_type=d.doc_type,
        file=d.file, source_name=d.source_name, applications=d.applications,
        name=d.text("name") or row.get("name"), id_number=d.text("id_number") or row.get("id_number"),
        company=d.text(*COMPANY_FIELDS[:-1]),
        number=d.text(*NUMBER_FIELDS), issue_date=d.text("issue_date", "sign_date"),
        valid_until=d.text(*VALIDITY_FIELDS), matched=matched, lines=lines[:LINES_PER_HIT])


def search(session: Session, query: SearchQuery) -> SearchResult:
    """The logical documents matching every filter of ``query``, newest received first."""
    text = query.text.strip() if query.text else ""
    filters = _field_filters(query)
    dates = _date_bounds(query)
    allowed = _structured(session, query, filters, dates)
    truncated = False
    lines: dict[int, list[tuple[int, str]]] = {}
    named: set[int] = set()
    if text:
        documents = None if allowed is None else select(Extraction.document_id).where(Extraction.id.in_(allowed))
        rows, truncated = _matching_lines(session, text, documents)
        for doc_id, page, line in rows:
            lines.setdefault(doc_id, []).append((page, line))
        named = _named(session, text, documents)
    candidates = select(Extraction.id, Extraction.document_id, Extraction.first_page, Extraction.page_count)
    if allowed is not None:
        candidates = candidates.where(Extraction.id.in_(allowed))
    if text:
        found_ids = sorted(set(lines) | named)
        candidates = candidates.where(Extraction.document_id.in_(found_ids) if found_ids else false())
    candidates = (candidates.join(Document, Document.id == Extraction.document_id)
                  .order_by(Document.created_at.desc(), Document.id.desc(), Extraction.first_page))
    if not (filters or dates or text):  # nothing left to check in Python: SQL can stop early
        candidates = candidates.limit(query.limit + 1)
    rows = session.execute(candidates).all()

    def page_lines(doc_id: int, first: int, count: int) -> list[LineHit]:
        last = first + max(count, 1) - 1
        return [LineHit(page=p, text=t) for p, t in lines.get(doc_id, []) if first <= p <= last]

    if text:
        rows = [row for row in rows
                if row.document_id in named or page_lines(row.document_id, row.first_page, row.page_count)]
    # SQL chose on the values as read (or corrected); the corrected values decide, a batch at a time.
    hits: list[SearchHit] = []
    batch = query.limit * 2
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        loaded = {(d.document_id, d.doc.first_page): d
                  for d in load_documents(session, document_ids={row.document_id for row in chunk})}
        for n, row in enumerate(chunk):
            d = loaded.get((row.document_id, row.first_page))
            verified = _verify(d, filters, dates) if d is not None else None
            if verified is None:
                continue
            matched, record = verified
            found = page_lines(row.document_id, row.first_page, row.page_count) if text else []
            by_text = (["全文"] if found else []) + (["文件夹或文件名"] if row.document_id in named else [])
            hits.append(_hit(d, [*matched, *by_text], record, found))
            if len(hits) == query.limit:
                more = start + n + 1 < len(rows)
                return SearchResult(hits=hits, truncated=truncated or more)
    return SearchResult(hits=hits, truncated=truncated)


def masked(hit: SearchHit) -> SearchHit:
    """``hit`` with ID numbers masked in its fields, its file names and lines (for lists, not for
    the filing)."""
    return hit.model_copy(update={
        "id_number": mask_id(hit.id_number) if hit.id_number else None,
        "file": mask_text(hit.file), "source_name": mask_text(hit.source_name),
        "lines": [LineHit(page=line.page, text=mask_text(line.text)) for line in hit.lines]})
