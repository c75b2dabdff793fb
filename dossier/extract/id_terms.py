"""How long a resident ID card is valid, by its holder's age on the day it was issued.

居民身份证法 第五条: under 16, five years; 16 to 25, ten; 26 to 45, twenty; 46 and over, long
term (长期). The card's term ends on the same month and day as it starts. So one end of a card's
term and the holder's birth date give the other end: the end from the start directly, the start
from a dated end by the one term whose age band the holder was in on that start.
"""

from __future__ import annotations

from datetime import date

LONG_TERM = "长期"
# (age on the day of issue below which, years valid); at 46 and over the term is long
TERMS = ((16, 5), (26, 10), (46, 20))


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def age_on(birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def term_end(birth: date, start: date) -> str:
    """The end of a card issued on ``start``: an ISO date, or 长期."""
    age = age_on(birth, start)
    for below, years in TERMS:
        if age < below:
            return _years_later(start, years).isoformat()
    return LONG_TERM


def term_start(birth: date, end: date) -> date | None:
    """The day a card valid until ``end`` was issued: the one term whose age band the holder was in
    on the day it gives; None when none fits (the end or the birth date is misread)."""
    for years in (years for _, years in TERMS):
        start = _years_later(end, -years)
        if start >= birth and term_end(birth, start) == end.isoformat():
            return start
    return None
