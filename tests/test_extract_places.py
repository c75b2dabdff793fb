"""Division names read a character off (颖州区 for 颍州区): found where the division list settles
it, and never in a real address."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dossier.extract.completeness import misread_words
from dossier.extract.places import NOT_DIVISIONS, SUFFIXES, _divisions, _near, area_parents, place_slips


def _counties() -> list[tuple[str, str, str]]:
    """(province, city, county) for every county-level division under a city of the list."""
    data = _divisions()
    by_code = {code: name for name, codes in data.codes.items() for code in codes}
    out = []
    for code, name in sorted(by_code.items()):
        province, city = by_code.get(code[:2] + "0000"), by_code.get(code[:4] + "00")
        if code.endswith("00") or province is None or city is None:
            continue
        out.append((province, city, name))
    return out


COUNTIES = _counties()


def test_the_list_holds_every_level_with_six_digit_codes():
    data = _divisions()
    codes = [code for codes in data.codes.values() for code in codes]
    assert len(codes) > 3000 and all(len(code) == 6 and code.isdigit() for code in codes)
    assert {"北京市", "成都市", "颍州区", "吉首市", "湘西土家族苗族自治州"} <= set(data.codes)


def test_no_real_address_or_police_office_of_any_county_is_a_slip():
    for province, city, county in COUNTIES:
        address = f"{province}{city}{county}人民路12号3栋2单元501室"
        assert place_slips(address) == [], address
        assert place_slips(f"{city}公安局{county}分局") == [], county


@pytest.mark.parametrize("value, slip", [
    ("安徽省阜阳市颖州区青年路212号28栋4单元2904室", ("颖州区", "颍州区")),  # a look-alike glyph
    ("河南省郑州市金木区团结村65号", ("金木区", "金水区")),  # under 郑州市, not 开封's 金明区
    ("江苏省南京市数楼区幸福巷241号", ("数楼区", "鼓楼区")),
    ("成者都市社会保险管理服务中心", ("成者都市", "成都市")),  # a character too many, opening the value
])
def test_a_division_read_a_character_off_is_found_with_the_real_name(value, slip):
    assert place_slips(value) == [slip]


@pytest.mark.parametrize("value", [
    "曲江社区卫生服务中心综合楼建设项目",  # a neighbourhood, not 曲江区 with a character too many
    "四川省成都市武侯区簇锦街道武侯社区3组",
    "吉酋市公安局",  # 吉首市 or 吉安市: nothing before it settles which
    "河南省郑州市新城区幸福路1号",  # a name not in the list is no slip by itself
])
def test_what_the_list_cannot_settle_is_left_alone(value):
    assert place_slips(value) == []


def test_an_address_with_a_slip_is_proposed_corrected():
    assert ("颖州区", "颍州区") in misread_words("address", "安徽省阜阳市颖州区青年路212号")
    assert ("颖州区", "颍州区") in misread_words("authority", "阜阳市公安局颖州区分局")
    assert misread_words("company", "阜阳市颖州区建设有限公司") == []  # a trade name may be anything


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([c for c in COUNTIES if len(c[2]) >= 3 and c[2][-1] in SUFFIXES]), st.data())
def test_one_character_of_a_county_replaced_under_its_city_is_found(county, data):
    province, city, name = county
    position = data.draw(st.integers(0, len(name) - 2))  # its suffix (区, 县, 市) kept
    glyph = data.draw(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5))
    read = name[:position] + glyph + name[position + 1:]
    assume(read not in _divisions().codes and not read.endswith(NOT_DIVISIONS))  # 一园区 is a park
    # the reading must be settled: no other county of the city one character off it (鄂托克一旗:
    # 鄂托克前旗 or 鄂托克旗), nor one it ends with (一绛县: 绛县 after a stray mark, or 新绛县)
    same_city = {n for (p, c, n) in COUNTIES if c == city and p == province}
    # nor a city of the province it ends with (一眉山市 in 乐山市: 峨眉山市, or 眉山市 after a mark)
    same_province = {c for (p, c, _) in COUNTIES if p == province}
    assume(_near(read) & same_city == {name} and not any(read.endswith(n) for n in same_city | same_province))
    assert place_slips(f"{province}{city}{read}人民路12号") == [(read, name)]


def test_the_id_numbers_area_settles_what_the_value_alone_cannot():
    # 吉酋市: 吉首市 or 吉安市; on a card whose number opens 433101 (吉首市) it is the first
    assert place_slips("吉酋市公安局", area_parents("433101")) == [("吉酋市", "吉首市")]
    # a card of 湖南 whose holder lives in 深圳: the real names there are no slips of 湖南's
    assert place_slips("广东省深圳市南山区青年路1号", area_parents("433101")) == []
    assert area_parents("4331X1") == []


def test_a_development_zone_or_a_district_of_another_city_is_no_slip():
    # 高新区 is a zone, not 南充市's 高坪区 read amiss: under 成都市 only 成都's districts can be meant
    assert place_slips("四川省成都市高新区光明路1段106号") == []
    assert place_slips("四川省成都市高坪区光明路1段106号") == []  # a real name: the list settles nothing
