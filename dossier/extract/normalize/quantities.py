"""Plain quantities printed on contracts: 建筑面积, 层数, 跨度, 高度.

Unlike an amount, a measurement may have any number of decimals (12.707 m is a height), so the
amount rules for OCR'd separators do not apply; commas are thousands separators.

Canonical forms: a count (层数) as an integer string, "28"; a measurement (m², m) with at least
two decimals, like an amount, "24500.00", "86.40", and more only as printed, "12.707".
"""

from __future__ import annotations

import re
from decimal import Decimal

from .chinese_numerals import units_to_int
from .result import CERTAIN, GUESSED, TOLERATED, Normalised, nfkc

_NUMBER = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)(万)?", re.ASCII)
# a thousands comma read as a dot before the decimal point (10.939.60): two points cannot both be
# decimal points, and groups of three between them are thousands
_DOTTED_THOUSANDS = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{3})+)\.(\d+)(?![\d.])", re.ASCII)
DOTTED_NOTE = "千分位逗号疑被识别为小数点，已按千分位读取"
POINTS_NOTE = "数字中有多个小数点，疑有误识"
_COUNT_WORDS = re.compile(r"[零一二两三四五六七八九十百]+")
MAX_QUANTITY = Decimal(10**12)  # beyond any building; also keeps Decimal within precision


def _read(raw: str) -> tuple[Decimal, float, tuple[str, ...]] | None:
    """The first number in ``raw``, how sure its reading is and the notes on slips read through."""
    text = re.sub(r"\s+", "", nfkc(raw)).replace("，", ",")
    m = _NUMBER.search(text)
    if m is None:
        return None
    confidence, notes = CERTAIN, ()
    dotted = _DOTTED_THOUSANDS.match(text, m.start())
    if dotted:
        figures, confidence, notes = f"{dotted.group(1).replace('.', '')}.{dotted.group(2)}", TOLERATED, (DOTTED_NOTE,)
    else:
        figures = m.group(1).replace(",", "")
        if re.match(r"\.\d", text[m.end(1):]):
            confidence, notes = GUESSED, (POINTS_NOTE,)  # 10.93.60: which point is the decimal one?
    value = Decimal(figures) * (10**4 if m.group(2) and not dotted else 1)
    return (value, confidence, notes) if value <= MAX_QUANTITY else None


def normalise_measure(raw: str) -> Normalised | None:
    """A measurement with at least two decimals: "24,500平方米" -> "24500.00", "86.4米" ->
    "86.40", "12.707m" -> "12.707", "1.2万㎡" -> "12000.00". None when there is no number."""
    read = _read(raw)
    if read is None:
        return None
    value, confidence, notes = read
    value = value.normalize()
    if value.as_tuple().exponent > -2:  # type: ignore[operator]
        value = value.quantize(Decimal("0.01"))
    return Normalised(f"{value:f}", confidence, notes=notes)


def normalise_number(raw: str) -> Normalised | None:
    """The first number in ``raw`` as a plain decimal string: "12,345.60平方米" -> "12345.6",
    "18层" -> "18", "1.2万㎡" -> "12000", a count in words: "十三层" -> "13". None when there is no
    number."""
    read = _read(raw)
    if read is None:
        words = _COUNT_WORDS.search(nfkc(raw))
        count = units_to_int(words.group(0)) if words else None
        return None if count is None else Normalised(str(count))
    value, confidence, notes = read
    return Normalised(f"{value.normalize():f}", confidence, notes=notes)
