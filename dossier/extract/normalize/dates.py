"""Dates, date ranges, months and month ranges.

Every reader first tidies the text (``_tidy``): NFKC, 。/曰/号 variants, letter-for-digit slips
between digits, and whitespace (removed, except between two digits, where it is a separator).
Dates are then *searched for*, not matched whole, so label residue (``有效期至：``) does not
matter; a match must not touch other digits, which keeps an ID number's embedded birth date
(1101051949123100…) from being read as a date.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TypeVar

from .chinese_numerals import DIGITS, NUMERAL_CHARS, ZEROS, positional_to_int, units_to_int
from .result import CERTAIN, GUESSED, TOLERATED, Normalised, nfkc

LONG_TERM = "长期"
_LONG_TERM_WORDS = ("长期有效", "长期", "永久", "至今", "无固定期限", "无期限")
MIN_YEAR, MAX_YEAR = 1900, 2199  # outside this an OCR'd "year" is noise, not a date
MAX_MONTHS = 600  # a month range longer than 50 years is a misread, not a contribution record
T = TypeVar("T")

_CN_YEAR = f"[{''.join(sorted(ZEROS | DIGITS.keys()))}]{{4}}"
_CN_SMALL = f"[{NUMERAL_CHARS}]{{1,3}}"
_SEP = r"[.\-/ ]"
_DAY_END = r"[日号]?"  # the day suffix is often lost or cropped

# Each pattern captures (year, month, day). re.ASCII: only 0-9 are digits, not every script's.
_DATE_PATTERNS = (
    re.compile(
        rf"(?<!\d)(\d{{4}}|{_CN_YEAR})年(\d{{1,2}}|{_CN_SMALL})月(\d{{1,2}}|{_CN_SMALL}){_DAY_END}(?!\d)",
        re.ASCII,
    ),
    re.compile(rf"(?<!\d)(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}})(?!\d)", re.ASCII),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)", re.ASCII),
)
_MONTH_PATTERNS = (
    re.compile(rf"(?<!\d)(\d{{4}}|{_CN_YEAR})年(\d{{1,2}}|{_CN_SMALL})月", re.ASCII),
    re.compile(r"(?<!\d)(\d{4})[.\-/](\d{1,2})(?![\d年])", re.ASCII),
    re.compile(r"(?<!\d)(\d{4})(\d{2})(?!\d)", re.ASCII),
)
# A range's second month may omit its year: 2024年1月至6月, 2024.01-06.
_BARE_MONTH = re.compile(r"(?:[-~至到—–]|起至)(\d{1,2})月?(?![\d.\-/年])", re.ASCII)

# A range opened by its start date whose end is missing: 2024.07.15- / 2020年1月1日至 / 起至
_DANGLING = re.compile(r"日?(?:起)?(?:[-~～—–至到]|起至)\s*$")
# "2022.11.10-291月元人": the range goes on to figures that make no date (an overlay crossed them)
_RANGE_THEN_FIGURE = re.compile(r"日?(?:起)?(?:[-~～—–至到]|起至)\s*\d")
# …and then anything read, a figure or not (2020.08.25-期): an end is printed there
_RANGE_THEN_TEXT = re.compile(r"日?(?:起)?(?:[-~～—–至到]|起至)\s*\S")
# the end of a long term with one of its two characters lost (under a seal, a photo's glare)
# (a card's dash read as a dot too: 2020.0825.期)
_LONG_TERM_HALF = re.compile(r"日?(?:起)?(?:[-~～—–至到.]|起至)\s*[长期]\s*$")
LONG_TERM_HALF_NOTE = "终止日期只识别到“长期”的一个字，按“长期”读取"
# two zero-padded dates whose dash between them was read as 1 (2011.05.0412031.05.04, an ID card's
# validity) or lost with the end's separators (2010.05.23203005.23): fixed widths split them
# unambiguously; a day 041 or a year 12031 is no date
_GLUED_RANGE = re.compile(r"(?<!\d)(\d{4}([.\-/])\d{2}\2\d{2})(1?)((?:19|20)\d{2}\2?\d{2}\2?\d{2})(?!\d)")
GLUED_NOTE = "起止日期之间的连接符缺失或误识，已按日期格式拆分"
# OCR writes letters for digits inside numbers; only between digits is the intent unambiguous.
_LETTER_DIGITS = {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1"}
_LETTER_BETWEEN_DIGITS = re.compile(rf"(?<=\d)[{''.join(_LETTER_DIGITS)}](?=\d)")


# OCR drops a faint separator (often under a seal). Restored only where the rest of the date
# says where it was: the same separator elsewhere in it, or a year starting right after a month.
_NO_DAY_SEP = re.compile(r"(?<!\d)(\d{4})([.\-/])(\d{2})(\d{2})(?!\d)", re.ASCII)  # 2026.0701
_NO_MONTH_SEP = re.compile(r"(?<![\d.\-/])(\d{4})(\d{2})([.\-/])(\d{2})(?![\d.\-/])", re.ASCII)  # 202607.01
_NO_RANGE_SEP = re.compile(  # 2026.012026.10, 2024.07.152044.07.15
    r"(?<![\d.\-/])(\d{4}([.\-/])\d{2}(?:\2\d{2})?)((?:19|20)\d{2}\2\d{1,2}(?:\2\d{1,2})?)(?![\d.\-/])", re.ASCII)


# 2031,03.29: OCR's dot; 2009,03,202029,03,20: a fax's term whose dots and dash all read as commas
_COMMA_IN_DATE = re.compile(r"(?<=\d),(?=\d{1,2}(?:[.\-/]|$|[^\d]))|(?<=\d{4}),(?=\d)|(?<=\d{4}[.,]\d{2}),(?=\d{2})")


# 二〇二六年 read as 二二六年: OCR drops the 〇, a ring it takes for a speck. A year of three Chinese
# digits after 二 is this century's with its zero lost (二二〇六 would be two centuries off).
_ZERO_LOST = re.compile(r"(?<![〇零○一二三四五六七八九])二([一二三四五六七八九])([〇零○一二三四五六七八九])年")


def _day_sep_lost(m: re.Match) -> str:
    """2026.0701 as 2026.07.01, where the date stands alone: beside it only a range's dash (a
    date of dots or slashes: 2015.0619-2035.06.19), never another separator of dates. A mark
    after it with no figure after that separates no figures: a dash read as a dot (2020.0825.期)."""
    text, sep = m.string, m.group(2)
    after = text[m.end()] if m.end() < len(text) and text[m.end() + 1:m.end() + 2].isdigit() else ""
    beside = {text[m.start() - 1] if m.start() else "", after}
    if any(c in "./-" and not (c == "-" and sep != "-") for c in beside - {""}):
        return m.group()
    return f"{m.group(1)}{sep}{m.group(3)}{sep}{m.group(4)}"


def _restore_separators(text: str) -> tuple[str, bool]:
    restored = _NO_RANGE_SEP.sub(r"\1-\3", text)
    restored = _NO_DAY_SEP.sub(_day_sep_lost, restored)
    restored = _NO_MONTH_SEP.sub(r"\1\3\2\3\4", restored)
    return restored, restored != text


def _tidy(raw: str) -> tuple[str, list[str]]:
    """Normalise what OCR varies; return the text and notes about slips it tolerated."""
    text = nfkc(raw).replace("。", ".").replace("曰", "日").replace("─", "-")
    notes = []
    if _LETTER_BETWEEN_DIGITS.search(text):
        text = _LETTER_BETWEEN_DIGITS.sub(lambda m: _LETTER_DIGITS[m.group()], text)
        notes.append("数字中夹有字母，已按数字读取")
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(?<!\d) | (?!\d)", "", text)
    if _COMMA_IN_DATE.search(text):
        text = _COMMA_IN_DATE.sub(".", text)
        notes.append("日期分隔符识别为逗号，已按点读取")
    text, restored = _restore_separators(text)
    if restored:
        notes.append("日期中缺少分隔符，已按日期格式补全")
    if _ZERO_LOST.search(text):
        text = _ZERO_LOST.sub(r"二〇\1\2年", text)
        notes.append("年份中疑漏识“〇”，已按二〇××年读取")
    return text, notes


def _number(token: str) -> int | None:
    """An Arabic or Chinese number; Chinese years are positional, days and months unit-form."""
    if token.isascii() and token.isdigit():
        return int(token)
    if len(token) == 4 and token[1] in ZEROS | DIGITS.keys():
        return positional_to_int(token)  # 二〇二四
    return units_to_int(token) if len(token) > 1 or token not in ZEROS else None


def _to_date(year: str, month: str, day: str) -> date | None:
    y, m, d = _number(year), _number(month), _number(day)
    if y is None or m is None or d is None or not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return date(y, m, d)
    except ValueError:
        return None  # 2024-02-30 is a misread, not a date


def _in_reading_order(found: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
    """Matches of several patterns as one sequence: by start, the longest first, no overlaps."""
    found.sort(key=lambda item: (item[0], -item[1]))
    result: list[tuple[int, int, T]] = []
    for item in found:
        if not result or item[0] >= result[-1][1]:
            result.append(item)
    return result


def _find_dates(text: str) -> list[tuple[int, int, date | None]]:
    """Date-shaped matches as (start, end, date or None when impossible), in reading order."""
    return _in_reading_order(
        [(m.start(), m.end(), _to_date(*m.groups())) for p in _DATE_PATTERNS for m in p.finditer(text)]
    )


def _long_term(text: str) -> bool:
    return any(word in text for word in _LONG_TERM_WORDS)


def _with_notes(value: str | tuple[str, ...] | list[str], notes: list[str]) -> Normalised:
    return Normalised(value, TOLERATED if notes else CERTAIN, notes=tuple(notes))


def normalise_date(raw: str) -> Normalised | None:
    """The first date in ``raw`` as ``YYYY-MM-DD``, or None.

    Reads 2024年3月1日, 2024.03.01, 2024-3-1, 2024/03/01, 20240301, 二〇二四年三月一日 and mixes,
    with full-width characters and stray spaces. An impossible date (2024-02-30) gives None.
    """
    text, notes = _tidy(raw)
    found = _find_dates(text)
    if not found or found[0][2] is None:
        return None
    return _with_notes(found[0][2].isoformat(), notes)


def normalise_date_or_long(raw: str) -> Normalised | None:
    """Like ``normalise_date``, but an open-ended term (长期, 长期有效, 永久, 至今) gives ``"长期"``."""
    text, notes = _tidy(raw)
    found = _find_dates(text)
    if found and found[0][2] is not None:
        return _with_notes(found[0][2].isoformat(), notes)
    if not found and _long_term(text):
        return Normalised(LONG_TERM)
    return None


# a term whose end is printed but not read: a value wrapped onto the next line may hold the rest
END_LOST = ("期限只识别到起始日期，终止日期缺失", "期限的终止日期无法识别")
START_LOST = "期限的起始日期无法识别"
# what a start printed but unreadable leaves before the end: figures, then a range's dash or 至
_START_LOST = re.compile(r"\d.*[-~～—–至到]\s*$")


def normalise_date_range(raw: str) -> Normalised | None:
    """A term as ``(from, to)``: "2021年05月20日至2041年05月19日", "2024.01.01-2026.12.31",
    "自2020年1月1日起至长期" (to = ``"长期"``).

    Text that names only one end ("有效期至2028年12月31日", "长期") gives a one-element tuple, so
    a field spec can take ``value[0]`` as the start and ``value[-1]`` as the end of any term.
    A start followed by an end that is printed but reads as no date ("2026.08.07-29461080无效",
    an overlay across it) gives the start alone, doubted; an end after a start printed but not
    readable ("202F-02-2041.02.14") gives ``(None, end)``, doubted. None when the start is
    impossible, the end precedes the start, or no end is found.
    """
    text, notes = _tidy(raw)
    matches = _find_dates(text)[:2]
    # (two dates read in full are a range as printed, 2018-07-07-2038-07-07 too)
    glued = _GLUED_RANGE.search(text) if sum(day is not None for _, _, day in matches) < 2 else None
    if glued:
        days = [_fixed_width(glued.group(k)) for k in (1, 4)]
        if None not in days and days[0] <= days[1]:
            return Normalised((days[0].isoformat(), days[1].isoformat()), TOLERATED, notes=(*notes, GLUED_NOTE))
    found = [item[2] for item in matches]
    if len(found) == 1 and found[0] is not None and _START_LOST.search(text[:matches[0][0]]):
        # "202F-02-2041.02.14": figures and a dash before the only date; it is the end
        return Normalised((None, found[0].isoformat()), GUESSED, notes=(*notes, START_LOST))
    if found and found[0] is not None and found[-1] is None:
        # "2026.08.07-29461080无效": the end is printed but an overlay made it no date; taking
        # the only date as the end would take the start
        return Normalised((found[0].isoformat(),), GUESSED, notes=(*notes, END_LOST[1]))
    if any(day is None for day in found):
        return None
    days = [day.isoformat() for day in found if day is not None]
    if len(days) == 2:
        return _with_notes((days[0], days[1]), notes) if days[0] <= days[1] else None
    if _long_term(text):
        return _with_notes((*days, LONG_TERM), notes)
    if days and _DANGLING.match(text, matches[0][1]):
        # "2024.07.15-" then nothing readable: a range whose end is lost (under a seal, cropped);
        # a reader taking the only date as the end would take the start
        return Normalised((days[0],), GUESSED, notes=(*notes, END_LOST[0]))
    if days and _LONG_TERM_HALF.match(text, matches[0][1]):
        return Normalised((days[0], LONG_TERM), GUESSED, notes=(*notes, LONG_TERM_HALF_NOTE))
    if days and (re.search(r"\d{4}|[〇零一二三四五六七八九○OΟ]{4}", text[matches[0][1]:])
                 or _RANGE_THEN_TEXT.match(text, matches[0][1])):
        # "2011.03.29-2031?03.29", "二〇二六年八月六日至二〇二七年二" (wrapped): a second date is
        # printed but not readable; taking the only date as the end would take the start
        return Normalised((days[0],), GUESSED, notes=(*notes, END_LOST[1]))
    return _with_notes((days[0],), notes) if days else None


def iso_day(value: object) -> date | None:
    """A normalised ``YYYY-MM-DD`` value as a date; None for anything else (长期, absent)."""
    try:
        return date.fromisoformat(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _fixed_width(text: str) -> date | None:
    """The date a zero-padded year, month and day spell, whatever separators were read between them."""
    digits = re.sub(r"\D", "", text)
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _to_month(year: str, month: str) -> tuple[int, int] | None:
    y, m = _number(year), _number(month)
    if y is None or m is None or not MIN_YEAR <= y <= MAX_YEAR or not 1 <= m <= 12:
        return None
    return y, m


def _find_months(text: str) -> list[tuple[int, int, tuple[int, int] | None]]:
    """Month-shaped matches as (start, end, (year, month) or None), in reading order."""
    return _in_reading_order(
        [(m.start(), m.end(), _to_month(*m.groups())) for p in _MONTH_PATTERNS for m in p.finditer(text)]
    )


def normalise_month(raw: str) -> Normalised | None:
    """The first month in ``raw`` as ``YYYY-MM``: "2024.01", "2024年1月", "202401", "2024-01"."""
    text, notes = _tidy(raw)
    found = _find_months(text)
    if not found or found[0][2] is None:
        return None
    year, month = found[0][2]
    return _with_notes(f"{year:04d}-{month:02d}", notes)


OPEN_END_NOTE = "缴费期间写作“至今”，止月应为证明出具之月，未能逐月核对"


def normalise_month_range(raw: str) -> Normalised | None:
    """Every month of a range, inclusive, as a list of ``YYYY-MM``.

    Reads "2024.01-2024.06", "2024年1月至2024年6月", "202401-202406" and a second month without
    its year ("2024年1月至6月"); a single month gives a one-element list. None when a month is
    impossible, the end precedes the start, or the range exceeds ``MAX_MONTHS``.
    """
    text, notes = _tidy(raw)
    found = _find_months(text)
    if not found or any(item[2] is None for item in found[:2]):
        return None
    start = found[0][2]
    assert start is not None
    end = start
    if len(found) >= 2:
        end = found[1][2]  # type: ignore[assignment]
    else:
        bare = _BARE_MONTH.match(text, found[0][1])
        if bare:
            end = (start[0], int(bare.group(1)))
            if not 1 <= end[1] <= 12:
                return None
        elif _long_term(text[found[0][1]:]):
            # "2019.05至今": paid up to the day the statement was printed, which the row does not say
            return Normalised(months_from(start[0], start[1], 1), GUESSED, notes=(*notes, OPEN_END_NOTE))
        elif _DANGLING.match(text, found[0][1]) or _RANGE_THEN_FIGURE.match(text, found[0][1]):
            # "2026-02-2026" (a seal over -04), "2025.11-": the range's end is printed but lost;
            # its first month alone is no reading of the months paid
            return Normalised(months_from(start[0], start[1], 1), GUESSED, notes=(*notes, END_LOST[1]))
    first, last = start[0] * 12 + start[1] - 1, end[0] * 12 + end[1] - 1
    if last < first or last - first >= MAX_MONTHS:
        return None
    return _with_notes(months_from(start[0], start[1], last - first + 1), notes)


def months_from(year: int, month: int, count: int) -> list[str]:
    """``count`` consecutive months as ``YYYY-MM``, the first being ``year``-``month``."""
    first = year * 12 + month - 1
    return [f"{i // 12:04d}-{i % 12 + 1:02d}" for i in range(first, first + count)]
