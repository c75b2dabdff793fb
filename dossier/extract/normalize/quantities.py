"""Plain quantities printed on contracts: 建筑面积, 层数, 跨度, 高度.

Unlike an amount, a measurement may have any number of decimals (12.707 m is a height), so the
amount rules for OCR'd separators do not apply; commas are thousands separators.
"""

from __future__ import annotations

import re
from decimal import Decimal

from .result import Normalised, nfkc

_NUMBER = re.compile(r"(?<![\d.])(\d[\d,]*(?:\.\d+)?)(万)?", re.ASCII)
MAX_QUANTITY = Decimal(10**12)  # beyond any building; also keeps Decimal within precision


def normalise_number(raw: str) -> Normalised | None:
    """The first number in ``raw`` as a plain decimal string: "12,345.60平方米" -> "12345.6",
    "18层" -> "18", "1.2万㎡" -> "12000". None when there is no number."""
    text = re.sub(r"\s+", "", nfkc(raw)).replace("，", ",")
    m = _NUMBER.search(text)
    if m is None:
        return None
    value = Decimal(m.group(1).replace(",", "")) * (10**4 if m.group(2) else 1)
    if value > MAX_QUANTITY:
        return None
    return Normalised(f"{value.normalize():f}")
