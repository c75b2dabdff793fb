"""Values run to their real end, and a value that could be cut short says so (issue 14).

Hand-placed lines as a text layer or OCR gives them; each test is one class of document layout,
not one document.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dossier.extract.completeness import is_whole, misread_words, opening_doubt, without_stray
from dossier.extract.document import extract_documents
from dossier.model import FileText, PageText, TextLine, TextSource

A4 = (595.0, 842.0)
TRUSTED = 0.9  # LOW_CONFIDENCE threshold: a value below it goes to a person


def line(text, x0, y0, x1=None, h=14.0, conf=1.0, chars=None):
    x1 = x1 if x1 is not None else x0 + 12 * len(text)
    return TextLine(text=text, confidence=conf, bbox=(x0, y0, x1, y0 + h), char_confidences=chars)


def fields(*lines, source=TextSource.text_layer):
    page = PageText(number=1, width=A4[0], height=A4[1], source=source, lines=list(lines))
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="application/pdf", pages=[page]), "f.pdf")
    return doc.fields


def test_a_company_name_with_an_inner_group_word_is_read_to_its_legal_form():
    f = fields(line("劳动合同书", 220, 40, h=30),
               line("甲方（用人单位）：武汉长江建设集团有限公司（以下简称甲方）", 60, 120),
               line("乙方（劳动者）：周建国", 60, 150))
    assert f["company_name"].value == "武汉长江建设集团有限公司"
    assert f["company_name"].confidence >= TRUSTED


def test_a_name_wrapped_in_its_cell_continues_on_the_next_line():
    f = fields(line("注册建造师注册证书", 200, 40, h=30),
               line("姓名", 60, 120, 90), line("周建国", 160, 120),
               line("聘用企业", 60, 150, 110), line("湖北华楚建设集团", 160, 150),
               line("有限公司", 160, 166),
               line("发证机关", 60, 200, 110), line("湖北省建设", 160, 200),
               line("职业培训学校", 160, 216))
    assert f["company_name"].value == "湖北华楚建设集团有限公司"
    assert f["issuing_authority"].value == "湖北省建设职业培训学校"


def test_a_value_left_cut_short_is_doubtful_and_says_why():
    f = fields(line("注册建造师注册证书", 200, 40, h=30),
               line("姓名", 60, 120, 90), line("周建国", 160, 120),
               line("聘用企业", 60, 150, 110), line("湖北华楚建设集团", 160, 150),
               line("注册专业", 60, 200, 110), line("建筑工程", 160, 200))
    company = f["company_name"]
    assert company.value == "湖北华楚建设集团" and company.confidence < TRUSTED
    assert any("不完整" in note for note in company.notes)


def test_a_spaced_date_read_as_separate_boxes_is_one_date():
    # ID cards print 1977 年 8 月 13 日 with wide spaces; OCR returns a box per group
    f = fields(line("居民身份证", 200, 40, h=24),
               line("姓名", 60, 100, 90), line("周建国", 110, 100),
               line("出生", 60, 130, 90), line("1977", 110, 130, 150), line("年", 170, 130, 182),
               line("8", 200, 130, 208), line("月", 226, 130, 238), line("13", 256, 130, 272),
               line("日", 290, 130, 302),
               line("公民身份号码", 60, 260, 140), line("420106197708134513", 160, 260), source=TextSource.ocr)
    assert f["birth_date"].value == "1977-08-13"


def test_the_next_column_is_not_glued_to_a_value():
    f = fields(line("居民身份证", 200, 40, h=24),
               line("姓名", 60, 100, 90), line("周建国", 110, 100, 146),
               line("性别", 300, 100, 330), line("男", 350, 100, 362))
    assert (f["name"].value, f["gender"].value) == ("周建国", "男")


def test_labels_printed_with_radicals_by_a_browser_are_found():
    # Chromium maps 工 to the Kangxi radical ⼯ and 青 to ⻘ in the text layers it prints
    f = fields(line("专业技术资格证书", 200, 40, h=30),
               line("姓名：周建国", 60, 100),
               line("⼯作单位：⻘岛海湾建设⼯程有限公司", 60, 130))
    assert f["company_name"].value == "青岛海湾建设工程有限公司"


def test_a_name_printed_twice_with_different_values_is_doubtful():
    f = fields(line("劳动合同书", 220, 40, h=30),
               line("甲方：武汉长江建设集团有限公司", 60, 120),
               line("乙方：周建国", 60, 150),
               line("甲方：武汉长江建设有限公司", 60, 700))
    assert f["company_name"].value == "武汉长江建设集团有限公司"
    assert f["company_name"].confidence < TRUSTED


def test_wholeness_of_each_kind():
    assert is_whole("company", "武汉长江建设集团有限公司") and not is_whole("company", "武汉长江建设集团")
    assert is_whole("company", "某某有限公司（北京分公司）")
    assert is_whole("authority", "湖北省住房和城乡建设厅") and not is_whole("authority", "湖北省建设")
    assert is_whole("person", "周建国") and is_whole("person", "阿依古丽·买买提")
    assert not is_whole("person", "周") and not is_whole("person", "周建国男汉族")


def test_a_figure_under_a_label_printed_in_ten_thousands_is_read_in_yuan():
    f = fields(line("建设工程施工合同", 200, 40, h=30),
               line("工程名称：光谷科技园二期", 60, 100),
               line("合同金额（万元）：1234.56", 60, 130))
    assert f["contract_amount"].value == "12345600.00"


def test_labels_over_their_values_in_two_columns():
    # 姓名 | 资格名称 on one row, each value on the row under it: the box right of a label is the
    # next label, even one we have no spec for (审批文号)
    f = fields(line("职 称 证 书", 240, 60, h=22),
               line("姓名", 51, 109, 69), line("资格名称", 306, 109, 342),
               line("鲜梦瑶", 51, 124, 84), line("高级工程师", 306, 124, 362),
               line("出生年月日", 51, 176, 96), line("专业", 306, 176, 324),
               line("1970年03月24日", 51, 191, 138), line("暖通空调", 306, 191, 351),
               line("工作单位", 51, 243, 87), line("审批文号", 306, 243, 342),
               line("成都蓉川建设发展有限公司", 51, 258, 186), line("川人社函〔2008〕98号", 306, 258, 425))
    assert (f["name"].value, f["title"].value) == ("鲜梦瑶", "高级工程师")
    assert f["company_name"].value == "成都蓉川建设发展有限公司"
    assert f["birth_date"].value == "1970-03-24"


def test_labels_beside_their_values_with_an_unknown_label_under_one():
    # 姓 名 | 喻志刚, then 证件类型 | 居民身份证 (a label we have no spec for) under it
    f = fields(line("职业技能等级证书", 230, 65, h=17),
               line("姓 名", 113, 107, 137), line("喻志刚", 205, 107, 238),
               line("证件类型", 103, 132, 147), line("居民身份证", 205, 132, 260),
               line("身份证号码", 98, 157, 153), line("510107196503205276", 205, 157, 315),
               line("工种", 114, 182, 136), line("抹灰工", 205, 182, 238),
               line("证书编号", 103, 232, 147), line("S3296121779", 205, 232, 340))
    assert f["name"].value == "喻志刚" and f["occupation"].value == "抹灰工"


def test_a_label_with_its_english_translation_and_a_list_an_item_a_line():
    f = fields(line("中华人民共和国二级建造师注册证书", 170, 65, h=16),
               line("姓名 Name", 51, 118, 95), line("殷俊峰", 51, 129, 86),
               line("聘用企业 Employer", 51, 246, 128), line("成都蓉川建设发展有限公司", 51, 258, 190),
               line("注册专业 Specialty", 51, 278, 126),
               line("建筑工程（有效期：2029年2月7日）", 51, 290, 240),
               line("市政公用工程（有效期：2029年2月7日）", 51, 306, 263))
    assert f["name"].value == "殷俊峰" and f["company_name"].value == "成都蓉川建设发展有限公司"
    assert f["specialties"].value == ["建筑工程", "市政公用工程"]


def test_an_authority_name_holding_a_labels_word_is_not_cut_at_it():
    # 职称 is a label of the title certificate, and part of this office's name
    f = fields(line("职称证书", 257, 58, h=20), line("姓名", 83, 189, 104), line("薛昇", 140, 189, 161),
               line("发证单位（盖章）：南京市建筑业协会职称评审办公室", 298, 353, 544))
    assert f["issuing_authority"].value == "南京市建筑业协会职称评审办公室"


def _acceptance(*rows):
    return fields(line("工程竣工验收证明书", 208, 60, h=20), line("工程名称：河西新城安置房工程", 51, 110),
                  line("施工单位：成都蓉川建设发展有限公司", 51, 150), line("验收结论：经验收，质量等级：合格。", 51, 190),
                  *rows)


def test_signatories_in_a_table_of_roles_and_in_signature_blocks():
    table = _acceptance(line("参加验收单位签章：", 57, 258, 152),
                        line("单位类别", 67, 281, 107), line("单位名称", 220, 281, 260), line("签章", 389, 281, 409),
                        *[cell for i, (role, unit) in enumerate([("建设单位", "成都龙湾产业园区开发有限公司"),
                                                                 ("监理单位", "四川省华诚工程建设监理有限责任公司")])
                          for cell in (line(role, 67, 298 + 18 * i, 107), line(unit, 160, 298 + 18 * i, 320),
                                       line("（公章）", 379, 298 + 18 * i, 419))])
    assert table["participants"].value == ["成都龙湾产业园区开发有限公司", "四川省华诚工程建设监理有限责任公司"]
    assert table["result"].value == "合格"
    blocks = _acceptance(line("建设单位：四川锦绣物流有限公司", 51, 369), line("（盖章）", 51, 395, 89),
                         line("监理单位：成都建设工程监理有限公司", 51, 434), line("（盖章）", 51, 460, 89))
    participants = blocks["participants"]
    assert participants.value == ["四川锦绣物流有限公司", "成都建设工程监理有限公司"] and participants.confidence < TRUSTED


def test_signature_blocks_in_columns_well_under_a_larger_heading():
    # 参加验收单位（盖章） as a heading of its own, the blocks (role, unit, 项目负责人, date) two a row
    # and starting four heading heights below it
    blocks = [line("参加验收单位（盖章）", 228, 259, 368, h=14)]
    for i, (role, unit) in enumerate([("建设单位", "杭州紫荆置业有限公司"), ("勘察单位", "浙江省地质工程勘察院有限公司"),
                                      ("设计单位", "中建浙江西南设计研究院有限公司"),
                                      ("施工单位", "浙江嵩岳广厦建筑安装工程集团有限公司")]):
        x, y = (56, 312)[i % 2], 327 + 153 * (i // 2)
        blocks += [line(f"{role}（公章）：", x, y, x + 95, h=10), line(unit, x, y + 26, x + 10 * len(unit), h=10),
                   line("项目负责人：＿＿＿＿＿", x, y + 52, x + 116, h=10), line("2025年8月31日", x, y + 78, x + 83, h=10)]
    f = _acceptance(*blocks)
    assert f["participants"].value == ["杭州紫荆置业有限公司", "浙江省地质工程勘察院有限公司",
                                       "中建浙江西南设计研究院有限公司", "浙江嵩岳广厦建筑安装工程集团有限公司"]


def test_a_photographed_table_of_roles_whose_units_sit_lower_than_their_roles():
    # perspective sets each unit a third of a row lower than its role, within reach of the role
    # above: each role takes the unit sharing most of its height (3 of 5 units were read, twice
    # over, at 0.997)
    rows = [line("参加验收单位签章：", 158, 327, 230, h=15), line("单位类别", 165, 345, 200, h=14.4),
            line("单位名称", 281, 350, 317, h=14.4)]
    for i, (role, unit) in enumerate([("建设单位", "成都紫荆置业有限公司"), ("勘察单位", "四川省地质工程勘察院有限公司"),
                                      ("设计单位", "成都市建筑设计研究院有限公司"), ("施工单位", "四川长安华构建设集团有限公司"),
                                      ("监理单位", "成都建设工程监理有限公司")]):
        y = 359.7 + 14.0 * i
        rows += [line(role, 165, y, 200, h=14.2), line(unit, 244, y + 4.0, 352, h=15.5),
                 line("(公章)", 406, y + 2, 431, h=13), line("2022年11月23日", 455, y + 1.5, 523, h=14)]
    f = _acceptance(*rows)
    assert f["participants"].value == ["成都紫荆置业有限公司", "四川省地质工程勘察院有限公司", "成都市建筑设计研究院有限公司",
                                       "四川长安华构建设集团有限公司", "成都建设工程监理有限公司"]


def test_a_verdict_in_a_sentence_whose_box_a_photos_slant_made_tall_is_no_seal_text():
    # 25 characters in a box 201 points wide and 21 tall: as squeezed as a seal's rim by its box,
    # but a seal curves a name and holds no sentence's marks
    f = fields(line("建设工程竣工验收备案表", 267, 167, 428, h=26), line("工程名称", 168, 200, 204, h=15),
               line("天府新区安置房项目工程", 222, 203, 393, h=20), line("施工单位", 360, 249, 396, h=15),
               line("四川长安华构建设集团有限公司", 413, 252, 525, h=16), line("验收结论", 168, 305, 205.5, h=15.3),
               line("经验收，该工程符合设计和规范要求，质量等级：合格。", 221, 307, 422, h=21.3), source=TextSource.ocr)
    assert f["result"].value == "合格"


def _signature_blocks(parties, *, top, columns, step, date, h=16):
    """Signature blocks two a row under a list's heading: each a role (None: a seal hid it), the
    unit under it, 项目负责人： and the date."""
    blocks = []
    for i, (role, unit) in enumerate(parties):
        x, y = columns[i % 2], top + step * (i // 2)
        if role:
            blocks.append(line(f"{role}（公章）：", x, y, x + 95, h=h))
        blocks += [line(unit, x, y + 20, x + 10 * len(unit), h=h), line("项目负责人：", x, y + 41, x + 64, h=h),
                   line(date, x, y + 62, x + 6 * len(date), h=h)]
    return blocks


def test_a_character_of_a_seals_ring_beside_a_role_is_no_unit():
    # the seal stamped on 施工单位（公章） leaves 中 of its ring on the role's row, twice its height
    blocks = [line("参加验收单位（盖章）", 218, 60, 352, h=22),
              *_signature_blocks([("建设单位", "四川星河物流有限公司"), ("勘察单位", "四川中勘冶金勘察设计研究院有限责任公司"),
                                  ("设计单位", "四川省城乡规划设计研究院"), ("施工单位", "四川钱塘鼎盛建筑安装工程集团有限公司")],
                                 top=104, columns=(45, 300), step=116, date="2024年1月22日"),
              line("中", 394, 203, 419, h=33, conf=0.97)]  # over the end of 施工单位（公章）：
    f = _acceptance(*blocks)
    assert f["participants"].value == ["四川星河物流有限公司", "四川中勘冶金勘察设计研究院有限责任公司",
                                       "四川省城乡规划设计研究院", "四川钱塘鼎盛建筑安装工程集团有限公司"]


@pytest.mark.parametrize("signature", [line("-7--", 367, 458, 427, h=26, conf=0.66),
                                       line("易建设", 370, 458, 448, h=15, conf=0.85)])
def test_a_signature_read_beside_a_persons_role_is_no_unit(signature):
    # a faxed acceptance: the signature on 施工单位's 项目负责人：line was read -7--, or as the
    # manager's name itself (易建设, fresh seed 101), and the list took it for a sixth party: a
    # 负责人 signs for a unit, and names none
    blocks = [line("参加验收单位（盖章）", 226, 262, 361, h=19),
              *_signature_blocks([("建设单位", "西安锦绣置业有限公司"), ("勘察单位", "陕西中勘冶金勘察设计研究院有限责任公司"),
                                  ("设计单位", "西安华宇建筑设计有限公司"), ("施工单位", "湘江永固建设集团第三工程有限公司")],
                                 top=301, columns=(49, 304), step=115, date="2024.10.25", h=14),
              signature]
    f = _acceptance(*blocks)
    assert f["participants"].value == ["西安锦绣置业有限公司", "陕西中勘冶金勘察设计研究院有限责任公司",
                                       "西安华宇建筑设计有限公司", "湘江永固建设集团第三工程有限公司"]


def test_a_unit_whose_role_a_seal_hid_keeps_its_place_in_the_list_with_doubt():
    # 施工单位（公章）： went unread under the seal; its unit, 项目负责人 and date under it did not:
    # the list was four parties at full confidence
    blocks = [line("参加验收单位（盖章)", 234, 261, 369, h=21),
              *_signature_blocks([("建设单位", "陕西紫荆物流有限公司"), ("勘察单位", "西安岩土工程勘察设计研究院有限公司"),
                                  ("设计单位", "中建陕西西南设计研究院有限公司"), (None, "陕西长安华构建设工程有限公司"),
                                  ("监理单位", "西安正信建设项目管理咨询有限公司")],
                                 top=295, columns=(56, 312), step=116, date="2025/9/30")]
    participants = _acceptance(*blocks)["participants"]
    assert participants.value == ["陕西紫荆物流有限公司", "西安岩土工程勘察设计研究院有限公司", "中建陕西西南设计研究院有限公司",
                                  "陕西长安华构建设工程有限公司", "西安正信建设项目管理咨询有限公司"]
    assert participants.confidence < TRUSTED and any("陕西长安华构" in note for note in participants.notes)


def test_a_party_whose_unit_a_seal_hid_leaves_the_list_in_doubt():
    # 设计单位（公章）_ : the signature line's underscore read with the role; under 监理单位 a seal
    # hid the unit: four of five parties read, and the list says it may be short
    blocks = [line("参加验收单位（盖章)", 230, 261, 365, h=20)]
    for role, unit, x, y in [("建设单位（公章）：", "郑州第五人民医院", 54, 296), ("勘察单位（公章）：", "郑州岩土工程勘察设计研究院有限公司", 308, 300),
                             ("设计单位（公章）_", "河南省城乡规划设计研究院", 52, 413), ("施工单位（公章）", "河南麓山远景建设集团有限公司", 307, 416),
                             ("监理单位（公章）：", None, 50, 528)]:
        blocks += [line(role, x, y, x + 92, h=16), line("项目负责人：", x, y + 42, x + 62, h=15)]
        if unit:
            blocks.append(line(unit, x, y + 21, x + 10 * len(unit), h=16))
    f = _acceptance(*blocks)
    participants = f["participants"]
    assert participants.value == ["郑州第五人民医院", "郑州岩土工程勘察设计研究院有限公司", "河南省城乡规划设计研究院",
                                  "河南麓山远景建设集团有限公司"]
    assert participants.confidence < TRUSTED and any("监理单位" in n for n in participants.notes)


def test_a_value_far_right_in_the_value_column_of_a_two_column_table_beats_a_sentence_below():
    # a .docx table: labels at the left margin, values all starting at one x far to the right; under
    # 项目经理 runs the notice's sentence, which is no value of it
    rows = [("招标人", "济南新城城市建设投资有限公司"), ("项目名称", "曲江商业综合体（一期）工程"), ("中标人", "金陵汇通（济南）建设有限公司"),
            ("中标价", "人民币42,030,000.00元"), ("项目经理", "祁昇")]
    cells = [line("中标通知书", 72, 72, 124, h=12)]
    for i, (label, value) in enumerate(rows):
        cells += [line(label, 72, 90 + 18 * i, 72 + 10.5 * len(label), h=12), line(value, 298, 90 + 18 * i, h=12)]
    cells += [line("请中标人接到本通知书后，在规定时间内与招标人签订合同。", 72, 180, 356, h=12),
              line("招标人（盖章）：", 72, 198, 156, h=12), line("2021 年 8 月 17 日", 72, 216, 166, h=12)]
    f = fields(*cells)
    assert f["project_manager"].value == "祁昇" and f["winner"].value == "金陵汇通（济南）建设有限公司"


def test_a_glyph_two_overlapping_boxes_both_read_counts_once():
    # the engine's box of the label ran into the value's and read its first digit too
    f = fields(line("营业执照", 220, 60, h=30), line("名称", 55, 226, 73), line("四川麓山远景建设工程有限公司", 95, 228, 268),
               line("注册资本8", 326, 231, 385, h=16), line("8000万元人民币", 377, 233, 458, h=15), source=TextSource.ocr)
    assert f["registered_capital"].value == "80000000.00"


def test_scale_indicators_in_words_and_with_units_in_the_label():
    f = fields(line("建设工程施工合同", 200, 40, h=30), line("工程名称：光谷科技园二期", 60, 100),
               line("5. 工程内容：总建筑面积35,532.37平方米，地上十三层，建筑高度39.20米。", 60, 130),
               line("跨度（m）", 60, 160, 110), line("24", 200, 160, 220))
    assert (f["building_area"].value, f["floors"].value, f["height"].value) == ("35532.37", "13", "39.20")
    assert f["span"].value == "24.00"


def test_a_list_beside_another_columns_pairs_starts_lower_under_its_label():
    f = fields(line("建 筑 业 企 业 资 质 证 书", 299, 66, h=24),
               line("企 业 名 称 江苏长安华构建设集团有限公司", 82, 180, 313), line("资质类别及等级", 595, 180, 672),
               line("详 细 地 址 江苏省南京市建邺区滨江大道4段262号", 82, 197, 454),
               line("统一社会信用代码 91320105MAA78A7667", 82, 215, 277),
               line("法 人 代 表 尹明哲", 82, 233, 203), line("建筑工程施工总承包三级", 573, 228, 694),
               line("经 济 性 质 有限责任公司", 82, 250, 233), line("市政公用工程施工总承包三级", 562, 257, 705),
               line("证 书 编 号 D232443264", 82, 268, 230))
    assert f["qualifications"].value == ["建筑工程施工总承包三级", "市政公用工程施工总承包三级"]
    assert f["legal_representative"].value == "尹明哲"


def test_ocr_traditional_glyphs_are_simplified_but_name_characters_kept():
    f = fields(line("专業技术資格证書", 326, 55, h=27), line("姓名", 60, 198, 89), line("颜昇", 115, 199, 152),
               line("资格名称：工程师", 60, 230), line("工作单位：武汉长江建设集团有限公司", 60, 260),
               source=TextSource.ocr)
    assert f["name"].value == "颜昇" and f["title"].value == "工程师"


def test_an_office_name_read_one_character_off_its_standard_wording_is_proposed_not_applied():
    f = fields(line("营业执照", 220, 60, h=30), line("名称：成都蓉川建设发展有限公司", 60, 120),
               line("登记机关：成都市高新区市场盗督管理局", 60, 150),
               line("评价机构：西安市建筑业协会职业技能等认定中心", 60, 180), source=TextSource.ocr)
    authority = f["issuing_authority"]
    assert authority.value == "成都市高新区市场盗督管理局" and authority.confidence < TRUSTED
    assert authority.suggestion == "成都市高新区市场监督管理局"


def test_an_office_name_holding_an_occupation_label_and_wrapping_under_itself():
    # 职业 is the worker certificate's occupation label, inside the office's name
    f = fields(line("职业技能等级证书", 201, 132, h=20), line("姓名：毛永康", 85, 230),
               line("职业（工种）：建筑电工", 86, 282), line("职业技能等级：四级/中级工", 86, 295),
               line("评价机构：西安市建筑业协会职业技能等级认定中心", 85, 331),
               line("发证单位：西安市建筑业协会", 85, 360), line("职业技能等级认定中心", 145, 376))
    assert f["occupation"].value == "建筑电工"
    assert f["issuing_authority"].value == "西安市建筑业协会职业技能等级认定中心"


def test_a_conclusion_under_its_heading_that_states_it_again():
    f = _acceptance()
    assert f["result"].value == "合格"
    heading = fields(line("单位工程竣工验收报告", 193, 62, h=25), line("工程名称：三江口综合楼建设项目", 53, 105),
                     line("施工单位：江苏长安华构建设集团有限公司", 53, 124), line("三、验收结论", 53, 298),
                     line("工程质量符合有关法律法规和工程建设强制性标准，验收结论：合格。", 76, 317))
    assert heading["result"].value == "合格"


def test_a_term_whose_end_is_unreadable_is_no_confident_end():
    f = fields(line("居民身份证", 200, 40, h=24), line("签发机关 重庆市公安局渝中区分局", 60, 100),
               line("有效期限 2011.03.29-2031?03?29?", 60, 130), source=TextSource.ocr)
    assert f["valid_until"].confidence < TRUSTED
    comma = fields(line("居民身份证", 200, 40, h=24), line("有效期限 2011.03.29-2031,03.29", 60, 130),
                   source=TextSource.ocr)
    assert comma["valid_until"].value == "2031-03-29" and comma["valid_until"].confidence < TRUSTED


def test_a_value_wrapped_in_two_lines_beside_a_label_centred_on_them_starts_on_the_upper():
    # the label stands between the two lines; the engine drew the lower box a point further left
    f = fields(line("营业执照", 240, 40, h=30),
               line("企业名称", 62, 150, 108), line("中原恒泰建设集团有限公司", 128, 146),
               line("类型", 72, 178, 98, h=18), line("控股）", 127.5, 186, 156),
               line("股份有限公司（非上市、自然人投资或", 128.2, 169, 296),
               line("注册资本", 313, 172, 360), line("壹亿元整", 373, 172, 420),
               source=TextSource.ocr)
    assert f["company_type"].value == "股份有限公司（非上市、自然人投资或控股）"
    assert f["registered_capital"].value == "100000000.00"


def test_a_wrapped_value_centred_on_its_label_comes_before_the_next_cell_on_the_row():
    # a boxed text-layer licence: 类型's value wraps in its cell, its two lines above and below the
    # label's middle, while the next cell's 注册资本 and its value sit on the label's row itself
    f = fields(line("营业执照", 254, 67, 342, h=22),
               line("企业名称", 70, 152, 110, h=10), line("郑州泉城瑞丰建设发展有限公司", 136, 152, 276, h=10),
               line("有限责任公司（非自然人投资或控股", 135.94, 175.6, 295.94, h=10),
               line("类型", 80.48, 182.85, 100.48, h=10), line("注册资本", 322.03, 182.85, 362.03, h=10),
               line("捌仟万元整", 382.55, 182.85, 432.55, h=10), line("的法人独资）", 135.94, 190.1, 195.94, h=10))
    assert f["company_type"].value == "有限责任公司（非自然人投资或控股的法人独资）"
    assert f["registered_capital"].value == "80000000.00"


def test_a_project_named_in_running_text_whose_framing_words_wrap_at_double_spacing():
    # a notice LibreOffice printed at double spacing: the name lies on the first line, the words
    # that frame it (施工招 / 标) wrap onto the next, more than a line and a half further down
    f = fields(line("中标通知书", 248, 60, 348, h=20), line("编号：ZB2023-186", 468, 104, 544, h=9.5),
               line("四川长安华构建设集团有限公司：", 51.1, 127.9, 223.6, h=11.5),
               line("成都第五人民医院（招标人）于2023.04.01组织的 桂溪智能制造产业园 4#厂房工程 施工招",
                    74.1, 156.3, 535.9, h=11.5),
               line("标，经评标委员会评审并公示无异议，确定你单位为中标人。现将有关事项通知如下：", 51.1, 186.2, 488.1, h=11.5),
               line("一、中标价：￥13856014.89", 74.1, 220.4, 221.5, h=11.5),
               line("二、工期：352日历天", 74.1, 248.8, 187.6, h=11.5),
               line("三、工程质量：合格", 74.1, 277.2, 178.0, h=11.5),
               line("四、项目经理：武世勋", 74.1, 305.6, 189.0, h=11.5),
               line("请你单位在接到本通知书后30日内与招标人签订施工承包合同，并按招标文件要求提交履约", 74.1, 334.0, 540.0, h=11.5),
               line("担保。", 51.1, 364.0, 86.0, h=11.5),
               line("招标人：成都第五人民医院（盖章）", 376, 453, 544, h=10))
    assert f["project_name"].value == "桂溪智能制造产业园4#厂房工程"


def test_a_figure_too_long_for_the_rest_of_its_line_wraps_whole_to_the_paragraphs_edge():
    # GF-2017's 签约合同价为：人民币（大写）…（人民币 / 13,856,014.89元）: the line stops short of
    # the margin, the figure starts the next line at the paragraph's edge, left of the indent
    f = fields(line("建设工程施工合同", 200, 60, 400, h=20),
               line("发包人（全称）：成都第五人民医院", 78, 120, 260, h=10.5),
               line("承包人（全称）：四川长安华构建设集团有限公司", 78, 140, 320, h=10.5),
               line("工程质量符合合格标准。", 78.0, 441.8, 193.5, h=10.5),
               line("四、签约合同价与合同价格形式", 57.0, 462.3, 204.0, h=10.5),
               line("1. 签约合同价为：人民币（大写） 壹仟叁佰捌拾伍万陆仟零壹拾肆元捌角玖分 （ 人民币", 78.0, 482.8, 488.6, h=10.5),
               line("13,856,014.89元 ）；", 57.0, 499.1, 164.1, h=10.5),
               line("2. 合同价格形式：固定单价合同。", 78.0, 519.6, 237.6, h=10.5),
               line("五、项目经理", 57.0, 540.1, 120.0, h=10.5),
               line("合同条款及其附件、通用合同条款、技术标准和要求、图纸、已标价工程量清单或预算书。", 57.0, 597.0, 540.0, h=10.5))
    assert f["contract_amount"].value == "13856014.89"
    assert f["contract_amount_words"].value == "13856014.89"


def test_a_label_spread_over_two_rows_of_its_cell_leaves_no_part_of_itself_in_the_value():
    # 职业（工种） set 分散对齐 in a cell two rows high: 职 业 （ 工 beside the value, then 种 and ）
    # a box each on the row under it
    f = fields(line("职业技能等级证书", 342, 73, 498, h=18),
               line("姓", 85, 121, 96, h=11), line("名 房立新", 140, 121, 196, h=11),
               line("证 件 号 码 320106200402189198", 85, 160, 283, h=11),
               line("职 业 （ 工 抹灰工", 85, 180, 196, h=11), line("种", 85, 196, 96, h=11), line("）", 140, 196, 150, h=11),
               line("等", 85, 217, 96, h=11), line("级 二级/技师", 140, 217, 213, h=11),
               line("发 证 时 间 2024年7月8日", 85, 256, 236, h=11))
    assert f["occupation"].value == "抹灰工"
    assert f["level"].value == "二级/技师"


@pytest.mark.parametrize("cut", ["二〇二三年五月十八日", "二〇二三年五月十八", "二〇二三年五月"])
def test_a_signature_date_written_in_words_is_no_party_of_the_acceptance(cut):
    # each block: the role, the unit, 项目负责人：＿＿＿ and the date in words under it; the first
    # blocks' dates may lose their end under the seals (fresh seed 99)
    f = fields(line("单位工程竣工验收报告", 198, 67, 398, h=20),
               line("工程名称：天府新区第七中学教学综合楼工程", 57, 108, 277, h=11),
               line("参加验收单位（盖章）", 228, 166, 368, h=14),
               line("建设单位（公章）：", 51, 203, 146, h=11),
               line("勘察单位（公章）：", 306, 203, 401, h=11),
               line("长沙紫荆产业园区开发有限公司", 51, 224, 198, h=10),
               line("湖南中勘冶金勘察设计研究院有限责任公司", 306, 224, 506, h=10),
               line("项目负责人：＿＿＿＿＿", 51, 244, 167, h=11),
               line("项目负责人：＿＿＿＿＿", 306, 244, 422, h=11),
               line(cut, 51, 265, 156, h=10),
               line(cut, 306, 265, 411, h=10),
               line("设计单位（公章）：", 51, 319, 146, h=11),
               line("施工单位（公章）：", 306, 319, 401, h=11),
               line("中建湖南西南设计研究院有限公司", 51, 340, 209, h=10),
               line("长沙秦岭鸿基建筑工程有限公司", 306, 340, 453, h=10),
               line("项目负责人：＿＿＿＿＿", 51, 360, 167, h=11),
               line("项目负责人：＿＿＿＿＿", 306, 360, 422, h=11),
               line("二〇二三年五月十八日", 51, 381, 156, h=10),
               line("二〇二三年五月十八日", 306, 381, 411, h=10),
               line("监理单位（公章）：", 51, 435, 146, h=11),
               line("长沙建设工程监理有限公司", 51, 456, 177, h=10),
               line("项目负责人：＿＿＿＿＿", 51, 476, 167, h=11),
               line("二〇二三年五月十八日", 51, 497, 156, h=10))
    assert f["participants"].value == ["长沙紫荆产业园区开发有限公司", "湖南中勘冶金勘察设计研究院有限责任公司",
                                       "中建湖南西南设计研究院有限公司", "长沙秦岭鸿基建筑工程有限公司", "长沙建设工程监理有限公司"]


def test_an_address_after_a_letter_spaced_label_goes_on_under_its_own_start():
    # 住 所 spaced a glyph apart on a text layer: the value starts well right of where narrow
    # spaces would put it, and its wrapped line starts under it there
    f = fields(line("营 业 执 照", 196.1, 59.2, 390.4, h=30),
               line("统一社会信用代码 91430104MAG207LC9H", 51.0, 126.0, 260.4, h=10.5),
               line("名", 51.0, 231.8, 61.5, h=10.5), line("称 长安华构（长沙）建设有限公司", 93.0, 231.8, 261.8, h=10.5),
               line("经 营 范 围 许可项目：建设工程施工；建设工程设", 51.0, 289.5, 293.3, h=10.5),
               line("住 所 湖南省长沙市岳麓区蜀汉路2段96号", 322.9, 289.5, 541.2, h=10.5),
               line("计；住宅室内装饰装修；施工专业作业。", 114.8, 305.2, 303.8, h=10.5),
               line("建工大楼15层22号", 376.2, 305.2, 463.2, h=10.5),
               line("登记机关 湖南省市场监督管理局", 375.8, 456.2, 544.2, h=11))
    assert f["address"].value == "湖南省长沙市岳麓区蜀汉路2段96号建工大楼15层22号"


def test_a_value_holding_only_the_end_of_a_bracket_is_doubtful():
    f = fields(line("营业执照", 240, 40, h=30),
               line("企业名称：中原恒泰建设集团有限公司", 60, 150),
               line("类型：控股）", 60, 180))
    assert f["company_type"].value == "控股）" and f["company_type"].confidence < TRUSTED


def test_one_doubtful_character_makes_a_doubtful_value_though_its_line_reads_well():
    # a fax: the engine read 大 for 天 at 0.5, the line's mean stays at 0.93
    company = "陕西大府宏达建设集团有限公司"
    chars = (1.0,) * 4 + (0.995, 0.874, 0.505) + (1.0,) * 11
    f = fields(line("安全生产许可证", 200, 40, h=30),
               line("单位名称" + company, 50, 156, conf=0.933, chars=chars),
               line("主要负责人鲜子轩", 50, 176, conf=0.99), source=TextSource.ocr)
    assert f["company_name"].value == company and f["company_name"].confidence < TRUSTED
    # the label's own weak characters are not the value's
    chars = (0.6,) * 4 + (1.0,) * 14
    f = fields(line("安全生产许可证", 200, 40, h=30),
               line("单位名称" + company, 50, 156, conf=0.95, chars=chars), source=TextSource.ocr)
    assert f["company_name"].confidence >= TRUSTED


def test_an_id_card_whose_pale_labels_a_fax_lost_is_read_by_the_form_of_its_values():
    # front: labels gone or garbled (引, 4川, it 4, 11), values legible; back: no labels either
    front = [line("引", 190, 129, 219, h=11), line("顾思远", 220, 129, 249, h=11),
             line("4川", 190, 150, 211, h=11, conf=0.8), line("男", 219, 149, 231, h=11),
             line("蒙古", 283, 148, 303, h=12), line("it4", 190, 170, 208, h=9, conf=0.64),
             line("198371711", 221, 170, 284, h=9), line("11", 190, 190, 209, h=9),
             line("江苏省南京市鼓楼区新店", 220, 188, 314, h=12), line("镇双河村1组16号", 221, 201, 287, h=11),
             line("32010619830717393X", 263, 242, 368, h=11)]
    back = [line("中华人民共和国", 262, 129, 368, h=17), line("居民身份证", 254, 158, 356, h=22),
            line("南京市公安局鼓楼区分局", 264, 216, 353, h=11), line("2016.01.04-2036.01.04", 264, 236, 352, h=10)]
    pages = [PageText(number=n, width=A4[0], height=A4[1], source=TextSource.ocr, lines=lines)
             for n, lines in ((1, front), (2, back))]
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="image/tiff", pages=pages), "fax.tif")
    f = doc.fields
    assert doc.doc_type == "id_card"
    assert {k: f[k].value for k in ("name", "gender", "ethnicity", "issuing_authority", "valid_from", "valid_until")} == {
        "name": "顾思远", "gender": "男", "ethnicity": "蒙古", "issuing_authority": "南京市公安局鼓楼区分局",
        "valid_from": "2016-01-04", "valid_until": "2036-01-04"}
    assert f["address"].value == "江苏省南京市鼓楼区新店镇双河村1组16号"
    assert f["id_number"].value == "32010619830717393X"
    # found by form alone: a person confirms each
    assert all(f[k].confidence < TRUSTED for k in ("name", "gender", "ethnicity", "address", "issuing_authority"))
    # 198371711 is no date: the birth date is the number's, in doubt
    assert f["birth_date"].value == "1983-07-17" and f["birth_date"].confidence < TRUSTED
    assert f["birth_date"].notes == ["未识别到印刷值，按身份证号（GB 11643）推得"]


def test_a_faxed_cards_term_whose_end_was_misread_gives_its_start_and_the_holders_age_the_end():
    # 2015.12.11-20015.12.11: the end's 3 read as 00 on a fax, the 有效期限 label lost; the start
    # is read, and the holder's age on it (30) gives a 20-year term, in doubt (fresh seed 100)
    pages = [PageText(number=1, width=A4[0], height=A4[1], source=TextSource.ocr, lines=[
        line("文键国", 229, 146, 259, h=12, conf=0.86), line("男", 230, 167, 241, h=12),
        line("510107198506126935", 271, 259, 372, h=12, conf=0.99),
        line("中华人民共和国", 273, 422, 381, h=17), line("居民身份证", 267, 451, 372, h=21),
        line("2015.12.11-20015.12.11", 276, 528, 362, h=11, conf=0.95)])]
    (doc,) = extract_documents(FileText(sha256="0" * 64, media_type="image/tiff", pages=pages), "fax.tif")
    f = doc.fields
    assert doc.doc_type == "id_card"
    assert f["valid_from"].value == "2015-12-11" and f["valid_from"].confidence < TRUSTED
    assert f["valid_until"].value == "2035-12-11" and f["valid_until"].confidence < TRUSTED


def test_a_business_licences_address_whose_label_was_misread_is_found_by_its_form():
    # 住所 read 住断 on a phone photo of an e-licence: the line of an address's form, in doubt
    f = fields(line("电子营业执照", 287, 171, h=23),
               line("统一社会信用代码", 152, 198, 209, h=10), line("91330108MA0F9N7D3R", 151, 207, 251, h=12),
               line("名称", 151, 221, 168, h=12), line("齐鲁泰安建设集团第三工程有限公司", 150, 230, 293, h=15),
               line("法定代表人", 149, 270, 186, h=12), line("金金山", 149, 280, 179, h=13),
               line("注册资本", 148, 295, 178, h=11), line("12000万元", 147, 305, 196, h=13),
               line("住断", 144, 371, 164, h=12, conf=0.85),
               line("浙江省杭州市滨江区青年路2段187号科技园21层27号", 144, 381, 362, h=14),
               line("登记机关", 146, 466, 178, h=13), line("杭州市滨江区市场监督管理局", 144, 475, 269, h=17),
               source=TextSource.ocr)
    assert f["address"].value == "浙江省杭州市滨江区青年路2段187号科技园21层27号"
    assert f["address"].confidence < TRUSTED


@pytest.mark.parametrize("printed, trusted", [("豫建岗2023639556", True), ("缘建岗2023639556", False),
                                              ("2023639556", True), ("豫建岗2023639556X号", False)])
def test_a_number_glued_to_characters_its_form_does_not_take_may_be_cut(printed, trusted):
    # 豫 read 缘 on a phone photo: no province, so the form took the figures alone, at 0.96
    # (fresh seed 104); a number that runs on past its form is as doubtful
    f = fields(line("住房和城乡建设领域专业人员岗位培训考核合格证书", 131, 138, h=14),
               line("姓名", 98, 164, 112, h=8), line("何欣然", 135, 164, h=8),
               line("专业岗位", 97, 193, 123, h=8), line("材料员", 133, 193, h=8),
               line("证号", 96, 203, 112, h=8), line(printed, 133, 203, h=8, conf=0.96),
               source=TextSource.ocr)
    cert = f["cert_number"]
    assert "2023639556" in cert.value and (cert.confidence >= TRUSTED) == trusted


def test_a_label_split_by_the_wrap_of_running_text_still_introduces_its_value():
    f = fields(line("劳动合同书", 220, 40, h=30),
               line("甲方南京华宇建设工程有限公司；乙方姚昊天（以下简称“乙方”），性别男，居民身", 49, 127, 529),
               line("份证号码320106199512085271，住址江苏省南京市鼓楼区文三路339号3栋1单元1002室。", 49, 146, 526),
               source=TextSource.ocr)
    assert f["id_number"].value == "320106199512085271" and f["id_number"].confidence >= TRUSTED


def test_a_label_split_by_the_wrap_of_a_paragraph_set_at_wide_leading():
    # a LibreOffice document at 1.5 line spacing: more than a line's height between the lines, the
    # first running to the right margin
    f = fields(line("劳动合同", 254, 58, 342, h=22),
               line("甲方浙江嵩岳广厦建筑安装工程集团有限公司（以下简称“甲方”），法定代表人洪光荣，住所浙江省杭", 72, 116, 541, h=10.5),
               line("州市滨江区芙蓉中路2段126号；乙方兰庆丰（以下简称“乙方”），性别男，身份证", 51, 140, 535, h=10.5),
               line("号码33010619770627345X，住址浙江省杭州市西湖区雁塔西路21号。甲乙双方经平等协商，自愿签订", 51, 164, 540, h=10.5),
               line("本劳动合同，合同期限为无固定期限，自2022年9月1日起，共同遵守以下条款。", 51, 188, 438, h=10.5))
    assert f["id_number"].value == "33010619770627345X" and f["id_number"].confidence >= TRUSTED


def test_a_name_field_never_takes_a_value_without_ideographs():
    # the authority's own line lost under a watermark: the validity below is no authority
    f = fields(line("中华人民共和国", 391, 53, 502, h=16), line("居民身份证", 384, 80, 490, h=22),
               line("签发机关", 351, 140, 382, h=11),
               line("2022.05.27-2042.05.27", 390, 159, 482, h=11), source=TextSource.ocr)
    assert "issuing_authority" not in f or f["issuing_authority"].value is None
    assert (f["valid_from"].value, f["valid_until"].value) == ("2022-05-27", "2042-05-27")


def test_a_label_read_with_one_character_wrong_still_introduces_its_value_with_doubt():
    # a faxed acceptance certificate: labels over values, two of them misread
    f = fields(line("工程竣工验收证明书", 205, 63, 390, h=23),
               line("工程名称", 56, 105, 94, h=13), line("大明湖东社区卫生服务中心综合楼建设项目", 56, 118, 276, h=13),
               line("施工单位", 55, 137, 94, h=13), line("长沙湘江永固建筑工程有限公司", 56, 149, 220, h=14),
               line("项目负重人", 55, 169, 102, h=11), line("翟金山", 55, 181, 94, h=15),
               line("竣工验收日期", 56, 234, 111, h=11), line("2024年10月28日", 56, 246, 143, h=13),
               line("参收结论", 55, 265, 95, h=13), line("合格", 55, 277, 82, h=16), source=TextSource.ocr)
    assert (f["project_manager"].value, f["result"].value) == ("翟金山", "合格")
    assert f["project_manager"].confidence < TRUSTED and f["result"].confidence < TRUSTED


def test_running_text_set_with_wide_leading_still_wraps_a_value():
    f = fields(line("中标通知书", 248, 67, 348, h=20),
               line("中原恒泰建设集团第三工程有限公司：", 57, 118, 253, h=12),
               line("郑州星河城市建设投资有限公司（招标人）于2023-10-16组织的 桂溪安置房项目6#、13#", 80, 141, 537, h=11),
               line("楼及地下车库工程 施工招标，经评标委员会评审并公示无异议，确定你单位为中标人。现将有", 57, 162, 532, h=12),
               line("关事项通知如下：", 57, 184, 149, h=12))
    assert f["project_name"].value == "桂溪安置房项目6#、13#楼及地下车库工程"


def test_a_label_wrapped_inside_its_narrow_cell_keeps_its_value_beside_it():
    f = fields(line("职业技能等级证书", 342, 73, 498, h=18),
               line("姓", 85, 121, 96, h=11), line("名 洪光荣", 140, 121, 196, h=11),
               line("证 件 号 码 532301198110250057", 85, 160, 283, h=11),
               line("职业技能等 三级/高级工", 85, 200, 224, h=11), line("级", 85, 217, 96, h=11),
               line("发 证 日 期 2025年06月01日", 85, 256, 250, h=11))
    assert f["level"].value == "三级/高级工" and f["level"].confidence >= TRUSTED


def test_the_last_character_of_a_list_wrapped_alone_under_its_whole_label_is_the_lists():
    f = fields(line("建筑业企业资质证书", 198, 64, 398, h=24),
               line("企业名称：陕西天府宏达建设集团有限公司", 56, 131, 267, h=14),
               line("资质类别及等级：建筑工程施工总承包三级；地基基础工程专业承包三级；钢结构工程专业承包三", 56, 219, 531, h=13),
               line("级", 55, 236, 70, h=16), line("发证部", 370, 288, 410, h=13))
    assert f["qualifications"].value == ["建筑工程施工总承包三级", "地基基础工程专业承包三级", "钢结构工程专业承包三级"]


def test_a_validity_printed_as_its_end_date_under_another_wording():
    f = fields(line("安全生产许可证", 184, 62, 407, h=34),
               line("单位名称", 48, 162, 100), line("湖南蓉川建设集团有限公司", 119, 161, 260),
               line("有效日期", 47, 272, 101), line("2026.07.25", 119, 274, 181))
    assert f["valid_until"].value == "2026-07-25" and f["valid_until"].confidence >= TRUSTED


@pytest.mark.parametrize("page, address", [
    # labels over their values, a QR code's caption far off on the label's row
    ([line("建筑业企业资质证书", 166, 55, 430, h=28),
      line("企业名称", 55, 92, 95), line("长沙湘江永固建筑工程有限公司", 55, 106, 215, h=16),
      line("扫码验证", 462, 184, 499, h=12), line("注册地址", 52, 191, 93, h=15),
      line("湖南省长沙市岳麓区雁塔西路8段129号国际金融港21层25号", 52, 206, 349, h=20)],
     "湖南省长沙市岳麓区雁塔西路8段129号国际金融港21层25号"),
    # a photo's value box reaching up into its label's box
    ([line("电子营业执照", 225, 63, 359, h=27),
      line("名称", 44, 135, 66), line("湖南锦程建设工程有限公司", 45, 146, 186, h=16),
      line("住所", 47, 329, 69, h=12), line("湖南省长沙市岳麓区新华街6段159号国际金融港12层14号", 48, 336, 344, h=19),
      line("经营范围", 54, 368, 88, h=13)],
     "湖南省长沙市岳麓区新华街6段159号国际金融港12层14号"),
])
def test_a_value_under_its_label_is_its_value(page, address):
    assert fields(*page)["address"].value == address


def test_a_table_row_whose_value_is_centred_far_right_of_its_label():
    f = fields(line("房屋建筑工程竣工验收报告", 172, 79, 415, h=26),
               line("工程名称", 99, 158, 146, h=16), line("锦绣华庭住宅小区7#楼工程", 292, 155, 423, h=16),
               line("施工单位", 99, 230, 147, h=17), line("湖北楚天建设工程有限公司", 295, 227, 423, h=16),
               line("项目经理", 100, 278, 148, h=18), line("陶福生", 340, 274, 379, h=19),
               line("建筑面积", 100, 303, 148, h=17), line("26,850.00平方米", 317, 300, 402, h=15))
    assert f["project_manager"].value == "陶福生"


def test_a_term_wrapped_onto_a_second_line_is_read_to_its_end():
    f = fields(line("注册建造师注册证书", 205, 63, 390, h=24),
               line("注册专业", 314, 259, 356, h=12), line("建筑工程", 376, 258, 419, h=14),
               line("二〇二六年八月六日至二〇二七年二", 377, 282, 538, h=12),
               line("使用有效期", 308, 289, 361, h=13), line("月二日", 376, 296, 409, h=13),
               line("注册级别", 66, 319, 110, h=15), line("二级", 130, 320, 152, h=13))
    assert f["usage_valid_until"].value == "2027-02-02"


@pytest.mark.parametrize(("read", "meant"), [("樊赞", "樊赟"), ("房资", "房赟"), ("毛错", "毛锴")])
def test_a_name_read_with_a_common_look_alike_of_a_rarer_character_is_proposed_with_it(read, meant):
    f = fields(line("注册建造师注册证书", 205, 63, 390, h=24), line("姓名", 74, 187, 101), line(read, 129, 187, 153),
               source=TextSource.ocr)
    assert f["name"].value == read and f["name"].suggestion == meant and f["name"].confidence < TRUSTED


def test_two_columns_of_labels_over_values_set_at_different_heights():
    # the right column's value sits on the row of a left-column label that has its own value under it
    f = fields(line("安 全 生 产 许 可 证", 305, 69, 538, h=26),
               line("编号", 68, 117, 88, h=10), line("经济类型", 435, 120, 471, h=9),
               line("（川）JZ安许证字〔2008〕024424", 68, 137, 262, h=12), line("有限责任公司", 435, 134, 502, h=11),
               line("许可范围", 435, 153, 471, h=9), line("单位名称", 68, 174, 104, h=9),
               line("建筑施工", 435, 168, 479, h=11), line("四川嵩岳广厦建设集团有限公司", 68, 188, 225, h=11),
               line("有效日期", 435, 186, 471, h=9), line("2028年9月17日", 435, 201, 515, h=11),
               line("主要负责人", 68, 207, 113, h=9), line("樊雅琴", 68, 222, 102, h=11))
    assert (f["scope"].value, f["valid_until"].value) == ("建筑施工", "2028-09-17")
    assert f["company_name"].value == "四川嵩岳广厦建设集团有限公司"


@pytest.mark.parametrize("read, proposed", [
    ("江苏省人力资源和社会保障", "江苏省人力资源和社会保障厅"),  # a province's office: 厅
    ("南京市人力资源和社会保障", "南京市人力资源和社会保障局"),  # a city's: 局
    ("广西壮族自治区住房和城乡建设", "广西壮族自治区住房和城乡建设厅"),
])
def test_an_office_whose_unit_word_a_seal_covered_is_proposed_with_the_unit_of_its_level(read, proposed):
    f = fields(line("专业技术资格证书", 200, 40, h=30), line("姓名：周建国", 60, 100),
               line(f"发证机关：{read}", 60, 130), source=TextSource.ocr)
    got = f["issuing_authority"]
    assert (got.value, got.suggestion) == (read, proposed) and got.confidence < TRUSTED


def test_a_caption_over_its_value_is_read_before_a_signature_block_far_off_on_its_row():
    # small captions at the top of each box, the value set larger under them; the issuer and its
    # date stand far right, level with the address caption
    f = fields(line("安全生产许可证", 297, 64, 534, h=41), line("编号", 61, 129, 87, h=16),
               line("(陕)JZ安许证字〔2010〕011157", 70, 145, 258, h=21),
               line("单位名称", 65, 184, 102, h=12), line("陕西之江筑诚建筑安装工程集团有限公司", 64, 191, 274, h=20),
               line("有效期至", 426, 185, 464, h=13), line("2029年02月23日", 425, 196, 518, h=17),
               line("单位地址", 65, 248, 104, h=13), line("陕西省住房和城乡建设厅", 541, 240, 660, h=19),
               line("陕西省西安市雁塔区青年路9段81号总部经济港18层19号", 65, 253, 359, h=22),
               line("2026年02月24日", 556, 260, 645, h=18), source=TextSource.ocr)
    assert f["address"].value == "陕西省西安市雁塔区青年路9段81号总部经济港18层19号"
    assert f["issuing_authority"].value == "陕西省住房和城乡建设厅"
    assert f["issue_date"].value == "2026-02-24"


@pytest.mark.parametrize("label", ["颁发单位", "核发机关", "发证部门"])
def test_an_issuer_label_any_certificate_prints_is_read_on_each(label):
    f = fields(line("安全生产许可证", 222, 63, 374, h=22), line("证书编号：（鲁）JZ安许证字〔2018〕003892", 189, 95, 407),
               line("单位名称：山东嵩岳广厦建设集团有限公司", 51, 133, 265),
               line(f"{label}：山东省住房和城乡建设厅", 376, 266, 544), line("发证日期：2024年10月03日", 412, 287, 544))
    assert f["issuing_authority"].value == "山东省住房和城乡建设厅"
    assert f["issuing_authority"].confidence >= 0.9


def test_a_piece_of_a_seal_rim_beside_a_value_does_not_run_on_into_it():
    # the seal's curved 认定中心 ends in a box of two squeezed ideographs right after the value
    f = fields(line("职业技能等级证书", 215, 61, 363, h=25), line("姓名：彭佳怡", 49, 191, 119, h=18),
               line("职业（工种）：防水工", 51, 244, 164, h=17),
               line("评价机构：成都市建筑业协会职业技能等级认定中心", 52, 315, 309, h=23),
               line("中心", 320, 314, 334, h=21), source=TextSource.ocr)
    assert f["issuing_authority"].value == "成都市建筑业协会职业技能等级认定中心"


def test_a_label_centred_on_its_block_reads_the_lines_over_its_row_too():
    # 资质类别及等级 shares a row with the second of three items; 有效期 sits between the two
    # lines of its range
    f = fields(line("建筑业企业资质证书", 199, 67, 397, h=22), line("企业名称", 74, 133, 116, h=10),
               line("浙江中原恒泰建设工程有限公司", 146, 133, 293, h=10),
               line("2025年1月28日 至 2030年1月", 392, 206, 537, h=10),
               line("证书编号", 74, 213, 116, h=11), line("D333224342", 146, 213, 209, h=11),
               line("有效期", 331, 213, 363, h=11), line("27日", 392, 221, 416, h=10),
               line("建筑工程施工总承包三级", 146, 245, 261, h=10),
               line("资质类别及等级 钢结构工程专业承包三级", 59, 260, 261, h=11),
               line("市政公用工程施工总承包三级", 146, 275, 282, h=11),
               line("发证部门", 74, 300, 116, h=10), line("杭州市住房和城乡建设局", 146, 300, 261, h=10))
    assert f["qualifications"].value == ["建筑工程施工总承包三级", "钢结构工程专业承包三级", "市政公用工程施工总承包三级"]
    assert f["valid_until"].value == "2030-01-27"
    assert f["cert_number"].value == "D333224342"
    assert f["issuing_authority"].value == "杭州市住房和城乡建设局"


def test_an_id_card_term_with_its_end_lost_under_a_watermark_gives_the_start_only():
    f = fields(line("中华人民共和国", 593, 190, 717, h=21), line("居民身份证", 579, 224, 698, h=25),
               line("签发机关", 541, 290, 575, h=12), line("成都市公安局武侯区分局", 584, 288, 683, h=14),
               line("有效期限", 540, 308, 573, h=13), line("2022.04.09", 584, 309, 631, h=11),
               line("他用无效", 621, 293, 721, h=43), source=TextSource.ocr)
    assert f["valid_from"].value == "2022-04-09"
    assert f["valid_until"].value is None  # never the start taken for the end


def test_an_address_on_its_labels_row_does_not_reach_up_into_the_birth_date_over_it():
    # 出生's box overlaps its date's: the date has a label left of it, so it opens no address
    f = fields(line("姓名龚梦瑶", 195, 84, 255, h=13), line("性别女", 195, 105, 239, h=12),
               line("民族汉", 258, 106, 301, h=12), line("出生", 195, 126, 228, h=10),
               line("1987年10月25日", 224, 125, 299, h=12), line("住址", 195, 145, 218, h=11),
               line("山东省济南市历下区新店", 225, 144, 320, h=15), line("镇双河村4组51号", 225, 157, 293, h=13),
               line("公民身份号码", 194, 196, 239, h=13), line("370102198710258080", 265, 197, 378, h=15),
               source=TextSource.ocr)
    assert f["address"].value == "山东省济南市历下区新店镇双河村4组51号"
    assert f["birth_date"].value == "1987-10-25"


def test_the_printed_wording_of_a_label_wins_over_a_shorter_one_in_a_seal_and_brackets_may_mix():
    f = fields(line("职业技能等级证书", 240, 56, 370, h=23), line("姓名", 55, 93, 79), line("于若曦", 55, 107, 94, h=17),
               line("发证单位", 309, 199, 349), line("河南省建设行业职业技能鉴定指导中心", 309, 213, 503, h=20),
               line("设行业", 363, 189, 396, h=28), line("职业技能", 388, 185, 434, h=28),  # the seal's rim
               line("职业（工种)", 53, 226, 105, h=15), line("焊工", 52, 241, 79, h=15), source=TextSource.ocr)
    assert f["occupation"].value == "焊工"


def test_a_longer_label_inside_an_office_name_yields_to_the_label_that_gives_a_value():
    f = fields(line("职业技能等级证书", 215, 61, 363, h=25), line("姓名：彭佳怡", 49, 191, 119, h=18),
               line("职业（工种）：防水工", 51, 244, 164, h=17), line("等级：四级/中级工", 51, 262, 147, h=16),
               line("评价机构：成都市建筑业协会职业技能等级认定中心", 52, 315, 309, h=23), source=TextSource.ocr)
    assert f["level"].value == "四级/中级工"
    assert f["occupation"].value == "防水工"


def test_a_label_wrapped_in_its_cell_with_its_last_character_centred_under_it():
    f = fields(line("个人参保缴费证明", 234, 46, 362, h=16), line("姓名", 79, 81, 98, h=9), line("薛骁", 137, 81, 156, h=9),
               line("单位名称", 69, 97, 107, h=10), line("嵩岳广厦建设集团第三工程有限公司", 137, 97, 289, h=10),
               line("统一社会信用代 91320105MAW6L4KA5T", 55, 114, 208, h=10), line("查询期间", 322, 114, 360, h=9),
               line("码", 84, 129, 93, h=10), line("费款所属期", 77, 166, 120, h=9), line("养老", 172, 166, 190, h=9),
               line("医疗", 233, 166, 250, h=9), line("失业", 290, 166, 308, h=9), line("缴费基数", 350, 166, 388, h=9))
    assert f["uscc"].value == "91320105MAW6L4KA5T"


def test_a_print_date_whose_year_lost_its_zero_is_found_and_doubted():
    f = fields(line("社会保险参保缴费证明", 200, 50, h=20), line("参保单位名称：济南华建建设有限公司", 40, 90),
               line("经办机构：济南市社会保险事业管理局历下区分局", 327, 448), line("打印时间：二二六年四月二日", 406, 469),
               source=TextSource.ocr)
    assert f["issue_date"].value == "2026-04-02" and f["issue_date"].confidence < TRUSTED


def test_a_wrapped_address_beside_a_scope_that_opens_with_a_sub_heading():
    # a licence in two columns: 住所's value wraps onto the row of 经营范围, whose own value opens
    # with 许可项目： (a sub-heading, not a label waiting for the box right of it)
    f = fields(line("营 业 执 照", 228, 66, 368, h=30), line("名 称", 51, 238, 74, h=11),
               line("石城中瀚建设集团第三工程有限公司", 116, 238, 284, h=11), line("法定代表人 殷一鸣", 51, 295, 148, h=10),
               line("住 所", 323, 300, 346, h=10), line("四川省成都市武侯区青年路1段", 377, 300, 520, h=10),
               line("经 营范围 许可项目：建设工程施工；建设工程设", 51, 315, 295, h=11), line("121号财富中心22层03号", 377, 315, 492, h=11),
               line("计；住宅室内装饰装修；施工专业作业。", 116, 330, 305, h=11))
    assert f["address"].value == "四川省成都市武侯区青年路1段121号财富中心22层03号"


@pytest.mark.parametrize(("kind", "value", "doubted"), [
    ("person", "手韵", True),  # 于 read as 手: whole in shape, no surname
    ("person", "名庞昊天", True),  # the label's last character read into the name
    ("person", "于韵", False),
    ("person", "欧阳宏宇", False),
    ("person", "上官韵", False),
    ("person", "阿依古丽·买买提", False),  # a name with the middle dot carries no surname
    ("address", "镇李家湾村4组75号", True),  # the first line of the address was lost
    ("address", "湖南省长沙市岳麓区黄桥镇李家湾村4组75号", False),
    ("address", "成都市武侯区人民南路四段1号", False),
    ("address", "四川成都高新区天府大道中段1号", False),  # a province's and city's short names
    ("address", "中国（四川）自由贸易试验区成都高新区天府五街200号", False),
    ("address", "广西南宁市青秀区民族大道1号", False),
    ("company", "某某建设有限公司", False),  # a trade name may open with anything
    ("authority", "设教育协会", True),  # 浙江省建 lost under a seal: whole by its ending alone
    ("authority", "浙江省建设教育协会", False),
    ("authority", "中华人民共和国住房和城乡建设部", False),
    ("authority", "住房和城乡建设部执业资格注册中心", False),  # a national office without the country
    ("authority", "国家市场监督管理总局", False),
    ("authority", "中国建设教育协会", False),
])
def test_a_value_that_does_not_open_as_its_kind_does_is_doubted(kind, value, doubted):
    assert (opening_doubt(kind, value) is not None) is doubted


def test_a_name_read_without_a_surname_is_below_trust_and_says_why():
    f = fields(line("专业技术资格证书", 200, 60), line("姓名：手韵", 50, 100), line("性别：女", 50, 130),
               line("职称名称：高级工程师", 50, 160), line("专业名称：工程造价", 50, 190))
    assert f["name"].value == "手韵" and f["name"].confidence < TRUSTED
    assert any("姓氏" in n for n in f["name"].notes)


@settings(max_examples=200, deadline=None)
@given(surname=st.sampled_from(["王", "李", "诸葛", "欧阳", "覃", "肖", "付", "于"]),
       given_name=st.text(alphabet="伟芳娜敏静丽强磊军洋勇艳杰涛明超秀英华", min_size=1, max_size=2))
def test_any_name_opening_with_a_known_surname_is_not_doubted_for_it(surname, given_name):
    assert opening_doubt("person", surname + given_name) is None


def test_a_social_insurance_office_with_a_character_dropped_is_proposed():
    assert ("社会险事业管理局", "社会保险事业管理局") in misread_words("authority", "郑州市社会险事业管理局金水区分局")
    assert misread_words("authority", "郑州市社会保险事业管理局金水区分局") == []


def test_the_amount_in_words_after_a_figure_in_ten_thousands_is_the_words_not_the_unit():
    # 940万元 then （大写：玖佰伍拾万圆整）: 万元 alone is the figure's unit, not an amount in words
    f = fields(line("建设工程施工合同", 211, 63, 390, h=24), line("发包人（甲方）：某某学校", 58, 132),
               line("承包人（乙方）：某某建设集团有限公司", 58, 150), line("工程名称：某某工程", 58, 168),
               line("合同价款：940万元（大写：玖佰伍拾万圆整）", 57, 242))
    assert f["contract_amount"].value == "9400000.00"
    assert f["contract_amount_words"].value == "9500000.00"


def test_a_registration_centre_read_one_character_off_is_proposed():
    assert ("执业资格主册中心", "执业资格注册中心") in misread_words("authority", "江苏省建设岗位培训与执业资格主册中心")


def test_a_spread_label_whose_first_character_the_scan_lost_still_introduces_its_value():
    # 名　称 spread over its cell, read as 称 alone; 类　型 read whole in two boxes
    f = fields(line("营业执照", 198, 54, 405, h=40), line("统一社会信用代码91510109MALJM0GH36", 56, 119, 274, h=18),
               line("称", 96, 227, 118, h=12), line("蓉川建设集团第三工程有限公司", 117, 227, 267, h=16),
               line("类", 52, 244, 93, h=16), line("型", 95, 247, 110, h=12),
               line("有限责任公司（自然人投资或控股）", 117, 246, 282, h=18),
               line("法定代表人", 53, 264, 109, h=15), line("罗庆丰", 116, 266, 152, h=15), source=TextSource.ocr)
    assert f["company_name"].value == "蓉川建设集团第三工程有限公司" and f["company_name"].confidence < TRUSTED
    assert f["legal_representative"].value == "罗庆丰"


def test_a_lone_character_far_from_any_value_is_no_label():
    f = fields(line("营业执照", 198, 54, 405, h=40), line("统一社会信用代码91510109MALJM0GH36", 56, 119, 274, h=18),
               line("称", 96, 227, 118, h=12), line("蓉川建设集团第三工程有限公司", 300, 227, 450, h=16),
               line("法定代表人", 53, 264, 109, h=15), line("罗庆丰", 116, 266, 152, h=15), source=TextSource.ocr)
    assert "company_name" not in f or f["company_name"].value is None


@pytest.mark.parametrize(("header", "at"), [(["10/02/2026 16:15 +86 28 88353257", "P.001/001"], 3),
                                            (["MAY-08-2026 02:55 PM FROM:+86 2883628734 TO:82202394 P.1"], 3),
                                            # the number's last figure read into the counter's box (fresh seed 86)
                                            (["15/03/202615:07 +8628 81494178", "3 P.001/001"], 3),
                                            # a landscape page faxed on its side: the header at its bottom edge,
                                            # the counter's slash lost (fresh seed 88)
                                            (["P.00101", "08 6 8666"], 580)])
def test_nothing_read_on_a_faxed_page_is_certain(header, at):
    # a fax halves the resolution and thresholds the page: the engine read 四川行城 for 四川石城 at 0.93
    body = [line("职称证书", 250, 60, h=24), line("姓名：庞昇", 80, 190), line("工作单位：四川石城中瀚建筑安装工程集团有限公司", 80, 220)]
    top = [line(text, 14 + 150 * i, at, h=8) for i, text in enumerate(header)]
    faxed = fields(*top, *body, source=TextSource.ocr)
    assert faxed["company_name"].value == "四川石城中瀚建筑安装工程集团有限公司"
    assert faxed["company_name"].confidence < TRUSTED and faxed["name"].confidence < TRUSTED
    assert fields(*body, source=TextSource.ocr)["company_name"].confidence >= TRUSTED


def test_a_certificate_whose_labels_a_fax_lost_still_gives_the_values_their_shape_names_with_doubt():
    f = fields(line("职称证书", 250, 60, h=24), line("金仲谋", 48, 122), line("工程师", 304, 122),
               line("中级", 304, 155), line("美用全立Eroloyer", 50, 190),
               line("成都钱塘鼎盛建筑工程有限公司", 50, 219), line("川职改〔2001〕72号", 304, 252),
               line("四川省人力资源和社会保障厅", 55, 323), source=TextSource.ocr)
    assert f["company_name"].value == "成都钱塘鼎盛建筑工程有限公司"
    assert f["level"].value == "中级" and f["approval_number"].value == "川职改〔2001〕72号"
    assert all(f[k].confidence < TRUSTED for k in ("company_name", "level", "approval_number"))


def test_an_issuer_under_its_label_split_by_a_seal_is_read_whole_left_to_right():
    # 岗位证书 in two columns, labels over values; a seal split 浙江省建设教育协会 under 发证单位 and
    # swelled its second piece's box, whose top then came first (as OCR read a faxed copy)
    f = fields(line("岗位证书", 259, 62, 328, h=22), line("姓名", 45, 106, 69, h=13), line("颁证日期", 301, 103, 339, h=12),
               line("温振华", 44, 116, 85, h=17), line("2022年10月6日", 300, 114, 383, h=15),
               line("身份证号", 46, 137, 85, h=14), line("330106196310070854", 46, 149, 165, h=15),
               line("发证单位", 302, 134, 340, h=13), line("浙江省建", 302, 146, 351, h=15, conf=1.0),
               line("设教育协会", 348, 142, 411, h=22, conf=0.99), line("专业岗位", 47, 170, 85, h=12),
               line("施工员(土建施工)", 46, 180, 146, h=17), line("证书编号", 47, 202, 85, h=12),
               line("浙建岗2022274732", 47, 213, 149, h=16), source=TextSource.ocr)
    assert f["issuing_authority"].value == "浙江省建设教育协会"


@pytest.mark.parametrize(("read", "name"), [
    ("成都市公安局武侯区分局入", "成都市公安局武侯区分局"),  # a seal's ring beside the office
    ("陕西省住房和城乡建设厅X", "陕西省住房和城乡建设厅"),
    ("友浙江省人力资源和社会保障厅", "浙江省人力资源和社会保障厅"),  # an overlay's stroke before it
    ("四四川省建设行业职业技能鉴定指导中心", "四川省建设行业职业技能鉴定指导中心"),
])
def test_one_stray_character_beside_an_office_is_dropped_with_a_note(read, name):
    value, note = without_stray("authority", read)
    assert value == name and "不属于名称" in note


@pytest.mark.parametrize("read", ["成都市公安局武侯区分局", "中华人民共和国住房和城乡建设部",
                                  "陕西省人力资源和社会保障",  # its unit word lost: not one character too many
                                  "成都市公安局武侯区分局入口处"])  # too much to be a stray
def test_a_whole_office_or_one_not_a_character_away_from_whole_is_left_alone(read):
    assert without_stray("authority", read) is None


@given(st.sampled_from(["成都市公安局武侯区分局", "陕西省住房和城乡建设厅", "四川省建设行业职业技能鉴定指导中心",
                        "湘江永固建设集团第三工程有限公司"]), st.sampled_from("XI1|入交。资"))
def test_a_whole_name_with_one_character_more_at_its_end_is_itself_again(name, stray):
    kind = "company" if name.endswith("公司") else "authority"
    assert without_stray(kind, name) is None
    assert without_stray(kind, name + stray)[0] == name


def test_an_office_read_with_a_stray_character_is_repaired_with_doubt():
    f = fields(line("居民身份证", 200, 60, h=20), line("签发机关", 60, 120, 108), line("成都市公安局武侯区分局入", 130, 120),
               line("有效期限", 60, 150, 108), line("2011.02.21-2031.02.21", 130, 150), source=TextSource.ocr)
    office = f["issuing_authority"]
    assert office.value == "成都市公安局武侯区分局" and office.confidence < 0.9
    assert any("“入”" in note for note in office.notes)


@pytest.mark.parametrize("tail", ["发证日", "发证"])
def test_a_value_running_into_the_start_of_the_next_label_ends_before_it(tail):
    # a photo lost the rest of the row after 发证机关's value: the next label 发证日期 is cut to its
    # first characters and is no label hit, but it is no part of the office's name either
    f = fields(line("中华人民共和国二级建造师注册证书", 172, 61, h=23), line("姓名：兰宏宇", 52, 100),
               line("注册编号：湘243201611743", 53, 151), line(f"发证机关：湖南省住房和城乡建设厅{tail}", 58, 274),
               source=TextSource.ocr)
    assert f["issuing_authority"].value == "湖南省住房和城乡建设厅"


def test_a_card_whose_term_starts_unreadable_gives_its_end_and_no_start():
    # 有效期限 2021.02.14-2041.02.14 under an overlay, read 202F-02-2041.02.14: the date read is the end
    f = fields(line("中华人民共和国", 392, 53, h=15), line("居民身份证", 383, 82, h=20),
               line("签发机关", 351, 140, 383, h=10), line("南京市公安局鼓楼区分局", 395, 140, 520, h=10),
               line("有效期限", 352, 158, 381, h=10), line("202F-02-2041.02.14", 384, 158, 518, h=10, conf=0.84),
               source=TextSource.ocr)
    assert f["valid_until"].value == "2041-02-14" and f["valid_until"].confidence < TRUSTED
    # without the holder's birth date nothing tells when it started
    assert f["valid_from"].value is None


@pytest.mark.parametrize("term, start, end", [("202F-02-2041.02.14", "2021-02-14", "2041-02-14"),
                                              ("2021.02.14-20", "2021-02-14", "2041-02-14"),
                                              ("2024.03.20-", "2024-03-20", "长期")])
def test_the_end_of_a_cards_term_left_unread_is_the_one_the_law_gives_the_holders_age(term, start, end):
    # 居民身份证法: 20 years for a holder of 26-45 on the day of issue, long term from 46; born 1977
    f = fields(line("公民身份号码", 46, 159, 90, h=10), line("320106197711262198", 118, 159, 223, h=12),
               line("中华人民共和国", 392, 53, h=15), line("居民身份证", 383, 82, h=20),
               line("签发机关", 351, 140, 383, h=10), line("南京市公安局鼓楼区分局", 395, 140, 520, h=10),
               line("有效期限", 352, 158, 381, h=10), line(term, 384, 158, 518, h=10, conf=0.84),
               source=TextSource.ocr)
    assert (f["valid_from"].value, f["valid_until"].value) == (start, end)
    assert f["valid_from"].confidence < TRUSTED and f["valid_until"].confidence < TRUSTED


def test_a_misread_label_with_its_english_translation_still_introduces_its_value_with_doubt():
    # a faxed registration certificate with labels in two languages over their values: the
    # Chinese of three labels read one character off, the English misread too
    f = fields(line("中华人民共和国二级建造师注册证书", 167, 62, 428, h=21),
               line("注号编号Regis:aticn No.", 48, 211, 156, h=15), line("苏232201204033", 49, 224, 141, h=15),
               line("注乒专业 Speriaity", 48, 275, 129, h=15), line("建筑工程", 49, 288, 99, h=16),
               line("便用有效期 vald fo use un:", 50, 325, 169, h=12), line("2026.07.20", 49, 337, 111, h=14),
               source=TextSource.ocr)
    assert (f["registration_number"].value, f["specialties"].value, f["usage_valid_until"].value) == (
        "苏232201204033", ["建筑工程"], "2026-07-20")
    assert all(f[k].confidence < TRUSTED for k in ("registration_number", "specialties", "usage_valid_until"))


def test_an_english_translation_a_fax_read_a_colon_into_is_no_value():
    f = fields(line("中华人民共和国二级建造师注册证书", 167, 62, 428, h=21), line("姓名Na:ne", 48, 116, 96, h=13),
               line("鲜一鸣", 48, 127, 88, h=17), line("临主 Sex", 48, 147, 88, h=14), line("男", 48, 159, 64, h=18),
               source=TextSource.ocr)
    assert f["name"].value == "鲜一鸣"


def test_a_list_ends_at_the_next_label_misread_beyond_knowing_when_its_english_follows_it():
    # 使用有效期 read 使月名效期 (two characters off: no label of ours), its translation after it
    f = fields(line("中华人民共和国二级建造师注册证书", 167, 62, 428, h=21),
               line("注册专业 Speciety", 49, 276, 126, h=13), line("建筑工程（有效期：2027.10-27）", 49, 288, 224, h=16),
               line("市政公用工程（有效期：2027-10-27）", 49, 304, 247, h=16),
               line("使月名效期Vasid for se urtit", 49, 325, 167, h=13), line("2026-05-10", 48, 337, 116, h=14),
               source=TextSource.ocr)
    assert f["specialties"].value == ["建筑工程", "市政公用工程"]


def test_a_cards_gender_and_birth_date_left_unread_are_taken_from_its_number_with_doubt():
    # the engine lost 男 and the birth date's box on a scanned card: the card's own number encodes
    # both (GB 11643: the 17th digit's parity, digits 7-14), as the issuing office printed them
    f = fields(line("姓名　司马犇", 163, 168, 224), line("性别", 165, 190, 188), line("民族汉", 229, 188, 270),
               line("出生", 165, 210, 186), line("住址", 165, 230, 186), line("安徽省阜阳市颍州区长江西路303号", 195, 227),
               line("公民身份号码", 166, 280, 211), line("341202197011214894", 237, 279, 338),
               line("中华人民共和国", 233, 421, 338, h=19), line("居民身份证", 225, 450, 331, h=23), source=TextSource.ocr)
    assert (f["gender"].value, f["birth_date"].value) == ("男", "1970-11-21")
    assert f["gender"].confidence < TRUSTED and f["birth_date"].confidence < TRUSTED and f["gender"].notes


def test_a_label_a_seal_cut_to_its_first_characters_before_a_colon_introduces_its_value():
    # 发证机关 under a seal reads 发证, its colon and value in the next box: 发证 opens two labels
    # (发证机关, 发证日期), and the value says which
    f = fields(line("建筑业企业资质证书", 200, 60, h=22), line("企业名称：南京金陵汇通建筑工程有限公司", 48, 132),
               line("住房和城乡", 399, 232, 479, h=20, conf=0.99), line("发证", 365, 268, 392, h=16),
               line("：南京市住房和城乡建设局", 406, 264, 537, h=19), line("2024-07-09", 468, 285, 538, h=18),
               source=TextSource.ocr)
    assert f["issuing_authority"].value == "南京市住房和城乡建设局"
    assert f["issuing_authority"].confidence < TRUSTED


def test_a_value_sitting_between_two_labels_rows_of_a_slanted_table_is_in_doubt():
    # a photographed two-column table whose value column sits half a row lower than its labels:
    # 杭州紫荆实验学校 (招标人's) lies on 工程名称's row too, above the project's own name
    f = fields(line("中标通知书", 199, 86, 268, h=26), line("招标人", 113, 103, 140, h=15),
               line("工程名称", 111, 117, 143, h=15), line("杭州紫荆实验学校", 167, 109, 223, h=18),
               line("建设地点", 110, 131, 143, h=16), line("中标单位", 110, 146, 143, h=14),
               line("杭州紫荆山住宅小区4#楼工程", 167, 123, 254, h=20), line("杭州市滨江区紫荆山片区", 167, 137, 240, h=17),
               line("浙江蜀道安澜建设工程有限公司", 167, 151, 258, h=19), source=TextSource.ocr)
    assert f["project_name"].confidence < TRUSTED or f["project_name"].value == "杭州紫荆山住宅小区4#楼工程"


def test_a_cards_term_whose_label_was_lost_and_dash_read_as_a_dot_is_found_by_its_form():
    f = fields(line("中华人民共和国", 269, 430, 380, h=18), line("居民身份证", 263, 465, 367, h=14),
               line("签发机关", 230, 518, 262, h=12), line("杭州市公安局西湖区分局", 272, 517, 364, h=12),
               line("2018.07.07.2038.07.07", 272, 536, 364, h=11, conf=0.89), source=TextSource.ocr)
    assert (f["valid_from"].value, f["valid_until"].value) == ("2018-07-07", "2038-07-07")
    assert f["valid_from"].confidence < TRUSTED


def test_a_term_wrapped_in_its_cell_of_a_text_layer_runs_on_to_its_end():
    # LibreOffice: 使用有效期 | 2026年09月07日至2027年03 / 月06日, the cell's second line at its left
    # edge; the text layer joins label and value into one line, so where the value starts is an
    # estimate from the glyphs (digits are narrower than ideographs, the gap between cells wide)
    f = fields(line("注册建造师注册证书", 208, 58, 388, h=20), line("注册编号", 315, 214, 355, h=10),
               line("川151200877263", 377, 214, 461, h=10),
               line("使用有效期 2026年09月07日至2027年03", 310, 266, 527, h=10), line("月06日", 377, 282, 413, h=10),
               line("注册级别", 68, 300, 108, h=10), line("一级", 130, 300, 150, h=10))
    assert f["usage_valid_until"].value == "2027-03-06" and f["usage_valid_until"].confidence == 1.0


def test_a_term_whose_end_was_cut_off_gives_no_end_rather_than_its_start():
    # a photo cut 使用有效期：二〇二五年十二月二十八日至二〇二六年六月二十六日 after 六: the one date
    # read is the start; as the end it made a valid certificate expired
    f = fields(line("注册建造师注册证书", 208, 58, 388, h=20), line("注册编号：陕161201694049", 130, 182),
               line("使用有效期：二〇二五年十二月二十八日至二〇二六年六", 336, 197, 553, h=20), source=TextSource.ocr)
    assert "usage_valid_until" not in f or f["usage_valid_until"].value is None
