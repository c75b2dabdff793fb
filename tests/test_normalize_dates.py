"""Dates, date ranges, months and month ranges: example tables and round-trip properties."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from dossier.extract.normalize.dates import (
    normalise_date,
    normalise_date_or_long,
    normalise_date_range,
    normalise_month,
    normalise_month_range,
)


@pytest.mark.parametrize(
    "raw",
    [
        "2024年3月1日", "2024年03月01日", "2024.03.01", "2024.3.1", "2024-3-1", "2024/03/01",
        "20240301", "二〇二四年三月一日", "二零二四年三月一日", "二○二四年三月一日", "二O二四年三月一日",
        "２０２４年３月１日", "２０２４．０３．０１", "2024年 3 月1 日", " 2024 . 03 . 01 ", "2024 03 01",
        "发证日期：2024年3月1日", "2024年3月1号", "2024年3月1", "2024。03。01",
    ],
)
def test_date_forms(raw):
    assert normalise_date(raw).value == "2024-03-01"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("二〇二四年十月十日", "2024-10-10"),
        ("二〇二四年十一月二十一日", "2024-11-21"),
        ("二〇二四年十二月三十一日", "2024-12-31"),
        ("一九九九年一月三十日", "1999-01-30"),
        ("2024年十二月二十日", "2024-12-20"),
    ],
)
def test_chinese_numeral_dates(raw, expected):
    assert normalise_date(raw).value == expected


@pytest.mark.parametrize(
    "raw",
    ["2024-02-30", "2023年2月29日", "2024.13.01", "20241301", "二〇二四年二月三十日", "1800.01.01", "", "abc",
     "110105194912310021"],  # an ID number's embedded birth date is not a date
)
def test_impossible_or_absent_dates(raw):
    assert normalise_date(raw) is None


@pytest.mark.parametrize(("raw", "expected"), [("2O24.03.01", "2024-03-01"), ("20l5年10月1日", "2015-10-01")])
def test_letter_between_digits_is_read_as_digit_with_lower_confidence(raw, expected):
    result = normalise_date(raw)
    assert result.value == expected
    assert result.confidence < 1 and result.notes


@pytest.mark.parametrize("raw", ["长期", "长期有效", "永久", "至今", "有效期：长期"])
def test_open_ended(raw):
    assert normalise_date_or_long(raw).value == "长期"
    assert normalise_date(raw) is None


def test_date_or_long_prefers_a_date():
    assert normalise_date_or_long("2041年05月19日").value == "2041-05-19"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2021年05月20日至2041年05月19日", ("2021-05-20", "2041-05-19")),
        ("2024.01.01-2026.12.31", ("2024-01-01", "2026-12-31")),
        ("2024-01-01-2026-12-31", ("2024-01-01", "2026-12-31")),
        ("2024.01.01 — 2026.12.31", ("2024-01-01", "2026-12-31")),
        ("20240101 20261231", ("2024-01-01", "2026-12-31")),
        ("自2020年1月1日起至长期", ("2020-01-01", "长期")),
        ("2020.01.01-长期有效", ("2020-01-01", "长期")),
        ("有效期限：2015.06.30-2035.06.30", ("2015-06-30", "2035-06-30")),
        ("有效期至2028年12月31日", ("2028-12-31",)),  # one end only: value[0] and value[-1] agree
        ("长期", ("长期",)),
        ("至今", ("长期",)),
    ],
)
def test_date_ranges(raw, expected):
    assert normalise_date_range(raw).value == expected


@pytest.mark.parametrize("raw", ["2011.03.29-2031?03?29?", "二〇二六年八月六日至二〇二七年二",
                                 # an overlay crossed the end: figures that make no date, or none
                                 "2026.08.07-29461080无效", "2022.11.10-291月元人", "2024.01.01-2024.02.30"])
def test_a_range_whose_second_date_is_printed_but_unreadable_is_doubtful(raw):
    found = normalise_date_range(raw)
    assert len(found.value) == 1 and found.confidence < 0.9  # its only date is its start


@pytest.mark.parametrize("raw", ["202F-02-2041.02.14", "20?1.02.14-2041.02.14", "202l.O2.14 至 2041.02.14"])
def test_a_range_whose_first_date_is_printed_but_unreadable_gives_its_end_alone_in_doubt(raw):
    # an ID card's 有效期限 with its start under an overlay: the one date read is the end, and
    # taking it as the start puts a card issued in 2021 in 2041
    found = normalise_date_range(raw)
    assert found.value == (None, "2041-02-14") and found.confidence < 0.9 and found.notes


@pytest.mark.parametrize(
    "raw", ["2026.01.01-2024.01.01", "2024.02.30-2025.01.01", "abc"]
)
def test_bad_date_ranges(raw):
    assert normalise_date_range(raw) is None


@pytest.mark.parametrize("raw", ["2024.01", "2024年1月", "202401", "2024-01", "2024/1", "二〇二四年一月", "２０２４年０１月"])
def test_month_forms(raw):
    assert normalise_month(raw).value == "2024-01"


@pytest.mark.parametrize("raw", ["2024.13", "202400", "1800.01", "abc"])
def test_bad_months(raw):
    assert normalise_month(raw) is None


@pytest.mark.parametrize(
    "raw",
    ["2024.01-2024.06", "2024年1月至2024年6月", "202401-202406", "2024年01月-06月", "2024.01~2024.06",
     "2024年1月至6月"],
)
def test_month_ranges_expand_inclusive(raw):
    assert normalise_month_range(raw).value == [f"2024-{m:02d}" for m in range(1, 7)]


def test_month_range_across_years_and_single_month():
    assert normalise_month_range("2024.11-2025.02").value == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert normalise_month_range("2024.03").value == ["2024-03"]


@pytest.mark.parametrize("raw", ["2024.06-2024.01", "1950.01-2024.01", "2024.01-2024.13"])
def test_bad_month_ranges(raw):
    assert normalise_month_range(raw) is None  # reversed, over the 600-month cap, impossible


# --- properties ------------------------------------------------------------------------------

_CN = "〇一二三四五六七八九"


def _cn_small(n: int) -> str:
    """1..31 in unit numerals, as dates print them: 十, 十一, 二十, 三十一."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")) + (_CN[ones] if ones else "")


def _chinese(d: date, zero: str) -> str:
    """二〇二四年三月一日, with the year's zeros written as ``zero``."""
    year = "".join(_CN[int(c)] for c in str(d.year)).replace("〇", zero)
    return f"{year}年{_cn_small(d.month)}月{_cn_small(d.day)}日"


STYLES = {
    "cn_arabic": lambda d: f"{d.year}年{d.month}月{d.day}日",
    "cn_padded": lambda d: f"{d:%Y}年{d:%m}月{d:%d}日",
    "dots_padded": lambda d: f"{d:%Y.%m.%d}",
    "dots": lambda d: f"{d.year}.{d.month}.{d.day}",
    "dashes": lambda d: f"{d.year}-{d.month}-{d.day}",
    "iso": lambda d: d.isoformat(),
    "slashes": lambda d: f"{d:%Y/%m/%d}",
    "compact": lambda d: f"{d:%Y%m%d}",
    **{f"chinese_{zero}": (lambda d, zero=zero: _chinese(d, zero)) for zero in "〇零○O"},
}


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(
    day=st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)),
    style=st.sampled_from(sorted(STYLES)),
    full_width=st.booleans(),
    spaces=st.lists(st.booleans(), min_size=20, max_size=20),
)
def test_any_date_in_any_style_parses_back(day, style, full_width, spaces):
    text = STYLES[style](day)
    # OCR noise: a space wherever a digit does not touch another digit (inside a number a space
    # would be a separator, which is a different text, not noise).
    noisy = "".join(
        c + (" " if spaces[i % 20] and not (c.isdigit() and text[i + 1 : i + 2].isdigit()) else "")
        for i, c in enumerate(text)
    )
    if full_width:
        noisy = _full_width(noisy)
    assert normalise_date(noisy).value == day.isoformat()
    assert normalise_date_or_long(noisy).value == day.isoformat()


@given(
    start=st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31)),
    length=st.integers(min_value=0, max_value=200),
    style=st.sampled_from(["2024.01-2024.06", "2024年1月至2024年6月", "202401-202406"]),
)
def test_month_ranges_expand_to_every_month(start, length, style):
    first = start.year * 12 + start.month - 1
    last = first + length
    fmt = {
        "2024.01-2024.06": lambda i: f"{i // 12}.{i % 12 + 1:02d}",
        "2024年1月至2024年6月": lambda i: f"{i // 12}年{i % 12 + 1}月",
        "202401-202406": lambda i: f"{i // 12}{i % 12 + 1:02d}",
    }[style]
    sep = "至" if "至" in style else "-"
    months = normalise_month_range(fmt(first) + sep + fmt(last)).value
    assert len(months) == length + 1
    assert months[0] == f"{first // 12}-{first % 12 + 1:02d}"
    assert months[-1] == f"{last // 12}-{last % 12 + 1:02d}"
    assert months == sorted(set(months))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("发证日期：2026.0701", "2026-07-01"), ("202607.01", "2026-07-01"), ("2026-0701", "2026-07-01")],
)
def test_a_date_missing_one_separator_is_read_with_doubt(raw, expected):
    result = normalise_date(raw)
    assert result.value == expected
    assert result.confidence < 1 and result.notes


def test_a_missing_separator_is_not_guessed_where_the_digits_do_not_say_where_it_was():
    assert normalise_date("2026.070") is None  # 2026-07-0? or 2026-07-?0: no
    assert normalise_date("2026.07.01").confidence == 1


def test_a_range_missing_its_dash_is_read_with_doubt():
    months = normalise_month_range("2026.012026.10")
    assert months.value == [f"2026-{m:02d}" for m in range(1, 11)] and months.confidence < 1
    term = normalise_date_range("2024.07.152044.07.15")
    assert term.value == ("2024-07-15", "2044-07-15") and term.confidence < 1


@pytest.mark.parametrize("raw", ["2015.0619-2035.06.19", "2015.06.19-2035.0619", "2015/0619至2035/0619"])
def test_a_date_of_a_range_missing_one_separator_is_read_with_doubt_and_never_skipped(raw):
    # an ID card's 有效期限 under a written line: 2015.0619 was no date, so the end was taken
    # for the start at confidence 1.0
    term = normalise_date_range(raw)
    assert term.value == ("2015-06-19", "2035-06-19") and term.confidence < 0.9
    assert normalise_date(raw).value == "2015-06-19"


@pytest.mark.parametrize("raw", ["2024.07.15-", "2020年1月1日至", "2020年1月1日起至"])
def test_a_range_whose_end_is_lost_is_doubted(raw):
    """The only date is the start: a reader taking value[-1] as the end must not trust it."""
    result = normalise_date_range(raw)
    assert len(result.value) == 1 and result.confidence < 0.9


@pytest.mark.parametrize("raw", ["2020.08.25-无效", "2020.08.25-至工程竣工", "2020年8月25日至xx"])
def test_a_range_whose_end_is_printed_but_no_date_is_doubted(raw):
    # an overlay's 无效 over a card's end was a start read alone at full confidence
    result = normalise_date_range(raw)
    assert result.value == ("2020-08-25",) and result.confidence < 0.9


@pytest.mark.parametrize("raw", ["2020.08.25-期", "2020.08.25-长", "2020年8月25日至 期", "2020.0825.期"])
def test_a_long_term_with_one_of_its_characters_lost_is_long_term_guessed(raw):
    # a photographed card's 长期 with 长 lost in the glare (fresh seed 77)
    result = normalise_date_range(raw)
    assert result.value == ("2020-08-25", "长期") and result.confidence < 0.9


def test_a_text_naming_one_end_only_is_certain():
    assert normalise_date_range("有效期至2028年12月31日").confidence == 1
    assert normalise_date_range("自2020年1月1日起").confidence == 1


@pytest.mark.parametrize(("raw", "expected"), [("打印时间：二二六年四月二日", "2026-04-02"),
                                               ("二一九年十二月三十一日", "2019-12-31")])
def test_a_chinese_year_whose_zero_ocr_dropped_is_read_with_doubt(raw, expected):
    # 二〇二六 read as 二二六: the ring of 〇 taken for a speck
    result = normalise_date(raw)
    assert result.value == expected and result.confidence < 0.9 and result.notes


@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
       years=st.sampled_from([5, 10, 20]), separator=st.sampled_from([".", "-", "/"]))
def test_a_range_whose_dash_was_read_as_one_is_split_by_its_fixed_widths_with_doubt(start, years, separator):
    # an ID card's 有效期限 2011.05.04-2031.05.04 read 2011.05.0412031.05.04 beside an overlay
    end = start.replace(year=start.year + years, day=min(start.day, 28))
    pad = f"%Y{separator}%m{separator}%d"
    term = normalise_date_range(f"{start:{pad}}1{end:{pad}}")
    assert term.value == (start.isoformat(), end.isoformat()) and term.confidence < 0.9
    # the dates' own separator for the dash changes nothing read
    assert normalise_date_range(f"{start:{pad}}{separator}{end:{pad}}").value == (start.isoformat(), end.isoformat())


@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
       years=st.sampled_from([5, 10, 20]), separator=st.sampled_from([".", "-", "/"]),
       kept=st.sampled_from([(False, True), (True, False), (False, False)]))
def test_a_range_whose_dash_and_separators_of_its_end_were_lost_is_split_by_fixed_widths_with_doubt(
        start, years, separator, kept):
    # 2010.05.23-2030.05.23 read 2010.05.23203005.23: no dash, and the end's first dot gone too
    end = start.replace(year=start.year + years, day=min(start.day, 28))
    first, second = (separator if k else "" for k in kept)
    term = normalise_date_range(f"{start:%Y{separator}%m{separator}%d}{end:%Y}{first}{end:%m}{second}{end:%d}")
    assert term.value == (start.isoformat(), end.isoformat()) and term.confidence < 0.9


@given(start=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
       years=st.sampled_from([5, 10, 20]), dash=st.sampled_from(["", ",", "-"]))
def test_a_range_whose_dots_a_fax_read_as_commas_is_read_with_doubt(start, years, dash):
    # 有效期限 2009.03.20-2029.03.20 faxed: every dot a comma, the dash lost, the line compacted
    end = start.replace(year=start.year + years, day=min(start.day, 28))
    term = normalise_date_range(f"{start:%Y,%m,%d}{dash}{end:%Y,%m,%d}")
    assert term.value == (start.isoformat(), end.isoformat()) and term.confidence < 0.9


def test_a_range_printed_with_dashes_throughout_is_certain():
    assert normalise_date_range("2018-07-07-2038-07-07").confidence == 1


@pytest.mark.parametrize("raw", ["2031.05.0412011.05.04",  # the end before the start
                                 "2011.05.0412031.13.04", "2011.5.412031.5.4"])  # no date; no fixed widths
def test_a_glued_range_that_does_not_split_into_two_dates_in_order_is_no_range(raw):
    assert normalise_date_range(raw) is None


@pytest.mark.parametrize("raw", ["2026-02-2026", "2025.11-", "2026年2月至2026年", "2019.05至今"])
def test_a_month_range_whose_end_is_lost_gives_its_start_in_doubt(raw):
    months = normalise_month_range(raw)
    assert len(months.value) == 1 and months.confidence < 0.9 and months.notes


def test_a_normalised_day_reads_back_as_a_date_and_anything_else_as_none():
    from dossier.extract.normalize.dates import iso_day

    assert iso_day("2041-02-14") == date(2041, 2, 14)
    assert [iso_day(v) for v in ("长期", "", None, "2041-02-30", ["2041-02-14"])] == [None] * 5
