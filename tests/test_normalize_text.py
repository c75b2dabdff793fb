"""Names, lists, qualifications, gender, ethnicity, insurance types and free text."""

import pytest
from hypothesis import given, strategies as st

from dossier.extract.normalize.quantities import normalise_measure, normalise_number
from dossier.extract.normalize.text import (
    canonical_brackets,
    canonical_qualification,
    normalise_authority,
    normalise_code,
    normalise_ethnicity,
    normalise_gender,
    normalise_insurance_types,
    normalise_list,
    normalise_specialty_list,
    normalise_name,
    normalise_qualification_list,
    normalise_text,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张 三", "张三"),
        ("张\u3000三", "张三"),
        ("姓 名：张 伟", "张伟"),
        ("姓名:李娜", "李娜"),
        ("乙方：王小明", "王小明"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽・买买提", "阿依古丽·买买提"),
        ("阿依古丽 . 买买提", "阿依古丽·买买提"),
        ("阿依古丽．买买提", "阿依古丽·买买提"),
        ("甲方：北京华建建设工程有限公司(北京分公司)", "北京华建建设工程有限公司（北京分公司）"),
    ],
)
def test_names(raw, expected):
    assert normalise_name(raw).value == expected


def test_name_with_digits_is_doubtful_and_empty_names_do_not_parse():
    assert normalise_name("张三1").confidence < 1
    assert normalise_name("  ") is None
    assert normalise_name("姓名：") is None


def test_a_mark_about_the_document_is_no_name():
    # a specimen card's 样本 beside an unread 姓名 label was taken for the holder's name
    assert normalise_name("样本") is None and normalise_name("复 印 件") is None
    assert normalise_name("样本华").value == "样本华"  # only the mark standing alone


def test_lists_split_strip_and_dedupe_in_order():
    raw = "建筑工程、机电工程，市政公用工程;建筑工程\n水利水电工程 / 公路工程；机电工程"
    assert normalise_list(raw).value == ["建筑工程", "机电工程", "市政公用工程", "水利水电工程", "公路工程"]
    assert normalise_list(" 、 ,") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("建筑工程施工总承包贰级", "建筑工程施工总承包二级"),
        ("建筑工程施工总承包壹级", "建筑工程施工总承包一级"),
        ("市政公用工程施工总承包叁级", "市政公用工程施工总承包三级"),
        ("市政公用工程施工总承包3级", "市政公用工程施工总承包三级"),
        ("建筑工程施工总承包特级", "建筑工程施工总承包特级"),
        ("地基基础工程专业承包二级", "地基基础工程专业承包二级"),
        ("建筑装修装饰工程专业承包贰级(暂定)", "建筑装修装饰工程专业承包二级(暂定)"),
        ("建筑行业（建筑工程）甲级", "建筑行业（建筑工程）甲级"),
        ("施工劳务不分等级", "施工劳务不分等级"),
    ],
)
def test_canonical_qualification(raw, expected):
    assert canonical_qualification(raw) == expected


def test_qualification_list_rejoins_a_split_grade_and_dedupes_after_canonicalising():
    raw = "建筑工程施工总承包贰级、市政公用工程施工总承包 叁级；建筑工程施工总承包二级"
    assert normalise_qualification_list(raw).value == ["建筑工程施工总承包二级", "市政公用工程施工总承包三级"]


@pytest.mark.parametrize("rest", ["施工总承包三级", "总承包三级", "承包三级", "包三级", "级"])
def test_qualification_list_rejoins_one_a_line_wrap_cut_anywhere(rest):
    # a certificate (an HTML print, a text layer) wraps its one line of qualifications where the
    # width runs out: 市政公用工程施工 / 总承包三级 was two qualifications at full confidence
    whole = "市政公用工程施工总承包三级"
    raw = f"建筑工程施工总承包三级；建筑装修装饰工程专业承包二级；{whole.removesuffix(rest)}\n{rest}"
    result = normalise_qualification_list(raw)
    assert result.value == ["建筑工程施工总承包三级", "建筑装修装饰工程专业承包二级", whole]
    assert result.confidence == 1.0


def test_a_qualification_left_without_its_grade_is_doubted():
    # cut after its category, the next line opens a qualification of its own: nothing to join
    result = normalise_qualification_list("建筑\n装修装饰工程专业承包二级；施工劳务")
    assert result.value == ["建筑", "装修装饰工程专业承包二级", "施工劳务"]
    assert result.confidence < 0.9 and "建筑" in result.notes[0]


@pytest.mark.parametrize(
    ("raw", "expected"), [("男", "男"), ("性别：女", "女"), ("男性", "男"), ("男女", None), ("", None)]
)
def test_gender(raw, expected):
    result = normalise_gender(raw)
    assert (result.value if result else None) == expected


@pytest.mark.parametrize(
    ("raw", "expected", "certain"),
    [("汉", "汉", True), ("汉族", "汉", True), ("民族：土家族", "土家", True), ("维吾尔族", "维吾尔", True),
     ("民族 蒙古族", "蒙古", True), ("汉族人", "汉", False), ("穿青人", "穿青人", False)],
)
def test_ethnicity(raw, expected, certain):
    result = normalise_ethnicity(raw)
    assert result.value == expected and (result.confidence == 1.0) == certain


def test_insurance_types_canonical_names_in_order():
    raw = "企业职工基本养老保险、职工基本医疗保险，失业保险 工伤保险 生育保险 养老保险 职工医保"
    assert normalise_insurance_types(raw).value == ["养老", "医疗", "失业", "工伤", "生育"]
    assert normalise_insurance_types("基本养老保险").value == ["养老"]
    assert normalise_insurance_types("社会保险") is None


def test_a_middle_dot_ends_no_text_but_joins_a_names_parts():
    # a speck after an occupation's bracket read as · (质量员（土建施工）·, a TIFF scan, fresh seed 73)
    assert normalise_text("质量员（土建施工）·").value == "质量员（土建施工）"
    assert normalise_text("阿依古丽·买买提").value == "阿依古丽·买买提"


def test_text_removes_spaces_between_chinese_and_uses_full_width_brackets():
    assert normalise_text("北京 华建 建设工程 有限公司(北京分公司)").value == "北京华建建设工程有限公司（北京分公司）"
    assert normalise_text("Room  5  A座").value == "Room 5 A座"
    assert normalise_text(" \n ") is None


@pytest.mark.parametrize(
    "raw",
    ["（鄂）JZ安许证字〔2005〕000115", "(鄂)JZ安许证字[2005]000115", "（鄂）JZ安许证字【2005】000115",
     "(鄂) jz 安许证字［2005］000115",
     # OCR misread one bracket of the pair (a phone photo): the year is still the document's
     "（鄂）JZ安许证字（2005〕000115", "（鄂）JZ安许证字〔2005)000115"],
)
def test_codes_have_one_bracket_style(raw):
    assert normalise_code(raw).value == "（鄂）JZ安许证字〔2005〕000115"


@pytest.mark.parametrize("raw", ["（浙）JZ安许证字{2015〕008496", "（浙）JZ安许证字〔2015}008496", "（浙）JZ安许证字{2015}008496"])
def test_a_years_bracket_read_as_a_brace_is_put_right_with_doubt(raw):
    # a photographed licence: 〔 read as { (fresh seed 66)
    code = normalise_code(raw)
    assert code.value == "（浙）JZ安许证字〔2015〕008496" and code.confidence < 0.9


def test_codes_lose_spaces_and_case():
    assert normalise_code("d1 2345 6789").value == "D123456789"
    assert normalise_code("  ") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("12,345.60平方米", "12345.6"), ("18层", "18"), ("24.5m", "24.5"), ("1.2万㎡", "12000"), ("12.707", "12.707")],
)
def test_numbers(raw, expected):
    assert normalise_number(raw).value == expected


def test_no_number():
    assert normalise_number("无") is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("24,500.00平方米", "24500.00"), ("24500", "24500.00"), ("86.4米", "86.40"), ("12.707m", "12.707"),
     ("1.2万㎡", "12000.00"), ("30", "30.00")],
)
def test_measurements_have_at_least_two_decimals(raw, expected):
    assert normalise_measure(raw).value == expected


@given(st.integers(1000, 999_999_999), st.integers(0, 99))
def test_a_measure_whose_thousands_commas_read_as_dots_is_read_whole_with_doubt(whole, cents):
    # 总建筑面积10,939.60平方米 read 10.939.60: it was 10.939 at full confidence (fresh seed 83)
    printed = f"{whole:,}.{cents:02d}".replace(",", ".")
    read = normalise_measure(f"总建筑面积{printed}平方米")
    assert read.value == f"{whole}.{cents:02d}" and read.confidence < 0.9


def test_a_measure_with_two_points_that_make_no_thousands_is_doubted():
    read = normalise_measure("10.93.60平方米")
    assert read.confidence < 0.9


def test_brackets_have_one_canonical_width_in_text_lists_and_comparisons():
    assert normalise_text("有限责任公司(自然人投资或控股)").value == "有限责任公司（自然人投资或控股）"
    assert normalise_list("建筑工程(结构)、市政公用工程").value == ["建筑工程（结构）", "市政公用工程"]
    assert normalise_qualification_list("建筑装修装饰工程专业承包贰级(暂定)").value == ["建筑装修装饰工程专业承包二级（暂定）"]
    assert canonical_brackets("有限责任公司(自然人投资或控股)") == canonical_brackets("有限责任公司（自然人投资或控股）")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("湖北省建设教育协会章", "湖北省建设教育协会"), ("广东省住房和城乡建设厅行政审批专用章", "广东省住房和城乡建设厅"),
     ("深圳市建筑业职业技能鉴定中心(盖章)", "深圳市建筑业职业技能鉴定中心")],
)
def test_an_authority_loses_the_seal_words_read_into_it_with_doubt(raw, expected):
    result = normalise_authority(raw)
    assert result.value == expected and result.confidence < 1


def test_an_authority_is_doubted_when_its_place_lost_characters():
    assert normalise_authority("北京市海淀区市场监督管理局").confidence == 1
    assert normalise_authority("中华人民共和国住房和城乡建设部").confidence == 1
    assert normalise_authority("市场监督管理局").confidence == 1  # 市场 is a word
    clipped = normalise_authority("京市海淀区市场监督管理局")  # 北 under the seal
    assert clipped.value == "京市海淀区市场监督管理局" and clipped.confidence < 0.9
    assert normalise_authority("省住房和城乡建设厅").confidence < 0.9
    assert normalise_authority("(盖章)") is None  # a remark is not an authority


@pytest.mark.parametrize("raw, value", [
    ("川人社职2022〕40号", "川人社职〔2022〕40号"),  # the opening bracket lost
    ("（川）JZ安许证字〔2016〕〕079222", "（川）JZ安许证字〔2016〕079222"),  # the closing one doubled
    ("川人社职〔2022 40号", "川人社职〔2022〕40号"),
])
def test_a_codes_year_with_a_bracket_lost_or_doubled_is_put_right_with_doubt(raw, value):
    found = normalise_code(raw)
    assert found.value == value and found.confidence < 0.9 and found.notes


@pytest.mark.parametrize("raw", ["豫建职评〔2021〕.5号", "豫建职评〔2021〕·5号", "豫建职评〔2021〕、5号"])
def test_a_speck_read_as_a_stop_after_a_codes_year_is_dropped_with_doubt(raw):
    # a document number prints its serial right after the year's bracket (fresh seed 25: at 1.0)
    found = normalise_code(raw)
    assert found.value == "豫建职评〔2021〕5号" and found.confidence < 0.9 and found.notes


@pytest.mark.parametrize("raw", ["浙职改·〔2012〕48号", "浙职改.〔2012〕48号", "浙职改、〔2012〕48号"])
def test_a_speck_read_as_a_stop_before_a_codes_year_is_dropped_with_doubt(raw):
    # the issuer's short name runs straight into the year's bracket; a speck beside it was read as
    # a dot at 0.96 (a scanned title certificate, fresh seed 102)
    found = normalise_code(raw)
    assert found.value == "浙职改〔2012〕48号" and found.confidence < 0.9 and found.notes


def test_a_speck_and_a_lost_bracket_are_both_put_right():
    found = normalise_code("豫建职评2021〕.5号")
    assert found.value == "豫建职评〔2021〕5号" and found.confidence < 0.9 and len(found.notes) == 2


def test_an_authority_after_the_forms_seal_prompt_is_the_name_alone():
    assert normalise_authority("盖章:四川省人力资源和社会保障厅").value == "四川省人力资源和社会保障厅"
    assert normalise_authority("（盖章）四川省人力资源和社会保障厅").value == "四川省人力资源和社会保障厅"
    # the prompt's bracket lost under the seal; a place that opens with 章 is no prompt
    assert normalise_authority("章：西安市社会保险管理服务中心").value == "西安市社会保险管理服务中心"
    assert normalise_authority("（章)西安市社会保险管理服务中心").value == "西安市社会保险管理服务中心"
    assert normalise_authority("章丘市住房和城乡建设局").value == "章丘市住房和城乡建设局"


@pytest.mark.parametrize("raw", ["·山东省济南市历下区青年路115号", "、山东省济南市历下区青年路115号", "- 山东省济南市历下区青年路115号"])
def test_free_text_does_not_open_with_a_mark_read_in_from_the_page(raw):
    assert normalise_text(raw).value == "山东省济南市历下区青年路115号"


def test_free_text_keeps_an_opening_bracket_or_quote():
    assert normalise_text("（北京）建设有限公司").value == "（北京）建设有限公司"
    assert normalise_text("“曲江社区卫生服务中心”项目").value == "“曲江社区卫生服务中心”项目"


def test_registered_specialties_are_of_the_register_or_doubted():
    assert normalise_specialty_list("建筑工程、市政公用工程").confidence == 1.0
    slip = normalise_specialty_list("建筑上程")  # 工 read as 上
    assert slip.value == ["建筑上程"] and slip.confidence < 0.9 and slip.suggestion == "建筑工程"
    stray = normalise_specialty_list("建筑工程、市政公用工程、付用")  # a seal's glyphs read on
    assert stray.value[:2] == ["建筑工程", "市政公用工程"] and stray.confidence < 0.9 and stray.suggestion is None


@pytest.mark.parametrize(("raw", "figures"), [
    ("豫建岗2Q21888243", "豫建岗2021888243"),
    ("川2512O1234567", "川251201234567"),
    ("建安B(2019)1I2345", "建安B〔2019〕112345"),
])
def test_a_digit_shaped_letter_among_a_codes_figures_is_doubted_with_the_figure_proposed(raw, figures):
    found = normalise_code(raw)
    assert found.confidence < 0.9 and found.suggestion == figures and found.value != figures


@pytest.mark.parametrize("raw", ["JZ安许证字〔2005〕000115", "D123456789", "B5120210012", "苏232201256243"])
def test_letters_as_a_codes_prefix_are_no_misreading(raw):
    assert normalise_code(raw).confidence == 1.0
