"""Names people give things (users, applications) must look like what they are.

Bidirectional controls (U+202E turns ``gpj.exe`` into ``exe.jpg`` on screen) and zero-width
characters (two names that look alike but differ) are Unicode format characters, category ``Cf``;
a name holding one is refused rather than cleaned, so what is stored is what was typed.
"""

from __future__ import annotations

import unicodedata


def hidden_characters(text: str) -> list[str]:
    """The invisible format characters in ``text`` as ``U+XXXX`` (empty when there is none)."""
    return [f"U+{ord(ch):04X}" for ch in text if unicodedata.category(ch) == "Cf"]


def hidden_reason_zh(text: str, what_zh: str) -> str | None:
    """A Chinese reason to refuse ``text`` as a ``what_zh`` (e.g. 用户名), or None when it is fine."""
    found = hidden_characters(text)
    if not found:
        return None
    return f"{what_zh}含有不可见的控制字符（{'、'.join(dict.fromkeys(found))}，如双向文本控制符或零宽字符），请重新输入"
