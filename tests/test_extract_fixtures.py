"""Real OCR + extraction on one fixture file per document type, checked against the truth.

Scans are preferred, so every document type is read through PP-OCR at least once. The rule from
the extraction issue is enforced exactly: an ID number or USCC is never wrong without a flag
(low confidence or a proposed repair); the document type is always right.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from dossier.config import load_settings
from dossier.intake.sniff import sniff
from dossier.model import DOC_TYPES
from dossier.store.archive import hash_file
from dossier.workers.stages import analyse_file
from fixtures import load_truth

SCAN_FORMS = ("scan_image", "scan_pdf", "tiff", "multi_pdf")
EXACT_FIELDS = ("name", "company_name")  # printed large and clean on every fixture
IDENTIFIERS = ("id_number", "uscc")


def _pick() -> dict[str, tuple[str, str, dict]]:
    """doc_type -> (application, file, truth document), a scanned file where one exists."""
    chosen: dict[str, tuple[int, str, str, dict]] = {}
    for app in ("sample-upgrade", "sample-renewal", "sample-clean"):
        truth = load_truth(FIXTURES / app)
        for rel, entry in truth["files"].items():
            rank = 0 if entry["form"] in SCAN_FORMS else 1
            for doc in entry["documents"]:
                best = chosen.get(doc["doc_type"])
                if best is None or rank < best[0]:
                    chosen[doc["doc_type"]] = (rank, app, rel, doc)
    return {k: v[1:] for k, v in chosen.items()}


PICKS = _pick()


def test_every_document_type_has_a_fixture_file():
    assert set(PICKS) == set(DOC_TYPES)


@pytest.fixture(scope="module")
def ocr_settings(tmp_path_factory):
    return load_settings(home=tmp_path_factory.mktemp("home"), ocr_processes=2)


@pytest.fixture(scope="module")
def pool(ocr_settings):
    from dossier.extract.ocr.pool import OcrPool

    with OcrPool(ocr_settings) as running:
        yield running


@pytest.mark.ocr
@pytest.mark.parametrize("doc_type", sorted(DOC_TYPES))
def test_real_ocr_reads_each_document_type(doc_type, ocr_settings, pool):
    app, rel, truth_doc = PICKS[doc_type]
    path = FIXTURES / app / rel
    sha, _ = hash_file(path)
    _, docs = analyse_file(path, sha256=sha, media_type=sniff(path), name=rel, settings=ocr_settings, ocr=pool)
    got = next((d for d in docs if d.first_page == truth_doc["pages"][0]), None)
    assert got is not None, f"{rel}: no document starting on page {truth_doc['pages'][0]}"
    assert got.doc_type == doc_type, f"{rel}: classified {got.doc_type}"
    for name in IDENTIFIERS:
        if name in truth_doc["fields"]:
            field = got.fields.get(name)
            assert field is not None, f"{rel}: {name} not read"
            flagged = field.confidence < ocr_settings.low_confidence or field.suggestion is not None
            assert field.value == truth_doc["fields"][name] or flagged, f"{rel}: {name} silently wrong"
    for name in EXACT_FIELDS:
        if name in truth_doc["fields"] and name in got.fields:
            assert got.fields[name].value == truth_doc["fields"][name], f"{rel}: {name}"
    if truth_doc.get("records"):
        assert {r["id_number"] for r in got.records} >= {r["id_number"] for r in truth_doc["records"]}
