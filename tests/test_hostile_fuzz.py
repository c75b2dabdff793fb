"""Property-based fuzzing (hypothesis), short enough for the suite: the normalisers, the identifier
parsers, the checklist loader, content sniffing and names as received never fail in any way but
the documented one on arbitrary input. ``benchmarks/fuzz.py`` runs the same properties (and PDF
mutation) with many more examples.

The properties live in plain functions (``check_*``) so the benchmark reuses them unchanged.
"""

from __future__ import annotations

import copy
import os
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dossier.assemble.checklist import Checklist, load_checklist, parse_checklist
from dossier.errors import ChecklistError, InputFileError
from dossier.extract.normalize.registry import NORMALISERS
from dossier.extract.normalize.result import Normalised
from dossier.intake.names import SourceName
from dossier.intake.sniff import MEDIA_TYPES, sniff
from dossier.validate import identifiers as ids

CHECKLISTS = Path(__file__).resolve().parent.parent / "dossier" / "checklists"
SUITE = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text OCR produces around identifiers and dates: digits of every width, CJK date words,
# confusable letters, punctuation, whitespace, and anything else now and then.
_OCR_ALPHABET = "0123456789０１２３４５６７８９XxO0oDIl1Z2S5B8×年月日至今长期--—/.．:：元万亿零壹贰叁肆伍陆柒捌玖拾佰仟 \t\n"
ocr_text = st.one_of(st.text(alphabet=_OCR_ALPHABET, max_size=40), st.text(max_size=40))


# --- normalisers ------------------------------------------------------------------------------

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"\d{4}-\d{2}")


def check_normaliser(name: str, raw: str) -> None:
    """A normaliser returns None or a Normalised in the contract form; it never raises."""
    result = NORMALISERS[name](raw)
    if result is None:
        return
    assert isinstance(result, Normalised)
    assert 0.0 <= result.confidence <= 1.0
    value = result.value
    if name in ("date",):
        assert _DATE.fullmatch(value) and date.fromisoformat(value)
    elif name == "date_or_long":
        assert value == "长期" or (_DATE.fullmatch(value) and date.fromisoformat(value))
    elif name == "month":
        assert _MONTH.fullmatch(value)
    elif name in ("amount", "amount_words"):
        assert re.fullmatch(r"-?\d+\.\d{2}", value) and Decimal(value) >= 0
    elif name == "id_number":
        assert len(value) == 18 and value == value.upper()
    elif name in ("date_range", "month_range"):
        assert isinstance(value, tuple) and 1 <= len(value) <= 2
    elif name in ("list", "qualification_list", "insurance_types"):
        assert isinstance(value, list) and all(isinstance(v, str) for v in value)


@pytest.mark.parametrize("name", sorted(NORMALISERS))
@SUITE
@given(raw=ocr_text)
def test_normalisers_never_raise_and_keep_the_contract(name, raw):
    check_normaliser(name, raw)


# --- identifier parsers -----------------------------------------------------------------------

def check_identifiers(text: str) -> None:
    """The checks answer for any string; ``id_info`` raises ValueError only, for invalid input."""
    for problem in (ids.id_problem(text), ids.uscc_problem(text), ids.org_code_problem(text)):
        assert problem is None or isinstance(problem, str)
    assert isinstance(ids.ocr_confusable(text, "11010519491231002X"), bool)
    try:
        info = ids.id_info(text)
    except ValueError:
        assert not ids.is_valid_id_number(text)
    else:
        assert info.gender in ("男", "女") and info.birth_date <= date.today()


@SUITE
@given(text=st.one_of(ocr_text, st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True),
                      st.from_regex(r"[0-9A-HJ-NP-RTUWXY]{18}", fullmatch=True)))
def test_identifier_parsers_never_raise(text):
    check_identifiers(text)


@SUITE
@given(region=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True),
       birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
       sequence=st.integers(0, 999))
def test_made_id_numbers_validate_and_decode(region, birth, sequence):
    number = ids.make_id_number(region, birth, sequence)
    info = ids.id_info(number)
    assert (info.region, info.birth_date, info.sequence) == (region, birth, sequence)
    wrong = number[:17] + next(c for c in "0123456789X" if c != number[17])
    assert not ids.is_valid_id_number(wrong)


@SUITE
@given(authority=st.sampled_from("9NY1"), cls=st.sampled_from("123"), region=st.from_regex(r"[0-9]{6}", fullmatch=True),
       body=st.from_regex(r"[0-9A-HJ-NP-RTUWXY]{8}", fullmatch=True))
def test_made_usccs_validate(authority, cls, region, body):
    assert ids.is_valid_uscc(ids.make_uscc(authority + cls, region, body))


@pytest.mark.parametrize("text", ["11010519491231002X\n", "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X"])
def test_only_ascii_18_character_id_numbers_are_valid(text):
    assert not ids.is_valid_id_number(text)


def test_only_18_character_usccs_are_valid():
    assert not ids.is_valid_uscc("91350100M000100Y43\n")


# --- the checklist loader ---------------------------------------------------------------------

def check_checklist(text: str) -> None:
    """parse_checklist returns a Checklist or raises ChecklistError (with a reason), nothing else."""
    try:
        result = parse_checklist(text, "fuzz.yaml")
    except ChecklistError as exc:
        assert exc.reason_zh and exc.path == "fuzz.yaml"
    else:
        assert isinstance(result, Checklist)


def builtin_checklists() -> list[dict]:
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(CHECKLISTS.glob("*.yaml"))]


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                         st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
                         st.dates(), st.sampled_from(["business_license", "id_card", "technical_lead",
                                                      "建筑工程施工总承包三级", "upgrade", "new", ""]))
yaml_values = st.recursive(yaml_scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=4)),
    max_leaves=12)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


@st.composite
def mutated_checklists(draw) -> str:
    """A built-in checklist with one subtree replaced, deleted or duplicated: the deep paths."""
    data = copy.deepcopy(draw(st.sampled_from(builtin_checklists())))
    path = draw(st.sampled_from(list(_paths(data))[1:]))
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    action = draw(st.sampled_from(["replace", "delete", "rename"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "rename" and isinstance(parent, dict):
        parent[draw(st.text(max_size=8))] = parent.pop(path[-1])
    else:
        parent[path[-1]] = draw(yaml_values)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@SUITE
@given(text=st.one_of(st.text(max_size=200), yaml_values.map(lambda v: yaml.safe_dump(v, allow_unicode=True)),
                      mutated_checklists()))
def test_checklist_loader_raises_only_checklist_error(text):
    check_checklist(text)


@pytest.mark.parametrize("text", ["\x1f", "name: a\x00b\n", "title: 清单\x1b[31m\n"])
def test_control_characters_give_a_checklist_error(text):
    check_checklist(text)


def test_checklist_file_in_gbk_is_read_and_binary_gives_a_checklist_error(tmp_path):
    path = tmp_path / "清单.yaml"
    text = (CHECKLISTS / "gc-building-new.yaml").read_text(encoding="utf-8")
    path.write_bytes(text.encode("gbk"))  # what a Chinese Windows editor saves
    assert load_checklist(path).title == parse_checklist(text, "utf-8").title
    path.write_bytes(b"\x80\xff\x00title")
    with pytest.raises(ChecklistError):
        load_checklist(path)


def test_builtin_checklists_still_parse():
    for path in sorted(CHECKLISTS.glob("*.yaml")):
        assert isinstance(parse_checklist(path.read_text(encoding="utf-8"), str(path)), Checklist)


def laughs(levels: int, width: int = 10) -> str:
    """A checklist whose ``rules`` hold a YAML alias bomb: ``width ** levels`` strings by reference."""
    base = (CHECKLISTS / "gc-building-new.yaml").read_text(encoding="utf-8")
    lines = ["  x0: &x0 [" + ", ".join(['"lol"'] * width) + "]"]
    lines += [f"  x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * width) + "]" for i in range(1, levels)]
    return base.replace("rules:\n", "rules:\n" + "\n".join(lines) + "\n", 1)


def test_small_alias_bomb_is_refused_quickly():
    check_checklist(laughs(3))


@pytest.mark.timeout(20)
def test_alias_bomb_in_rules_is_refused_quickly():
    check_checklist(laughs(9))


# --- intake: sniffing and names ----------------------------------------------------------------

_HEADS = [b"%PDF-1.7\n", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*", b"GIF89a",
          b"RIFF\x00\x00\x00\x00WEBP", b"BM", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
          b"\x00\x00\x00\x18ftypheic", b"\x7fELF", b"MZ", b"#!"]


def check_sniff(path: Path, data: bytes) -> None:
    """sniff names a supported media type or raises an InputFileError with a Chinese reason."""
    path.write_bytes(data)
    try:
        media = sniff(path)
    except InputFileError as exc:
        assert exc.reason_zh
    else:
        assert media in MEDIA_TYPES


@SUITE
@given(head=st.sampled_from(_HEADS), tail=st.binary(max_size=300))
def test_sniff_never_fails_otherwise(tmp_path_factory, head, tail):
    check_sniff(tmp_path_factory.mktemp("sniff") / "f.pdf", head + tail)


def check_name(raw: bytes) -> None:
    """Every name is shown as valid text and, when not UTF-8, kept exactly in hex."""
    name = SourceName.of(raw)
    name.display.encode("utf-8")  # no surrogates: storable and printable
    if name.raw_hex is None:
        assert raw.replace(os.fsencode(os.sep), b"/").decode("utf-8") == name.display
    else:
        assert bytes.fromhex(name.raw_hex) == raw.replace(os.fsencode(os.sep), b"/")


@SUITE
@given(raw=st.one_of(st.binary(min_size=1, max_size=80),
                     st.text(min_size=1, max_size=40).map(lambda t: t.encode("gb18030", "replace"))))
def test_names_as_received_are_kept_exactly(raw):
    check_name(raw)
