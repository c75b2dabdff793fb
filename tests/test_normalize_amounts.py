"""Amounts in figures and in words (大写), and Decimal -> 大写."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from dossier.extract.normalize.amounts import amount_to_words, normalise_amount, normalise_amount_words


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1,234.56元", "1234.56"),
        ("1234.56", "1234.56"),
        ("¥1,234.56", "1234.56"),
        ("￥ 12,345,678.00", "12345678.00"),
        ("RMB 1,234,567", "1234567.00"),
        ("123.4万元", "1234000.00"),
        ("5000万元人民币", "50000000.00"),
        ("1.2亿元", "120000000.00"),
        ("1,234.5678万元", "12345678.00"),
        ("１２，３４５．６", "12345.60"),
        ("1 234 567.00 元", "1234567.00"),
        ("合同编号2024-001，合同价款1,234.56元", "1234.56"),  # the number marked as money wins
        ("0.5", "0.50"),
    ],
)
def test_amount_figures(raw, expected):
    result = normalise_amount(raw)
    assert result.value == expected
    assert result.confidence == 1.0


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12.707.00", "12707.00"),  # thousands comma read as a dot: two points cannot both be decimal
        ("12,707,00", "12707.00"),  # decimal point read as a comma
        ("1.234.567", "1234567.00"),
        ("12.707", "12707.00"),  # yuan have no third decimal
        ("1,2345.00", "12345.00"),  # irregular grouping
    ],
)
def test_amount_ocr_slips_are_read_with_lower_confidence(raw, expected):
    result = normalise_amount(raw)
    assert result.value == expected
    assert result.confidence < 1 and result.notes


@pytest.mark.parametrize("raw", ["", "abc", "壹万元", "1234.567", "2024.01.01", "9" * 40])
def test_amount_figures_that_do_not_parse(raw):
    assert normalise_amount(raw) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分", "1234567.89"),
        ("人民币（大写）：壹佰贰拾叁万肆仟伍佰陆拾柒元捌角玖分整", "1234567.89"),
        ("壹万零伍元整", "10005.00"),
        ("壹亿贰仟万元整", "120000000.00"),
        ("壹亿零壹万元整", "100010000.00"),
        ("拾万元整", "100000.00"),
        ("壹拾万元整", "100000.00"),
        ("贰佰圆正", "200.00"),
        ("壹仟零伍拾元", "1050.00"),
        ("壹元零伍分", "1.05"),
        ("伍角", "0.50"),
        ("伍角整", "0.50"),
        ("玖分", "0.09"),
        ("零元整", "0.00"),
        ("一百二十三元四角", "123.40"),
        ("伍仟万元", "50000000.00"),
        ("壹佰贰拾叁", "123.00"),
    ],
)
def test_amount_words(raw, expected):
    assert normalise_amount_words(raw).value == expected


@pytest.mark.parametrize(
    "raw",
    ["", "No.", "壹佰伍元", "壹万伍元", "伍角伍", "拾角", "壹拾拾元", "壹万壹亿元", "人民币", "1234元"],
)
def test_amount_words_that_do_not_parse(raw):
    # 壹佰伍 and 壹万伍 are colloquial and ambiguous (105 or 150?): refused, not guessed.
    assert normalise_amount_words(raw) is None


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1004", "壹仟零肆元整"),
        ("100015.50", "壹拾万零壹拾伍元伍角"),
        ("1.05", "壹元零伍分"),
        ("0.50", "伍角"),
        ("0.05", "伍分"),
        ("1680.32", "壹仟陆佰捌拾元叁角贰分"),
        ("100010000", "壹亿零壹万元整"),
        ("0", "零元整"),
    ],
)
def test_amount_to_words(amount, words):
    assert amount_to_words(Decimal(amount)) == words


@pytest.mark.parametrize("amount", ["-1", "0.001", "1000000000000", "NaN", "abc"])
def test_amount_to_words_refuses(amount):
    with pytest.raises(ValueError):
        amount_to_words(amount)


AMOUNTS = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999999999.99"), places=2)


@given(AMOUNTS)
def test_words_round_trip(amount):
    assert normalise_amount_words(amount_to_words(amount)).value == f"{amount:.2f}"


@given(AMOUNTS, st.sampled_from([("仟", "任"), ("佰", "伯"), ("拾", "抬")]))
def test_a_numeral_read_as_its_lookalike_between_numerals_is_read_with_doubt(amount, slip):
    # 叁仟壹佰壹拾捌万肆任捌佰柒拾贰元陆角捌分: a scanned contract's 仟 lost a stroke
    words = amount_to_words(amount)
    numeral, lookalike = slip
    at = words.find(numeral)
    if at <= 0 or at == len(words) - 1:
        return  # no such numeral between others in these words
    read = normalise_amount_words(f"人民币（大写）{words[:at]}{lookalike}{words[at + 1:]}")
    assert read.value == f"{amount:.2f}" and read.confidence < 0.9


def test_a_lookalike_outside_a_run_of_numerals_is_no_numeral():
    assert normalise_amount_words("担任叁仟元").value == "3000.00"


def _with_separators(integer: str, sep: str) -> str:
    groups = []
    while len(integer) > 3:
        integer, group = integer[:-3], integer[-3:]
        groups.insert(0, group)
    return sep.join([integer, *groups])


@given(AMOUNTS, st.booleans(), st.sampled_from(["", "¥", "人民币"]), st.sampled_from(["", "元", "元整"]))
def test_figures_with_thousands_separators_round_trip(amount, commas, prefix, suffix):
    integer, cents = f"{amount:.2f}".split(".")
    text = prefix + (_with_separators(integer, ",") if commas else integer) + "." + cents + suffix
    result = normalise_amount(text)
    assert result.value == f"{amount:.2f}" and result.confidence == 1.0


@given(AMOUNTS, st.sampled_from(["万", "万元", "亿元"]))
def test_figures_in_wan_and_yi_round_trip(amount, unit):
    scale = Decimal(10**8) if unit.startswith("亿") else Decimal(10**4)
    assert normalise_amount(f"{(amount / scale).normalize():f}{unit}").value == f"{amount:.2f}"


def test_an_amount_printed_either_way():
    from dossier.extract.normalize.amounts import normalise_amount_any

    assert normalise_amount_any("5000万元人民币").value == "50000000.00"
    assert normalise_amount_any("伍仟万圆整").value == "50000000.00"
    assert normalise_amount_any("无") is None


def test_a_lower_case_numeral_among_upper_case_ones_is_read_with_doubt():
    mixed = normalise_amount_words("五仟万圆整")  # OCR read 伍 as 五
    assert mixed.value == "50000000.00" and mixed.confidence < 1 and mixed.notes
    assert normalise_amount_words("伍仟万圆整").confidence == 1
    assert normalise_amount_words("一百元").confidence == 1  # all lower-case: a writing, not a slip
