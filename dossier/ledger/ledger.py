"""The ledger (台账): every certificate of every company and person, from the archive.

One entry per kind and holder (and per ``distinct_by`` value, e.g. a worker's occupation): the
newest document wins (latest issue date, then latest expiry, then the latest received), and the
documents it superseded are listed with it. Values are the corrected ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from dossier.ledger.documents import ArchivedApplication, ArchivedDocument, load_applications, load_documents
from dossier.ledger.identities import Identities
from dossier.ledger.rules import STATUS_ORDER, Kind, LedgerRules, Status, load_rules, renewal_status
from dossier.privacy import mask_id, mask_text


T = TypeVar("T")


class LedgerEntry(BaseModel):
    """One certificate in the ledger, with the dates its renewal depends on."""

    model_config = ConfigDict(extra="forbid")

    kind: str  # a key of rules.yaml ``kinds``
    kind_zh: str
    holder: Literal["company", "person"]
    company: str | None = None  # the holder, or the person's employer
    uscc: str | None = None
    name: str | None = None  # person entries
    id_number: str | None = None
    number: str | None = None  # certificate / registration / licence number
    detail: str | None = None  # the distinct_by value (occupation …)
    issued: date | None = None
    valid_until: date | None = None  # last valid day; None: no expiry (or none read)
    long_term: bool = False  # 长期
    expiry_read: bool = True  # False: the kind expires but no date was read
    deadline: date | None = None  # last day to file the renewal
    alert_from: date | None = None  # first day the renewal must be under way
    lead_zh: str = ""  # the lead time, for people ("3 个月")
    sha256: str
    first_page: int = 1
    file: str
    applications: list[str] = Field(default_factory=list)
    superseded: list[str] = Field(default_factory=list)  # sha256 of older documents of this entry

    def status(self, as_of: date) -> Status:
        if self.valid_until is None:
            return "ok" if self.expiry_read else "unknown"
        return renewal_status(self.valid_until, self.deadline, self.alert_from, as_of)

    @property
    def holder_zh(self) -> str:
        return (self.name if self.holder == "person" else self.company) or "?"

    def masked(self) -> LedgerEntry:
        """This entry with its ID number masked, in its file's path too (for lists and screens, not
        for the filing)."""
        return self.model_copy(update={"id_number": mask_id(self.id_number) if self.id_number else None,
                                       "file": mask_text(self.file)})


def _entry(d: ArchivedDocument, code: str, kind: Kind, ids: Identities,
           companies: dict[str, ArchivedApplication]) -> tuple[tuple, LedgerEntry]:
    issued = d.date(*kind.issued)
    valid_until = d.date(*kind.expires)
    long_term = valid_until is None and d.is_long_term(*kind.expires)
    if valid_until is None and not long_term and kind.usage_days and issued is not None:
        valid_until = issued + timedelta(days=kind.usage_days)
    employer = d.text("company_name")
    if employer is None:  # a worker's certificate names no employer: the filing company's
        employer = next((companies[f.application].company_name for f in d.filings
                         if f.application in companies and companies[f.application].company_name), None)
    company_key, uscc = ids.company(employer, d.text("uscc"))
    name = id_number = None
    if kind.holder == "person":
        name = d.text("name")
        holder_key, id_number = ids.person(name, d.text("id_number"))
    else:
        holder_key = company_key
    detail = "、".join(v for v in (d.text(f) for f in kind.distinct_by) if v) or None
    entry = LedgerEntry(
        kind=code, kind_zh=kind.name_zh, holder=kind.holder, company=employer, uscc=uscc, name=name,
        id_number=id_number, number=d.text(*kind.number), detail=detail, issued=issued,
        valid_until=valid_until, long_term=long_term,
        expiry_read=not kind.expires or valid_until is not None or long_term,
        deadline=kind.deadline(valid_until) if valid_until else None,
        alert_from=kind.alert_from(valid_until) if valid_until else None,
        lead_zh=kind.file_before.zh() if kind.expires else "",
        sha256=d.sha256, first_page=d.doc.first_page, file=d.file, applications=d.applications)
    return (code, holder_key, detail), entry


def _newness(entry: LedgerEntry, received_at: datetime) -> tuple:
    return (entry.issued or date.min, entry.valid_until or date.min, received_at, entry.sha256)


def build_ledger(documents: Iterable[ArchivedDocument], applications: Iterable[ArchivedApplication],
                 rules: LedgerRules) -> list[LedgerEntry]:
    """The ledger of ``documents``: one entry per kind and holder, the newest document winning."""
    documents = list(documents)
    applications = list(applications)
    ids = Identities(documents, applications)
    companies = {app.name: app for app in applications}
    groups: dict[tuple, list[tuple[tuple, LedgerEntry]]] = {}
    for d in documents:
        for code, kind in rules.kinds_for(d.doc_type):
            key, entry = _entry(d, code, kind, ids, companies)
            groups.setdefault(key, []).append((_newness(entry, d.received_at), entry))
    ledger = []
    for candidates in groups.values():
        candidates.sort(key=lambda c: c[0], reverse=True)
        newest = candidates[0][1]
        older = [e.sha256 for _, e in candidates[1:] if e.sha256 != newest.sha256]
        ledger.append(newest.model_copy(update={"superseded": older}))
    ledger.sort(key=lambda e: (e.company or "", e.holder != "company", e.name or "", e.kind, e.detail or ""))
    return ledger


def load_ledger(session: Session, rules: LedgerRules | None = None, *,
                company: str | None = None) -> list[LedgerEntry]:
    """The ledger of the whole archive (of companies whose name or USCC contains ``company``)."""
    rules = rules or load_rules()
    doc_types = {kind.doc_type for kind in rules.kinds.values()}
    entries = build_ledger(load_documents(session, doc_types=doc_types), load_applications(session), rules)
    return of_company(entries, company) if company else entries


def of_company(items: list[T], company: str) -> list[T]:
    """The items (entries, alerts) of companies whose name contains, or whose USCC is, ``company``."""
    return [item for item in items if company in (item.company or "") or company == item.uscc]


def expiring(entries: Iterable[LedgerEntry], *, as_of: date,
             within_days: int) -> list[tuple[LedgerEntry, Status]]:
    """Entries ending within ``within_days`` of ``as_of``, plus every entry whose status is not
    ok whatever its date (a renewal already late must not hide behind a short window); most
    urgent first."""
    horizon = as_of + timedelta(days=within_days)
    chosen = []
    for entry in entries:
        status = entry.status(as_of)
        if status != "ok" or (entry.valid_until is not None and entry.valid_until <= horizon):
            chosen.append((entry, status))
    chosen.sort(key=lambda pair: (pair[0].valid_until or date.max, STATUS_ORDER[pair[1]],
                                  pair[0].company or "", pair[0].name or ""))
    return chosen
