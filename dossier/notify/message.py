"""One message as every sender takes it: a title, the body as Markdown and as plain text, and the
JSON object a plain webhook receives (the ``dossier remind --json`` shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    title: str
    markdown: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)


def clip_utf8(text: str, limit: int, tail: str) -> str:
    """``text`` cut to at most ``limit`` UTF-8 bytes (whole characters), ending in ``tail`` when cut:
    a robot refuses a longer message outright (企业微信 markdown: 4096 bytes)."""
    data = text.encode()
    if len(data) <= limit:
        return text
    room = limit - len(tail.encode())
    return data[:room].decode("utf-8", errors="ignore").rstrip() + tail
