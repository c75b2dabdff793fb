"""The reader on documents laid out by someone else: one application of the second fixture family
(``fixtures/variants``, a tuning seed), built here, read by the real pipeline (issue 14).

The born-digital forms (reportlab, Word, Chromium- and LibreOffice-printed PDFs) must read exactly;
each class of document the first family never showed has a case read with real OCR: a scan whose
text layer another engine made, an ID card's spaced birth date, a booklet whose title OCR reads in
traditional glyphs, a phone photo of a label-over-value certificate. A value that is wrong must
never carry confidence >= 0.9.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import need
from dossier.config import load_settings
from dossier.extract.ocr import InlineOcr
from dossier.intake.sniff import sniff
from dossier.store.archive import hash_file
from dossier.workers.stages import analyse_file
from fixtures import load_truth
from fixtures.compare import canonical

SEED, SLUG = 11, "v11-clean-upgrade"  # a tuning seed: never one of MEASURE_SEEDS
BORN_DIGITAL = {"text_pdf", "docx", "html_pdf", "lo_pdf"}
TRUSTED = 0.9


@pytest.fixture(scope="module")
def application(tmp_path_factory) -> tuple[Path, dict]:
    from fixtures.variants import MEASURE_SEEDS, build
    from fixtures.variants.production import chromium_available, libreoffice_available, sandwich_available

    assert SEED not in MEASURE_SEEDS
    need(chromium_available(), "Debian chromium (/usr/bin/chromium)")
    need(libreoffice_available(), "LibreOffice (soffice)")
    need(sandwich_available(), "tesseract with chi_sim")
    out = tmp_path_factory.mktemp("variants")
    build(out, SEED, only=[SLUG])
    return out / SLUG, load_truth(out / SLUG)


@pytest.fixture(scope="module")
def settings(tmp_path_factory):
    return load_settings(home=tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="module")
def ocr(settings):
    return InlineOcr(settings)


def _read(folder: Path, rel: str, settings, ocr):
    path = folder / rel
    sha, _ = hash_file(path)
    return analyse_file(path, sha256=sha, media_type=sniff(path), name=rel, settings=settings, ocr=ocr)


def _differences(truth_entry: dict, docs) -> tuple[list[str], list[str]]:
    """(every wrong or missing value, the wrong ones given with confidence >= 0.9)."""
    by_page = {d.first_page: d for d in docs}
    wrong, confident = [], []
    for expected in truth_entry["documents"]:
        got = by_page.get(expected["pages"][0])
        if got is None or got.doc_type != expected["doc_type"]:
            wrong.append(f"doc_type {got.doc_type if got else None} != {expected['doc_type']}")
            continue
        for name, printed in expected["fields"].items():
            want = canonical(expected["doc_type"], name, printed)
            field = got.fields.get(name)
            if field is None or field.value != want:
                wrong.append(f"{name} = {field.value if field else None!r} (want {want!r})")
                if field is not None and field.value is not None and field.confidence >= TRUSTED \
                        and field.suggestion is None:
                    confident.append(f"{name} = {field.value!r} at {field.confidence:.2f}")
        records = {(r["id_number"], r["name"]): r["months"] for r in got.records}
        for row in expected.get("records") or []:
            if records.get((row["id_number"], row["name"])) != row["months"]:
                wrong.append(f"record {row['name']}")
    return wrong, confident


def test_born_digital_forms_read_exactly(application, settings, ocr):
    folder, truth = application
    files = [rel for rel, entry in truth["files"].items() if entry["form"] in BORN_DIGITAL]
    assert {truth["files"][rel]["form"] for rel in files} == BORN_DIGITAL  # every production path
    misses = {}
    for rel in files:
        _, docs = _read(folder, rel, settings, ocr)
        wrong, _ = _differences(truth["files"][rel], docs)
        if wrong:
            misses[rel] = wrong
    assert misses == {}


@pytest.mark.parametrize("form, doc_type, check", [
    # scanner software's own OCR as an invisible text layer: we read the image instead
    ("sandwich_pdf", "completion_acceptance", "ocr_page"),
    # an ID card photocopy: birth date printed 1977 年 8 月 13 日, boxes apart
    ("scan_image", "id_card", "birth_date"),
    # a booklet whose title OCR reads in traditional glyphs (資格证書)
    ("scan_image", "title_certificate", "classified"),
    # a phone photo, with perspective, of a certificate whose labels stand over their values
    ("photo", "worker_certificate", "classified"),
])
def test_a_class_of_scan_reads_right_or_says_it_doubts(application, settings, ocr, form, doc_type, check):
    folder, truth = application
    rel = next(rel for rel, entry in truth["files"].items()
               if entry["form"] == form and entry["documents"][0]["doc_type"] == doc_type)
    text, docs = _read(folder, rel, settings, ocr)
    wrong, confident = _differences(truth["files"][rel], docs)
    assert confident == [], rel
    assert not [w for w in wrong if w.startswith("doc_type")], rel
    if check == "ocr_page":
        assert all(page.source == "ocr" for page in text.pages)
        assert wrong == [], rel
    elif check == "birth_date":
        assert not [w for w in wrong if w.startswith(("birth_date", "id_number", "name"))], rel
