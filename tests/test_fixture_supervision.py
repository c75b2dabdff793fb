"""The fixtures seed every 动态监管 code of issue 18, and the clean sample raises none of them.

Validation runs on each sample's documents as its truth says they read (no OCR: the extraction
of these files is tested elsewhere), with the built-in checklist ``dossier check`` would choose;
the findings of the new codes must be exactly the seeded defects, by code and subject.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from dossier.assemble.checklist import checklist_for
from dossier.intake.spec import load_spec
from dossier.model import ApplicationSpec, ExtractedDocument, ExtractedField
from dossier.validate import DocumentFacts, params_for, validate_application
from fixtures import load_truth

NEW = {"QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED", "SOCIAL_INSURANCE_ELSEWHERE", "PROJECT_CATEGORY_UNKNOWN"}


def as_read(name: str) -> tuple[ApplicationSpec, list[DocumentFacts]]:
    folder = FIXTURES / name
    spec = load_spec(folder / "application.yaml").spec  # as dossier reads it: sample-clean's own standard file
    docs = []
    for path, entry in load_truth(folder)["files"].items():
        for doc in entry["documents"]:
            fields = {k: ExtractedField(value=v, raw=str(v), confidence=0.99, page=doc["pages"][0])
                      for k, v in doc["fields"].items()}
            docs.append(DocumentFacts(document=ExtractedDocument(
                file=path, sha256=entry["sha256"], doc_type=doc["doc_type"], doc_type_confidence=0.99,
                pages=len(doc["pages"]), first_page=doc["pages"][0], fields=fields, records=doc["records"])))
    return spec, docs


@pytest.mark.parametrize("name", ["sample-upgrade", "sample-renewal", "sample-clean"])
def test_the_new_codes_fall_exactly_on_the_seeded_defects(name):
    spec, docs = as_read(name)
    found = validate_application(spec, docs, params_for(spec, checklist_for(spec).overrides()))
    seeded = {(d["code"], d["subject"]) for d in load_truth(FIXTURES / name)["defects"] if d["code"] in NEW}
    assert {(d.code, d.subject) for d in found if d.code in NEW} == seeded
    if name == "sample-clean":
        assert seeded == set()
    if name == "sample-renewal":
        assert {code for code, _ in seeded} == NEW


# Codes that need the files themselves (images, PDF revisions) or a doubtful reading: the truth
# as read has neither, so their seeded defects cannot show here.
FILE_CODES = {"DUPLICATE_IMAGE", "TAMPER_SIGNS", "LOW_CONFIDENCE"}


@pytest.mark.parametrize("name", ["sample-upgrade", "sample-renewal", "sample-clean"])
def test_read_as_the_truth_says_every_finding_is_a_seeded_defect(name):
    spec, docs = as_read(name)
    found = {(d.code, d.subject) for d in validate_application(spec, docs, params_for(spec, checklist_for(spec).overrides()))}
    seeded = {(d["code"], d["subject"]) for d in load_truth(FIXTURES / name)["defects"]}
    assert found - seeded == set()
    assert {s for s in seeded - found if s[0] not in FILE_CODES} == set()
