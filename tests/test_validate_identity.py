"""Identity rules and entity resolution."""

from hypothesis import given
from hypothesis import strategies as st

from dossier.validate import params_for
from dossier.validate.identifiers import ocr_confusable
from dossier.validate.people import edit_distance, normalise_name, resolve_people

from validate_builders import PEOPLE, USCC, clean_application, fld, replace_field

ZHANG, LINA = PEOPLE[0], PEOPLE[1]


def _with(app, doc_type, who, **changes):
    old = app.find(doc_type, who)
    return app.swap(old, replace_field(old, **changes))


def test_id_checksum_fails_on_a_document_and_names_the_suggestion():
    bad = ZHANG.id_number[:-1] + ("0" if ZHANG.id_number[-1] != "0" else "1")
    app = _with(clean_application(), "id_card", "张伟", id_number=fld(bad, suggestion=ZHANG.id_number))
    found = [d for d in app.run() if d.code == "ID_CHECKSUM"]
    assert len(found) == 1
    assert found[0].subject == ZHANG.id_number  # resolved through the suggestion
    assert "张伟" in found[0].message and ZHANG.id_number in found[0].message
    assert found[0].evidence[0].value == bad


def test_id_checksum_on_the_roster_itself():
    app = clean_application()
    roster = list(app.spec.roster)
    roster[0] = roster[0].model_copy(update={"id_number": "11010119900307182X"})
    codes = app.with_spec(roster=roster).codes()
    assert "ID_CHECKSUM" in codes


def test_printed_birth_date_and_gender_must_match_the_id():
    app = clean_application()
    assert "ID_BIRTHDATE_MISMATCH" not in app.codes()
    app = _with(app, "title_certificate", "张伟", birth_date="1975-03-08", gender="女")
    found = {d.code: d for d in app.run()}
    assert found["ID_BIRTHDATE_MISMATCH"].subject == ZHANG.id_number
    assert "1975-03-07" in found["ID_BIRTHDATE_MISMATCH"].message
    assert "ID_GENDER_MISMATCH" in found


def test_birth_date_without_a_printed_id_is_checked_against_the_roster():
    # 注册证书 print no ID number: the roster's ID is the reference.
    app = _with(clean_application(), "constructor_certificate", "李娜", birth_date="1982-06-02")
    found = [d for d in app.run() if d.code == "ID_BIRTHDATE_MISMATCH"]
    assert len(found) == 1 and any(e.sha256 == "application.yaml" for e in found[0].evidence)


def test_name_mismatch_one_id_two_names():
    app = _with(clean_application(), "title_certificate", "张伟", name="张玮")
    found = [d for d in app.run() if d.code == "NAME_MISMATCH"]
    assert len(found) == 1 and found[0].subject == ZHANG.id_number
    assert {e.value for e in found[0].evidence} == {"张伟", "张玮"}


def test_name_variants_with_spaces_and_middle_dots_agree():
    assert normalise_name("阿卜杜 · 热西提") == normalise_name("阿卜杜热西提")
    app = _with(clean_application(), "title_certificate", "张伟", name="张 伟")
    assert "NAME_MISMATCH" not in app.codes()


def test_id_mismatch_by_name_and_role():
    other = LINA.id_number[:6] + "19820602" + LINA.id_number[14:]
    app = _with(clean_application(), "id_card", "李娜", id_number=other, birth_date="1982-06-02")
    found = [d for d in app.run() if d.code == "ID_MISMATCH"]
    assert len(found) == 1 and found[0].subject == LINA.id_number
    assert {e.value for e in found[0].evidence} >= {LINA.id_number, other}


def test_confusable_id_resolves_to_the_roster_person_and_is_reported():
    misread = ZHANG.id_number[:2] + "O" + ZHANG.id_number[3:]  # 110101…: the 0 read as O
    assert ocr_confusable(misread, ZHANG.id_number)
    app = _with(clean_application(), "id_card", "张伟", id_number=misread)
    found = {d.code: d for d in app.run()}
    assert found["ID_MISMATCH"].subject == ZHANG.id_number
    assert "易混淆" in found["ID_MISMATCH"].message
    assert "MISSING_DOCUMENT" not in found  # the id card still counts for 张伟


def test_resolution_order_and_unlisted_people():
    app = clean_application()
    stranger = replace_field(app.find("id_card", "张伟"), name="路人甲",
                             id_number="440524188001010014")
    app = app.add(stranger)
    people = resolve_people(app.spec, app.documents, params_for(app.spec))
    assert people.by_doc[id(stranger)].id_number == "440524188001010014"
    assert not people.persons["440524188001010014"].listed
    assert {m.how for m in people.persons[ZHANG.id_number].mentions} == {"id"}


def test_ocr_confusable_is_one_swap_within_a_group():
    assert ocr_confusable("11O1", "1101")
    assert not ocr_confusable("1101", "1101")
    assert not ocr_confusable("1102", "1101")
    assert not ocr_confusable("IIO1", "1101")
    assert ocr_confusable("IIO1", "1101", max_substitutions=3)


def test_uscc_checksum_is_a_warning_naming_every_place():
    real_exception = "91350203M0001QAY9B"
    app = _with(clean_application(), "business_license", None, uscc=real_exception)
    found = [d for d in app.run() if d.code == "USCC_CHECKSUM"]
    assert len(found) == 1 and found[0].severity == "warning" and found[0].subject == USCC
    assert "USCC_CHECKSUM" not in clean_application().codes()


def test_a_name_read_below_the_threshold_is_no_name_mismatch():
    from validate_builders import PEOPLE, clean_application, fld, replace_field

    app = clean_application()
    card = app.find("id_card", PEOPLE[1].name)
    doubtful = app.swap(card, replace_field(card, name=fld("S5374652870", confidence=0.6)))
    codes = doubtful.codes()
    assert "NAME_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes
    sure = app.swap(card, replace_field(card, name=fld(PEOPLE[1].name + "华", confidence=0.99)))
    assert "NAME_MISMATCH" in sure.codes()


def test_a_document_naming_a_listed_person_a_character_off_is_tied_to_them_and_doubted():
    from datetime import date

    from validate_builders import PEOPLE, Person, clean_application, replace_field

    people = [*PEOPLE[:2], Person("诸葛天佑", "registered_constructor", date(1985, 1, 15), 371, "建筑工程"), *PEOPLE[3:]]
    app = clean_application(people)
    cert = app.find("constructor_certificate", "诸葛天佑")
    slipped = app.swap(cert, replace_field(cert, name="诺葛天佑", id_number=None))  # OCR: 诸 read as 诺
    codes = slipped.codes()
    assert "MISSING_DOCUMENT" not in codes and "NAME_MISMATCH" not in codes
    assert any("仅差一字" in d.message for d in slipped.run() if d.code == "LOW_CONFIDENCE")
    two_apart = app.swap(cert, replace_field(cert, name="诺葛天祐", id_number=None))
    assert "MISSING_DOCUMENT" in two_apart.codes()  # two characters off: someone else's certificate


def test_a_two_character_name_read_with_a_look_alike_is_tied_by_the_readers_suggestion():
    from datetime import date

    from validate_builders import PEOPLE, Person, clean_application, fld, replace_field

    people = [*PEOPLE[:2], Person("樊赟", "registered_constructor", date(1985, 1, 15), 371, "建筑工程"), *PEOPLE[3:]]
    app = clean_application(people)
    cert = app.find("constructor_certificate", "樊赟")
    # 赟 read as the commoner 赞; two characters are too short for a near-name, the suggestion ties it
    slipped = app.swap(cert, replace_field(cert, name=fld("樊赞", confidence=0.6, suggestion="樊赟"), id_number=None))
    codes = slipped.codes()
    assert "MISSING_DOCUMENT" not in codes and "NAME_MISMATCH" not in codes and "LOW_CONFIDENCE" in codes
    unproposed = app.swap(cert, replace_field(cert, name=fld("樊赞", confidence=0.99), id_number=None))
    assert "MISSING_DOCUMENT" in unproposed.codes()


def test_a_statement_row_naming_a_listed_person_with_a_look_alike_is_doubted_not_another_name():
    from datetime import date

    from validate_builders import PEOPLE, Person, clean_application, insurance_record

    people = [*PEOPLE[:2], Person("魏赟", "registered_constructor", date(1985, 1, 15), 371, "建筑工程"), *PEOPLE[3:]]
    app = clean_application(people)
    statement = app.find("social_insurance_record")
    rows = [{**p.row(), "name": "魏赞"} if p.name == "魏赟" else p.row() for p in people]
    slipped = app.swap(statement, insurance_record(rows))
    findings = slipped.run()
    assert "NAME_MISMATCH" not in [f.code for f in findings]
    assert [f.message for f in findings if f.code == "LOW_CONFIDENCE" and "魏赞" in f.message]
    # another name is still another name
    other = app.swap(statement, insurance_record([{**p.row(), "name": "魏斌"} if p.name == "魏赟" else p.row()
                                                  for p in people]))
    assert "NAME_MISMATCH" in other.codes()


def _filed_at(doc, path: str):
    return doc.model_copy(update={"document": doc.document.model_copy(update={"file": path})})


def test_a_document_with_no_confident_name_or_id_is_tied_by_the_folder_it_lies_in():
    app = clean_application()
    cert = app.find("constructor_certificate", LINA.name)
    # a fax: the holder is lost, birth date too
    unread = replace_field(cert, name=fld("李", confidence=0.4), id_number=None, birth_date=None)
    assert "MISSING_DOCUMENT" in app.swap(cert, unread).codes()  # nowhere to go by

    in_folder = app.swap(cert, _filed_at(unread, f"人员资料/{LINA.name}/注册证书.pdf"))
    findings = in_folder.run()
    assert "MISSING_DOCUMENT" not in [f.code for f in findings]
    assert [f for f in findings if f.code == "LOW_CONFIDENCE" and "按文件位置对应" in f.message and LINA.name in f.message]
    named_file = app.swap(cert, _filed_at(unread, f"人员资料/03-{LINA.name}-注册证书.pdf"))
    assert "MISSING_DOCUMENT" not in named_file.codes()


def test_the_folder_never_overrides_a_confident_reading_nor_guesses_between_two_names():
    app = clean_application()
    cert = app.find("constructor_certificate", LINA.name)
    # a name read with confidence that is nobody listed: someone else's certificate, filed wrongly
    stranger = _filed_at(replace_field(cert, name=fld("路人甲", confidence=0.99), id_number=None),
                         f"人员资料/{LINA.name}/注册证书.pdf")
    people = resolve_people(app.spec, [stranger], params_for(app.spec))
    assert id(stranger) not in people.by_doc
    # the innermost part of the path that names anyone decides; two names there decide nothing
    both = _filed_at(replace_field(cert, name=None, id_number=None),
                     f"人员资料/{LINA.name}/{ZHANG.name}与{LINA.name}合同.pdf")
    assert id(both) not in resolve_people(app.spec, [both], params_for(app.spec)).by_doc
    inner = _filed_at(replace_field(cert, name=None, id_number=None), f"人员资料/{ZHANG.name}/{LINA.name}注册证书.pdf")
    people = resolve_people(app.spec, [inner], params_for(app.spec))
    assert people.by_doc[id(inner)].name == LINA.name
    assert [m.how for m in people.by_doc[id(inner)].mentions] == ["path"]


def test_a_statement_row_name_read_with_doubt_is_low_confidence_not_another_name():
    from validate_builders import insurance_record

    app = clean_application()
    statement = app.find("social_insurance_record")
    rows = [p.row() for p in PEOPLE]

    def with_name(name, confidence):
        changed = [{**r, "name": name, "confidence": {"name": confidence, "id_number": 0.99}}
                   if r["id_number"] == LINA.id_number else r for r in rows]
        return app.swap(statement, insurance_record(changed)).run()

    doubted = with_name("李挪宁", 0.62)  # a photographed row: 娜 lost in the perspective
    assert "NAME_MISMATCH" not in [f.code for f in doubted]
    assert [f for f in doubted if f.code == "LOW_CONFIDENCE" and "李挪宁" in f.message and "0.62" in f.message]
    assert "NAME_MISMATCH" in [f.code for f in with_name("李挪宁", 0.97)]


def test_a_birth_date_guessed_against_the_id_is_low_confidence_not_a_mismatch():
    app = clean_application()
    card = app.find("constructor_certificate", LINA.name)
    wrong = "2001-10-03"  # a fax whose 出生日期 label was lost: another date taken for it
    guessed = app.swap(card, replace_field(card, birth_date=fld(wrong, confidence=0.049))).run()
    assert "ID_BIRTHDATE_MISMATCH" not in [f.code for f in guessed]
    assert [f for f in guessed if f.code == "LOW_CONFIDENCE" and wrong in f.message and "0.04 低于 0.90" in f.message]
    # read by its label on a fax (0.85) or clearly: a mismatch to answer for
    for sure in (0.85, 0.95):
        assert "ID_BIRTHDATE_MISMATCH" in app.swap(card, replace_field(card, birth_date=fld(wrong, confidence=sure))).codes()


def test_a_number_failing_its_check_on_a_document_tied_only_by_its_folder_is_that_readings_slip():
    # a card photographed small: name unread, 390382… read for 330382…; it joined its holder by its
    # folder and raised a blocking ID_CHECKSUM on a valid number (fresh seed 73)
    app = clean_application()
    card = app.find("id_card", LINA.name)
    slip = LINA.id_number[:1] + ("9" if LINA.id_number[1] != "9" else "8") + LINA.id_number[2:]
    unread = _filed_at(replace_field(card, name=None, id_number=fld(slip, confidence=0.13)),
                       f"人员资料/{LINA.name}/微信图片_20260915174457.jpg")
    findings = app.swap(card, unread).run()
    assert "ID_CHECKSUM" not in [f.code for f in findings]
    assert [f for f in findings if f.code == "LOW_CONFIDENCE" and "0.13" in f.message]
    # the same number read with confidence beside the name still fails its check
    named = replace_field(card, id_number=fld(slip, confidence=0.2))
    assert "ID_CHECKSUM" in app.swap(card, named).codes()


def test_a_document_with_no_confident_name_or_id_is_tied_by_the_birth_date_it_prints():
    # a photographed certificate read 教璐 for 欧阳璐 and prints no ID number: filed under 证书/,
    # its expired usage was 教璐's and 欧阳璐's certificate was missing (fresh seed 78); the birth
    # date printed with confidence is her ID's, and the name read shares a character with hers
    from dossier.validate.identifiers import id_info

    app = clean_application()
    cert = app.find("constructor_certificate", LINA.name)
    born = id_info(LINA.id_number)
    doubted = replace_field(cert, name=fld("季" + LINA.name[1:], confidence=0.43), id_number=None,
                            birth_date=fld(born.birth_date.isoformat(), confidence=0.85), gender=fld(born.gender))
    findings = app.swap(cert, doubted).run()
    assert "MISSING_DOCUMENT" not in [f.code for f in findings]
    assert [f for f in findings if f.code == "LOW_CONFIDENCE" and "出生日期" in f.message and LINA.name in f.message]
    # another birth date ties it to no one, nor does a birth date read as a mere guess
    elsewhere = replace_field(doubted, birth_date=fld("1950-01-01", confidence=0.98))
    assert "MISSING_DOCUMENT" in app.swap(cert, elsewhere).codes()
    guessed = replace_field(doubted, birth_date=fld(born.birth_date.isoformat(), confidence=0.3))
    assert "MISSING_DOCUMENT" in app.swap(cert, guessed).codes()


def test_edit_distance_counts_insertions_deletions_and_substitutions():
    assert edit_distance("江苏长安华构建设", "江苏长安华建设") == 1
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "abc") == 3


@given(st.text("甲乙丙丁ab", max_size=8), st.text("甲乙丙丁ab", max_size=8), st.integers(0, 4))
def test_a_bounded_edit_distance_is_exact_up_to_its_bound(a, b, limit):
    assert edit_distance(a, b, limit) == min(edit_distance(a, b), limit + 1)
    assert edit_distance(a, b) == edit_distance(b, a)
