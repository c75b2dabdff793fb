"""A resident ID card's term by its holder's age (居民身份证法 第五条)."""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st

from dossier.extract.id_terms import LONG_TERM, age_on, term_end, term_start


def test_each_age_band_gives_its_term():
    birth = date(1977, 11, 26)
    assert term_end(birth, date(1990, 5, 1)) == "1995-05-01"  # 12: five years
    assert term_end(birth, date(2000, 5, 1)) == "2010-05-01"  # 22: ten
    assert term_end(birth, date(2021, 2, 14)) == "2041-02-14"  # 43: twenty
    assert term_end(birth, date(2024, 2, 14)) == LONG_TERM  # 46: long term
    assert term_end(birth, date(2003, 11, 26)) == "2023-11-26"  # 26 that very day: twenty


@given(birth=st.dates(min_value=date(1940, 1, 1), max_value=date(2010, 12, 31)),
       age_days=st.integers(min_value=0, max_value=365 * 60))
def test_the_start_is_found_again_from_a_dated_end(birth, age_days):
    start = date.fromordinal(birth.toordinal() + age_days)
    assume((start.month, start.day) != (2, 29))  # its end falls on 28 February: no way back
    end = term_end(birth, start)
    assume(end != LONG_TERM)
    assert term_start(birth, date.fromisoformat(end)) == start


def test_an_end_no_age_band_fits_gives_no_start():
    # born 1977: a card ending 2015-01-01 would start 2010 (32: twenty years, not five), 2005 (27:
    # twenty, not ten) or 1995 (17: ten, not twenty)
    assert term_start(date(1977, 11, 26), date(2015, 1, 1)) is None
    assert age_on(date(1977, 11, 26), date(2021, 11, 25)) == 43
