"""The CJK font drawn into the packet's own pages; embedded (subset) so the packet renders anywhere."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dossier.errors import FontMissing


@lru_cache(maxsize=None)
def cjk_font(path: Path) -> str:
    """Register the TrueType font at ``path`` (face 0 of a .ttc) with reportlab; its name.

    Registered once per process and path: parsing a font of 10-17 MB is the slow part. The name
    comes from the file's content, not its path, so the same font gives the same packet bytes
    whichever user's cache it sits in. Raises FontMissing naming the path when it is not there.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if not path.is_file():
        raise FontMissing(f"CJK font not found at {path}", path=path)
    name = "CJK-" + hashlib.sha256(path.read_bytes()).hexdigest()[:8]
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


@dataclass(frozen=True)
class EmbeddedFont:
    """A font a PDF uses: whether its TrueType program is embedded, and its ToUnicode map."""

    name: str  # BaseFont without the slash; ``ABCDEF+Name`` for a subset
    embedded: bool
    to_unicode: str

    @property
    def subset(self) -> bool:
        tag, _, rest = self.name.partition("+")
        return bool(rest) and len(tag) == 6 and tag.isupper()


def embedded_fonts(pdf: Path, pages: int = 2) -> list[EmbeddedFont]:
    """The fonts used on the first ``pages`` pages of ``pdf`` (a packet's cover and 目录)."""
    from pypdf import PdfReader

    found: dict[str, EmbeddedFont] = {}
    for page in PdfReader(pdf).pages[:pages]:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1") if "/ToUnicode" in font else ""
            name = str(font["/BaseFont"]).lstrip("/")
            found[name] = EmbeddedFont(name, "/FontFile2" in descriptor, to_unicode)
    return list(found.values())
