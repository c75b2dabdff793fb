"""The result every normaliser returns, and the one text clean-up they all start with."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

# Confidence factors: what a normaliser multiplies into the reader's (OCR) confidence. Named here
# so that every module uses the same scale and LOW_CONFIDENCE thresholds stay meaningful.
CERTAIN = 1.0  # parsed as printed; the normaliser adds no doubt
TOLERATED = 0.8  # parsed after tolerating a known OCR slip (e.g. a thousands dot)
GUESSED = 0.6  # parsed, but the reading is one of few plausible ones
REPAIR_PROPOSED = 0.5  # the value as read is wrong; a unique repair is offered as ``suggestion``
DOUBTFUL = 0.2  # the value as read is wrong (or the wrong length) and no repair is offered


@dataclass(frozen=True)
class Normalised:
    """A normalised value with what normalisation learnt about it.

    ``value`` is the contract form (``"2024-03-01"``, ``"12345678.00"``, a list of strings, or a
    tuple for date ranges: ``(from, to)``, or ``(date,)`` when the text names one end only).
    ``confidence`` is a factor in [0, 1] for the caller to multiply into the reader's confidence.
    ``suggestion`` is a proposed OCR repair; it is never applied to ``value``, a person accepts
    it. ``notes`` are short Chinese remarks for reviewers.
    Normalisers return ``None`` instead of a ``Normalised`` when the text does not parse.
    """

    value: str | list[str] | tuple[str, ...]
    confidence: float = CERTAIN
    suggestion: str | None = None
    notes: tuple[str, ...] = ()


def nfkc(text: str) -> str:
    """NFKC-normalise: full-width digits, letters and punctuation become ASCII, and CJK
    compatibility ideographs and Kangxi radicals (which OCR engines emit) become ordinary ones."""
    return unicodedata.normalize("NFKC", text)
