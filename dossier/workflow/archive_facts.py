"""What the rest of the archive tells about one application (``dossier.validate.archive_facts``).

Its roster people as other companies' files show them, for SOCIAL_INSURANCE_ELSEWHERE: another
company's application listing the person (its roster, on its filing date), a certificate or
labour contract naming another employer (on its issue or signing date), another payer's 社保
statement (its months). Which units count as the applicant (a branch, by policy) is the rule's
call, so every other unit is collected. And the applicant's own 资质证书 filed under its other
applications (same USCC, or same name), for what it held on its projects' dates. Documents filed
under the application itself are its own, validated there.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from dossier.ledger.documents import ArchivedDocument, load_applications, load_documents, parse_date
from dossier.model import ApplicationSpec, Evidence
from dossier.validate.archive_facts import Appearance, ArchiveFacts
from dossier.validate.facts import DocumentFacts
from dossier.validate.evidence import SPEC_SOURCE

# doc_type -> (field naming the unit, field dating it)
_NAMING = {"constructor_certificate": ("company_name", "issue_date"), "title_certificate": ("company_name", "qualified_date"),
           "labor_contract": ("company_name", "sign_date"), "social_insurance_record": ("company_name", None)}


CERTIFICATE = "qualification_certificate"
# the applicant's own documents that count wherever they were filed: 业绩 and 审计报告 (assess)
RECORD_FIELDS = {"bid_award_notice": "winner", "project_contract": "contractor", "completion_acceptance": "contractor",
                 "audit_report": "company_name"}


def archive_facts(session: Session, name: str, spec: ApplicationSpec) -> ArchiveFacts:
    """What the archive outside application ``name`` tells about it (see the module docstring)."""
    history = [DocumentFacts(document=doc.doc) for doc in load_documents(session, doc_types=[CERTIFICATE])
               if name not in doc.applications and _applicant(doc, spec)]
    return ArchiveFacts(appearances=tuple(_appearances(session, name, spec)), certificates=tuple(history))


def company_records(session: Session, name: str, spec: ApplicationSpec) -> list[DocumentFacts]:
    """The applicant's 业绩 documents and 审计报告 filed under its other applications: the
    company's record is the archive's, not one filing's."""
    return [DocumentFacts(document=doc.doc) for doc in load_documents(session, doc_types=RECORD_FIELDS)
            if name not in doc.applications and doc.text(RECORD_FIELDS[doc.doc_type]) == spec.company_name]


def _applicant(doc: ArchivedDocument, spec: ApplicationSpec) -> bool:
    uscc = (doc.text("uscc") or "").upper()
    return uscc == spec.uscc.upper() if uscc else doc.text("company_name") == spec.company_name


def _appearances(session: Session, name: str, spec: ApplicationSpec) -> list[Appearance]:
    """Where the archive shows ``spec``'s roster people outside application ``name``."""
    wanted = {e.id_number.upper() for e in spec.roster}
    found: list[Appearance] = []
    for app in load_applications(session):
        if app.name == name or (app.uscc or "").upper() == spec.uscc.upper() or app.company_name == spec.company_name:
            continue
        for i, entry in enumerate(app.roster):
            number = str(entry.get("id_number") or "").upper()
            if number in wanted:
                found.append(Appearance(id_number=number, name=entry.get("name"), company=app.company_name or app.name,
                                        kind="roster", application=app.name, day=app.filing_date,
                                        evidence=Evidence(sha256=f"{SPEC_SOURCE}@{app.name}",
                                                          field=f"roster[{i}].id_number", value=number)))
    for doc in load_documents(session, doc_types=_NAMING):
        if name in doc.applications:
            continue
        found += _of_document(doc, wanted)
    return found


def _of_document(doc: ArchivedDocument, wanted: set[str]) -> list[Appearance]:
    unit_field, date_field = _NAMING[doc.doc_type]
    unit = doc.text(unit_field)
    if not unit:
        return []
    filed = doc.applications[0] if doc.applications else doc.file
    if doc.doc_type == "social_insurance_record":
        return [Appearance(id_number=str(row.get("id_number")).upper(), name=row.get("name"), company=unit,
                           kind="statement", application=filed, months=tuple(str(m) for m in row.get("months") or []),
                           evidence=Evidence(sha256=doc.sha256, field=f"records[{i}].months",
                                             value=",".join(str(m) for m in row.get("months") or [])))
                for i, row in enumerate(doc.doc.records) if str(row.get("id_number") or "").upper() in wanted]
    number = (doc.text("id_number") or "").upper()
    if number not in wanted:
        return []
    return [Appearance(id_number=number, name=doc.text("name"), company=unit, kind="certificate", application=filed,
                       day=parse_date(doc.text(date_field) or ""),
                       evidence=Evidence(sha256=doc.sha256, field=unit_field, value=unit))]
