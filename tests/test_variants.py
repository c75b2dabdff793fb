"""The second fixture family (fixtures/variants): truth in contract form, truth = what is printed,
every document type in at least three layouts, determinism, and facts that dossier's own rules
judge as the truth says (clean passes, each seeded defect is found).

Fast: applications are planned without rendering (``render=False``); only single documents are
rendered, as reportlab PDFs, .docx and one scan."""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import defaultdict
from decimal import Decimal

import pdfplumber
import pytest
import yaml

from fixtures.generate.text import hanzi_number
from fixtures.variants import MEASURE_SEEDS, TUNE_SEEDS, applications
from dossier.intake.spec import load_spec
from fixtures import SAMPLE_STANDARD
from fixtures.variants.application import (
    DocPlan,
    application_yaml,
    build_application,
    draw,
    plan_documents,
    write_application_yaml,
)
from fixtures.variants.check import compare
from fixtures.variants.defects import seed_defects
from fixtures.variants.fmt import (
    CAPITAL_STYLES,
    amount_variants,
    capital_text,
    date_variants,
    month_text,
    upper_amount,
)
from fixtures.variants.forms import make
from fixtures.variants.render_docx import docx_text
from fixtures.variants.render_docx import render as render_docx
from fixtures.variants.render_pdf import render as render_pdf
from fixtures.variants.rng import keyed
from fixtures.variants.world import make_world

DATE_FIELDS = {"established_date", "issue_date", "valid_until", "valid_from", "birth_date", "specialty_valid_until",
               "usage_valid_until", "qualified_date", "term_from", "term_until", "sign_date", "start_date",
               "completion_date", "acceptance_date", "business_term_until"}
MONTH_FIELDS = {"period_from", "period_to"}
AMOUNT_FIELDS = {"registered_capital", "contract_amount", "contract_amount_words", "amount"}
NUMBER_FIELDS = {"building_area", "height", "span", "floors"}
LIST_FIELDS = {"qualifications", "specialties", "participants"}
DOMAIN_FIELDS = {
    "business_license": {"company_name", "uscc", "company_type", "legal_representative", "registered_capital",
                         "established_date", "business_term_until", "address", "issuing_authority", "issue_date",
                         "qr_payload"},
    "qualification_certificate": {"company_name", "uscc", "cert_number", "qualifications", "legal_representative",
                                  "address", "issuing_authority", "issue_date", "valid_until"},
    "safety_production_license": {"license_number", "company_name", "legal_representative", "address", "scope",
                                  "issuing_authority", "issue_date", "valid_until"},
    "constructor_certificate": {"name", "gender", "birth_date", "id_number", "registration_number", "company_name",
                                "specialties", "level", "specialty_valid_until", "usage_valid_until",
                                "issuing_authority", "issue_date", "qr_payload"},
    "title_certificate": {"name", "gender", "birth_date", "id_number", "company_name", "specialty", "title", "level",
                          "cert_number", "approval_number", "qualified_date", "issuing_authority"},
    "id_card": {"name", "gender", "ethnicity", "birth_date", "address", "id_number", "issuing_authority",
                "valid_from", "valid_until"},
    "social_insurance_record": {"company_name", "uscc", "unit_number", "period_from", "period_to", "issue_date",
                                "issuing_authority"},
    "labor_contract": {"company_name", "name", "id_number", "term_from", "term_until", "sign_date"},
    "project_contract": {"project_name", "employer", "contractor", "contract_amount", "contract_amount_words",
                         "sign_date", "start_date", "completion_date", "project_manager", "building_area", "floors",
                         "span", "height"},
    "bid_award_notice": {"project_name", "winner", "amount", "project_manager", "issue_date", "tenderee"},
    "completion_acceptance": {"project_name", "contractor", "acceptance_date", "project_manager", "participants",
                              "result", "start_date"},
    "worker_certificate": {"name", "id_number", "occupation", "level", "cert_number", "issue_date",
                           "issuing_authority"},
}
SPACES = re.compile(r"\s+")


def _apps(seeds):
    for seed in seeds:
        for app in applications(seed):
            yield seed, app


def _world(seed: int, app: dict):
    w = make_world(seed, app["slug"], app["kind"], app["app_type"])
    if app["kind"] == "defects":
        seed_defects(w, keyed(seed, app["slug"], "defects"), extra=2)
    return w


@pytest.fixture(scope="module")
def truths():
    """Planned (not rendered) truth of every tuning and measuring application, with its yaml."""
    out = {}
    for seed, app in _apps(TUNE_SEEDS + MEASURE_SEEDS):
        truth = build_application(None, seed, app["slug"], app["kind"], app["app_type"], app["si_shape"],
                                  render=False)
        out[app["slug"]] = (truth, yaml.safe_load(application_yaml(_world(seed, app))))
    return out


def _documents(truths):
    for slug, (truth, _) in truths.items():
        for path, entry in truth["files"].items():
            for doc in entry["documents"]:
                yield slug, path, doc


# ---------------------------------------------------------------------------------- the sets

def test_seed_sets_are_disjoint_and_each_seed_has_a_clean_and_a_defective_application():
    assert not set(TUNE_SEEDS) & set(MEASURE_SEEDS)
    for seed in TUNE_SEEDS + MEASURE_SEEDS:
        kinds = [a["kind"] for a in applications(seed)]
        assert kinds == ["clean", "defects"]


def test_truth_agrees_with_the_rules(truths):
    """Read perfectly, a clean application has no finding and each seeded defect is found."""
    for slug, (truth, application) in truths.items():
        # as if built beside fixtures/sample-standard.yaml: a build copies that file beside its folders
        result = compare(truth, application, SAMPLE_STANDARD.parent / slug)
        assert result == {"missed": [], "extra": [], "warnings": []}, slug
        if "clean" in slug:
            assert truth["defects"] == []
        else:
            assert len(truth["defects"]) >= 10


def test_upgrades_carry_performance_documents(truths):
    for slug, (truth, application) in truths.items():
        types = [d["doc_type"] for _, _, d in _documents({slug: (truth, application)})]
        if application["application_type"] == "upgrade":
            for kind in ("bid_award_notice", "project_contract", "completion_acceptance"):
                assert types.count(kind) >= 2, (slug, kind)


# ---------------------------------------------------------------------------------- truth form

def test_identifiers_valid_except_seeded_defects(truths):
    for slug, (truth, _) in truths.items():
        bad = {i["value"] for i in truth["identifiers"] if not i["valid"]}
        seeded = {d["subject"] for d in truth["defects"] if d["code"] in ("ID_CHECKSUM", "USCC_CHECKSUM")}
        assert bad == seeded, slug


def test_truth_values_are_in_contract_form(truths):
    date = re.compile(r"\d{4}-\d{2}-\d{2}")
    month = re.compile(r"\d{4}-\d{2}")
    amount = re.compile(r"\d+\.\d{2}")
    number = re.compile(r"\d+(\.\d{2})?")
    for slug, path, doc in _documents(truths):
        assert set(doc["fields"]) <= DOMAIN_FIELDS[doc["doc_type"]], (path, set(doc["fields"]) - DOMAIN_FIELDS[doc["doc_type"]])
        for name, value in doc["fields"].items():
            where = (slug, path, name, value)
            if name in LIST_FIELDS:
                assert isinstance(value, list) and value and all(isinstance(v, str) for v in value), where
                continue
            assert isinstance(value, str) and value == value.strip() and value, where
            if name in DATE_FIELDS:
                assert date.fullmatch(value) or (value == "长期" and name in ("business_term_until", "valid_until")), where
            elif name in MONTH_FIELDS:
                assert month.fullmatch(value), where
            elif name in AMOUNT_FIELDS:
                assert amount.fullmatch(value), where
            elif name in NUMBER_FIELDS:
                assert number.fullmatch(value), where
            elif name == "id_number":
                assert re.fullmatch(r"\d{17}[\dX]", value), where
            elif name in ("name", "project_manager"):
                assert not SPACES.search(value), where
        for record in doc["records"]:
            assert set(record) == {"name", "id_number", "insurance_types", "months"}
            assert all(month.fullmatch(m) for m in record["months"]) and record["months"] == sorted(record["months"])
            assert record["insurance_types"]


def test_social_insurance_prints_people_off_the_roster(truths):
    for slug, (truth, application) in truths.items():
        roster = {e["id_number"] for e in application["roster"]}
        printed = {r["id_number"] for _, _, d in _documents({slug: (truth, application)}) for r in d["records"]}
        assert printed - roster, slug


def test_every_document_type_has_three_layouts_reachable():
    seen = defaultdict(set)
    for seed in range(1, 31):
        for app in applications(seed):
            truth = build_application(None, seed, app["slug"], app["kind"], app["app_type"], app["si_shape"],
                                      render=False)
            for entry in truth["files"].values():
                for doc in entry["documents"]:
                    seen[doc["doc_type"]].add(doc["layout"])
    assert set(seen) == set(DOMAIN_FIELDS) - set(), sorted(set(DOMAIN_FIELDS) - set(seen))
    for doc_type, layouts in seen.items():
        assert len(layouts) >= 3, (doc_type, layouts)


# ---------------------------------------------------------------------------------- truth = print

def _variants(name: str, value: str) -> list[str]:
    """Every text the generator may print ``value`` of field ``name`` as."""
    if name in DATE_FIELDS and value != "长期":
        return date_variants(value)
    if name in MONTH_FIELDS:
        return [month_text(value, s) for s in ("iso", "compact", "cn", "dot")]
    if name == "registered_capital":
        return [capital_text(value, s) for s in CAPITAL_STYLES]
    if name in ("contract_amount", "amount", "contract_amount_words"):
        return amount_variants(value) + [upper_amount(value, yuan="圆")]
    if name in ("building_area",):
        return [value, f"{Decimal(value):,.2f}"]
    if name == "floors":
        return [value, hanzi_number(int(value))]
    if name == "span":
        return [value, str(Decimal(value).normalize())]
    return [value]


def _check_printed(text: str, doc) -> list:
    flat = SPACES.sub("", text)
    missing = []
    for name, value in doc.fields.items():
        if name == "qr_payload":
            continue
        values = value if isinstance(value, list) else [value]
        for v in values:
            if not any(SPACES.sub("", t) in flat for t in _variants(name, v)):
                missing.append((name, v))
    for record in doc.records:
        for key in ("name", "id_number"):
            if record[key] not in flat:
                missing.append((key, record[key]))
    return missing


def _pdf_text(data: bytes) -> str:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # characters in content-stream order: a wrapped cell's lines follow each other
        return "".join("".join(c["text"] for c in page.chars) for page in pdf.pages)


@pytest.fixture(scope="module")
def drawn_documents():
    """One drawing of every layout of every document type (ID cards aside: images only)."""
    from fixtures.variants.application import statement_facts
    from fixtures.variants.docs import company, insurance, person, project
    from fixtures.variants.world import facts

    out = []
    for seed, app in _apps(TUNE_SEEDS):
        w = _world(seed, app)
        plans = plan_documents(w, keyed(seed, app["slug"], "plan"), app["si_shape"])
        kinds = set()
        for plan in plans:
            if plan.doc_type == "id_card" or plan.doc_type in kinds:
                continue
            kinds.add(plan.doc_type)
            out.append(draw(w, plan, "sans"))
        tables = {**{k: company.LICENCE_LAYOUTS for k in ("business_license",)},
                  "qualification_certificate": company.QUAL_LAYOUTS,
                  "safety_production_license": company.SAFETY_LAYOUTS, **person.LAYOUTS, **project.LAYOUTS}
        done = set()
        for plan in plans:
            if plan.doc_type in done:
                continue
            done.add(plan.doc_type)
            table = tables.get(plan.doc_type)
            for layout in (table or {}):
                rng = keyed(seed, "every-layout", layout, *plan.key)
                build = (company.build if plan.doc_type in ("business_license", "qualification_certificate",
                                                            "safety_production_license")
                         else project.build if plan.doc_type in project.LAYOUTS else person.build)
                out.append(build(plan.doc_type, facts(w, plan.key), rng, 7, layout))
            if plan.doc_type == "social_insurance_record":
                people = [{k: v for k, v in p.items() if k != "key"} for p in plan.people]
                for shape in insurance.LAYOUTS:
                    out.append(insurance.build(statement_facts(w, plan), people[:9], shape,
                                               keyed(seed, "shape", shape), 9))
        break  # one application's worth covers every layout
    return out


def test_text_pdf_prints_its_truth(drawn_documents):
    failures = []
    for doc in drawn_documents:
        missing = _check_printed(_pdf_text(render_pdf(doc)), doc)
        if missing:
            failures.append((doc.doc_type, doc.layout, missing))
    assert not failures


def test_docx_prints_its_truth(drawn_documents):
    failures = []
    for doc in drawn_documents:
        missing = _check_printed(docx_text(render_docx(doc)), doc)
        if missing:
            failures.append((doc.doc_type, doc.layout, missing))
    assert not failures


# ---------------------------------------------------------------------------------- determinism

def test_born_digital_document_is_byte_identical(drawn_documents):
    doc = drawn_documents[0]
    assert hashlib.sha256(render_pdf(doc)).hexdigest() == hashlib.sha256(render_pdf(doc)).hexdigest()
    assert render_docx(doc) == render_docx(doc)
    seed, app = next(_apps(TUNE_SEEDS))
    w1, w2 = _world(seed, app), _world(seed, app)
    plan = DocPlan(("business_license",), "business_license")
    assert render_pdf(draw(w1, plan, "wqy")) == render_pdf(draw(w2, plan, "wqy"))


def test_scan_is_byte_identical(drawn_documents):
    doc = next(d for d in drawn_documents if d.doc_type == "worker_certificate")
    a = make([doc], "scan_image", keyed(1, "scan"), dpi=150, copy_seal="某某建设有限公司", turns={1: 180})
    b = make([doc], "scan_image", keyed(1, "scan"), dpi=150, copy_seal="某某建设有限公司", turns={1: 180})
    assert a.data == b.data and a.meta == {"dpi": 150, "rotations": {"1": 180}}


def test_application_yaml_and_truth_are_deterministic():
    seed, app = next(_apps(MEASURE_SEEDS))
    one = build_application(None, seed, app["slug"], app["kind"], app["app_type"], app["si_shape"], render=False)
    two = build_application(None, seed, app["slug"], app["kind"], app["app_type"], app["si_shape"], render=False)
    assert json.dumps(one, ensure_ascii=False, sort_keys=True) == json.dumps(two, ensure_ascii=False, sort_keys=True)
    assert application_yaml(_world(seed, app)) == application_yaml(_world(seed, app))


def test_a_generated_application_names_its_own_copy_of_the_sample_standard(tmp_path):
    """A generated set is portable: its application.yaml names the sample standard relatively, and
    the copy lies beside the application folders (no path of this checkout), byte for byte the same
    on every build."""
    seed, app = next(_apps(MEASURE_SEEDS))
    w = _world(seed, app)
    assert yaml.safe_load(application_yaml(w))["standards"] == ["../sample-standard.yaml"]
    assert str(SAMPLE_STANDARD.parent) not in application_yaml(w)
    written = []
    for out in (tmp_path / "one", tmp_path / "two"):
        write_application_yaml(out, app["slug"], w)
        written.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert written[0] == written[1]
    assert set(written[0]) == {f"{app['slug']}/application.yaml", "sample-standard.yaml"}
    assert written[0]["sample-standard.yaml"] == SAMPLE_STANDARD.read_bytes()
    moved = tmp_path / "moved"
    (tmp_path / "one").rename(moved)
    spec = load_spec(moved / app["slug"] / "application.yaml").spec
    assert spec.standards == [str(moved / "sample-standard.yaml")]
