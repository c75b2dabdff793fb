"""Chinese numerals, both directions.

Two reading styles exist on the documents:

* positional digits, used for years: 二〇二四 = 2024 (zero written 〇, 零, ○, or OCR's Latin O);
* unit numerals, used for days, months and amounts: 三十一, 壹仟零伍, 壹亿贰仟万.

Lower-case (一二三 十百千) and financial upper-case (壹贰叁 拾佰仟) forms are read alike. Unit
numerals are parsed strictly: an ambiguous or malformed numeral (壹佰伍, 十十, 壹万壹亿) is
rejected rather than guessed, because a wrong amount that parses silently is worse than none.
"""

from __future__ import annotations

ZEROS = frozenset("零〇○Oo")
DIGITS: dict[str, int] = {
    **dict.fromkeys("一壹弌", 1),
    **dict.fromkeys("二贰貳两", 2),
    **dict.fromkeys("三叁參", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆陸", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
SMALL_UNITS: dict[str, int] = {
    **dict.fromkeys("十拾", 10),
    **dict.fromkeys("百佰", 100),
    **dict.fromkeys("千仟", 1000),
}
BIG_UNITS: dict[str, int] = {**dict.fromkeys("万萬", 10**4), **dict.fromkeys("亿億", 10**8)}

# Every character a Chinese numeral may contain (for building regular expressions).
NUMERAL_CHARS = "".join(sorted(ZEROS | DIGITS.keys() | SMALL_UNITS.keys() | BIG_UNITS.keys()))

UPPER_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UPPER_UNITS = ("", "拾", "佰", "仟")
_UPPER_BIG = ("", "万", "亿")
MAX_WORDS_INT = 10**12 - 1  # 亿 groups go up to 9999亿; beyond that 万亿 nesting would be needed


def positional_to_int(text: str) -> int | None:
    """Read digit-by-digit numerals (二〇二四 -> 2024); None if any character is not a digit."""
    if not text:
        return None
    value = 0
    for ch in text:
        if ch in ZEROS:
            digit = 0
        elif ch in DIGITS:
            digit = DIGITS[ch]
        else:
            return None
        value = value * 10 + digit
    return value


def units_to_int(text: str) -> int | None:
    """Read a unit numeral (三十一, 壹万零伍, 壹亿贰仟万) up to 9999亿; None when malformed.

    Rules enforced (the ones that keep a reading unambiguous): small units strictly descend
    within a 万 group; a bare 十 (meaning 一十) only opens a group (十一, 拾万); a digit without a
    unit follows 十 or 零 (壹佰零伍, 壹万零伍, not the colloquial 壹佰伍 or 壹万伍); 万 and 亿
    appear once each, 亿 before 万.
    """
    if not text:
        return None
    if all(ch in ZEROS for ch in text):
        return 0
    total = 0  # the 亿 part
    wan = 0  # the 万 part
    group = 0  # the current group, below 10 000
    digit: int | None = None
    last_unit = 10**4  # smallest unit used so far in this group; units must descend
    zero_since_unit = False
    seen_wan = seen_yi = False

    def ones_allowed(at_end: bool) -> bool:
        # A bare digit counts as units after 十 or 零, or when nothing precedes it in its group;
        # at the very end a fresh group must also be the whole numeral: 壹万伍 may mean 15 000.
        if last_unit == 10 or zero_since_unit:
            return True
        fresh_group = group == 0 and last_unit == 10**4
        return fresh_group and not (at_end and (seen_wan or seen_yi))

    for ch in text:
        if ch in ZEROS:
            if digit is not None:
                return None  # 三零: positional digits do not belong in a unit numeral
            zero_since_unit = True
        elif ch in DIGITS:
            if digit is not None:
                return None
            digit = DIGITS[ch]
        elif ch in SMALL_UNITS:
            unit = SMALL_UNITS[ch]
            if unit >= last_unit:
                return None
            if digit is None:
                if unit != 10 or group != 0:
                    return None
                digit = 1  # 十一, 拾万
            group += digit * unit
            digit, last_unit, zero_since_unit = None, unit, False
        elif ch in BIG_UNITS:
            if digit is not None:
                if not ones_allowed(at_end=False):
                    return None
                group += digit
            if group == 0:
                return None
            if BIG_UNITS[ch] == 10**4:
                if seen_wan:
                    return None
                wan, seen_wan = group * 10**4, True
            else:
                if seen_yi or seen_wan:
                    return None
                total, seen_yi = group * 10**8, True
            group, digit, last_unit, zero_since_unit = 0, None, 10**4, False
        else:
            return None
    if digit is not None:
        if not ones_allowed(at_end=True):
            return None
        group += digit
    return total + wan + group


def int_to_upper(n: int) -> str:
    """Write 0 <= n <= 999 999 999 999 in financial upper-case (1004 -> 壹仟零肆).

    Bank convention: 壹拾 is written in full, and each run of zeros between non-zero digits
    (within a group or across a 万/亿 boundary) is written as one 零.
    """
    if not 0 <= n <= MAX_WORDS_INT:
        raise ValueError(f"out of range for upper-case numerals: {n}")
    if n == 0:
        return UPPER_DIGITS[0]
    groups = []
    while n:
        n, rest = divmod(n, 10**4)
        groups.append(rest)
    out = []
    zero_pending = False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            zero_pending = bool(out)
            continue
        if out and (zero_pending or group < 1000):
            out.append(UPPER_DIGITS[0])
        out.append(_group_to_upper(group) + _UPPER_BIG[index])
        zero_pending = False
    return "".join(out)


def _group_to_upper(group: int) -> str:
    """Upper-case words for 1 <= group <= 9999, without a leading 零."""
    out = []
    zero_pending = False
    for power in (3, 2, 1, 0):
        digit = group // 10**power % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out.append(UPPER_DIGITS[0])
            zero_pending = False
        out.append(UPPER_DIGITS[digit] + _UPPER_UNITS[power])
    return "".join(out)
