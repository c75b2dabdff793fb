"""Money: amounts in figures, amounts in words (大写), and Decimal -> 大写.

Values are ``Decimal`` throughout (never float) and come out as yuan with two decimals,
``"12345678.00"``. Amounts in 万元 / 亿元 are scaled to yuan.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .chinese_numerals import (
    DIGITS,
    MAX_WORDS_INT,
    NUMERAL_CHARS,
    UPPER_DIGITS,
    ZEROS,
    int_to_upper,
    units_to_int,
)
from .result import CERTAIN, GUESSED, TOLERATED, Normalised, nfkc

CENT = Decimal("0.01")
MAX_WORDS_AMOUNT = Decimal(MAX_WORDS_INT) + Decimal("0.99")
MAX_AMOUNT = Decimal(10**15)  # no filing mentions more; also keeps quantize() within precision
_UNITS = {"万": Decimal(10**4), "亿": Decimal(10**8)}

# A run of digits with the separators OCR may put in it; the currency unit may follow.
_NUMBER = re.compile(r"(?<![\d.,])\d(?:[\d.,]*\d)?", re.ASCII)
_UNIT_AFTER = re.compile(r"(万|亿)?(元|圆)?")
_MIDDOT_BETWEEN_DIGITS = re.compile(r"(?<=\d)[·•](?=\d)")

# Latin O is a zero only in dates; in 大写 it would turn any "No." into an amount.
_WORD_CHARS = "".join(ch for ch in NUMERAL_CHARS if ch not in "Oo") + "元角分整"
_WORD_RUN = re.compile(f"[{_WORD_CHARS}]+")
_NONZERO_DIGIT = f"[{''.join(DIGITS)}]"
_ZERO = f"[{''.join(ZEROS)}]"
_UPPER = re.compile("[壹贰貳叁參肆伍陆陸柒捌玖拾佰仟]")
_LOWER = re.compile("[一二三四五六七八九十百千两]")
_CENTS = re.compile(f"{_ZERO}?(?:({_NONZERO_DIGIT})角)?{_ZERO}?(?:({_NONZERO_DIGIT})分)?")
# glyphs OCR reads for a financial numeral they look like (肆任捌佰: 仟's stroke lost); taken for
# it only between numerals, where no other word stands
NUMERAL_LOOKALIKES = {"任": "仟", "仠": "仟", "伯": "佰", "陌": "佰", "抬": "拾", "恰": "拾", "叄": "叁", "参": "叁"}
_LOOKALIKE = re.compile(f"(?<=[{_WORD_CHARS}])[{''.join(NUMERAL_LOOKALIKES)}](?=[{_WORD_CHARS}])")


def _yuan(value: Decimal) -> str:
    return f"{value.quantize(CENT):f}"


def _read_figures(token: str, scaled: bool) -> tuple[Decimal, float, list[str]] | None:
    """Interpret a digit run with ',' and '.' in it: which separator is the decimal point.

    Regular forms are certain. OCR slips are accepted only when the grouping leaves one reading:
    a thousands comma read as a dot (12.707.00), a decimal point read as a comma (12,707,00),
    a single dot before exactly three digits (12.707: yuan have no third decimal). ``scaled``
    (a 万/亿 unit follows) means any number of decimals is legitimate.
    """
    groups = re.split(r"[.,]", token)
    seps = re.findall(r"[.,]", token)
    if not seps:
        return Decimal(token), CERTAIN, []
    head, inner, last = groups[0], groups[1:-1], groups[-1]
    thousands_ok = 1 <= len(head) <= 3 and all(len(g) == 3 for g in inner)
    point_last = seps[-1] == "." and set(seps[:-1]) <= {","}
    as_decimal = Decimal("".join(groups[:-1]) + "." + last)
    if point_last and (len(seps) == 1 or thousands_ok) and (scaled or len(last) <= 2):
        return as_decimal, CERTAIN, []  # 1234.56, 1,234.56, 123.4567万
    if thousands_ok and len(last) == 3:
        integer = Decimal("".join(groups))
        if set(seps) == {","}:
            return integer, CERTAIN, []
        if len(seps) > 1:  # two points cannot both be decimal points
            return integer, TOLERATED, ["千分位逗号疑被识别为小数点，已按千分位读取"]
        return integer, GUESSED, ["小数点后三位（元无三位小数），已按千分位读取"]
    if thousands_ok and len(last) <= 2:
        return as_decimal, TOLERATED, ["千分位或小数点疑似误识，已按金额格式读取"]
    if point_last and len(last) <= 2:
        return as_decimal, GUESSED, ["千分位分组不规则"]
    return None


def normalise_amount(raw: str) -> Normalised | None:
    """An amount in figures as yuan with two decimals: "1,234.56元", "¥1,234.56",
    "123.4万元" -> "1234000.00", "5000万元人民币" -> "50000000.00".

    When several numbers appear, the one marked as money (¥ before, or 元/万/亿 after) wins,
    otherwise the first. Amounts in words are ``normalise_amount_words``' job.
    """
    text = re.sub(r"\s+", "", nfkc(raw)).replace("，", ",")
    text = _MIDDOT_BETWEEN_DIGITS.sub(".", text)
    candidates = []
    for m in _NUMBER.finditer(text):
        unit, currency = _UNIT_AFTER.match(text, m.end()).groups()
        marked = bool(unit or currency) or text[: m.start()].endswith("¥")
        candidates.append((not marked, m.start(), m.group(), unit))
    if not candidates:
        return None
    _, _, token, unit = min(candidates)
    read = _read_figures(token, scaled=unit is not None)
    if read is None:
        return None
    number, confidence, notes = read
    value = number * _UNITS[unit] if unit else number
    if value > MAX_AMOUNT:
        return None
    if value != value.quantize(CENT):
        confidence = min(confidence, TOLERATED)
        notes.append("金额超过两位小数，已四舍五入到分")
    return Normalised(_yuan(value.quantize(CENT, ROUND_HALF_UP)), confidence, notes=tuple(notes))


def normalise_amount_words(raw: str) -> Normalised | None:
    """An amount in words as yuan with two decimals.

    Reads financial upper-case and lower-case numerals: "人民币（大写）壹佰贰拾叁万肆仟伍佰陆拾柒元
    捌角玖分", "壹万零伍元整", "壹亿贰仟万元整", "拾万元", "伍角", "一百元"; 圆 is 元 and 正 is 整.
    A glyph OCR reads for a numeral it looks like (任 for 仟) between numerals is read as that
    numeral, doubted.
    """
    text = re.sub(r"\s+", "", nfkc(raw)).replace("圆", "元").replace("正", "整")
    lookalike = _LOOKALIKE.search(text)
    text = _LOOKALIKE.sub(lambda m: NUMERAL_LOOKALIKES[m.group()], text)
    runs = sorted(_WORD_RUN.findall(text), key=len, reverse=True)
    if not runs:
        return None
    words = runs[0].rstrip("整")
    if "元" in words:
        integer_part, cents_part = words.split("元", 1)
    elif "角" in words or "分" in words:
        integer_part, cents_part = "", words
    else:
        integer_part, cents_part = words, ""
    yuan = units_to_int(integer_part) if integer_part else 0
    cents = _CENTS.fullmatch(cents_part)
    if yuan is None or cents is None or not (integer_part or any(cents.groups())):
        return None
    jiao, fen = (DIGITS[g] if g else 0 for g in cents.groups())
    value = _yuan(Decimal(yuan) + Decimal(jiao * 10 + fen) / 100)
    if lookalike:
        return Normalised(value, TOLERATED, notes=(f"大写金额中的“{lookalike.group()}”按“{NUMERAL_LOOKALIKES[lookalike.group()]}”读取，"
                                                   "疑为识别误差",))
    if _UPPER.search(words) and _LOWER.search(words):
        # 五仟万圆整: financial numerals are written all upper-case; a lower-case one among them
        # is an OCR slip (伍 -> 五) or an irregular writing, read but to be confirmed
        return Normalised(value, TOLERATED, notes=("大写金额中混有小写数字，疑为识别误差",))
    return Normalised(value)


def normalise_amount_any(raw: str) -> Normalised | None:
    """An amount printed either way, as a licence's 注册资本 is: in figures ("5000万元人民币")
    when the text holds a digit, else in words ("伍仟万圆整")."""
    if any(ch.isdigit() for ch in nfkc(raw)):
        return normalise_amount(raw)
    return normalise_amount_words(raw)


def amount_to_words(amount: Decimal | int | str) -> str:
    """Write an amount in yuan in financial upper-case, as banks and contracts do.

    1004 -> 壹仟零肆元整, 100015.5 -> 壹拾万零壹拾伍元伍角, 1.05 -> 壹元零伍分, 0.5 -> 伍角.
    Raises ValueError for negative amounts, fractions of a cent, or more than 9999亿.
    """
    try:
        value = Decimal(amount)
    except InvalidOperation:
        raise ValueError(f"not an amount: {amount!r}") from None
    if not value.is_finite() or not 0 <= value <= MAX_WORDS_AMOUNT or value != value.quantize(CENT):
        raise ValueError(f"cannot write {amount!r} in words (0 .. {MAX_WORDS_AMOUNT}, whole cents)")
    yuan = int(value)
    jiao, fen = divmod(int((value - yuan) * 100), 10)
    if not (jiao or fen):
        return f"{int_to_upper(yuan)}元整"
    out = f"{int_to_upper(yuan)}元" if yuan else ""
    if jiao:
        out += f"{UPPER_DIGITS[jiao]}角"
    elif yuan:
        out += UPPER_DIGITS[0]  # 壹元零伍分: a zero 角 between 元 and 分 is written
    if fen:
        out += f"{UPPER_DIGITS[fen]}分"
    return out
