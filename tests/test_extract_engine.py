"""Unit tests of the classification and field engines on hand-placed lines (no OCR)."""

from __future__ import annotations

import pytest

from dossier.extract.classify import PageClass, split_documents
from dossier.extract.document import extract_documents
from dossier.extract.spec import ConfigError, load_spec_file, load_specs
from dossier.model import DOC_TYPES, FileText, PageText, TextLine, TextSource

A4 = (595.0, 842.0)


def line(text, x0, y0, x1=None, h=14.0, conf=1.0):
    x1 = x1 if x1 is not None else x0 + 12 * len(text)
    return TextLine(text=text, confidence=conf, bbox=(x0, y0, x1, y0 + h))


def page(number, *lines, source=TextSource.text_layer):
    return PageText(number=number, width=A4[0], height=A4[1], source=source, lines=list(lines))


def extract(*pages):
    return extract_documents(FileText(sha256="0" * 64, media_type="application/pdf", pages=list(pages)), "f.pdf")


def test_every_builtin_spec_loads_and_covers_every_document_type():
    assert set(load_specs()) == set(DOC_TYPES)


def test_label_value_on_same_line_right_cell_and_below():
    docs = extract(page(
        1,
        line("营 业 执 照", 220, 60, h=30),
        line("统一社会信用代码：91350100M000100Y43", 60, 140),
        line("名称", 60, 180, 90), line("北京华建建设工程有限公司", 120, 180),
        line("法定代表人", 60, 220, 120),
        line("张伟", 60, 238),
        line("成立日期 2010年05月20日", 60, 270),
        line("营业期限 2010年05月20日至长期", 60, 300),
        line("2023年6月1日", 400, 760),
    ))
    assert len(docs) == 1
    doc = docs[0]
    assert doc.doc_type == "business_license" and doc.doc_type_confidence > 0.9
    f = doc.fields
    assert f["uscc"].value == "91350100M000100Y43"
    assert f["company_name"].value == "北京华建建设工程有限公司"
    assert f["legal_representative"].value == "张伟"
    assert f["established_date"].value == "2010-05-20"
    assert f["business_term_until"].value == "长期"
    assert f["issue_date"].value == "2023-06-01"
    assert "无标签，按格式定位" in f["issue_date"].notes
    # the value's box lies right of its label, inside the line
    assert f["uscc"].bbox[0] > 60 + 12 * 5


def test_a_longer_label_wins_over_the_short_label_it_contains():
    docs = extract(page(
        1,
        line("建设工程施工合同", 200, 60, h=30),
        line("工程名称：华建科技园一期", 60, 140),
        line("发包人：北京城投置业有限公司", 60, 170),
        line("承包人：北京华建建设工程有限公司", 60, 200),
        line("签约合同价：人民币（大写）壹仟贰佰万元整（¥12,000,000.00）", 60, 230),
    ))
    f = docs[0].fields
    assert docs[0].doc_type == "project_contract"
    assert f["project_name"].value == "华建科技园一期"
    assert f["contract_amount"].value == "12000000.00"
    assert f["contract_amount_words"].value == "12000000.00"
    assert f["contractor"].value == "北京华建建设工程有限公司"


def test_two_fields_on_one_line_are_cut_at_the_next_label():
    docs = extract(page(
        1,
        line("居民身份证", 200, 40, h=24),
        line("姓名张伟", 60, 100), line("性别男民族汉", 60, 130),
        line("出生1980年3月7日", 60, 160),
        line("公民身份号码 110101198003071239", 60, 260),
    ))
    f = docs[0].fields
    assert (f["name"].value, f["gender"].value, f["ethnicity"].value) == ("张伟", "男", "汉")
    assert f["birth_date"].value == "1980-03-07"
    assert f["id_number"].value == "110101198003071239"


def test_an_ocr_slip_in_an_id_is_proposed_not_applied():
    docs = extract(page(1, line("居民身份证", 200, 40, h=24), line("公民身份号码 11010119800307l239", 60, 260)))
    field = docs[0].fields["id_number"]
    assert field.value == "11010119800307L239" or field.value.startswith("11010119800307")
    assert field.suggestion == "110101198003071239"
    assert field.confidence < 0.9


def test_required_field_missing_is_null_with_zero_confidence():
    docs = extract(page(1, line("营业执照", 220, 60, h=30), line("法定代表人：张伟", 60, 140)))
    assert docs[0].fields["uscc"].value is None and docs[0].fields["uscc"].confidence == 0.0


def test_pages_split_into_logical_documents():
    classes = [PageClass(1, "id_card", 0.9, True, False), PageClass(2, "id_card", 0.9, True, True),
               PageClass(3, "title_certificate", 0.95, True, False), PageClass(4, None, 0.1, False, False),
               PageClass(5, "title_certificate", 0.95, True, False)]
    groups = split_documents(classes)
    assert [(g.doc_type, g.pages) for g in groups] == [
        ("id_card", [1, 2]), ("title_certificate", [3, 4]), ("title_certificate", [5])]


def test_a_page_past_an_id_cards_two_sides_is_another_document_even_untitled():
    # a fax of a card's two sides, then a title certificate's inner page (its title on the cover)
    inner = PageClass(3, None, 0.29, False, False, guess="title_certificate")
    classes = [PageClass(1, None, 0.0, False, False), PageClass(2, "id_card", 0.82, True, False), inner]
    assert [(g.doc_type, g.pages) for g in split_documents(classes, {"id_card": 2})] == [
        ("id_card", [1, 2]), ("title_certificate", [3])]
    # without the limit, or when the page looks like a card too, it stays the card's
    assert [g.pages for g in split_documents(classes)] == [[1, 2, 3]]
    same = PageClass(3, None, 0.3, False, False, guess="id_card")
    assert [g.pages for g in split_documents([*classes[:2], same], {"id_card": 2})] == [[1, 2, 3]]


def test_social_insurance_table_with_month_columns_over_two_pages():
    header = [line("序号", 40, 200, 70), line("姓名", 80, 200, 120), line("社会保障号码", 130, 200, 260),
              line("险种", 270, 200, 310), line("2026-09", 320, 200, 370), line("2026-10", 380, 200, 430),
              line("2026-11", 440, 200, 490)]
    row1 = [line("1", 40, 220, 50), line("张伟", 80, 220, 110), line("110101198003071239", 130, 220, 260),
            line("养老、医疗", 270, 220, 310), line("✓", 340, 220, 350), line("✓", 400, 220, 410),
            line("✓", 460, 220, 470)]
    row2 = [line("2", 40, 240, 50), line("李娜", 80, 240, 110), line("11010519491231002X", 130, 240, 260),
            line("养老", 270, 240, 310), line("✓", 340, 240, 350), line("✓", 460, 240, 470)]
    p1 = page(1, line("社会保险参保缴费明细", 180, 60, h=26), line("单位名称：北京华建建设工程有限公司", 40, 120),
              *header, *row1)
    p2 = page(2, *header, *row2, line("打印日期：2026年11月20日", 40, 700))
    docs = extract(p1, p2)
    assert len(docs) == 1 and docs[0].pages == 2
    records = {r["name"]: r for r in docs[0].records}
    assert records["张伟"]["months"] == ["2026-09", "2026-10", "2026-11"]
    assert records["李娜"]["months"] == ["2026-09", "2026-11"]
    assert records["李娜"]["id_number"] == "11010519491231002X"
    assert docs[0].fields["company_name"].value == "北京华建建设工程有限公司"


def test_social_insurance_table_with_ranges_per_row():
    docs = extract(page(
        1, line("单位缴费明细", 200, 60, h=26),
        line("姓名", 80, 200, 120), line("身份证号码", 130, 200, 260), line("缴费起止", 270, 200, 400),
        line("张伟", 80, 220, 110), line("110101198003071239", 130, 220, 260), line("2026.01-2026.03", 270, 220, 400),
        line("张伟", 80, 240, 110), line("110101198003071239", 130, 240, 260), line("2026.05-2026.06", 270, 240, 400),
    ))
    (record,) = docs[0].records
    assert record["months"] == ["2026-01", "2026-02", "2026-03", "2026-05", "2026-06"]


def test_a_range_whose_end_a_seal_hid_leaves_the_rows_months_in_doubt():
    # 2026-02-2026 (the -04 under the seal): one month read for three paid, at full confidence,
    # would accuse the statement of a gap
    docs = extract(page(
        1, line("单位缴费明细", 200, 60, h=26),
        line("姓名", 80, 200, 120), line("身份证号码", 130, 200, 260), line("缴费起止", 270, 200, 400),
        line("聂诗涵", 80, 220, 120), line("330382200001257304", 130, 220, 260), line("2026-02-2026", 270, 220, 360),
    ))
    (record,) = docs[0].records
    assert record["months"][0] == "2026-02" and record["confidence"]["months"] < 0.9


def test_a_spec_naming_an_unknown_normaliser_is_rejected_with_its_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("doc_type: x\nname_zh: x\nclassify: {titles: [x]}\nfields:\n  a: {normaliser: nope}\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec_file(bad)
    assert "bad.yaml" in str(err.value)


def test_a_shared_label_list_is_expanded_and_an_unknown_one_rejected_with_its_file(tmp_path):
    spec = load_specs()["safety_production_license"]
    assert {"发证机关", "颁发单位", "核发机关"} <= set(spec.fields["issuing_authority"].labels)
    bad = tmp_path / "bad.yaml"
    bad.write_text("doc_type: x\nname_zh: x\nclassify: {titles: [x]}\nfields:\n  a: {labels: [<<nope>>]}\n",
                   encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec_file(bad)
    assert "bad.yaml" in str(err.value) and "<<nope>>" in err.value.reason_zh


def test_a_spec_encoding_a_field_in_one_it_lacks_is_rejected_with_its_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("doc_type: x\nname_zh: x\nclassify: {titles: [x]}\nfields:\n"
                   "  a: {encoded_in: {field: nope, pattern: '(1)', values: {'1': x}}}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_spec_file(bad)
    assert "bad.yaml" in str(err.value) and "nope" in err.value.reason_zh


def _constructor_certificate(*level_cell):
    return extract(page(
        1, line("注册建造师注册证书", 200, 60, h=26),
        line("姓名", 60, 190, 96), line("冯春梅", 124, 190),
        line("注册编号", 306, 208, 352), line("豫141202331318", 370, 208, 456),
        line("聘用单位", 60, 238, 106), line("蜀道安澜（郑州）建设有限公司", 126, 238),
        line("注册级别", 308, 280, 354), *level_cell,
    ))[0].fields


def test_a_level_lost_under_the_seal_is_the_one_its_registration_number_encodes_in_doubt():
    # the level's 一 lost where a seal's edge crosses it (read 级 alone, or nothing): the number's
    # first figure says 一级 (fresh seeds 99 and 101, three certificates)
    for cell in ((line("级", 374, 280),), ()):
        level = _constructor_certificate(*cell)["level"]
        assert level.value == "一级" and level.confidence < 0.9 and "注册编号" in level.notes[0]


def test_a_level_at_odds_with_its_registration_number_doubts_both():
    found = _constructor_certificate(line("二级", 374, 280))
    assert found["level"].value == "二级" and found["level"].confidence < 0.9
    assert found["registration_number"].confidence < 0.9 and found["registration_number"].notes
    assert _constructor_certificate(line("一级", 374, 280))["level"].confidence >= 0.9


def test_a_title_with_place_and_remark_still_counts_but_a_sentence_does_not():
    statement = extract(page(
        1, line("深圳市社会保险参保缴费明细(单位)", 158, 41, h=19),
        line("单位名称：深圳市鹏基建筑工程有限公司", 36, 78),
        line("序号", 40, 131, 64), line("姓名", 79, 131, 104), line("公民身份号码", 149, 132, 205),
        line("险种", 287, 130, 311), line("缴费起止年月", 382, 130, 436),
        line("贾军", 80, 153, 104), line("420106198011016330", 130, 154, 224),
        line("养老/医疗", 246, 152, 351), line("2026.01-2026.10", 374, 153, 445),
    ))
    assert [d.doc_type for d in statement] == ["social_insurance_record"]
    contract = extract(
        page(1, line("劳动合同书", 240, 40, h=24), line("甲方（用人单位）名称：北京华建建设工程有限公司", 60, 120)),
        page(2, line("本合同的变更、解除，按照《中华人民共和国劳动合同法》的有关规定执行。", 60, 100)),
    )
    assert [(d.doc_type, d.pages) for d in contract] == [("labor_contract", 2)]


@pytest.mark.parametrize("title", ["职工参保缴费情况表", "单位职工缴费清单", "社会保险参保情况表"])
def test_a_statement_titled_by_its_situation_or_list_is_named(title):
    # statements say 情况表 or 清单 as often as 明细 or 证明; the header row alone is not enough
    statement = extract(page(
        1, line(title, 215, 45, h=21), line("参保单位名称", 50, 85, 111), line("南京湘江永固建设发展有限公司", 127, 84, 266),
        line("单位社保编号", 49, 107, 111), line("32010531865736", 127, 107, 202), line("缴费期间", 316, 104, 359),
        line("2025年10月至2026年03月", 385, 104, 498),
        line("序号", 40, 136, 62), line("姓名", 83, 135, 106), line("身份证号码", 165, 135, 211),
        line("险种", 283, 133, 306), line("缴费起止年月", 370, 133, 422), line("缴费基数（元）", 491, 131, 548),
        line("何珺", 85, 156, 106), line("320106199001020302", 146, 155, 229), line("基本养老保险", 269, 154, 321),
        line("2025.10至2026.03", 361, 153, 432), line("6300.00", 504, 152, 538),
    ))
    assert [d.doc_type for d in statement] == ["social_insurance_record"]


def test_a_title_letter_spaced_into_boxes_still_names_the_type():
    # 职　称　证　书 printed across the page comes back from OCR as a box per character
    boxes = [line(ch, 150 + 70 * i, 60, h=28) for i, ch in enumerate("职称证书")]
    docs = extract(page(1, *boxes, line("姓名：周建国", 60, 160), line("资格名称：工程师", 60, 190),
                        line("工作单位：武汉长江建设集团有限公司", 60, 220)))
    assert docs[0].doc_type == "title_certificate"
    assert docs[0].fields["company_name"].value == "武汉长江建设集团有限公司"


def test_a_title_with_a_single_traditional_glyph_still_names_the_type():
    # OCR read 专業技术资格证书: one glyph traditional, which a name's own character may be, so the
    # fields keep it; a title is vocabulary and is matched simplified
    docs = extract(page(1, line("专業技术资格证书", 322, 55, h=29), line("资格名称", 408, 103, 463),
                        line("高级工程师", 483, 105, 541), line("姓名", 61, 195, 90), line("龚家駿", 137, 196, 174),
                        line("单位名称", 59, 276, 108), line("西安蓉川建设发展有限公司", 136, 279, 264),
                        source=TextSource.ocr))
    assert docs[0].doc_type == "title_certificate"
    assert docs[0].fields["name"].value == "龚家駿"


def test_an_id_cards_unreadable_front_joins_its_titled_back():
    # a fax left the front's labels unreadable: nothing classifies it, the back names the card
    docs = extract(page(1, line("刘名顾或", 189, 176), line("顾思远", 220, 129), line("32010619830717393X", 263, 242)),
                   page(2, line("中华人民共和国", 262, 129, h=17), line("居民身份证", 254, 158, h=22),
                        line("签发机关 南京市公安局鼓楼区分局", 222, 216)))
    assert [(d.doc_type, d.first_page, d.pages) for d in docs] == [("id_card", 1, 2)]
    assert docs[0].fields["id_number"].value == "32010619830717393X"


def test_a_faxed_card_copy_without_its_title_is_still_a_card_before_the_certificate_after_it():
    # both sides on one faxed sheet: the pale labels came through broken (公身份号码, 比放汉) and
    # the title 居民身份证 not at all; the black values (a police office) still say what it is
    card = page(1, line("上官德胜", 220, 148), line("性别", 192, 170), line("男", 222, 170), line("比放汉", 254, 169),
                line("出生", 191, 191), line("1984年5月1日", 222, 189), line("广西壮族自治区南宁市青", 220, 207),
                line("公身份号码", 191, 261), line("450103198405011715", 263, 262),
                line("中华人民共和国", 254, 377), line("南宁市公安局青秀分局", 257, 464),
                line("有效期限", 216, 485), line("2013.05.14-2033.05.14", 258, 483), source=TextSource.ocr)
    cert = page(2, line("住房和城乡建设领域专业人员岗位培训考核合格证书", 100, 63, h=21),
                line("姓名", 110, 104), line("上官德胜", 203, 104), line("身份证号码", 96, 155),
                line("450103198405011715", 204, 157), line("专业岗位", 100, 179), line("标准员", 202, 179),
                line("证号", 110, 204), line("浙建岗2024053391", 203, 205), line("颁发单位", 100, 254),
                line("浙江省建设岗位培训与执业资格注册中心", 203, 253), source=TextSource.ocr)
    docs = extract(card, cert)
    assert [(d.doc_type, d.first_page) for d in docs] == [("id_card", 1), ("worker_certificate", 2)]
    assert docs[0].fields["issuing_authority"].value == "南宁市公安局青秀分局"


def test_a_card_photographed_small_is_known_by_its_printed_forms_when_its_labels_are_lost():
    # a phone photo of both sides, small in the frame: the pale labels read 性制, 民羌, 公民未价号码
    # and the title not at all; the back's 中华人民共和国 and its dotted term still say it is a card
    # (fresh seed 76: unclassified, all ten fields lost)
    card = page(1, line("姓名严望", 194, 246, h=9), line("性制男", 194, 259, h=10), line("民羌", 232, 259, h=9),
                line("生", 195, 274, h=7), line("1976年5月29日", 212, 273, h=9), line("住址", 195, 287, h=7),
                line("山东省济南市历下区花园", 213, 287, h=8), line("路132号2栋4单元1", 213, 295, h=9),
                line("400室", 214, 303, h=10), line("公民未价号码", 196, 322, h=8),
                line("370102197605290850", 239, 322, h=9), line("中华人民共和国", 243, 423, h=11),
                line("济南市公安司所下区分局", 243, 477, h=9), line("2007.47.17-2037.47.17", 244, 489, h=7),
                source=TextSource.ocr)
    (doc,) = extract(card)
    assert doc.doc_type == "id_card"
    assert doc.fields["id_number"].value == "370102197605290850"


def test_a_label_inside_a_title_read_with_a_traditional_glyph_is_no_label():
    # 专業技术资格证书: 专业 read simplified was found as the label and 技术 taken as the specialty
    (doc,) = extract(page(1, line("专業技术资格证书", 321, 55, h=29), line("资格名称", 409, 103), line("工程师", 484, 106),
                          line("专业", 407, 144), line("工程造价", 483, 146), line("姓名", 61, 195), line("顾丽萍", 127, 198),
                          source=TextSource.ocr))
    assert doc.doc_type == "title_certificate"
    assert doc.fields["specialty"].value == "工程造价"


def test_a_cards_term_whose_label_and_start_were_lost_gives_its_end_by_form():
    # a photo lost 有效期限 and the start's first figures: 05-2041.09.05 is still the end
    (doc,) = extract(page(1, line("出生", 179, 200, h=7), line("1985年6月8日", 197, 199, h=8),
                          line("河南省周口市川汇区三合", 197, 212, h=9), line("中华人民共和国", 224, 374, h=12),
                          line("居民身份证", 220, 392, h=15), line("鉴发机关", 201, 431, h=7),
                          line("05-2041.09.05", 248, 441, h=8), source=TextSource.ocr))
    assert doc.fields["valid_until"].value == "2041-09-05" and doc.fields["valid_until"].confidence < 0.9
    assert "valid_from" not in doc.fields or doc.fields["valid_from"].value is None


def test_an_id_number_with_a_speck_among_its_figures_is_found_beside_its_wrapped_label():
    (doc,) = extract(page(1, line("劳动合同", 251, 63, h=26),
                          line("甲方长沙长安华构建设发展有限公司，乙方殷佳怡，性别女，身份证号码", 55, 132, 535),
                          line("510.107199603140549，住址四川省成都市武侯区人民南路61号。", 55, 151, 530), source=TextSource.ocr))
    assert doc.fields["id_number"].value == "510107199603140549" and doc.fields["id_number"].confidence < 0.9


def test_a_label_opening_a_clause_is_its_subject_and_the_paragraph_after_it_no_value():
    # 2.承包人应按照…: the court named three clauses on was a second "contractor", and the true
    # one was doubted as ambiguous (fresh seeds 73, 75, 76)
    h = 12.0
    (doc,) = extract(page(1, line("建设工程施工合同", 200, 60, h=24), line("承包人：长沙长安华构建设发展有限公司", 57, 120, h=h),
                          line("2.承包人应按照法律规定和合同约定组织施工，确保工程质量和安全。", 57, 160, 420, h=h),
                          line("3.因发包人原因导致工期延误的，工期相应顺延。", 57, 176, 330, h=h),
                          line("5.合同履行中发生争议的，双方协商解决；协商不成的，向工程所在地人民法院起诉。", 57, 192, 520, h=h)))
    assert doc.fields["contractor"].value == "长沙长安华构建设发展有限公司"
    assert doc.fields["contractor"].confidence >= 0.9


def test_an_amount_in_words_with_a_numeral_read_as_its_lookalike_is_read_whole_with_doubt():
    (doc,) = extract(page(1, line("建设工程施工合同", 200, 60, h=24),
                          line("1. 签约合同价为：人民币（大写）叁仟壹佰壹拾捌万肆任捌佰柒拾贰元陆角捌分", 71, 476, 447, conf=0.95),
                          line("（小写）¥31,184,872.68元", 71, 495, 300), source=TextSource.ocr))
    words = doc.fields["contract_amount_words"]
    assert words.value == "31184872.68" and words.confidence < 0.9


def test_a_cards_ethnicity_with_its_label_cut_is_the_ethnicity_not_a_name():
    # a photo lost the name and most labels: 民汉 (民族 cut) is two ideographs alone, a name's form,
    # but of the closed list of ethnicities first (fresh seed 79)
    (doc,) = extract(page(1, line("女", 261, 152, h=7), line("民汉", 278, 148, h=10), line("1999年2月6日", 260, 160, h=11),
                          line("江苏省徐州市邳州市科华", 259, 171, h=12), line("北路96号", 259, 180, h=10),
                          line("公民身份号码", 241, 204, h=9), line("320382199902065708", 283, 200, h=12),
                          line("中华人民共和国", 277, 326, h=12), line("居民身份证", 272, 342, h=16), source=TextSource.ocr))
    assert doc.fields["ethnicity"].value == "汉"
    assert "name" not in doc.fields or doc.fields["name"].value != "民汉"


def test_a_cards_title_misread_by_one_character_still_counts_for_its_type():
    # a faxed card: 居民身份证 read 屈民身份证, the labels lost but 有效期限 (fresh seed 88: no document)
    card = page(1, line("MAY-19-202610:11 AM FROM:+861089946148 TO:82803612 P.1", 12, 2, 224, h=8),
                line("庞长江", 66, 40, h=13), line("中华人民共和国", 373, 45, h=14), line("男", 69, 61, h=11),
                line("河南省周口市川汇区龙泉", 69, 101, h=11), line("屈民身份证", 365, 73, h=21),
                line("周口市公安局川汇区分局", 374, 132, h=10), line("411602196801229930", 111, 154, h=11),
                line("有效期限", 334, 151, h=9, conf=0.56), line("2017.07.06长押小，他行", 376, 151, h=9, conf=0.77),
                source=TextSource.ocr)
    (doc,) = extract(card)
    assert doc.doc_type == "id_card"


def test_a_label_after_a_bracket_the_line_leaves_open_is_read():
    # a text layer joined two columns: the type's value wraps inside its bracket onto the next
    # line, and 成立日期 with its date sits after the open bracket on the same line
    docs = extract(page(1, line("营 业 执 照", 195, 59, h=30), line("统一社会信用代码 91410105MAPR1LL110", 51, 126),
                        line("名", 51, 232, 62), line("称 郑州中原恒泰建设发展有限公司", 93, 232, 262),
                        line("类", 51, 251, 62), line("型 有限责任公司（非自然人投资或控股的法 成立日期 2017年3月2日", 93, 251, 443),
                        line("人独资）", 115, 267, 157), line("法定代表人 钱俊峰", 51, 286, 146)))
    assert docs[0].fields["established_date"].value == "2017-03-02"
    assert docs[0].fields["company_type"].value == "有限责任公司（非自然人投资或控股的法人独资）"
