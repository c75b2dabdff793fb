"""Masking of personal identifiers outside the filing itself (logs, lists, reports for others)."""

from __future__ import annotations

import logging
import re
from typing import Any

_ID18 = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_id(id_number: str) -> str:
    """Keep the first 6 and last 4 characters: ``110101********1239``."""
    if len(id_number) <= 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_text(text: str) -> str:
    """Mask every 18-character ID number found in free text."""
    return _ID18.sub(lambda m: mask_id(m.group(0)), text)


def mask_values(value: Any) -> Any:
    """``value`` (JSON-like: dicts, lists, strings) with every ID number in its strings masked."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {k: mask_values(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_values(v) for v in value]
    return value


class MaskingFilter(logging.Filter):
    """A logging filter that masks ID numbers in the rendered message and its arguments."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_text(record.getMessage())
        record.args = None
        return True


def install_log_masking(logger: logging.Logger | None = None) -> None:
    """Attach the masking filter to every handler of ``logger`` (the root logger by default)."""
    target = logger or logging.getLogger()
    for handler in target.handlers:
        if not any(isinstance(f, MaskingFilter) for f in handler.filters):
            handler.addFilter(MaskingFilter())
