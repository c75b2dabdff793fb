"""Normalisers by name, so that field specs (YAML) can say ``normalise: date_or_long``.

Every entry has the same shape: ``(raw: str) -> Normalised | None``, None meaning "does not
parse". No entry raises on any string.
"""

from __future__ import annotations

from collections.abc import Callable

from .amounts import normalise_amount, normalise_amount_any, normalise_amount_words
from .dates import (
    normalise_date,
    normalise_date_or_long,
    normalise_date_range,
    normalise_month,
    normalise_month_range,
)
from .identifiers import normalise_id_number, normalise_uscc
from .quantities import normalise_measure, normalise_number
from .result import Normalised
from .text import (
    normalise_authority,
    normalise_code,
    normalise_ethnicity,
    normalise_gender,
    normalise_insurance_types,
    normalise_list,
    normalise_name,
    normalise_qualification_list,
    normalise_specialty_list,
    normalise_text,
)

Normaliser = Callable[[str], Normalised | None]

NORMALISERS: dict[str, Normaliser] = {
    "date": normalise_date,
    "date_or_long": normalise_date_or_long,
    "date_range": normalise_date_range,
    "month": normalise_month,
    "month_range": normalise_month_range,
    "amount": normalise_amount,
    "amount_words": normalise_amount_words,
    "amount_any": normalise_amount_any,
    "number": normalise_number,
    "measure": normalise_measure,
    "id_number": normalise_id_number,
    "uscc": normalise_uscc,
    "code": normalise_code,
    "name": normalise_name,
    "list": normalise_list,
    "qualification_list": normalise_qualification_list,
    "specialty_list": normalise_specialty_list,
    "gender": normalise_gender,
    "ethnicity": normalise_ethnicity,
    "insurance_types": normalise_insurance_types,
    "text": normalise_text,
    "authority": normalise_authority,
}


def get_normaliser(name: str) -> Normaliser:
    """The normaliser called ``name``; raises KeyError naming the known ones (for spec loading)."""
    try:
        return NORMALISERS[name]
    except KeyError:
        raise KeyError(f"unknown normaliser {name!r}; known: {', '.join(sorted(NORMALISERS))}") from None
