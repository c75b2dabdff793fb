"""Chinese identifier checks: 公民身份号码 (GB 11643-1999), 统一社会信用代码 (GB 32100-2015) and
组织机构代码 (GB 11714-1997).

Pure functions over strings; no normalisation beyond upper-casing happens here (OCR repair lives
in ``dossier.extract.normalize``, which calls these to decide whether a repair is plausible).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")  # fullmatch; ASCII digits only (\d admits ١٢٣)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_AUTHORITIES = set("123456789ANY")
_USCC_SHAPE = re.compile(rf"[{USCC_ALPHABET}]{{18}}")

ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_SHAPE = re.compile(r"[0-9A-Z]{8}[0-9X]")


@dataclass(frozen=True)
class IdNumberInfo:
    """What a valid 18-character ID number says about its holder."""

    region: str
    birth_date: date
    sequence: int
    gender: str  # "男" or "女"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK_CHARS[total % 11]


def id_birth_date(id_number: str) -> date | None:
    """The birth date encoded in positions 7-14, or None when it is not a real date."""
    try:
        return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None


def id_problem(id_number: str, today: date | None = None) -> str | None:
    """Why ``id_number`` is not a valid GB 11643 number, or None when it is.

    The reason is a short Chinese phrase fit for a discrepancy message.
    """
    value = id_number.upper()
    if not _ID_SHAPE.fullmatch(value):
        return "格式错误（应为17位数字加1位校验码）"
    born = id_birth_date(value)
    if born is None:
        return f"出生日期 {value[6:14]} 不是有效日期"
    if born > (today or date.today()):
        return f"出生日期 {born.isoformat()} 不合理"
    expected = id_check_char(value[:17])
    if value[17] != expected:
        return f"校验码应为 {expected}，实为 {value[17]}"
    return None


def is_valid_id_number(id_number: str, today: date | None = None) -> bool:
    """True when ``id_number`` passes GB 11643 (shape, real past birth date, check character)."""
    return id_problem(id_number, today) is None


def id_info(id_number: str) -> IdNumberInfo:
    """Decode a valid ID number; raises ValueError for an invalid one."""
    problem = id_problem(id_number)
    if problem:
        raise ValueError(f"invalid ID number: {problem}")
    value = id_number.upper()
    seq = int(value[14:17])
    return IdNumberInfo(
        region=value[:6],
        birth_date=id_birth_date(value),  # type: ignore[arg-type]
        sequence=seq,
        gender="男" if seq % 2 else "女",
    )


def make_id_number(region: str, birth: date, sequence: int) -> str:
    """Build a checksum-valid ID number (used by the fixture generator and tests)."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_char(first17)


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters."""
    if len(first17) != 17 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError(f"need 17 characters of {USCC_ALPHABET}, got {first17!r}")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for an 8-character organisation code body."""
    if len(first8) != 8 or not re.fullmatch(r"[0-9A-Z]{8}", first8):
        raise ValueError(f"need 8 characters 0-9A-Z, got {first8!r}")
    total = sum(int(c, 36) * w for c, w in zip(first8, ORG_WEIGHTS))
    c9 = 11 - total % 11
    return {10: "X", 11: "0"}.get(c9, str(c9))


def org_code_problem(code: str) -> str | None:
    """Why a 9-character organisation code (hyphen optional) fails GB 11714, or None."""
    value = code.upper().replace("-", "")
    if not _ORG_SHAPE.fullmatch(value):
        return "组织机构代码格式错误"
    expected = org_code_check_char(value[:8])
    if value[8] != expected:
        return f"组织机构代码校验码应为 {expected}，实为 {value[8]}"
    return None


def uscc_problem(uscc: str) -> str | None:
    """Why ``uscc`` fails GB 32100 (or its embedded GB 11714 code), or None when it passes."""
    value = uscc.upper()
    if not _USCC_SHAPE.fullmatch(value):
        return "格式错误（应为18位，不含 I、O、S、V、Z）"
    if value[0] not in USCC_AUTHORITIES:
        return f"登记管理部门代码 {value[0]} 无效"
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        return f"校验码应为 {expected}，实为 {value[17]}"
    return org_code_problem(value[8:17])


def is_valid_uscc(uscc: str) -> bool:
    """True when ``uscc`` passes GB 32100 and its organisation code passes GB 11714."""
    return uscc_problem(uscc) is None


def make_uscc(authority_class: str, region: str, org_body: str) -> str:
    """Build a checksum-valid USCC from 2 + 6 + 8 characters (the org check char is computed)."""
    org = org_body + org_code_check_char(org_body)
    first17 = authority_class + region + org
    return first17 + uscc_check_char(first17)


# Characters OCR engines swap in printed identifiers (domain.md): each string is one group.
OCR_CONFUSION_GROUPS = ("0OD", "1IL", "2Z", "5S", "8B", "X×")
_CONFUSION_GROUP_OF = {c: group for group in OCR_CONFUSION_GROUPS for c in group}


def ocr_confusable(read: str, expected: str, max_substitutions: int = 1) -> bool:
    """True when ``read`` differs from ``expected`` (compared upper-case) in 1..``max_substitutions``
    positions, each a swap within one OCR confusion group (0/O/D, 1/I/l, 2/Z, 5/S, 8/B, X/×).

    Equal strings are not "confusable": the caller decides what an exact match means.
    """
    a, b = read.upper(), expected.upper()
    if len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    return 0 < len(diffs) <= max_substitutions and all(
        _CONFUSION_GROUP_OF.get(x) is not None and _CONFUSION_GROUP_OF.get(x) == _CONFUSION_GROUP_OF.get(y)
        for x, y in diffs)
