"""Validity on the filing date, lead times, impossible date orders."""

from datetime import timedelta

from validate_builders import FILING, clean_application, replace_field

from dossier.model import ExtractedField


def _with(app, doc_type, who=None, **changes):
    old = app.find(doc_type, who)
    return app.swap(old, replace_field(old, **changes))


def _found(app, code):
    return [d for d in app.run() if d.code == code]


def test_cert_expired_before_the_filing_date():
    day_before = (FILING - timedelta(days=1)).isoformat()
    app = _with(clean_application(), "constructor_certificate", "李娜", specialty_valid_until=day_before)
    found = _found(app, "CERT_EXPIRED")
    assert len(found) == 1 and "李娜的注册建造师注册证书" in found[0].message
    assert {e.field for e in found[0].evidence} == {"specialty_valid_until", "filing_date"}


def test_valid_until_the_filing_date_itself_is_not_expired_but_expiring():
    app = _with(clean_application(), "constructor_certificate", "李娜", specialty_valid_until=FILING.isoformat())
    assert "CERT_EXPIRED" not in app.codes()
    assert "CERT_EXPIRING" in app.codes()


def test_expiring_respects_the_lead_time():
    inside = (FILING + timedelta(days=180)).isoformat()
    outside = (FILING + timedelta(days=181)).isoformat()
    assert len(_found(_with(clean_application(), "id_card", "张伟", valid_until=inside), "CERT_EXPIRING")) == 1
    assert _found(_with(clean_application(), "id_card", "张伟", valid_until=outside), "CERT_EXPIRING") == []


def test_expiring_qualification_inside_the_renewal_deadline_says_so():
    app = _with(clean_application(), "qualification_certificate",
                valid_until=(FILING + timedelta(days=60)).isoformat())
    found = _found(app, "CERT_EXPIRING")
    assert len(found) == 1 and found[0].severity == "warning" and "90 天的延续办理期限" in found[0].message
    later = _with(clean_application(), "qualification_certificate",
                  valid_until=(FILING + timedelta(days=120)).isoformat())
    assert "延续办理期限" not in _found(later, "CERT_EXPIRING")[0].message


def test_long_term_values_are_not_dates():
    app = _with(clean_application(), "business_license", business_term_until="长期")
    assert app.run() == []


def test_ecert_usage_expired():
    app = _with(clean_application(), "constructor_certificate", "王强", usage_valid_until="2026-11-30")
    found = _found(app, "ECERT_USAGE_EXPIRED")
    assert len(found) == 1 and "重新下载" in found[0].message


def test_an_expiry_read_with_doubt_asks_a_person_and_blocks_nothing():
    # a photo read 2026-06-26 as 2025-12-28 at 0.42: "expired" on such a reading is a guess, and a
    # blocking finding on a guess stops a clean filing; the person is told what it would mean
    doubted = ExtractedField(value="2025-12-28", raw="2025.12.28", confidence=0.42)
    app = _with(clean_application(), "constructor_certificate", "王强", usage_valid_until=doubted,
                specialty_valid_until=doubted)
    found = app.run()
    assert not {"ECERT_USAGE_EXPIRED", "CERT_EXPIRED"} & {d.code for d in found}
    asked = [d for d in found if d.code == "LOW_CONFIDENCE" and "早于申报日期" in d.message]
    assert len(asked) == 2 and all("2025-12-28" in d.message and "0.42 低于" in d.message for d in asked)
    assert {d.severity for d in asked} == {"warning"}
    assert "DATE_ORDER" not in {d.code for d in found}  # issued after a doubted end: asked too, not blocked
    assert any(d.code == "LOW_CONFIDENCE" and "日期先后不可能成立" in d.message for d in found)


def test_issue_after_expiry_is_an_impossible_order():
    app = _with(clean_application(), "safety_production_license", issue_date="2028-01-01")
    found = _found(app, "DATE_ORDER")
    assert len(found) == 1 and {e.field for e in found[0].evidence} == {"issue_date", "valid_until"}


def test_contract_start_after_completion():
    app = _with(clean_application(), "project_contract", start_date="2024-07-01")
    assert len(_found(app, "DATE_ORDER")) == 1


def test_acceptance_before_the_contract_start_across_documents():
    app = _with(clean_application(), "completion_acceptance", acceptance_date="2023-01-31")
    found = _found(app, "DATE_ORDER")
    assert len(found) == 1
    assert {e.field for e in found[0].evidence} == {"start_date", "acceptance_date"}
    assert len({e.sha256 for e in found[0].evidence}) == 2


def test_signed_after_start_is_irregular_but_possible():
    app = _with(clean_application(), "project_contract", sign_date="2023-03-01")
    assert "DATE_ORDER" not in app.codes()
