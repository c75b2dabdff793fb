"""ID numbers (GB 11643) and USCCs (GB 32100) as read, with OCR repair *proposed*, never applied.

The checksums live in ``dossier.validate.identifiers``; this module only decides which reading
to offer. A repair is proposed when exactly one single-character substitution from the OCR
confusion table makes the code pass its checks (for an ID number that includes a real, past
birth date). The value stays as read: a wrong ID digit must be confirmed by a person, because
the checksum alone cannot tell a misread from a wrong document.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial

from dossier.validate.identifiers import (
    id_problem,
    is_valid_id_number,
    is_valid_uscc,
    uscc_problem,
)

from .result import CERTAIN, DOUBTFUL, GUESSED, REPAIR_PROPOSED, TOLERATED, Normalised, nfkc

# What a character OCR produced may really have been. Keys are case-sensitive because case
# separates some confusions (b looks like 6, B like 8; g like 9, G like 6).
_ID_CONFUSIONS: dict[str, str] = {
    **dict.fromkeys("OoDQ", "0"),
    **dict.fromkeys("IlL|", "1"),
    **dict.fromkeys("Zz", "2"),
    **dict.fromkeys("Ss", "5"),
    **dict.fromkeys("Gb", "6"),
    "B": "8",
    "g": "9",
    **dict.fromkeys("Kk", "X"),  # only the check character may be X
}
# A USCC uses letters too, so confusions run both ways between characters of its alphabet;
# I, O, S, V and Z never occur in one (V has no look-alike in the alphabet: left as read).
_USCC_CONFUSIONS: dict[str, str] = {
    "0": "DQ",
    **dict.fromkeys("OoDQ", "0"),
    **dict.fromkeys("IlL|", "1"),
    **dict.fromkeys("Zz", "2"),
    **dict.fromkeys("Ss", "5"),
    "6": "G",
    **dict.fromkeys("Gb", "6"),
    "8": "B",
    "B": "8",
    "g": "9",
}

# A code is a run of letters, digits and OCR's stand-ins (| for 1, × for X), possibly broken by
# spaces or hyphens; Chinese text, colons and brackets around it end the run.
_CODE_RUN = re.compile(r"[0-9A-Za-z|×][0-9A-Za-z|×\s\-]*", re.ASCII)
_SPECK_IN_FIGURES = re.compile(r"(?<=\d)[.·](?=\d)")
SPECK_NOTE = "号码中夹有一点（疑为污点），去除后校验通过"
# Fewer digits than this is not an attempt at the code: an ID number is all digits, a USCC has
# at least its 6-digit area code.
_ID_MIN_DIGITS = 10
_USCC_MIN_DIGITS = 6
_LENGTH_TOLERANCE = range(15, 21)  # misreads that drop or add characters (or a 15-digit old ID)


def _read_code(raw: str, min_digits: int) -> str | None:
    """The code-like run in ``raw`` with the most digits, spaces and hyphens removed, case kept."""
    text = nfkc(raw)
    runs = [re.sub(r"[\s\-]", "", m.group()) for m in _CODE_RUN.finditer(text)]
    runs = [run.strip("|") if len(run) > 18 else run for run in runs]  # table rules, not ones
    best = max(runs, key=lambda run: sum(ch.isdigit() for ch in run), default="")
    if sum(ch.isdigit() for ch in best) < min_digits:
        return None
    return best


def _single_substitutions(read: str, confusions: dict[str, str]) -> list[tuple[int, str, str]]:
    """Every (position, character read, replacement) the confusion table allows."""
    return [(i, ch, alt) for i, ch in enumerate(read) for alt in confusions.get(ch, "")]


def _propose(
    as_read: str,
    read: str,
    confusions: dict[str, str],
    valid: Callable[[str], bool],
    problem: str,
    unrepaired: Normalised,
) -> Normalised:
    """The value as read, with a repair suggested only when exactly one substitution is valid;
    ``unrepaired`` is the answer when none is."""
    repairs = {}
    for i, ch, alt in _single_substitutions(read, confusions):
        candidate = (as_read[:i] + alt + as_read[i + 1:]).upper()
        if valid(candidate):
            repairs[candidate] = (i, ch, alt)
    if len(repairs) == 1:
        [(candidate, (i, ch, alt))] = repairs.items()
        note = f"疑似OCR误识：第{i + 1}位“{ch}”应为“{alt}”，建议更正为 {candidate}（需人工确认）"
        return Normalised(as_read, REPAIR_PROPOSED, suggestion=candidate, notes=(problem, note))
    if repairs:
        note = f"有{len(repairs)}种可能的单字更正，无法确定：{'、'.join(sorted(repairs))}"
        return Normalised(as_read, DOUBTFUL, notes=(problem, note))
    return unrepaired


def normalise_id_number(raw: str, today: date | None = None) -> Normalised | None:
    """A 公民身份号码 as read (upper-case, spaces removed, × and x as X; a dot between figures is
    a speck when the figures without it are 18: taken out, the number doubted).

    Valid -> the value with full confidence. Invalid 18 characters -> the value as read, low
    confidence, and ``suggestion`` when exactly one OCR substitution makes it valid. Another
    length (15-20 characters) -> the value as read, low confidence. None when ``raw`` holds no
    ID-like run of characters.
    """
    text = nfkc(raw)
    speckless = _SPECK_IN_FIGURES.sub("", text)
    if speckless != text:
        # 510.107199603140549: a speck inside the number read as a dot; the check digit says
        # whether the figures around it are the number
        whole = normalise_id_number(speckless, today)
        if whole is not None and len(whole.value) == 18:
            return Normalised(whole.value, min(whole.confidence, TOLERATED), whole.suggestion,
                              (*whole.notes, SPECK_NOTE) if whole.confidence == CERTAIN else whole.notes)
    read = _read_code(raw, _ID_MIN_DIGITS)
    if read is None:
        return None
    read = read.replace("×", "X").replace("x", "X")
    as_read = read.upper()
    if len(as_read) != 18:
        if len(as_read) not in _LENGTH_TOLERANCE:
            return None
        return Normalised(as_read, DOUBTFUL, notes=(f"身份证号码为{len(as_read)}位，应为18位",))
    problem = id_problem(as_read, today)
    if problem is None:
        return Normalised(as_read, CERTAIN)
    unrepaired = Normalised(as_read, DOUBTFUL, notes=(problem,))
    valid = partial(is_valid_id_number, today=today)
    return _propose(as_read, read, _ID_CONFUSIONS, valid, problem, unrepaired)


def normalise_uscc(raw: str) -> Normalised | None:
    """A 统一社会信用代码 as read (upper-case, spaces and hyphens removed).

    Valid -> full confidence. Invalid -> the value as read, low confidence, and ``suggestion``
    when exactly one OCR substitution passes GB 32100 and GB 11714. A code that fails with no
    repair stays as read: real codes that fail exist, so this is for review, not rejection.
    """
    read = _read_code(raw, _USCC_MIN_DIGITS)
    if read is None:
        return None
    as_read = read.upper()
    if len(as_read) != 18:
        if len(as_read) not in _LENGTH_TOLERANCE:
            return None
        return Normalised(as_read, DOUBTFUL, notes=(f"统一社会信用代码为{len(as_read)}位，应为18位",))
    problem = uscc_problem(as_read)
    if problem is None:
        return Normalised(as_read, CERTAIN)
    # No repair: possibly one of the real codes that fail, so less doubt than for an ID number.
    review = "无可确定的更正，请核对原件（存在校验不通过的真实代码）"
    unrepaired = Normalised(as_read, GUESSED, notes=(problem, review))
    return _propose(as_read, read, _USCC_CONFUSIONS, is_valid_uscc, problem, unrepaired)
