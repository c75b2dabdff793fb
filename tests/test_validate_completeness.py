"""Required documents, readable files, confident fields."""

from validate_builders import PEOPLE, USCC, clean_application, doc, fld, replace_field


def test_a_person_missing_a_role_document():
    app = clean_application()
    app = app.swap(app.find("worker_certificate", "杨帆"), None)
    found = [d for d in app.run() if d.code == "MISSING_DOCUMENT"]
    assert len(found) == 1 and found[0].subject == PEOPLE[5].id_number
    assert "杨帆（技术工人）缺少职业技能等级证书" == found[0].message


def test_every_roster_person_needs_an_id_card():
    app = clean_application()
    app = app.swap(app.find("id_card", "刘洋"), None)
    found = [d for d in app.run() if d.code == "MISSING_DOCUMENT"]
    assert len(found) == 1 and "居民身份证" in found[0].message


def test_technical_lead_accepts_either_certificate():
    app = clean_application()
    title = app.find("title_certificate", "张伟")
    assert "MISSING_DOCUMENT" in app.swap(title, None).codes()
    constructor = doc("constructor_certificate", name="张伟", company_name=title.text("company_name"),
                      registration_number="京1000000000123", specialties=["建筑工程"],
                      specialty_valid_until="2029-01-01")
    assert app.swap(title, constructor).run() == []


def test_company_documents_depend_on_the_application_type():
    app = clean_application()
    app = app.swap(app.find("safety_production_license"), None)
    found = [d for d in app.run() if d.code == "MISSING_DOCUMENT"]
    assert len(found) == 1 and found[0].subject == USCC and "安全生产许可证" in found[0].message
    assert "MISSING_DOCUMENT" not in app.with_spec(application_type="new").codes()


def test_low_confidence_on_a_required_field():
    app = clean_application()
    card = app.find("id_card", "王强")
    app = app.swap(card, replace_field(card, name=fld("王强", confidence=0.62)))
    found = [d for d in app.run() if d.code == "LOW_CONFIDENCE"]
    assert len(found) == 1 and "0.62" in found[0].message and found[0].subject == card.sha256  # the scan to look at
    assert found[0].evidence[0].bbox == (10.0, 20.0, 110.0, 40.0)
    assert "LOW_CONFIDENCE" not in app.codes({"low_confidence": 0.5})


def test_low_confidence_on_an_optional_field_is_not_reported():
    app = clean_application()
    card = app.find("id_card", "王强")
    assert app.swap(card, replace_field(card, gender=fld("男", confidence=0.3))).run() == []


def test_a_missing_required_field():
    app = clean_application()
    lic = app.find("business_license")
    found = [d for d in app.swap(lic, replace_field(lic, legal_representative=None)).run()]
    assert [d.code for d in found] == ["LOW_CONFIDENCE"] and "未识别到" in found[0].message


def test_an_ocr_suggestion_is_reported_with_the_suggestion():
    app = clean_application()
    cert = app.find("worker_certificate", "赵磊")
    app = app.swap(cert, replace_field(cert, occupation=fld("钢筋工", suggestion="钢筋工(四级)")))
    found = [d for d in app.run() if d.code == "LOW_CONFIDENCE"]
    assert len(found) == 1 and "钢筋工(四级)" in found[0].message


def test_unreadable_documents():
    broken = doc(None, errors=["第 2 页渲染失败"], sha="e" * 64)
    found = [d for d in clean_application().add(broken).run()]
    assert [d.code for d in found] == ["UNREADABLE"]
    assert found[0].subject == "e" * 64 and "第 2 页渲染失败" in found[0].message


def test_a_file_that_is_no_document_is_a_warning_not_a_blocker():
    note = doc(None, errors=["不支持的文件类型：内容不是 PDF、图片或 Word（.docx）文档"], sha="f" * 64)
    note = note.model_copy(update={"failure_code": "UnsupportedFileType"})
    corrupt = doc(None, errors=["文件已损坏，无法修复"], sha="e" * 64)
    corrupt = corrupt.model_copy(update={"failure_code": "CorruptFile"})
    found = {d.subject: (d.code, d.severity) for d in clean_application().add(note, corrupt).run()}
    assert found == {"f" * 64: ("NOT_A_DOCUMENT", "warning"), "e" * 64: ("UNREADABLE", "blocking")}
