"""Field extraction on hand-placed lines shaped like real scans: split labels, two columns,
wrapped and stacked values, seals over labels and values, and the confidence of doubtful reads."""

from __future__ import annotations

from dossier.extract.document import extract_documents
from dossier.extract.fields import FALLBACK_NOTE, TRUNCATED_NOTE
from dossier.model import FileText, PageText, TextLine, TextSource

LANDSCAPE = (842.0, 595.0)
PORTRAIT = (595.0, 842.0)
LOW = 0.90  # the default low-confidence threshold (settings.low_confidence)


def box(text, x0, y0, x1=None, h=15.0, conf=1.0):
    x1 = x1 if x1 is not None else x0 + 12 * len(text)
    return TextLine(text=text, confidence=conf, bbox=(x0, y0, x1, y0 + h))


def extract(*lines, size=PORTRAIT, source=TextSource.ocr):
    page = PageText(number=1, width=size[0], height=size[1], source=source, lines=list(lines))
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="image/jpeg", pages=[page]), "f.jpg")
    return doc


def licence(*lines):
    """A 营业执照 page in two columns, as OCR reads one (the values at the right of their labels)."""
    return extract(box("营业执照", 341, 77, 497, h=40), box("统一社会信用代码91350100M000100Y43", 59, 80, 278),
                   box("名称", 65, 211, 119), box("北京华建建设工程有限公司", 145, 210, 301),
                   *lines, size=LANDSCAPE)


def test_a_letter_spaced_label_read_as_two_boxes_and_its_wrapped_value_in_the_right_column():
    doc = licence(
        box("经营范围", 66, 305, 113), box("房屋建筑工程、市政公用工程、地基基础工", 146, 304, 429),
        box("住", 452, 304, 486), box("所", 488, 304, 504),
        box("北京市海淀区人民路224号建工大", 519, 302, 718),  # a little above its label: read first
        box("程、钢结构工程施工；建筑材料销售。", 145, 321, 430),  # the left column's next line
        box("厦12层11室", 520, 320, 583),
    )
    assert doc.fields["address"].value == "北京市海淀区人民路224号建工大厦12层11室"


def test_a_split_label_whose_last_piece_runs_into_the_value():
    doc = licence(box("住", 453, 306, 464, h=11), box("所 广东省深圳市南山区青年路277号建工大", 491, 306, 717, h=11),
                  box("厦22层06室", 522, 323, 581, h=11))
    assert doc.fields["address"].value == "广东省深圳市南山区青年路277号建工大厦22层06室"


def test_a_wrapped_id_card_address_whose_first_line_sits_above_its_label():
    doc = extract(
        box("姓名叶志强", 192, 145, 265), box("民族汉", 261, 170, 308), box("性别男", 193, 171, 240),
        box("出生 1992 年 7 月 15 日", 193, 189, 323),
        box("湖北省武汉市洪山区民主", 226, 207, 331, h=16),  # sorts before 住址 in reading order
        box("住址", 194, 210, 231, h=13.5),
        box("路379号幸福家园19栋4", 228, 222, 327, h=14),
        box("样本", 356, 232, 395, h=19),  # the specimen mark, right of the address
        box("单元1705室", 228, 235, 281, h=14),
        box("公民身份号码420111199207158950", 194, 251, 380),
    )
    assert doc.doc_type == "id_card"
    assert doc.fields["address"].value == "湖北省武汉市洪山区民主路379号幸福家园19栋4单元1705室"
    assert doc.fields["id_number"].value == "420111199207158950"


def test_a_speck_read_as_a_stop_before_a_wrapped_lines_first_character_is_no_part_of_the_value():
    # no line of print opens with a stop: '.2501室', a speck beside the line, gave the address a
    # dot inside it at full confidence (fresh seed 75)
    doc = extract(
        box("姓名武建国", 181, 168, 240), box("性别男", 181, 189, 223), box("出生", 181, 209, 207),
        box("1995年7月21日", 210, 209, 275), box("住址", 181, 229, 202),
        box("江苏省南京市鼓楼区幸福", 210, 228, 307), box("巷245号19栋4单元", 210, 241, 284),
        box(".2501室", 207, 254, 240), box("公民身份号码", 179, 280, 225), box("320106199507216919", 251, 282, 352))
    assert doc.fields["address"].value == "江苏省南京市鼓楼区幸福巷245号19栋4单元2501室"


def test_a_faxed_cards_term_whose_dots_read_as_commas_is_found_beside_its_label():
    doc = extract(
        box("513322196410117979", 292, 246, 392), box("中华人民共和国", 292, 373, 399, h=19),
        box("居民身份证", 284, 403, 390, h=21), box("签发机关", 254, 461, 286), box("泸定县公安局", 295, 461, 347),
        box("有效期限", 255, 479, 285, conf=0.57), box("2009,03,20 2029,03,20", 295, 480, 385, conf=0.97))
    f = doc.fields
    assert (f["valid_from"].value, f["valid_until"].value) == ("2009-03-20", "2029-03-20")
    assert f["valid_until"].confidence < 0.9


def test_a_label_a_text_layer_joined_to_the_running_text_before_it_takes_the_whole_value_beside_it():
    # the business scope wraps in its cell; the next column's 住 所 came as the end of that cell's
    # line, and the scope's next line was taken as the address (fresh seed 73, a text layer)
    h = 10.0
    doc = extract(
        box("营 业 执 照", 224, 69, 371, h=30), box("统一社会信用代码 91430104MAUGB57F7K", 51, 135, 254, h=h),
        box("名 称", 51, 239, 75, h=h), box("长沙长安华构建设发展有限公司", 116, 239, 263, h=h),
        box("经 营范围 许可项目：建设工程施工；建设工程设", 51, 301, 295, h=h),
        box("计；住宅室内装饰装修；施工专业作业。 住 所", 116, 316, 347, h=h),
        box("湖南省长沙市岳麓区文三路2段", 377, 316, 520, h=h),
        box("（依法须经批准的项目，经相关部门批", 116, 331, 295, h=h), box("256号创新大厦24层22号", 377, 331, 495, h=h),
        box("准后方可开展经营活动，具体经营项目", 116, 346, 295, h=h),
        source=TextSource.text_layer)
    assert doc.fields["address"].value == "湖南省长沙市岳麓区文三路2段256号创新大厦24层22号"


def test_running_text_wraps_at_its_bodys_margin_not_at_a_signature_line_set_further_right():
    # the notice's body wraps at 527-530, its agency's signature line ends at 538: the project's
    # name that wraps after 住宅小区 (a line ending at 520) was not read across the wrap (fresh seed 73)
    h = 11.0
    doc = extract(
        box("中标通知书", 248, 65, 348, h=20), box("长沙长安华构建设发展有限公司：", 57, 118, 230, h=h),
        box("长沙第二人民医院（招标人）于二〇二一年七月二十九日组织的 长沙大明湖东住宅小区", 80, 140, 520, h=h),
        box("12#楼工程 施工招标，经评标委员会评审并公示无异议，确定你单位为中标人。现将有关事项", 57, 161, 527, h=h),
        box("通知如下：", 57, 183, 115, h=h), box("一、中标价：5043万元", 80, 209, 198, h=h),
        box("请你单位在接到本通知书后30日内与招标人签订施工承包合同，并按招标文件要求提交履", 80, 298, 530, h=h),
        box("约担保。", 57, 320, 103, h=h), box("招标人：长沙第二人民医院（盖章）", 370, 385, 538, h=h),
        box("招标代理机构：长沙建设工程招标代理有限公司（盖章）", 276, 426, 538, h=h),
        box("二〇二一年七月二十九日", 423, 447, 538, h=h),
        source=TextSource.text_layer)
    assert doc.fields["project_name"].value == "长沙大明湖东住宅小区12#楼工程"


def test_a_label_wrapped_in_its_cell_has_its_value_centred_on_both_its_lines():
    # 统一社会信用代 / 码 in a narrow cell, the number beside the middle of the two: below the
    # first line's row, and the statement lost its USCC (fresh seed 73, a scanned PDF)
    doc = extract(
        box("社会保险缴费证明", 237, 51, 375, h=22), box("缴费单位", 69, 82, 113),
        box("成都麓山远景建筑工程有限公司", 140, 84, 282, h=17), box("统一社会信用代", 54, 106, 127),
        box("码", 83, 121, 98, h=14), box("91510107MA6MWQBA5G", 138, 117, 256),
        box("所属期", 332, 120, 366), box("2025-09至2026-08", 397, 123, 483, h=13))
    assert doc.fields["uscc"].value == "91510107MA6MWQBA5G"


def test_a_wrapped_address_goes_on_beside_a_scope_whose_sub_heading_is_a_box_of_its_own():
    # the licence's 住所 wraps onto the row of 经营范围 | 许可项目：…, read as two boxes: the scope's
    # sub-heading is no label waiting for the address's second line (fresh seed 80, a TIFF)
    doc = extract(
        box("营业执照", 194, 56, 400, h=42), box("统一社会信用代码91430104MA69GX1H9R", 53, 123, 270),
        box("名", 52, 229, 66, h=14), box("称锦程（长沙）建设有限公司", 93, 229, 244, h=15),
        box("法定代表人", 52, 284, 108, h=13), box("贾立新", 114, 284, 150, h=14),
        box("住所", 322, 289, 372, h=15), box("湖南省长沙市岳麓区光明路4段216", 376, 290, 538, h=16),
        box("经营范围", 50, 302, 107, h=14), box("许可项目：建设工程施工；建设工程设", 114, 303, 295, h=15),
        box("号总部经济港6层18号", 377, 306, 480, h=14), box("计；住宅室内装饰装修；施工专业作业。", 115, 318, 300, h=16),
        size=LANDSCAPE)
    assert doc.fields["address"].value == "湖南省长沙市岳麓区光明路4段216号总部经济港6层18号"


def test_a_long_term_whose_dash_read_as_a_dot_and_first_character_was_lost_is_guessed():
    # an overlay across the card's term: 2020.08.25-长期 read 2020.0825.期 (fresh seed 77)
    doc = extract(
        box("370102196304038972", 292, 246, 392), box("中华人民共和国", 284, 398, 395, h=21),
        box("居民身份证", 277, 426, 383, h=24), box("签发机关", 245, 487, 275, h=10),
        box("济南市公安局历下区分局", 287, 487, 379, h=13), box("有效期限", 245, 505, 274, h=11),
        box("2020.0825.期", 287, 505, 352, h=11, conf=0.89))
    f = doc.fields
    assert (f["valid_from"].value, f["valid_until"].value) == ("2020-08-25", "长期")
    assert f["valid_until"].confidence < 0.9


def test_a_grey_overlay_read_on_its_slant_is_no_line_of_the_address_it_crosses():
    # a card copy with "仅供…资质申报使用，他用无效" written across it in grey: no colour to lift
    # it off, so OCR reads it as one line whose box spans the card; the title printed large stays
    doc = extract(
        box("姓名", 39, 40, 59, h=10), box("文耀祖", 69, 39, 97, h=11.5),
        box("中华人民共和国", 372, 46, 476, h=16), box("性别", 39, 60, 59, h=10), box("男", 68, 60, 80, h=10.8),
        box("民族汉", 102, 59, 144, h=11.9), box("1987年3月21日", 70, 80, 132, h=9.7),
        box("居民身份证", 364, 75, 465, h=19), box("出生", 39, 80, 59, h=9.7),
        box("住址", 39, 99, 58, h=9.7), box("云南省楚雄彝族自治州楚", 69, 99, 163, h=11.9),
        box("（杭州3301建设有限公司资质申报使用，他用无效", 74, 92, 476, h=94.7, conf=0.97),
        box("雄市花园路12号13栋", 69, 112, 148, h=11.2), box("1单元2102室", 69, 124, 120, h=11.5),
        box("签发机关", 333, 133, 362, h=9.4), box("楚雄市公安局", 373, 132, 423, h=10.8),
        box("公民身份号码", 39, 152, 81, h=8.6), box("532301198703215732", 110, 153, 215, h=11.5),
        box("有效期限", 332, 151, 362, h=9.7), box("2019.05.29-2039.05.29", 373, 151, 460, h=10.4),
        size=(552.6, 202.0))
    assert doc.doc_type == "id_card"
    assert doc.fields["address"].value == "云南省楚雄彝族自治州楚雄市花园路12号13栋1单元2102室"
    assert doc.fields["issuing_authority"].value == "楚雄市公安局"


def test_a_title_printed_large_is_no_overlay():
    from dossier.extract.measure import is_overlay

    body = 10.5
    assert not is_overlay(TextLine(text="营业执照", bbox=(300, 60, 460, 100)), body)  # 4 chars of 40 pt
    assert is_overlay(TextLine(text="仅供资质申报使用他用无效", bbox=(80, 90, 400, 190)), body)
    assert not is_overlay(TextLine(text="仅供资质申报使用他用无效", bbox=(80, 90, 400, 115)), body)


def test_a_faxed_qualification_certificate_whose_labels_were_garbled_is_read_by_the_values_forms():
    # the fax kept the values and garbled the labels over them (合业名标 for 企业名称, 客山类星及等级
    # for 资质类别及等级): each value is found by its form, doubted; a garbled label is no line the
    # name under it wrapped from (合业名标湘江永固…)
    doc = extract(
        box("JAN-19-2026 10:55 AM FROM: -86 10 81186229 T0: 86472365P.1", 12, 2, 240, h=9),
        box("建筑业企业资质证书（电子证书)", 160, 64, 424, h=21.6, conf=0.94),
        box("合业名标", 49, 100, 88, h=13, conf=0.68), box("湘江永固建设集团第三工程有限公司", 49, 112, 236, h=14),
        box("91610113MAN1UNLL17", 49, 145, 178, h=12.5, conf=0.99), box("认代人人", 49, 164, 95, h=13, conf=0.6),
        box("胡树林", 48, 176, 88, h=16.8), box("书编", 49, 227.5, 87, h=13, conf=0.54),
        box("D361342748", 49, 242, 122, h=11), box("客山类星及等级", 55, 299.5, 121, h=14.9, conf=0.56),
        box("建筑工程施工总承包三级", 55, 314.4, 185, h=13), box("发证机关", 49, 341, 97, h=14.4),
        box("陕西省住房和城乡建设厅", 110, 342, 233, h=12.5), box("发证日期", 49, 362, 97, h=14.9),
        box("2026.09.07", 109, 363, 172, h=13))
    assert doc.doc_type == "qualification_certificate"
    got = {name: doc.fields[name] for name in ("company_name", "cert_number", "qualifications")}
    assert got["company_name"].value == "湘江永固建设集团第三工程有限公司"
    assert got["cert_number"].value == "D361342748"
    assert got["qualifications"].value == ["建筑工程施工总承包三级"]
    assert all(field.confidence < LOW for field in got.values())


def test_a_photographed_address_does_not_run_on_into_the_next_rows_value():
    # the photo's slant made the address's box tall enough to reach 经济类型 on the next row, and
    # that label's box overlaps its value's by three points: 有限责任公司 was read as the address's end
    doc = extract(
        box("安全生产许可证", 173, 103, 339, h=34), box("编号：（浙）JZ安许证字（2013〕084493", 290, 154, 438, h=19.7),
        box("单位名称 浙江金陵汇通建设工程有限公司", 70, 169, 246, h=20.8), box("主要负责人 于鹏飞", 70, 184, 153, h=17),
        box("经济类型", 68.4, 215.2, 125.0, h=14.1), box("单位地址", 69.5, 200.3, 125.0, h=14.1),
        box("浙江省杭州市滨江区长江西路2段248号财富中心3层02号", 121.3, 201.8, 336.4, h=21.2),
        box("有限责任公司", 121.7, 217.0, 177.2, h=14.5), box("许可范围建筑施工", 68, 230, 160, h=16.4),
        box("有效期至2026年10月4日", 68, 244.5, 194, h=17.8), size=(553.0, 737.3))
    assert doc.fields["address"].value == "浙江省杭州市滨江区长江西路2段248号财富中心3层02号"


def test_a_faxed_card_front_whose_pale_labels_are_lost_is_read_by_the_values_forms():
    # a fax kept the black values and lost the blue labels (出生, 住址 but its last glyph) and
    # read 性别 with a traditional glyph: each value is found by its form, none with certainty
    doc = extract(
        box("姓名雷振华", 35, 36, 94, h=11), box("性別男", 34, 56, 77, h=12), box("民族汉", 99, 56, 140, h=11),
        box("1990年6月26日", 66, 78, 140, h=8), box("址", 35, 97, 57, h=9),
        box("湖南省邵阳市双清区人民", 66, 97, 160, h=9), box("南路273号12栋4单", 66, 109, 140, h=10),
        box("元2001室", 66, 121, 106, h=11), box("公民身份号码", 36, 149, 79, h=9),
        box("430502199006266434", 108, 149, 215, h=9),
        size=(250.0, 160.0))
    f = doc.fields
    assert doc.doc_type == "id_card"
    assert f["gender"].value == "男"
    assert f["birth_date"].value == "1990-06-26" and f["birth_date"].confidence < LOW
    assert f["address"].value == "湖南省邵阳市双清区人民南路273号12栋4单元2001室"
    assert f["address"].confidence < LOW


def test_two_columns_of_captions_over_values_whose_boxes_overlap_their_captions():
    # a 安全生产许可证 scan: each caption over its value, the value's box reaching a little into
    # the caption's; the left column's 单位名称 stands on the row of the right column's value
    doc = extract(
        box("安全生产许可证", 314, 65, 538, h=38), box("编号", 68, 112, 95, h=17), box("经济类型", 431, 121, 471, h=14),
        box("(豫)JZ安许证字〔2009〕094726", 77, 133, 262, h=20), box("有限责任公司", 431, 133, 504, h=17),
        box("许可范围", 431, 154, 470, h=13), box("单位名称", 69, 167, 108, h=14), box("建筑施工", 430, 165, 480, h=17),
        box("郑州泉城瑞丰建设发展有限公司", 69, 179, 233, h=19), box("有效期限", 430, 186, 469, h=13),
        box("主要负责人", 68, 199, 116, h=14), box("2024年06月09日至2027年06月08日", 430, 198, 615, h=19),
        box("蒲建国", 67, 210, 107, h=18), box("单位地址", 67, 231, 107, h=14),
        box("河南省郑州市金水区团结村9段245号科技园14层10号", 67, 243, 341, h=21),
        box("河南省住房和城乡建设厅", 542, 245, 663, h=23), box("2024年06月09日", 560, 270, 645, h=18),
        size=LANDSCAPE)
    f = doc.fields
    assert doc.doc_type == "safety_production_license"
    assert f["scope"].value == "建筑施工"
    assert f["valid_until"].value == "2027-06-08"
    assert f["company_name"].value == "郑州泉城瑞丰建设发展有限公司"


def test_a_date_box_a_seal_swelled_is_still_the_value_beside_its_label():
    # the seal's edge joined the validity's box, twice the row's height: a seal curves a name,
    # figures are the row's text; the seal's own glyphs (住, 省) under the label are not its value
    doc = extract(
        box("建筑业企业资质证书", 190, 60, 400, h=28), box("企业名称", 75, 130, 121, h=15),
        box("成都长安华构建设集团有限公司", 146, 129, 300, h=16),
        box("法人代表", 327, 186, 373, h=15), box("诸葛世勋", 393, 186, 440, h=17),
        box("证书编号", 75, 216, 121, h=14), box("D251435027", 146, 216, 209, h=15),
        box("有效期", 332, 219, 367, h=14, conf=0.89), box("2023/12/6至2028/12/5", 388, 211, 514, h=33, conf=0.9762),
        box("资质类别及等级", 59, 239, 136, h=15), box("建筑工程施工总承包三级", 146, 240, 265, h=16),
        box("住", 350, 236, 366, h=14, conf=0.55), box("省", 345, 250, 363, h=14),
        size=(595.0, 420.0))
    assert doc.doc_type == "qualification_certificate"
    assert doc.fields["valid_until"].value == "2028-12-05"


def test_a_police_office_read_a_character_off_is_doubted_by_the_cards_own_number():
    doc = extract(
        box("中华人民共和国", 219, 87, 331, h=18), box("居民身份证", 213, 116, 319, h=21),
        box("签发机关", 182, 177, 213, h=11), box("吉酋市公安局", 222, 176, 272, h=12),
        box("有效期限", 182, 196, 212, h=11), box("2009.03.20-2029.03.20", 222, 194, 313, h=11),
        box("公民身份号码", 154, 121, 198, h=12), box("433101198103017034", 226, 119, 337, h=13),
        size=(400.0, 260.0))
    f = doc.fields["issuing_authority"]
    assert f.value == "吉酋市公安局" and f.suggestion == "吉首市公安局" and f.confidence < LOW


def test_a_label_of_another_form_is_no_value_when_the_value_beside_it_went_unread():
    # a photographed contract: the name under a seal went unread, 性别 (a card's label, not the
    # contract's) stands next on the row
    doc = extract(
        box("劳动合同", 225, 113, 275, h=19), box("用人单位", 135, 146, 159, h=10),
        box("陕西钱塘鼎盛建筑安装工程集团有限公司", 170, 147, 267, h=12),
        box("姓名", 141, 181, 154, h=10), box("性别", 262, 183, 276, h=12),
        box("公民身份号码", 131, 194, 165, h=10), box("610113198505066943", 170, 195, 225, h=11),
        box("合同起始日期", 130, 206, 166, h=11), box("2021年11月1日", 170, 207, 208, h=11),
        size=(500.0, 700.0))
    assert doc.doc_type == "labor_contract"
    name = doc.fields.get("name")
    assert name is None or name.value != "性别"


def test_below_a_label_is_not_the_value_of_the_label_left_of_it_and_capital_may_be_in_words():
    doc = licence(
        box("五仟万圆整", 515, 203, 579, h=22, conf=0.84), box("注册资本", 450, 208, 499, h=17),
        box("成立日期", 451, 239, 499, h=17), box("2012年05月18日", 521, 238, 607),
        box("营业期限", 451, 270, 499, h=17), box("2012年05月18日至长期", 520, 269, 648),
    )
    f = doc.fields
    assert f["registered_capital"].value == "50000000.00"
    assert f["registered_capital"].confidence < LOW  # washed out and half lower-case: a person confirms
    assert f["established_date"].value == "2012-05-18"
    assert f["business_term_until"].value == "长期"


def test_curved_seal_text_on_the_labels_row_is_skipped_for_the_value_below_right():
    doc = licence(
        box("郴周区市场医究院", 616, 412, 716, h=58, conf=0.51),  # the seal's ring, read as a tall box
        box("登记机关", 555, 437, 608, h=18.6),
        box("武汉市武昌区市场监督管理局", 623, 459, 766, h=19),
        box("2023年06月14日", 624, 490, 709),
    )
    assert doc.fields["issuing_authority"].value == "武汉市武昌区市场监督管理局"
    assert doc.fields["issue_date"].value == "2023-06-14"


def test_a_label_word_inside_a_value_does_not_cut_it():
    doc = extract(
        box("职业技能等级证书", 204, 120, 387, h=29),
        box("姓名", 109, 271, 155), box("林福生", 228, 270, 273),
        box("职业（工种)", 111, 373, 183), box("钢筋工", 229, 371, 273),
        box("证书编号", 111, 441, 166), box("S000042010618443988616", 230, 442, 399),
        box("评价机构(盖章)", 333, 607, 432, h=22),
        box("武汉市建筑业职业技能鉴定中心", 334, 644, 491),
    )
    assert doc.fields["issuing_authority"].value == "武汉市建筑业职业技能鉴定中心"
    assert doc.fields["occupation"].value == "钢筋工"


def test_a_remark_with_a_doubled_bracket_after_the_label():
    doc = extract(
        box("专业技术资格证书", 547, 79, 713, h=29),
        box("姓名", 82, 273, 126), box("叶志强", 161, 272, 203),
        box("发证机关（(盖章)", 566, 411, 653, conf=0.87),
        box("北京市人力资源和社会保障厅", 566, 440, 712),
        size=LANDSCAPE,
    )
    assert doc.fields["issuing_authority"].value == "北京市人力资源和社会保障厅"


def test_a_province_in_brackets_opening_a_code_is_part_of_it():
    doc = extract(box("安全生产许可证", 193, 95, 398, h=38), box("编号：（鄂）JZ安许证字〔2019〕191904", 180, 191, 411),
                  box("单位名称", 76, 255, 129), box("湖北楚天建设工程有限公司", 173, 254, 320))
    assert doc.fields["license_number"].value == "（鄂）JZ安许证字〔2019〕191904"


def test_a_certificate_number_keeps_its_province_prefix():
    doc = extract(
        box("住房和城乡建设领域施工现场专业人员", 148, 123, 443, h=24), box("职业培训合格证", 233, 160, 359, h=24),
        box("姓名", 109, 272, 155), box("许建华", 229, 271, 272),
        box("证书编号", 111, 407, 166), box("粤J2019020088", 230, 407, 327),
    )
    assert doc.fields["cert_number"].value == "粤J2019020088"


def test_list_items_stacked_under_their_header_like_table_rows():
    qualification = extract(
        box("建筑业企业资质证书", 304, 76, 538, h=26),
        box("企业名称", 74, 173, 118, h=11), box("湖北楚天建设工程有限公司", 187, 173, 319, h=11),
        box("资质类别及等级", 476, 172, 560, h=11),
        box("详细地址", 74, 201, 118, h=11), box("湖北省武汉市武昌区和平街136号", 187, 201, 436, h=11),
        box("建筑工程施工总承包三级", 476, 207, 597, h=11),
        box("统一社会信用代码", 74, 229, 162, h=11), box("91420106MAHN1NRH8N", 187, 229, 311, h=11),
        box("市政公用工程施工总承包三级", 476, 232, 619, h=11),
        box("法定代表人", 74, 258, 129, h=11), box("邱志明", 187, 258, 220, h=11),
        size=LANDSCAPE, source=TextSource.text_layer,
    )
    assert qualification.fields["qualifications"].value == ["建筑工程施工总承包三级", "市政公用工程施工总承包三级"]
    constructor = extract(
        box("一级建造师注册证书", 190, 134, 406, h=24),
        box("姓 名", 79, 206, 123, h=11.5), box("周红军", 176, 206, 210, h=11.5),
        box("注册专业", 143, 409, 185, h=10.5), box("有效期", 319, 409, 350, h=10.5),
        box("建筑工程", 143, 432, 185, h=10.5), box("2028年08月28日", 294, 432, 375, h=10.5),
        box("市政公用工程", 133, 455, 196, h=10.5), box("2028年08月28日", 294, 455, 375, h=10.5),
        box("使用有效期 至2027年03月12日", 79, 495, 244, h=11.5),
        source=TextSource.text_layer,
    )
    assert constructor.fields["specialties"].value == ["建筑工程", "市政公用工程"]
    assert constructor.fields["specialty_valid_until"].value == "2028-08-28"


def test_a_list_printed_one_item_per_line_with_each_items_role():
    doc = extract(
        box("房屋建筑工程竣工验收报告", 178, 83, 418, h=20),
        box("工程名称", 105, 159, 147, h=10.5), box("光谷科技产业园二期厂房工程", 275, 159, 448, h=10.5),
        box("施工单位", 105, 232, 147, h=10.5), box("湖北楚天建设工程有限公司", 298, 232, 424, h=10.5),
        box("开工日期", 105, 352, 147, h=10.5), box("2024年02月05日", 321, 352, 402, h=10.5),
        box("竣工验收日期", 95, 377, 158, h=10.5), box("2025年04月22日", 321, 377, 402, h=10.5),
        box("参与验收单位：", 62, 477, 136, h=10.5),
        box("建设单位：武汉光谷产业投资有限公司", 62, 500, 241, h=10.5),
        box("施工单位：湖北楚天建设工程有限公司", 62, 523, 241, h=10.5),
        box("监理单位：武汉华胜工程建设监理有限公司", 62, 546, 262, h=10.5),
        box("建设单位（公章）", 62, 651, 146, h=10.5),
        source=TextSource.text_layer,
    )
    f = doc.fields
    assert f["participants"].value == ["武汉光谷产业投资有限公司", "湖北楚天建设工程有限公司", "武汉华胜工程建设监理有限公司"]
    assert f["contractor"].value == "湖北楚天建设工程有限公司"
    assert f["start_date"].value == "2024-02-05"


def test_a_label_half_hidden_by_a_seal_still_finds_its_value_with_doubt():
    doc = extract(
        box("安全生产许可证", 193, 95, 398, h=38), box("编号：（鄂）JZ安许证字〔2019〕191904", 180, 191, 411),
        box("有效期", 77, 453, 119, h=18), box("2025年1月10日至2028年1月9日", 175, 454, 354),
        box("发证机", 332, 613, 378, h=23),  # 发证机关: the seal covers 关
        box("湖北省住房和城乡建设厅", 334, 644, 468, h=17),
        box("2025年1月10日", 334, 679, 424),
    )
    field = doc.fields["issuing_authority"]
    assert field.value == "湖北省住房和城乡建设厅"
    assert field.confidence < LOW and TRUNCATED_NOTE in field.notes


def test_an_authority_whose_label_is_lost_under_the_seal_is_found_by_its_form_with_doubt():
    doc = extract(
        box("住房和城乡建设领域施工现场专业人员", 147, 122, 441, h=26), box("职业培训合格证", 232, 160, 358, h=24),
        box("姓名", 109, 272, 154), box("汪晓冬", 228, 271, 271),
        box("证书编号", 111, 409, 165), box("鄂J2020226128", 229, 407, 327),
        box("发证日期", 111, 442, 166), box("2020-01-07", 230, 441, 302),
        box("湖北省建设教育协会章", 335, 644, 451),  # 发证单位（盖章） not read; 章 is the seal's
    )
    field = doc.fields["issuing_authority"]
    assert field.value == "湖北省建设教育协会"
    assert field.confidence < LOW and FALLBACK_NOTE in field.notes


def test_a_fallback_is_doubted_more_when_it_had_to_choose_or_its_label_was_there():
    unique = extract(box("中标通知书", 240, 60, h=30), box("中标人：北京华建建设工程有限公司", 60, 140),
                     box("2024年3月1日", 400, 760))
    several = extract(box("中标通知书", 240, 60, h=30), box("中标人：北京华建建设工程有限公司", 60, 140),
                      box("2024年2月20日", 60, 300), box("2024年3月1日", 400, 760))
    label_unread = extract(box("中标通知书", 240, 60, h=30), box("中标人：北京华建建设工程有限公司", 60, 140),
                           box("发出日期：", 60, 300), box("2024年3月1日", 400, 760))
    # without its label a date's role is a guess: never a confident value, least when chosen
    assert unique.fields["issue_date"].value == "2024-03-01" and unique.fields["issue_date"].confidence < LOW
    assert several.fields["issue_date"].value == "2024-03-01"
    assert label_unread.fields["issue_date"].confidence < several.fields["issue_date"].confidence \
        < unique.fields["issue_date"].confidence


def test_scale_indicators_in_a_contract_sentence():
    doc = extract(
        box("建设工程施工合同", 200, 60, h=30),
        box("工程名称：光谷科技产业园二期厂房工程", 62, 140, 400),
        box("3.工程内容：建筑面积24,500.00平方米，钢结构，地上2层，建筑高度15.6米，最大跨度30米", 58, 266, 527),
        source=TextSource.text_layer,
    )
    f = doc.fields
    assert (f["building_area"].value, f["floors"].value, f["height"].value, f["span"].value) == \
        ("24500.00", "2", "15.60", "30.00")


def test_a_date_missing_a_separator_under_a_seal_is_read_with_doubt():
    doc = extract(box("一级建造师注册证书", 190, 128, 412, h=32), box("姓名", 79, 200, 128), box("孙志明", 176, 202, 215),
                  box("发证日期：2026.0701", 336, 694, 448))
    field = doc.fields["issue_date"]
    assert field.value == "2026-07-01" and field.confidence < LOW


def test_a_fallback_only_takes_what_no_label_claims_whatever_the_order_of_the_spec():
    # the issue date (no label) printed above the validity: the last bare date is the validity's end,
    # which 有效期 claims, though issue_date comes first in the spec
    doc = extract(
        box("安全生产许可证", 193, 95, 398, h=38), box("编号：（鄂）JZ安许证字〔2019〕191904", 180, 191, 411),
        box("单位名称", 76, 255, 129), box("湖北楚天建设工程有限公司", 173, 254, 320),
        box("2025年1月10日", 334, 400, 424),
        box("有效期", 77, 453, 119, h=18), box("2025年1月10日至2028年1月9日", 175, 454, 354),
    )
    assert doc.fields["valid_until"].value == "2028-01-09"
    assert doc.fields["issue_date"].value == "2025-01-10"


def test_the_date_of_a_notices_signature_block_is_its_issue_date():
    doc = extract(
        box("中 标 通 知 书", 229, 101, 366, h=22),
        box("我方已接受你方于2023年2月1日所递交的投标文件，确定你方为中标人。", 84, 193, 522),
        box("中标人：湖北楚天建设工程有限公司", 62, 260, 238),
        box("日期： 2023年2月20日", 298, 521, 410),
        source=TextSource.text_layer,
    )
    field = doc.fields["issue_date"]
    assert field.value == "2023-02-20" and field.confidence >= LOW
    assert FALLBACK_NOTE not in field.notes  # read beside its label, not guessed from its form


def test_amounts_in_words_with_an_ocr_lower_case_slip_but_no_ordinal_numbers():
    doc = extract(
        box("建设工程施工合同", 200, 60, h=30),
        box("工程名称：光谷科技产业园二期厂房工程", 62, 140, 400),
        box("签约合同价：详见专用条款第十一条", 62, 170, 400),
        box("合同价款：人民币（大写）叁仟捌佰陆拾五万元整（￥38,650,000.00）", 62, 200, 500),
        source=TextSource.text_layer,
    )
    words = doc.fields["contract_amount_words"]
    assert words.value == "38650000.00" and words.confidence < LOW  # 五 among upper-case numerals
    assert doc.fields["contract_amount"].value == "38650000.00"


def photographed_title_certificate(*lines):
    """A 职称证书 photographed small: two columns, each label over its value, the right column
    set a little higher by the photo's slant (boxes as the OCR engine gave them, in pixels)."""
    return extract(box("职称证书", 211, 104, 258, h=19),
                   box("姓名", 127, 175, 141, h=10), box("温子轩", 155, 173, 174, h=10),
                   box("身份证号码", 242, 179, 272, h=11), box("330382197006198556", 280, 176, 340, h=12),
                   *lines)


def test_a_long_name_in_a_small_photo_is_no_seal_text_for_its_slant():
    # 14 ideographs in 76 x 14 pixels: squeezed against a box the slant made tall, but far too
    # long for a piece of a seal's rim; the level beside it in the other column is no name
    doc = photographed_title_certificate(
        box("工作单位", 122, 198, 147, h=11), box("成都钱塘鼎盛建筑工程有限公司", 156, 193, 232, h=14),
        box("职称级别", 244, 203, 270, h=12), box("中级", 280, 203, 295, h=9))
    assert doc.fields["company_name"].value == "成都钱塘鼎盛建筑工程有限公司"


def test_a_value_overlapping_its_label_above_by_a_third_is_no_value_of_the_label_left_of_it():
    # the lines of a photographed 职称证书 as read (pixels): 2003年8月18日 stands under 取得资格时间,
    # its box reaching 6 of its 17 pixels into the label's, on the row of 工作单位, whose own value
    # is under it; the right column's values start where other rows' do
    read = [("职称证书", 319, 124, 405, 153), ("姓名", 156, 143, 178, 156), ("胡光荣", 156, 152, 192, 169),
            ("性别", 156, 169, 177, 182), ("男", 157, 179, 170, 192), ("高级工程师", 366, 172, 415, 190),
            ("资格名称", 367, 164, 398, 178), ("职称级别", 366, 187, 398, 201), ("出生年月日", 156, 194, 199, 209),
            ("副高级", 366, 196, 397, 211), ("1975年9月9日", 156, 204, 224, 222), ("专业名称", 366, 211, 397, 224),
            ("身份证号码", 156, 220, 199, 234), ("给排水", 366, 219, 397, 235),
            ("500103197509095511", 155, 230, 259, 250), ("取得资格时间", 366, 234, 410, 249),
            ("工作单位", 156, 246, 190, 259), ("2003年8月18日", 365, 243, 429, 260),
            ("锦程（杭州）建设有限公司", 156, 255, 278, 274), ("批准文号", 366, 258, 397, 271),
            ("浙人社职〔2003〕67号", 366, 267, 458, 284), ("编号", 366, 283, 383, 293),
            ("33012003383628", 365, 291, 436, 306), ("发证机关", 161, 304, 195, 317)]
    doc = extract(*(box(text, x0, y0, x1, h=y1 - y0) for text, x0, y0, x1, y1 in read))
    assert doc.fields["company_name"].value == "锦程（杭州）建设有限公司"
    assert doc.fields["qualified_date"].value == "2003-08-18"


def test_an_address_stops_at_its_last_whole_reading_not_in_the_garbled_label_under_it():
    # a faxed 资质证书 (labels over values, each label garbled): the address, found through its
    # garbled label 注册他址, ran on into 书编 (证书编号), the number and 行效惠个 (有效期至) with
    # its date; it ends where it was last whole, with doubt, and leaves the number to be found
    read = [("JAN-19-2026 10:55 AM FR0M:-861081186229 T0:86472365 P.1", 12, 2, 240, 12),
            ("建筑业企业资质证书（电子证书）", 159, 61, 424, 86), ("合业名栋", 49, 98, 88, 113),
            ("湘江永固建设集团第三工程有限公司", 49, 112, 237, 126), ("91610113MAN1UNLL17", 49, 145, 178, 157),
            ("认定气人人", 49, 164, 96, 177), ("胡树林", 48, 175, 88, 192), ("注册他址", 48, 194, 87, 209),
            ("陕西省西安市雁塔区科华北路9段199号创新大厦13层28号", 49, 208, 350, 222), ("书编", 48, 227, 87, 240),
            ("D361342748", 49, 241, 123, 254), ("行效惠个", 49, 260, 87, 273), ("2031.09.06", 49, 274, 115, 287),
            ("图法类加及等级", 57, 301, 121, 314), ("建筑工程施工总承包三级", 54, 312, 186, 329),
            ("发证机关", 48, 340, 98, 356), ("陕西省住房和城乡建设厅", 109, 341, 234, 355),
            ("发证日期", 48, 361, 97, 379), ("2026.09.07", 109, 362, 172, 377)]
    doc = extract(*(box(text, x0, y0, x1, h=y1 - y0) for text, x0, y0, x1, y1 in read))
    address = doc.fields["address"]
    assert address.value == "陕西省西安市雁塔区科华北路9段199号创新大厦13层28号"
    assert address.confidence < LOW
    assert doc.fields["cert_number"].value == "D361342748"


def test_an_address_wrapped_after_its_house_number_keeps_its_whole_second_line():
    doc = licence(box("住所", 452, 304, 486), box("北京市海淀区人民路224号", 519, 302, 718),
                  box("建工大厦12层11室", 520, 320, 640))
    assert doc.fields["address"].value == "北京市海淀区人民路224号建工大厦12层11室"


def test_an_ethnicity_whose_label_was_misread_into_its_box_is_found_by_its_name_with_doubt():
    # 民族 read 良族 (a fax) or 民放 (a blurred copy), or 民 alone, in one box with the name: the
    # gender beside 性别 takes its sign alone, not the rest of its row, and the name of the closed
    # list is found
    for misread, ethnicity in (("良族侗", "侗"), ("民放蒙古", "蒙古"), ("民汉", "汉")):
        doc = extract(box("姓名", 31, 33, 51), box("鲜金山", 61, 32, 89), box("性别", 30, 52, 51),
                      box("男", 61, 52, 72), box(misread, 94, 52, 136), box("出生", 31, 74, 50),
                      box("1982年8月10日", 61, 73, 124), box("公民身份号码", 31, 144, 75),
                      box("510108198208106393", 103, 145, 200))
        assert doc.doc_type == "id_card"
        assert doc.fields["gender"].value == "男"
        assert doc.fields["ethnicity"].value == ethnicity
        assert doc.fields["ethnicity"].confidence < LOW


def test_a_label_a_long_value_reached_into_is_the_next_row_not_the_first_box_under_its_label():
    # a photographed 资质证书 (labels over values): the address's box, tall by the slant, reaches
    # down into 证书编号 under it, which starts a point further left; taken as the first box of
    # the row under 注册地址, the label left the address unread
    read = [("企业名称", 108, 107, 130, 116), ("建筑业企业资质证书（电子证书）", 166, 93, 295, 114),
            ("锦程（杭州）建设有限公司", 108, 113, 183, 126), ("统一社会信用代码", 108, 123, 148, 132),
            ("91330108MAF68M6U7M", 107, 129, 176, 141), ("法定代表人", 107, 138, 133, 147),
            ("唐宏宇", 107, 144, 129, 154), ("注册地址", 106.56, 153.72, 128.52, 162.36),
            ("证书编号", 105.84, 169.56, 128.16, 178.2),
            ("浙江省杭州市滨江区团结村4段249号时代广场7层05号", 106.2, 160.2, 247.68, 174.6), ("扫码验证", 309, 159, 325, 166),
            ("D233449677", 105, 176, 143, 186), ("有效期至", 105, 185, 128, 194), ("2026年12月8日", 105, 191, 157, 202),
            ("资质类别及等级", 108, 205, 143, 214), ("建筑工程施工总承包三级", 108, 212, 177, 222),
            ("环保工程专业承包三级", 107, 220, 171, 229), ("发证日期", 103, 243, 130, 253), ("发证机关", 104, 233, 130, 242),
            ("2021年12月9日", 135, 244, 183, 253), ("杭州市住房和城乡建设局", 135, 234, 200, 243)]
    doc = extract(*(box(text, x0, y0, x1, h=y1 - y0) for text, x0, y0, x1, y1 in read))
    address = doc.fields["address"]
    assert address.value == "浙江省杭州市滨江区团结村4段249号时代广场7层05号"
    assert FALLBACK_NOTE not in address.notes  # read under its label, not guessed by its form
    assert doc.fields["cert_number"].value == "D233449677"


def test_a_small_caption_boxed_with_the_value_under_it_gives_that_value():
    # a phone photo of an acceptance certificate: the detector drew one box round the caption
    # 工程名称 and the project's name under it, and read the name alone; the caption was read too
    doc = extract(box("工程竣工验收证明书", 166, 103, 256, h=20),
                  box("桂溪安置房项目3#、13#楼及地下车库工程", 98, 131, 202, h=17, conf=0.98),
                  box("工程名称", 98, 133, 117, h=7, conf=0.91),
                  box("浙江金陵汇通建设工程有限公司", 98, 148, 175, h=15), box("施工单位", 98, 147, 117, h=8),
                  box("验收结论", 99, 205, 118, h=8), box("合格", 100, 211, 113, h=9))
    assert doc.fields["project_name"].value == "桂溪安置房项目3#、13#楼及地下车库工程"


def test_a_line_whose_value_names_labels_is_no_lone_label_over_the_value_under_it():
    # a .docx 职称证书: 颁发单位：浙江省…高级职称评审委员会 stands over 敖雨桐; the labels 职称 and
    # 评审委员会 inside its value made it look like a label waiting for that value, and the name
    # beside 姓名 was lost (in a born-digital file)
    rows = [("姓名", "敖雨桐"), ("性别", "女"), ("出生日期", "1971/6/6"), ("身份证件号码", "341202197106064366"),
            ("单位名称", "浙江石城中瀚建设集团有限公司"), ("资格名称", "高级工程师"), ("证书编号", "33012021765165")]
    lines = [box("专业技术资格证书", 72, 72, 156, h=12), box("颁发单位：浙江省建设工程技术人员高级职称评审委员会", 298, 90, 523, h=12)]
    for i, (label, value) in enumerate(rows):
        lines += [box(label, 72, 108 + 18 * i, 72 + 10.5 * len(label), h=12),
                  box(value, 298, 108 + 18 * i, 298 + 10.5 * len(value), h=12)]
    doc = extract(*lines, source=TextSource.text_layer)
    assert doc.fields["name"].value == "敖雨桐" and doc.fields["name"].confidence == 1.0


def test_a_name_whose_label_was_misread_into_its_box_is_found_without_it_with_doubt():
    for misread in ("姓各顾颖", "烘名顾颖", "名顾颖"):
        doc = extract(box(misread, 31, 33, 89), box("性别", 30, 52, 51), box("女", 61, 52, 72),
                      box("出生", 31, 74, 50), box("1982年8月10日", 61, 73, 124), box("公民身份号码", 31, 144, 75),
                      box("510108198208106393", 103, 145, 200))
        assert doc.doc_type == "id_card"
        assert doc.fields["name"].value == "顾颖" and doc.fields["name"].confidence < LOW
    # a name of four characters is a name whole
    doc = extract(box("欧阳明哲", 61, 32, 120), box("性别", 30, 52, 51), box("男", 61, 52, 72),
                  box("出生", 31, 74, 50), box("1982年8月10日", 61, 73, 124), box("公民身份号码", 31, 144, 75),
                  box("510108198208106393", 103, 145, 200))
    assert doc.fields["name"].value == "欧阳明哲"
