"""The committed fixtures: reproducible, complete, and true to their truth (beside each folder)."""

from __future__ import annotations

import hashlib
import io
import json
import os
from datetime import date, timedelta
from pathlib import Path

import pikepdf
import pypdf
import pypdfium2 as pdfium
import pytest
import yaml
import zxingcpp
from conftest import FIXTURES, need
from docx import Document
from PIL import Image

from dossier.intake.spec import load_spec
from dossier.model import DOC_TYPES
from dossier.validate.identifiers import id_info, is_valid_id_number, is_valid_uscc
from fixtures import SAMPLE_STANDARD, load_truth, truth_path
from fixtures.generate import build
from fixtures.generate.bad_inputs import create_hostile_files
from fixtures.generate.fonts import font_available

SAMPLES = ("sample-upgrade", "sample-renewal", "sample-clean")
PERSON_CODES = {"ID_CHECKSUM", "ID_BIRTHDATE_MISMATCH", "ID_GENDER_MISMATCH", "NAME_MISMATCH", "ID_MISMATCH",
                "EMPLOYER_MISMATCH", "ECERT_USAGE_EXPIRED", "SOCIAL_INSURANCE_MISSING", "SOCIAL_INSURANCE_GAP",
                "AGE_LIMIT", "PERSON_DOUBLE_COUNTED", "QR_MISMATCH", "MISSING_DOCUMENT", "SOCIAL_INSURANCE_ELSEWHERE"}
COMPANY_CODES = {"USCC_CHECKSUM", "USCC_MISMATCH", "CERT_EXPIRED", "CERT_EXPIRING", "HEADCOUNT_SHORT"}
DOCUMENT_CODES = {"DATE_ORDER", "AMOUNT_WORDS_MISMATCH", "PROJECT_MISMATCH", "DUPLICATE_IMAGE", "TAMPER_SIGNS",
                  "LOW_CONFIDENCE", "QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED", "PROJECT_CATEGORY_UNKNOWN"}
ALL_CODES = PERSON_CODES | COMPANY_CODES | DOCUMENT_CODES


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load(name: str) -> tuple[dict, dict]:
    folder = FIXTURES / name
    app = yaml.safe_load((folder / "application.yaml").read_text(encoding="utf-8"))
    return load_truth(folder), app


def documents(truth: dict):
    for rel, entry in truth["files"].items():
        for doc in entry["documents"]:
            yield rel, entry, doc


def files_under(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): sha256(p) for p in sorted(folder.rglob("*")) if p.is_file()}


# --- reproducibility --------------------------------------------------------------------------


def test_regeneration_is_byte_identical(tmp_path):
    need(font_available(), "CJK font /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc")
    build(tmp_path, seed=7, only=["sample-clean", "bad"])
    for part in ("sample-clean", "bad"):
        assert files_under(tmp_path / part) == files_under(FIXTURES / part), part
    assert (tmp_path / SAMPLE_STANDARD.name).read_bytes() == SAMPLE_STANDARD.read_bytes()
    assert truth_path(tmp_path / "sample-clean").read_bytes() == truth_path(FIXTURES / "sample-clean").read_bytes()


# --- truth --------------------------------------------------------------------------------------


def test_truth_covers_every_doc_type_and_code():
    doc_types, codes = set(), set()
    for name in SAMPLES:
        truth, _ = load(name)
        assert truth["application"] == name
        doc_types |= {doc["doc_type"] for _, _, doc in documents(truth)}
        codes |= {d["code"] for d in truth["defects"]}
    assert doc_types == set(DOC_TYPES)
    # HEADCOUNT_SHORT is seeded nowhere: only the clean sample is at a level the regime counts heads
    # at (三级); test_validate_headcount_regime holds it to the real counts without its sample standard.
    assert codes == ALL_CODES - {"HEADCOUNT_SHORT"}
    upgrade, _ = load("sample-upgrade")
    assert {doc["doc_type"] for _, _, doc in documents(upgrade)} == set(DOC_TYPES)


def test_every_form_appears():
    forms = {entry["form"] for name in SAMPLES for entry in load(name)[0]["files"].values()}
    assert forms == {"text_pdf", "scan_image", "scan_pdf", "tiff", "docx", "multi_pdf"}


@pytest.mark.parametrize("name", SAMPLES)
def test_identifiers_pass_or_fail_as_truth_says(name):
    truth, _ = load(name)
    for ident in truth["identifiers"]:
        check = is_valid_id_number if ident["kind"] == "id_number" else is_valid_uscc
        assert check(ident["value"]) is ident["valid"], ident


@pytest.mark.parametrize("name", SAMPLES)
def test_every_printed_identifier_is_listed(name):
    truth, app = load(name)
    listed = {i["value"] for i in truth["identifiers"]}
    assert app["uscc"] in listed
    for _, _, doc in documents(truth):
        for key in ("id_number", "uscc"):
            if key in doc["fields"]:
                assert doc["fields"][key] in listed
        for record in doc["records"]:
            assert record["id_number"] in listed


@pytest.mark.parametrize("name", SAMPLES)
def test_defect_subjects_follow_the_rules(name):
    truth, app = load(name)
    roster_ids = {r["id_number"] for r in app["roster"]}
    for d in truth["defects"]:
        if d["code"] in DOCUMENT_CODES or d.get("subject_file"):
            # a person code can fall on a document too: EMPLOYER_MISMATCH on another payer's statement
            assert d["subject"] == sha256(FIXTURES / name / d["subject_file"]), d
        elif d["code"] in PERSON_CODES:
            assert d["subject"] in roster_ids, d
        else:
            assert d["code"] in COMPANY_CODES and d["subject"] == app["uscc"], d
        if d["file"]:
            assert (FIXTURES / name / d["file"]).is_file(), d


def test_seeded_defects_are_really_there():
    truth, app = load("sample-upgrade")
    filing = app["filing_date"]
    by_code = {d["code"]: d for d in truth["defects"]}
    assert not is_valid_id_number(by_code["ID_CHECKSUM"]["subject"])
    old = id_info(by_code["AGE_LIMIT"]["subject"]).birth_date
    assert (filing - old).days > 60 * 365.25
    docs = {(rel, doc["doc_type"]): doc["fields"] for rel, _, doc in documents(truth)}
    contract = docs[(by_code["AMOUNT_WORDS_MISMATCH"]["subject_file"], "project_contract")]
    assert contract["contract_amount"] != contract["contract_amount_words"]
    dated = docs[(by_code["DATE_ORDER"]["subject_file"], "project_contract")]
    assert dated["completion_date"] < dated["start_date"]
    qr = next(f for (rel, t), f in docs.items() if rel == by_code["QR_MISMATCH"]["file"] and t == "constructor_certificate")
    assert json.loads(qr["qr_payload"])["registration_number"] != qr["registration_number"]
    renewal, rapp = load("sample-renewal")
    for d in renewal["defects"]:
        if d["code"] in ("CERT_EXPIRED", "CERT_EXPIRING"):
            (doc,) = [doc for rel, _, doc in documents(renewal) if rel == d["file"]]
            until = date.fromisoformat(doc["fields"]["valid_until"])
            assert (until < rapp["filing_date"]) is (d["code"] == "CERT_EXPIRED")
            assert until < rapp["filing_date"] + timedelta(days=180)


def test_clean_sample_is_clean():
    truth, app = load("sample-clean")
    filing, name = app["filing_date"], app["company_name"]
    assert truth["defects"] == []
    assert all(i["valid"] for i in truth["identifiers"])
    window = (filing.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")  # new: the month before filing
    (statement,) = [doc for _, _, doc in documents(truth) if doc["doc_type"] == "social_insurance_record"]
    assert statement["fields"]["company_name"] == name
    paid = {r["id_number"]: r["months"] for r in statement["records"]}
    for person in app["roster"]:
        born = id_info(person["id_number"]).birth_date
        assert (filing - born).days < 60 * 365
        assert window in paid[person["id_number"]]
    for _, _, doc in documents(truth):
        f = doc["fields"]
        for key in ("valid_until", "specialty_valid_until"):
            if f.get(key) and f[key] != "长期":
                assert date.fromisoformat(f[key]) > filing + timedelta(days=180), (doc["doc_type"], key)
        if "usage_valid_until" in f:
            assert date.fromisoformat(f["usage_valid_until"]) > filing
        for key in ("company_name",):
            if doc["doc_type"] in ("constructor_certificate", "title_certificate", "labor_contract"):
                assert f[key] == name


# --- files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_application_yaml_parses(name):
    truth, app = load(name)
    spec = load_spec(FIXTURES / name / "application.yaml").spec
    assert spec.roster and spec.uscc == app["uscc"]
    keys = {"company_name", "uscc", "application_type", "qualifications", "filing_date", "roster"}
    # the clean sample (三级, where heads are counted) names the reduced sample standard beside it
    assert set(app) == keys | ({"standards"} if name == "sample-clean" else set())
    assert spec.standards == ([str(SAMPLE_STANDARD)] if name == "sample-clean" else [])


@pytest.mark.parametrize("name", SAMPLES)
def test_files_exist_with_recorded_hash(name):
    truth, _ = load(name)
    on_disk = set(files_under(FIXTURES / name)) - {"application.yaml"}
    assert on_disk == set(truth["files"])  # the folder holds the application's files, not its truth
    for rel, entry in truth["files"].items():
        assert sha256(FIXTURES / name / rel) == entry["sha256"], rel


def test_truth_lies_beside_any_application_folder(tmp_path, monkeypatch):
    for name in SAMPLES:
        assert truth_path(FIXTURES / name) == FIXTURES / f"{name}.truth.json"
        assert truth_path(FIXTURES / name).is_file() and not (FIXTURES / name / "truth.json").exists()
    assert truth_path("inbox/升级2026/") == Path("inbox/升级2026.truth.json")
    folder = tmp_path / "升级2026"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert truth_path(".") == truth_path(folder.resolve()) == tmp_path.resolve() / "升级2026.truth.json"


def _scan_dpis(path: Path, form: str) -> list[float]:
    if form in ("scan_image", "tiff"):
        with Image.open(path) as im:
            dpis = []
            for i in range(getattr(im, "n_frames", 1)):
                im.seek(i)
                dpis.append(float(im.info["dpi"][0]))
            return dpis
    dpis = []
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            (image,) = page.get_images().values()
            width_in = float(page.mediabox[2] - page.mediabox[0]) / 72
            dpis.append(int(image.Width) / width_in)
    return dpis


@pytest.mark.parametrize("name", SAMPLES)
def test_scans_have_a_scanner_resolution(name):
    truth, _ = load(name)
    for rel, entry in truth["files"].items():
        if entry["form"] in ("scan_image", "tiff", "scan_pdf", "multi_pdf"):
            for dpi in _scan_dpis(FIXTURES / name / rel, entry["form"]):
                assert 149 <= dpi <= 301, (rel, dpi)


def test_tiffs_are_multipage_and_statements_span_pages():
    for name in SAMPLES:
        truth, _ = load(name)
        for rel, entry in truth["files"].items():
            if entry["form"] == "tiff":
                with Image.open(FIXTURES / name / rel) as im:
                    assert im.n_frames > 1
    for name in ("sample-upgrade", "sample-renewal"):
        truth, app = load(name)
        # the applicant's own statement (sample-renewal also holds an HR agency's, of one page)
        (statement,) = [doc for _, _, doc in documents(truth) if doc["doc_type"] == "social_insurance_record"
                        and doc["fields"]["company_name"] == app["company_name"]]
        assert len(statement["pages"]) > 1


def test_page_counts_match_truth():
    for name in SAMPLES:
        truth, _ = load(name)
        for rel, entry in truth["files"].items():
            path, last = FIXTURES / name / rel, entry["documents"][-1]["pages"][-1]
            if path.suffix == ".pdf":
                assert len(pypdf.PdfReader(path).pages) == last, rel
            elif path.suffix in (".jpg", ".png", ".tif"):
                with Image.open(path) as im:
                    assert getattr(im, "n_frames", 1) == last, rel


def test_docx_files_open():
    seen = 0
    for name in SAMPLES:
        truth, _ = load(name)
        for rel, entry in truth["files"].items():
            if entry["form"] == "docx":
                text = "\n".join(p.text for p in Document(str(FIXTURES / name / rel)).paragraphs)
                assert entry["documents"][0]["fields"]["id_number"] in text
                seen += 1
    assert seen >= 1


def _page_image(path: Path, page: int) -> Image.Image:
    if path.suffix == ".pdf":
        pdf = pdfium.PdfDocument(str(path))
        try:
            return pdf[page - 1].render(scale=200 / 72).to_pil()
        finally:
            pdf.close()
    im = Image.open(path)
    im.seek(page - 1)
    return im.convert("RGB")


def test_qr_codes_decode_to_the_recorded_payload():
    checked = 0
    for name in SAMPLES:
        truth, _ = load(name)
        for rel, _, doc in documents(truth):
            if doc["doc_type"] != "constructor_certificate":
                continue
            image = _page_image(FIXTURES / name / rel, doc["pages"][0])
            texts = [r.text for r in zxingcpp.read_barcodes(image)]
            assert doc["fields"]["qr_payload"] in texts, (rel, texts)
            checked += 1
    assert checked >= 6


def test_tampered_pdf_shows_its_edit():
    truth, _ = load("sample-upgrade")
    (d,) = [d for d in truth["defects"] if d["code"] == "TAMPER_SIGNS"]
    raw = (FIXTURES / "sample-upgrade" / d["subject_file"]).read_bytes()
    assert raw.count(b"%%EOF") >= 2  # an incremental update was appended
    info = pypdf.PdfReader(io.BytesIO(raw)).metadata
    assert "Photoshop" in info["/Producer"] and info["/ModDate"][2:10] > info["/CreationDate"][2:10]


# --- bad inputs and sizes -----------------------------------------------------------------------


def test_bad_inputs_are_described():
    folder = FIXTURES / "bad"
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    present = {p.name for p in folder.iterdir() if p.is_file()} - {"expected.json"}
    assert present == set(expected)
    for entry in expected.values():
        assert entry["reason"] and entry["reason_zh"]
    with pikepdf.open(folder / "broken_xref.pdf") as pdf:
        assert len(pdf.pages) == 1
    owner_only = pypdf.PdfReader(folder / "encrypted_owner_only.pdf")
    assert owner_only.is_encrypted and owner_only.decrypt("")
    locked = pypdf.PdfReader(folder / "encrypted_user_password.pdf")
    assert locked.is_encrypted and not locked.decrypt("")
    assert (folder / "empty.pdf").stat().st_size == 0


def test_hostile_names_are_created(tmp_path):
    made = create_hostile_files(tmp_path)
    reasons = {v["reason"] for v in made.values()}
    assert {"path_traversal", "symlink_outside"} <= reasons
    for path in made:
        assert os.path.lexists(os.fsencode(path))


def test_fixture_sizes():
    total = sum(p.stat().st_size for p in FIXTURES.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    assert total < 40 * 1024 * 1024
    assert (FIXTURES / "contact-sheet.png").stat().st_size < 2 * 1024 * 1024
    assert "![contact sheet](contact-sheet.png)" in (FIXTURES / "README.md").read_text(encoding="utf-8")
