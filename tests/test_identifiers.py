from datetime import date

import pytest
from hypothesis import given, strategies as st

from dossier.validate import identifiers as ids

VALID_IDS = ["11010519491231002X", "440524188001010014"]
INVALID_IDS = ["11010119900307182X"]
VALID_USCC = ["91350100M000100Y43", "91420000757013137P", "91110108700338416R"]
INVALID_USCC = ["91350100M000100Y4Z", "91350203M0001QAY9B"]


@pytest.mark.parametrize("value", VALID_IDS)
def test_known_valid_ids(value):
    assert ids.is_valid_id_number(value)


def test_known_invalid_id_names_the_right_check_char():
    assert ids.id_problem("11010119900307182X") == "校验码应为 3，实为 X"
    assert ids.is_valid_id_number("110101199003071823")


def test_id_birth_date_must_be_real_and_past():
    assert "不是有效日期" in ids.id_problem("110101199002301230")
    future = ids.make_id_number("110101", date(2099, 1, 1), 123)
    assert not ids.is_valid_id_number(future, today=date(2026, 1, 1))


@pytest.mark.parametrize("value", VALID_USCC)
def test_known_valid_uscc(value):
    assert ids.is_valid_uscc(value)


@pytest.mark.parametrize("value", INVALID_USCC)
def test_known_invalid_uscc(value):
    assert not ids.is_valid_uscc(value)


@pytest.mark.parametrize("code", ["M000100Y-4", "D2143569-X"])
def test_known_valid_org_codes(code):
    assert ids.org_code_problem(code) is None


births = st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31))
regions = st.sampled_from(["110101", "310104", "440305", "420106", "510107"])


@given(regions, births, st.integers(0, 999))
def test_made_ids_are_valid_and_decode(region, birth, seq):
    value = ids.make_id_number(region, birth, seq)
    info = ids.id_info(value)
    assert info.birth_date == birth and info.gender == ("男" if seq % 2 else "女")


@given(regions, births, st.integers(0, 999), st.integers(0, 17), st.integers(1, 9))
def test_any_single_digit_change_breaks_an_id(region, birth, seq, pos, delta):
    value = ids.make_id_number(region, birth, seq)
    if not value[pos].isdigit():
        return
    changed = value[:pos] + str((int(value[pos]) + delta) % 10) + value[pos + 1:]
    assert not ids.is_valid_id_number(changed)


@given(st.text(ids.USCC_ALPHABET, min_size=8, max_size=8), st.sampled_from(["91", "92", "12", "Y1"]),
       regions, st.integers(0, 17), st.integers(1, 30))
def test_any_single_char_change_breaks_a_uscc(body, head, region, pos, delta):
    value = ids.make_uscc(head, region, body)
    assert ids.is_valid_uscc(value)
    alphabet = ids.USCC_ALPHABET
    changed = value[:pos] + alphabet[(alphabet.index(value[pos]) + delta) % 31] + value[pos + 1:]
    assert ids.uscc_check_char(changed[:17]) != changed[17] or ids.uscc_problem(changed)
