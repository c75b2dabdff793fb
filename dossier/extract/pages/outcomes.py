"""Merging per-page outcomes (pages or errors) into a FileText, the same way for every format."""

from __future__ import annotations

from collections.abc import Mapping

from dossier.errors import CorruptFile
from dossier.extract.pages.lines import reading_order
from dossier.model import FileText, PageText, TextSource


def page_error(number: int, error: Exception) -> str:
    """The error item of one page (a FileText.errors entry): page, kind of error, message."""
    message = getattr(error, "message", str(error))
    return f"page {number}: {type(error).__name__}: {message}"


def add_outcomes(result: FileText, outcomes: Mapping[int, PageText | Exception]) -> FileText:
    """Add ``{page number: page or error}`` to ``result``; pages end up sorted by number.

    OCR pages get their lines in reading order here (the cache keeps the engine's order).
    Raises CorruptFile when no page could be decoded at all.
    """
    for number, outcome in sorted(outcomes.items()):
        if isinstance(outcome, Exception):
            result.errors.append(page_error(number, outcome))
        else:
            if outcome.source is TextSource.ocr:
                outcome.lines = reading_order(outcome.lines)
            result.pages.append(outcome)
    failures = [o for o in outcomes.values() if isinstance(o, Exception)]
    if not result.pages and failures and all(isinstance(o, CorruptFile) for o in failures):
        # Not one page could be decoded: the file is unreadable, which the caller must handle
        # (quarantine), rather than a partial result.
        raise failures[0]
    return result
