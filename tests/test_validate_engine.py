"""The engine: registry, deterministic order, fingerprints, parameters."""

import random
import re
from pathlib import Path

import pytest

from dossier.assemble.selection import EXTRA_DOCUMENT
from dossier.errors import ConfigError
from dossier.model import Discrepancy, Evidence
from dossier.validate import engine, params_for, registered_rules
from dossier.validate.engine import Finding, Rule, ValidationContext, fingerprint, run_rules

from validate_builders import PEOPLE, clean_application, replace_field

DOMAIN = Path(__file__).resolve().parents[2] / "shared" / "domain.md"
TABLE_CODES = {"ID_CHECKSUM", "ID_BIRTHDATE_MISMATCH", "ID_GENDER_MISMATCH", "USCC_CHECKSUM", "NAME_MISMATCH",
               "ID_MISMATCH", "EMPLOYER_MISMATCH", "USCC_MISMATCH", "CERT_EXPIRED", "CERT_EXPIRING",
               "ECERT_USAGE_EXPIRED", "DATE_ORDER", "SOCIAL_INSURANCE_MISSING", "SOCIAL_INSURANCE_GAP",
               "AGE_LIMIT", "PERSON_DOUBLE_COUNTED", "AMOUNT_WORDS_MISMATCH", "PROJECT_MISMATCH",
               "DUPLICATE_IMAGE", "TAMPER_SIGNS", "QR_MISMATCH", "LOW_CONFIDENCE", "MISSING_DOCUMENT",
               "HEADCOUNT_SHORT", "UNREADABLE", "QUALIFICATION_NOT_HELD", "SCOPE_EXCEEDED",
               "SOCIAL_INSURANCE_ELSEWHERE"}
# Codes we add beyond the domain table (extending the contract, never renaming it).
# PROJECT_CATEGORY_UNKNOWN (info): a project's category is said to be unknown, never guessed (issue 18).
# PERSON_NOT_LISTED (warning): a person document of someone the roster does not name (issue 16, item 9).
OUR_CODES = {"NOT_A_DOCUMENT", "PROJECT_CATEGORY_UNKNOWN", "PERSON_NOT_LISTED"}
SEVERITIES = {"NOT_A_DOCUMENT": "warning", "USCC_CHECKSUM": "warning", "CERT_EXPIRING": "warning", "PERSON_DOUBLE_COUNTED": "warning",
              "DUPLICATE_IMAGE": "warning", "TAMPER_SIGNS": "warning", "LOW_CONFIDENCE": "warning",
              "QUALIFICATION_NOT_HELD": "warning", "SCOPE_EXCEEDED": "warning", "PROJECT_CATEGORY_UNKNOWN": "info",
              "PERSON_NOT_LISTED": "warning"}


def test_the_clean_application_passes():
    assert clean_application().run() == []


def test_every_domain_code_has_a_rule_with_the_domain_severity():
    if DOMAIN.is_file():  # keep the list above honest against the shared reference
        table = set(re.findall(r"^\| `([A-Z_]+)`", DOMAIN.read_text(encoding="utf-8"), re.M))
        table |= {"ID_GENDER_MISMATCH"}  # shares a row with ID_BIRTHDATE_MISMATCH
        assert table == TABLE_CODES
    declared = {}
    for item in registered_rules():
        assert item.zh and item.en
        for code in item.codes:
            declared.setdefault(code, set()).add(item.severity)
    assert set(declared) == TABLE_CODES | OUR_CODES
    for code, severities in declared.items():
        assert severities == {SEVERITIES.get(code, "blocking")}, code


README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_lists_every_code_with_its_severity():
    """The repo's own list of finding codes (README, "Finding codes") names every code a rule, the
    engine or the checklist selection can raise, with the severity it is raised at."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Finding codes"):]
    section = section[:section.index("\n## ", 1)]
    listed = {code: severity for code, severity in
              re.findall(r"^\| `([A-Z_]+)`(?: \*\(ours\)\*)? \| (blocking|warning|info) \|", section, re.M)}
    raised = {code: item.severity for item in registered_rules() for code in item.codes}
    raised |= {engine.RULE_FAILED: "blocking", EXTRA_DOCUMENT: "warning"}
    assert listed == raised
    for code in OUR_CODES | {engine.RULE_FAILED, EXTRA_DOCUMENT}:
        assert f"| `{code}` *(ours)* |" in section, code


def _broken_application():
    app = clean_application()
    lina = app.find("constructor_certificate", "李娜")
    app = app.swap(lina, replace_field(lina, company_name="别的公司", specialty_valid_until="2026-01-01"))
    return app.swap(app.find("id_card", "赵磊"), None)


def test_order_is_deterministic_and_sorted_by_severity_code_subject():
    app = _broken_application()
    first = app.run()
    assert len(first) >= 3
    shuffled = list(app.documents)
    random.Random(7).shuffle(shuffled)
    app.documents = shuffled
    assert app.run() == first
    keys = [(engine.SEVERITY_ORDER[d.severity], d.code, d.subject) for d in first]
    assert keys == sorted(keys)


def test_fingerprint_ignores_evidence_order_and_message_but_not_values():
    ev = [Evidence(sha256="a", field="name", value="张伟"), Evidence(sha256="b", field="name", value="张玮")]
    d = Discrepancy(code="NAME_MISMATCH", severity="blocking", message="x", subject="1", evidence=ev)
    same = d.model_copy(update={"evidence": ev[::-1], "message": "reworded"})
    changed = d.model_copy(update={"evidence": [ev[0], ev[1].model_copy(update={"value": "张炜"})]})
    assert fingerprint(d) == fingerprint(same)
    assert fingerprint(d) != fingerprint(changed)
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint(d))


def test_fingerprints_are_stable_across_runs():
    app = _broken_application()
    assert [fingerprint(d) for d in app.run()] == [fingerprint(d) for d in app.run()]


def test_a_crashing_rule_becomes_a_blocking_finding():
    def crash(ctx):
        raise RuntimeError("boom")
        yield  # pragma: no cover

    def wrong_code(ctx):
        yield Finding("NOT_DECLARED", "x", "s")

    app = clean_application()
    ctx = ValidationContext(app.spec, params_for(app.spec), app.documents)
    rules = [Rule("t.crash", ("X",), "warning", "崩溃", "crash", crash),
             Rule("t.wrong", ("X",), "warning", "错码", "wrong code", wrong_code)]
    found = run_rules(ctx, rules)
    assert [d.code for d in found] == [engine.RULE_FAILED, engine.RULE_FAILED]
    assert all(d.severity == "blocking" for d in found)


def test_messages_name_people_and_documents_in_chinese():
    found = _broken_application().run()
    employer = next(d for d in found if d.code == "EMPLOYER_MISMATCH")
    assert "李娜的注册建造师注册证书" in employer.message and "聘用企业" in employer.message
    assert employer.subject == PEOPLE[1].id_number
    assert {e.sha256 for e in employer.evidence} >= {"application.yaml"}


# --- parameters -------------------------------------------------------------------------------


def test_params_follow_application_type_and_qualification():
    app = clean_application()
    upgrade = params_for(app.spec)
    assert upgrade.social_insurance_window_months == 3
    assert set(upgrade.headcount) == {"建筑工程施工总承包三级"}
    new = params_for(app.spec.model_copy(update={"application_type": "new", "qualifications": []}))
    assert new.social_insurance_window_months == 1 and new.headcount == {}
    assert new.documents.company == [("business_license",)]
    change = params_for(app.spec.model_copy(update={"application_type": "change"}))
    assert change.social_insurance_window_months == 0 and not change.check_headcount


def test_overrides_merge_mappings_and_replace_lists():
    app = clean_application()
    params = params_for(app.spec, {"payer": {"accept_branch": True}, "exclusive_roles": [],
                                   "cert_lead_days": {"id_card": 30}})
    assert params.payer.accept_branch and params.payer.doc_types == ["social_insurance_record"]
    assert params.exclusive_roles == []
    assert params.lead_days("id_card") == 30 and params.lead_days("business_license") == 180


def test_a_misspelt_override_is_a_config_error():
    with pytest.raises(ConfigError):
        params_for(clean_application().spec, {"age_limt": 65})


def test_role_requirements_accept_alternatives():
    params = params_for(clean_application().spec)
    assert params.documents.for_roles({"technical_lead"}) == [("id_card",), ("title_certificate", "constructor_certificate")]


def test_required_fields_come_from_the_extraction_specs_and_explicit_rules_can_replace_them():
    from dossier.extract.spec import load_specs

    app = clean_application()
    required = params_for(app.spec).fields.required
    assert required["business_license"] == [n for n, f in load_specs()["business_license"].fields.items() if f.required]
    assert "registered_capital" in required["business_license"]
    replaced = params_for(app.spec, {"fields": {"required": {"business_license": ["uscc"]}}}).fields.required
    assert replaced["business_license"] == ["uscc"] and replaced["id_card"] == required["id_card"]
