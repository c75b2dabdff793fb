"""The CJK font drawn into the packet's own pages; embedded (subset) so the packet renders anywhere."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from dossier.errors import FontMissing


@lru_cache(maxsize=None)
def cjk_font(path: Path) -> str:
    """Register the TrueType font at ``path`` (face 0 of a .ttc) with reportlab; its name.

    Registered once per process and path: parsing a 17 MB collection is the slow part.
    Raises FontMissing naming the path when it is not there.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not path.is_file():
        raise FontMissing(f"CJK font not found at {path}", path=path)
    name = "CJK-" + hashlib.sha256(str(path).encode()).hexdigest()[:8]
    pdfmetrics.registerFont(TTFont(name, str(path), subfontIndex=0))
    return name


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis so that it fits ``width`` points."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"
