"""Hand-made inputs for the validation tests.

``clean_application()`` builds an upgrade application (建筑工程施工总承包三级, held to the reduced
sample standard ``fixtures/sample-standard.yaml``) whose documents all agree: validation finds nothing. A test breaks one thing with ``replace_field`` / ``drop`` and
asserts exactly the code it expects.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from dossier.model import ApplicationSpec, ExtractedDocument, ExtractedField, RosterEntry
from dossier.validate import DocumentFacts, params_for, validate_application
from dossier.validate.identifiers import make_id_number, make_uscc
from fixtures import SAMPLE_STANDARD

FILING = date(2026, 12, 1)
COMPANY = "北京华建建设工程有限公司"
USCC = make_uscc("91", "110108", "MA01EXA7")
QUALIFICATION = "建筑工程施工总承包三级"
WINDOW = ["2026-09", "2026-10", "2026-11"]


def fld(value, confidence: float = 0.99, page: int = 1, suggestion: str | None = None) -> ExtractedField:
    return ExtractedField(value=value, raw=str(value), confidence=confidence, page=page,
                          bbox=(10.0, 20.0, 110.0, 40.0), suggestion=suggestion)


def doc(doc_type: str | None, *, records: list[dict] | None = None, errors: list[str] | None = None,
        sha: str | None = None, first_page: int = 1, pages: int = 1, file=None,
        text_agreement: dict[int, float] | None = None, **fields) -> DocumentFacts:
    """A document whose fields are given as values (or ready ExtractedFields)."""
    built = {k: v if isinstance(v, ExtractedField) else fld(v) for k, v in fields.items()}
    sha = sha or hashlib.sha256(repr((doc_type, sorted(fields.items()), records)).encode()).hexdigest()
    extracted = ExtractedDocument(file=f"{doc_type}-{sha[:6]}.pdf", sha256=sha, doc_type=doc_type,
                                  doc_type_confidence=0.99, pages=pages, first_page=first_page,
                                  fields=built, records=records or [], errors=errors or [])
    return DocumentFacts(document=extracted, file=file, text_agreement=text_agreement or {})


def replace_field(d: DocumentFacts, **changes) -> DocumentFacts:
    """A copy of ``d`` with fields replaced (a value, an ExtractedField, or None to remove)."""
    fields = dict(d.document.fields)
    for name, value in changes.items():
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value if isinstance(value, ExtractedField) else fld(value)
    return d.model_copy(update={"document": d.document.model_copy(update={"fields": fields})})


@dataclass
class Person:
    name: str
    role: str
    birth: date
    seq: int
    specialty: str | None = None
    gender: str = field(init=False)
    id_number: str = field(init=False)

    def __post_init__(self):
        self.id_number = make_id_number("110101", self.birth, self.seq)
        self.gender = "男" if self.seq % 2 else "女"

    def entry(self) -> RosterEntry:
        return RosterEntry(name=self.name, id_number=self.id_number, role=self.role, specialty=self.specialty)

    def id_card(self) -> DocumentFacts:
        return doc("id_card", name=self.name, gender=self.gender, birth_date=self.birth.isoformat(),
                   id_number=self.id_number, valid_from="2020-01-01", valid_until="长期")

    def role_document(self) -> DocumentFacts:
        if self.role == "registered_constructor":
            return doc("constructor_certificate", name=self.name, gender=self.gender,
                       birth_date=self.birth.isoformat(), registration_number=f"京1{self.seq:011d}",
                       company_name=COMPANY, specialties=[self.specialty or "建筑工程"], level="二级",
                       issue_date="2026-09-01", specialty_valid_until="2029-09-01",
                       usage_valid_until="2027-03-01")
        if self.role in ("titled_staff", "technical_lead"):
            return doc("title_certificate", name=self.name, gender=self.gender,
                       birth_date=self.birth.isoformat(), id_number=self.id_number, company_name=COMPANY,
                       specialty="建筑结构", title="工程师", level="中级", cert_number=f"T{self.seq:06d}")
        return doc("worker_certificate", name=self.name, id_number=self.id_number, occupation="钢筋工",
                   level="四级", cert_number=f"W{self.seq:06d}", issue_date="2024-05-01")

    def row(self, months=WINDOW) -> dict:
        return {"name": self.name, "id_number": self.id_number, "insurance_types": ["养老"],
                "months": list(months)}


PEOPLE = [
    Person("张伟", "technical_lead", date(1975, 3, 7), 123),
    Person("李娜", "registered_constructor", date(1982, 6, 1), 246, "建筑工程"),
    Person("王强", "registered_constructor", date(1985, 1, 15), 371, "建筑工程"),
    Person("刘洋", "titled_staff", date(1990, 8, 20), 482),
    Person("陈静", "titled_staff", date(1988, 11, 30), 562),
    Person("杨帆", "skilled_worker", date(1992, 2, 2), 611),
    Person("赵磊", "skilled_worker", date(1980, 12, 12), 733),
]


def company_documents() -> list[DocumentFacts]:
    return [
        doc("business_license", company_name=COMPANY, uscc=USCC, legal_representative="周建国",
            registered_capital="50000000.00", established_date="2010-05-01", business_term_until="长期", issue_date="2021-03-01"),
        doc("qualification_certificate", company_name=COMPANY, uscc=USCC, cert_number="D311000001",
            qualifications=[QUALIFICATION], issue_date="2024-03-01", valid_until="2029-03-01"),
        doc("safety_production_license", license_number="（京）JZ安许证字〔2020〕000115",
            company_name=COMPANY, issue_date="2024-06-01", valid_until="2027-12-31"),
    ]


def project_documents(name: str = "华府小区1#楼工程", manager: str = "李娜") -> list[DocumentFacts]:
    return [
        doc("bid_award_notice", project_name=name, winner=COMPANY, amount="12345678.00",
            project_manager=manager, issue_date="2023-01-10", tenderee="华府置业有限公司"),
        doc("project_contract", project_name=name, employer="华府置业有限公司", contractor=COMPANY,
            contract_amount="12345678.00", contract_amount_words="12345678.00", sign_date="2023-01-20",
            start_date="2023-02-01", completion_date="2024-06-30", project_manager=manager),
        doc("completion_acceptance", project_name=name, contractor=COMPANY, acceptance_date="2024-07-15",
            project_manager=manager, result="合格"),
    ]


def insurance_record(rows: list[dict], payer: str = COMPANY) -> DocumentFacts:
    return doc("social_insurance_record", records=rows, company_name=payer, uscc=USCC,
               period_from="2026-09", period_to="2026-11", issue_date="2026-11-20")


@dataclass
class Application:
    spec: ApplicationSpec
    documents: list[DocumentFacts]

    def run(self, overrides: dict | None = None):
        return validate_application(self.spec, self.documents, params_for(self.spec, overrides))

    def codes(self, overrides: dict | None = None) -> list[str]:
        return [d.code for d in self.run(overrides)]

    def swap(self, old: DocumentFacts, new: DocumentFacts | None) -> Application:
        """A copy with ``old`` replaced by ``new`` (or removed when None)."""
        docs = [new if d is old else d for d in self.documents]
        return Application(self.spec, [d for d in docs if d is not None])

    def add(self, *extra: DocumentFacts) -> Application:
        return Application(self.spec, [*self.documents, *extra])

    def with_spec(self, **changes) -> Application:
        return Application(self.spec.model_copy(update=changes), self.documents)

    def find(self, doc_type: str, name: str | None = None) -> DocumentFacts:
        return next(d for d in self.documents
                    if d.doc_type == doc_type and (name is None or d.text("name") == name))


def clean_application(people: list[Person] = PEOPLE) -> Application:
    # held to the reduced sample standard, like the fixtures: the real 三级 counts need dozens of people
    spec = ApplicationSpec(company_name=COMPANY, uscc=USCC, application_type="upgrade",
                           qualifications=[QUALIFICATION], filing_date=FILING,
                           roster=[p.entry() for p in people], standards=[str(SAMPLE_STANDARD)])
    documents = company_documents() + project_documents()
    for p in people:
        documents += [p.id_card(), p.role_document()]
    documents.append(insurance_record([p.row() for p in people]))
    return Application(spec, documents)
