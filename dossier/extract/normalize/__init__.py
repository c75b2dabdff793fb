"""Normalisers: raw OCR or text-layer strings -> the values of the ``dossier extract --json``
contract (dates ``YYYY-MM-DD``, months ``YYYY-MM``, amounts ``"12345678.00"``, upper-case ID
numbers, names without spaces).

Each is a pure function ``(raw: str) -> Normalised | None``; ``NORMALISERS`` names them for field
specs. OCR repairs of identifiers are proposed in ``Normalised.suggestion``, never applied.
"""

from .amounts import amount_to_words
from .registry import NORMALISERS, Normaliser, get_normaliser
from .result import Normalised

__all__ = ["NORMALISERS", "Normalised", "Normaliser", "amount_to_words", "get_normaliser"]
