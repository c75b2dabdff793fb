"""ID numbers and USCCs: valid reads pass unchanged, OCR repairs are proposed, never applied."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from dossier.extract.normalize.identifiers import normalise_id_number, normalise_uscc
from dossier.validate.identifiers import USCC_ALPHABET, make_id_number, make_uscc

TODAY = date(2026, 1, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        ("11010519491231002×", "11010519491231002X"),
        ("1101 0519 4912 3100 2X", "11010519491231002X"),
        ("110105-19491231-002X", "11010519491231002X"),
        ("公民身份号码：440524188001010014", "440524188001010014"),
        ("４４０５２４１８８００１０１００１４", "440524188001010014"),
    ],
)
def test_valid_id_numbers(raw, expected):
    result = normalise_id_number(raw, today=TODAY)
    assert (result.value, result.confidence, result.suggestion) == (expected, 1.0, None)


@pytest.mark.parametrize(
    ("raw", "position"),
    [
        ("11O10519491231002X", 3),
        ("1101051949l231002X", 11),
        ("11010519491231002K", 18),
    ],
)
def test_id_repair_is_proposed_not_applied(raw, position):
    result = normalise_id_number(raw, today=TODAY)
    assert result.value == raw.upper()
    assert result.suggestion == "11010519491231002X"
    assert 0 < result.confidence < 1
    assert f"第{position}位" in result.notes[-1]


def test_id_repair_uses_case_to_tell_b_from_B():
    assert normalise_id_number("4405241880010100l4", today=TODAY).suggestion == "440524188001010014"
    assert normalise_id_number("44052418B001010014", today=TODAY).suggestion == "440524188001010014"
    # a lower-case b is a 6, which does not pass here
    assert normalise_id_number("44052418b001010014", today=TODAY).suggestion is None


@pytest.mark.parametrize(
    "raw",
    [
        "11010119900307182X",  # wrong check character, no confusable character to repair
        "11O1O519491231002X",  # two letters: no single substitution can fix it
        "110105194902300025",  # no 30 February, whatever the check character says
    ],
)
def test_id_without_a_unique_repair(raw):
    result = normalise_id_number(raw, today=TODAY)
    assert result.value == raw.upper() and result.suggestion is None
    assert result.confidence < 0.5 and result.notes


@pytest.mark.parametrize("raw", ["11010519491231002", "11010519491231002X1", "110105491231002"])
def test_id_wrong_length_is_kept_as_read(raw):
    result = normalise_id_number(raw, today=TODAY)
    assert result.value == raw and result.suggestion is None and result.confidence < 0.5


@pytest.mark.parametrize("raw", ["", "张三", "hello world", "电话 12345"])
def test_no_id_number(raw):
    assert normalise_id_number(raw) is None


@pytest.mark.parametrize(
    "raw", ["91350100M000100Y43", "91420000757013137P", "统一社会信用代码：91110108700338416R", "91350100 M000100Y43"]
)
def test_valid_uscc(raw):
    result = normalise_uscc(raw)
    assert result.confidence == 1.0 and result.suggestion is None
    assert result.value in {"91350100M000100Y43", "91420000757013137P", "91110108700338416R"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("9135010OM000100Y43", "91350100M000100Y43"),  # O never occurs in a USCC
        ("91350100M0001D0Y43", "91350100M000100Y43"),  # D does, but only 0 passes here
        ("914200007570l3137P", "91420000757013137P"),
    ],
)
def test_uscc_repair_is_proposed_not_applied(raw, expected):
    result = normalise_uscc(raw)
    assert result.value == raw.upper() and result.suggestion == expected
    assert 0 < result.confidence < 1


@pytest.mark.parametrize("raw", ["91350203M0001QAY9B", "91350100M000100Y4Z"])
def test_failing_uscc_without_repair_stays_as_read(raw):
    result = normalise_uscc(raw)  # real codes that fail exist: review, do not reject
    assert result.value == raw and result.suggestion is None and result.confidence < 1


# --- properties ------------------------------------------------------------------------------

# What OCR may print for each true character (the inverse of the normaliser's tables).
ID_MISREADS = {"0": "OoDQ", "1": "Il|", "2": "Zz", "5": "Ss", "6": "Gb", "8": "B", "9": "g", "X": "Kk"}
USCC_MISREADS = {**ID_MISREADS, "0": "OoDQ", "D": "0", "Q": "0", "G": "6", "B": "8", "X": ""}

VALID_IDS = st.builds(
    make_id_number,
    st.integers(110000, 659999).map(str),
    st.dates(min_value=date(1930, 1, 1), max_value=date(2007, 12, 31)),
    st.integers(0, 999),
)
VALID_USCCS = st.builds(
    make_uscc,
    st.sampled_from(["91", "92", "93", "11", "12", "13", "19", "51", "52", "53", "59", "N1", "Y1"]),
    st.integers(110000, 659999).map(str),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)


@given(VALID_IDS)
def test_valid_id_is_returned_unchanged_with_full_confidence(id_number):
    result = normalise_id_number(id_number, today=TODAY)
    assert (result.value, result.confidence, result.suggestion) == (id_number, 1.0, None)


@given(VALID_IDS, st.integers(1, 16), st.sampled_from([".", "·"]))
def test_a_speck_read_among_an_ids_figures_is_removed_when_the_number_then_checks_with_doubt(id_number, at, speck):
    # a faxed contract read 510.107199603140549: the number was lost as a 15-figure run
    if not id_number[at - 1].isdigit() or not id_number[at].isdigit():
        return  # a dot is taken out only between figures
    result = normalise_id_number(id_number[:at] + speck + id_number[at:], today=TODAY)
    assert result.value == id_number and 0.5 <= result.confidence < 0.9


@given(VALID_IDS, st.data())
def test_single_confusion_in_an_id_is_proposed_exactly(id_number, data):
    positions = [i for i, ch in enumerate(id_number) if ch in ID_MISREADS]
    i = data.draw(st.sampled_from(positions))
    misread = data.draw(st.sampled_from(ID_MISREADS[id_number[i]]))
    read = id_number[:i] + misread + id_number[i + 1 :]
    result = normalise_id_number(read, today=TODAY)
    assert result.value == read.upper()  # never silently changed
    assert result.suggestion == id_number
    assert result.confidence < 1


@given(VALID_IDS, st.sampled_from("x×"))
def test_lower_case_and_times_sign_check_characters_are_plain_x(id_number, x):
    if id_number.endswith("X"):
        assert normalise_id_number(id_number[:-1] + x, today=TODAY).value == id_number


@given(VALID_USCCS)
def test_valid_uscc_is_returned_unchanged_with_full_confidence(uscc):
    result = normalise_uscc(uscc)
    assert (result.value, result.confidence, result.suggestion) == (uscc, 1.0, None)


@given(VALID_USCCS, st.data())
def test_single_confusion_in_a_uscc_is_proposed_only_when_unique(uscc, data):
    positions = [i for i, ch in enumerate(uscc) if USCC_MISREADS.get(ch)]
    i = data.draw(st.sampled_from(positions))
    misread = data.draw(st.sampled_from(USCC_MISREADS[uscc[i]]))
    read = uscc[:i] + misread + uscc[i + 1 :]
    result = normalise_uscc(read)
    assert result.value == read.upper()  # never silently changed
    assert result.confidence < 1
    if result.suggestion is None:
        assert "种可能的单字更正" in result.notes[-1]  # the original was one of several
    else:
        assert result.suggestion == uscc
