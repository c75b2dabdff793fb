"""The registry: every named normaliser exists, has one shape, and never raises."""

import pytest
from hypothesis import given, settings, strategies as st

from dossier.extract.normalize import NORMALISERS, Normalised, get_normaliser
from dossier.extract.normalize.chinese_numerals import NUMERAL_CHARS

NAMES = ["date", "date_or_long", "date_range", "month", "month_range", "amount", "amount_words", "amount_any",
         "number", "measure", "id_number", "uscc", "code", "name", "list", "qualification_list", "specialty_list", "gender",
         "ethnicity", "insurance_types", "text", "authority"]


def test_registry_names():
    assert sorted(NORMALISERS) == sorted(NAMES)


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(KeyError, match="date_or_long"):
        get_normaliser("dat")


# Characters the parsers care about, so that random text reaches deep into them.
INTERESTING = st.text(
    alphabet="0123456789 .,-/:：年月日至今长期万亿元角分整¥Xx×OoDIlZSBGbgK|()（）省市区章" + NUMERAL_CHARS, max_size=40
)


@settings(max_examples=150)
@given(name=st.sampled_from(NAMES), raw=st.one_of(st.text(max_size=60), INTERESTING))
def test_normalisers_never_raise(name, raw):
    result = NORMALISERS[name](raw)
    assert result is None or isinstance(result, Normalised)
    if result is not None:
        assert 0 < result.confidence <= 1
        assert result.value not in ("", [], ())
