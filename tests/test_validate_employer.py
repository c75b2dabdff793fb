"""The applicant's name and USCC on every document."""

import pytest

from validate_builders import COMPANY, PEOPLE, USCC, clean_application, insurance_record, replace_field
from dossier.validate.identifiers import make_uscc

OTHER_USCC = make_uscc("91", "110108", "MA01EXB8")


def _with(app, doc_type, who=None, **changes):
    old = app.find(doc_type, who)
    return app.swap(old, replace_field(old, **changes))


@pytest.mark.parametrize("doc_type, who, fld", [
    ("constructor_certificate", "李娜", "company_name"),
    ("title_certificate", "刘洋", "company_name"),
    ("project_contract", None, "contractor"),
    ("bid_award_notice", None, "winner"),
])
def test_employer_fields_must_name_the_applicant(doc_type, who, fld):
    app = _with(clean_application(), doc_type, who, **{fld: "北京华建建设集团有限公司"})
    found = [d for d in app.run() if d.code == "EMPLOYER_MISMATCH"]
    assert len(found) == 1
    assert {e.value for e in found[0].evidence} == {"北京华建建设集团有限公司", COMPANY}


def test_spacing_and_parenthesis_width_are_not_a_different_name():
    app = _with(clean_application(), "constructor_certificate", "李娜", company_name=" 北京华建建设工程有限公司 ")
    assert "EMPLOYER_MISMATCH" not in app.codes()


def test_a_branch_pays_social_insurance_only_when_the_policy_allows():
    app = clean_application()
    branch = COMPANY + "朝阳分公司"
    app = app.swap(app.find("social_insurance_record"),
                   insurance_record([p.row() for p in PEOPLE], payer=branch))
    found = [d for d in app.run() if d.code == "EMPLOYER_MISMATCH"]
    assert len(found) == 1 and "涉及人员" in found[0].message and found[0].subject != USCC
    assert "SOCIAL_INSURANCE_GAP" in app.codes()  # months paid by the branch do not count
    allowed = app.codes({"payer": {"accept_branch": True}})
    assert "EMPLOYER_MISMATCH" not in allowed and "SOCIAL_INSURANCE_GAP" not in allowed


def test_company_licences_must_print_the_applicant_name():
    app = _with(clean_application(), "safety_production_license", company_name="北京华建建设有限公司")
    found = [d for d in app.run() if d.code == "NAME_MISMATCH"]
    assert len(found) == 1 and found[0].subject == USCC


def test_uscc_mismatch_against_the_licence():
    app = _with(clean_application(), "qualification_certificate", uscc=OTHER_USCC)
    found = [d for d in app.run() if d.code == "USCC_MISMATCH"]
    assert len(found) == 1 and "营业执照" in found[0].message
    assert {e.value for e in found[0].evidence} == {OTHER_USCC, USCC}


def test_uscc_mismatch_licence_against_the_application():
    app = _with(clean_application(), "business_license", uscc=OTHER_USCC)
    found = [d for d in app.run() if d.code == "USCC_MISMATCH"]
    # The licence differs from the application, and the others differ from the licence.
    assert any("申报信息" in d.message for d in found)
    assert len(found) == 3


def test_without_a_licence_documents_are_held_to_the_application():
    app = clean_application()
    app = app.swap(app.find("business_license"), None)
    app = _with(app, "qualification_certificate", uscc=OTHER_USCC)
    found = [d for d in app.run() if d.code == "USCC_MISMATCH"]
    assert len(found) == 1 and "申报信息" in found[0].message


def _doubtful(app, doc_type, who, name, value, confidence):
    old = app.find(doc_type, who)
    fields = dict(old.document.fields)
    fields[name] = fields[name].model_copy(update={"value": value, "confidence": confidence})
    return app.swap(old, replace_field(old, **{name: fields[name]}))


@pytest.mark.parametrize("value", [COMPANY[:-4], COMPANY + "专用", "申级"])
def test_a_doubtful_reading_cut_short_is_low_confidence_not_a_mismatch(value):
    # 申级: read from a photo where the employer stands, no company's name at all
    # …建设工程 for …建设工程有限公司: the reader could not see the name's end (a wrap, a seal)
    app = _doubtful(clean_application(), "constructor_certificate", "李娜", "company_name", value, 0.6)
    codes = app.codes()
    assert "EMPLOYER_MISMATCH" not in codes and codes.count("LOW_CONFIDENCE") == 1


def test_a_confident_reading_of_a_shorter_name_is_still_a_mismatch():
    # the document really prints the name without its legal form: that is a defect
    app = _doubtful(clean_application(), "constructor_certificate", "李娜", "company_name", COMPANY[:-4], 0.97)
    assert app.codes().count("EMPLOYER_MISMATCH") == 1


def test_a_doubtful_reading_a_character_off_is_low_confidence_not_a_mismatch():
    off = COMPANY[:4] + COMPANY[5:]  # one character lost inside the name
    app = _doubtful(clean_application(), "constructor_certificate", "李娜", "company_name", off, 0.7)
    codes = app.codes()
    assert "EMPLOYER_MISMATCH" not in codes and codes.count("LOW_CONFIDENCE") == 1
    sure = _doubtful(clean_application(), "constructor_certificate", "李娜", "company_name", off, 0.97)
    assert sure.codes().count("EMPLOYER_MISMATCH") == 1


def test_a_doubtful_credit_code_is_no_uscc_mismatch():
    app = _doubtful(clean_application(), "qualification_certificate", None, "uscc", OTHER_USCC, 0.85)
    assert "USCC_MISMATCH" not in app.codes()
    assert "USCC_MISMATCH" in _doubtful(clean_application(), "qualification_certificate", None, "uscc",
                                        OTHER_USCC, 0.99).codes()


def test_a_doubtful_reading_of_the_licence_code_is_no_uscc_mismatch():
    # an OCR slip on the licence itself (I for 1) must not block; the others are held to the application
    app = _doubtful(clean_application(), "business_license", None, "uscc", OTHER_USCC, 0.85)
    codes = app.codes()
    assert "USCC_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes
    app = _doubtful(app, "qualification_certificate", None, "uscc", OTHER_USCC, 0.99)
    found = [d for d in app.run() if d.code == "USCC_MISMATCH"]
    assert len(found) == 1 and "申报信息" in found[0].message


def test_a_doubtful_reading_of_another_whole_company_is_still_a_mismatch():
    app = _doubtful(clean_application(), "constructor_certificate", "李娜", "company_name", "武汉江城建设有限公司", 0.6)
    assert app.codes().count("EMPLOYER_MISMATCH") == 1


def test_a_name_read_as_little_more_than_a_guess_is_low_confidence_whatever_it_says():
    # a faxed licence read 成都嵩岳广厦建设发展有限公司 as 成都品广应建设发展行限公司 at 0.17: five
    # characters off, a whole name, and no more than a guess
    garbled = COMPANY[:2] + "品广应" + COMPANY[4:-4] + "行限公司"
    app = _doubtful(clean_application(), "business_license", None, "company_name", garbled, 0.17)
    codes = app.codes()
    assert "NAME_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes
    assert "NAME_MISMATCH" in _doubtful(clean_application(), "business_license", None, "company_name",
                                        garbled, 0.6).codes()
