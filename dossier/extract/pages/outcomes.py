"""Merging per-page outcomes (pages or errors) into a FileText, the same way for every format."""

from __future__ import annotations

from collections.abc import Mapping

from dossier.model import FileText, PageText


def page_error(number: int, error: Exception) -> str:
    """The error item of one page (a FileText.errors entry): page, kind of error, message."""
    message = getattr(error, "message", str(error))
    return f"page {number}: {type(error).__name__}: {message}"


def add_outcomes(result: FileText, outcomes: Mapping[int, PageText | Exception]) -> FileText:
    """Add ``{page number: page or error}`` to ``result``; pages end up sorted by number."""
    for number, outcome in outcomes.items():
        if isinstance(outcome, Exception):
            result.errors.append(page_error(number, outcome))
        else:
            result.pages.append(outcome)
    result.pages.sort(key=lambda page: page.number)
    return result
